/**
 * Emulator throughput: GET-by-id and small-page queries, requests per second against the emulator
 * versus a bare node:http JSON server answering the same rows, both in worker threads of this
 * process, driven by the same keep-alive client at the same concurrency. Target: >= 0.5x.
 */
import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';
import { createRegistry, coreEntities } from '../src/emulator/core/entities/registry.js';
import { outputColumns } from '../src/emulator/core/odata/serialize.js';
import { type Benchmark, type BenchResult } from './harness.js';
import { rateResult } from './legacy.js';

const ROWS = 2000;
const CONCURRENCY = 16;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Server {
  url: string;
  ids: string[];
  worker: Worker;
}

/**
 * Worker code: starts either the emulator (all plugins, limits raised) or a bare JSON server. The
 * bare server answers the same documents the emulator does (every column of the row, nulls
 * included, as Dataverse answers without $select), so both write the same bytes.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createServer } = require('node:http');
const { randomUUID } = require('node:crypto');
const rows = [];
for (let i = 0; i < workerData.rows; i++) {
  const id = randomUUID();
  rows.push({ contactid: id, firstname: 'First' + i, lastname: 'Last' + i, fullname: 'First' + i + ' Last' + i, emailaddress1: 'person' + i + '@example.com',
    donotemail: false, donotbulkemail: false, statecode: 0, statuscode: 1, createdon: '2026-01-01T00:00:00Z', modifiedon: '2026-01-01T00:00:00Z', versionnumber: 1000 + i });
}
(async () => {
  if (workerData.kind === 'bare') {
    const full = (row) => { const out = {}; for (const name of workerData.columns) out[name] = row[name] ?? null; return out; };
    const byId = new Map(rows.map((row) => [row.contactid, row]));
    const root = '/api/data/v9.2/';
    const server = createServer({ keepAlive: true }, (req, res) => {
      const url = req.url;
      let body;
      const match = /contacts\\(([0-9a-f-]{36})\\)/.exec(url);
      if (match) {
        const row = byId.get(match[1]);
        body = JSON.stringify({ '@odata.context': 'http://' + req.headers.host + root + '$metadata#contacts/$entity', '@odata.etag': 'W/"' + row.versionnumber + '"', ...full(row) });
      } else {
        body = JSON.stringify({ '@odata.context': 'http://' + req.headers.host + root + '$metadata#contacts(fullname,emailaddress1)', value: rows.slice(0, 10).map((row) => ({ '@odata.etag': 'W/"' + row.versionnumber + '"', fullname: row.fullname, emailaddress1: row.emailaddress1, contactid: row.contactid })) });
      }
      res.writeHead(200, { 'Content-Type': 'application/json; odata.metadata=minimal', 'OData-Version': '4.0', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage({ url: 'http://127.0.0.1:' + server.address().port, ids: rows.map((r) => r.contactid) }));
    return;
  }
  if (workerData.kind === 'core') {
    const { createEmulatorCore } = await import(workerData.coreModule);
    const core = await createEmulatorCore();
    core.store.transaction(() => { for (const row of rows) core.store.insert('contacts', row.contactid, row); });
    parentPort.postMessage({ url: core.url, ids: rows.map((r) => r.contactid) });
    return;
  }
  const { startEmulator } = await import(workerData.emulatorModule);
  const emulator = await startEmulator({ limits: { windowMs: 300000, maxRequests: 1e9, maxExecutionMs: 1e12, maxConcurrent: 100000 } });
  const store = emulator.store;
  store.transaction(() => { for (const row of rows) store.insert('contacts', row.contactid, row); });
  parentPort.postMessage({ url: emulator.url, ids: rows.map((r) => r.contactid) });
})();
`;

function startServer(kind: 'bare' | 'emulator' | 'core'): Promise<Server> {
  const emulatorModule = new URL('../src/emulator/index.js', import.meta.url).href;
  const coreModule = new URL('../src/emulator/core/server.js', import.meta.url).href;
  const contacts = createRegistry(coreEntities).resolved('contacts')!;
  const columns = outputColumns(contacts).map((column) => column.property);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { kind, rows: ROWS, emulatorModule, coreModule, columns } });
  return new Promise((resolve, reject) => {
    worker.once('message', (message: { url: string; ids: string[] }) => resolve({ ...message, worker }));
    worker.once('error', reject);
  });
}

/** Requests per second for `durationMs`, `CONCURRENCY` requests in flight on keep-alive sockets. */
async function measure(server: Server, pathFor: (i: number) => string, headers: Record<string, string>, durationMs: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const url = new URL(server.url);
  const get = (path: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path, headers, agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`${path} answered ${res.statusCode}`));
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  // Warm up the sockets and the JIT.
  await Promise.all(Array.from({ length: CONCURRENCY * 4 }, (_, i) => get(pathFor(i))));
  let completed = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, lane) => {
      let i = lane;
      while (performance.now() < deadline) {
        await get(pathFor(i));
        i += CONCURRENCY;
        completed++;
      }
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  return (completed / elapsed) * 1000;
}

async function run({ smoke }: { smoke: boolean }): Promise<BenchResult[]> {
  // Many short alternating slices: on a shared machine the load drifts within seconds.
  const durationMs = smoke ? 150 : 400;
  const rounds = smoke ? 3 : 11;
  const bare = await startServer('bare');
  const emulator = await startServer('emulator');
  const core = await startServer('core');
  try {
    const byId = (server: Server) => (i: number) => `/api/data/v9.2/contacts(${server.ids[i % server.ids.length]})`;
    const page = () => () => '/api/data/v9.2/contacts?$select=fullname,emailaddress1&$top=10';
    const headers = { Accept: 'application/json', Authorization: 'Bearer benchmark-token', Prefer: 'odata.maxpagesize=10' };
    const notes = `${ROWS} rows, ${CONCURRENCY} concurrent keep-alive requests, median of ${rounds} alternating ${durationMs} ms rounds`;
    const compare = async (name: string, subject: Server, path: (server: Server) => (i: number) => string, target?: number): Promise<BenchResult> => {
      // Alternate the two servers over several rounds: the machine is shared, so load drifts.
      const subjectRates: number[] = [];
      const bareRates: number[] = [];
      for (let round = 0; round < rounds; round++) {
        bareRates.push(await measure(bare, path(bare), headers, durationMs));
        subjectRates.push(await measure(subject, path(subject), headers, durationMs));
      }
      return rateResult(name, median(subjectRates), 'req/s', 'bare node:http JSON server', median(bareRates), target, notes);
    };
    return [
      await compare('GET contacts(<id>), startEmulator (all plugins)', emulator, byId, 0.5),
      await compare('GET contacts?$select&$top=10, startEmulator (all plugins)', emulator, page, 0.5),
      // For reference: the core alone, without protection, faults, request log and marketing.
      await compare('GET contacts(<id>), core only', core, byId),
      await compare('GET contacts?$select&$top=10, core only', core, page),
    ];
  } finally {
    await Promise.all([bare.worker.terminate(), emulator.worker.terminate(), core.worker.terminate()]);
  }
}

export const benchmarks: Benchmark[] = [{ name: 'emulator: requests per second vs bare node:http', description: 'Transitional: not yet rewritten on compare().', run }];
