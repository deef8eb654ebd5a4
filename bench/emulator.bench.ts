/**
 * Emulator benchmarks, each against a baseline doing the same work in the same run, alternated
 * round by round:
 *
 * 1. GET by id (and a small `$select`/`$top` page) in requests per second: `startEmulator` with
 *    every plugin on (request log, service protection with its limits lifted, faults, marketing,
 *    Graph) against a bare node:http server answering the same bytes from a Map. Both run in
 *    worker threads of this process and are driven by the same keep-alive client at the same
 *    concurrency. Target: GET by id >= 0.7x.
 * 2. Paging 20,000 rows with `$orderby` (a column with many ties, then a date descending) against
 *    paging the same rows in primary-key order, same `$select` and page size. Target <= 1.5x.
 * 3. Depth: a page near the end of the ordered result (its skip token taken from a walk) against
 *    the first page of the same query. Target <= 1.5x: page time stays flat with depth.
 */
import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';
import { createRegistry, coreEntities } from '../src/emulator/core/entities/registry.js';
import { outputColumns } from '../src/emulator/core/odata/serialize.js';
import { compare, timed, type Benchmark, type BenchResult, type Side } from './harness.js';

const CONCURRENCY = 16;
const API = '/api/data/v9.2/';

interface Server {
  url: string;
  ids: string[];
  worker: Worker;
}

/**
 * Worker code: starts either the emulator (all plugins, limits lifted), the core alone or a bare
 * server. The bare server answers the documents the emulator does (every column of the row, nulls
 * included, as Dataverse answers without $select; the same headers), so both write the same bytes.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createServer } = require('node:http');
const { randomUUID } = require('node:crypto');
const rows = [];
for (let i = 0; i < workerData.rows; i++) {
  const id = randomUUID();
  const day = String(1 + (i % 28)).padStart(2, '0');
  rows.push({ contactid: id, firstname: 'First' + i, lastname: 'Last' + (i % 500), fullname: 'First' + i + ' Last' + (i % 500), emailaddress1: 'person' + i + '@example.com',
    donotemail: false, donotbulkemail: false, statecode: 0, statuscode: 1, createdon: '2026-01-' + day + 'T00:00:00Z', modifiedon: '2026-01-01T00:00:00Z', versionnumber: 1000 + i });
}
(async () => {
  if (workerData.kind === 'bare') {
    const full = (row) => { const out = {}; for (const name of workerData.columns) out[name] = row[name] ?? null; return out; };
    const byId = new Map(rows.map((row) => [row.contactid, row]));
    const root = '/api/data/v9.2/';
    const server = createServer({ keepAlive: true }, (req, res) => {
      const url = req.url;
      let body;
      const headers = { 'Content-Type': 'application/json; odata.metadata=minimal', 'OData-Version': '4.0' };
      const match = /contacts\\(([0-9a-f-]{36})\\)/.exec(url);
      if (match) {
        const row = byId.get(match[1]);
        headers.ETag = 'W/"' + row.versionnumber + '"';
        body = JSON.stringify({ '@odata.context': 'http://' + req.headers.host + root + '$metadata#contacts/$entity', '@odata.etag': 'W/"' + row.versionnumber + '"', ...full(row) });
      } else {
        headers['Preference-Applied'] = 'odata.maxpagesize=10';
        body = JSON.stringify({ '@odata.context': 'http://' + req.headers.host + root + '$metadata#contacts(fullname,emailaddress1)', value: rows.slice(0, 10).map((row) => ({ '@odata.etag': 'W/"' + row.versionnumber + '"', fullname: row.fullname, emailaddress1: row.emailaddress1, contactid: row.contactid })) });
      }
      // The headers service protection adds to every answer (values of the same length).
      headers['x-ms-ratelimit-burst-remaining-xrm-requests'] = '999999999';
      headers['x-ms-ratelimit-time-remaining-xrm-requests'] = '1,000,000,000.00';
      headers['x-ms-dop-hint'] = '8';
      headers['x-ms-service-request-id'] = randomUUID();
      headers['Content-Length'] = String(Buffer.byteLength(body));
      res.writeHead(200, headers);
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

function startServer(kind: 'bare' | 'emulator' | 'core', rows: number): Promise<Server> {
  const emulatorModule = new URL('../src/emulator/index.js', import.meta.url).href;
  const coreModule = new URL('../src/emulator/core/server.js', import.meta.url).href;
  const contacts = createRegistry(coreEntities).resolved('contacts')!;
  const columns = outputColumns(contacts).map((column) => column.property);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { kind, rows, emulatorModule, coreModule, columns } });
  return new Promise((resolve, reject) => {
    worker.once('message', (message: { url: string; ids: string[] }) => resolve({ ...message, worker }));
    worker.once('error', reject);
  });
}

const HEADERS = { Accept: 'application/json', Authorization: 'Bearer benchmark-token', 'OData-Version': '4.0' };

function get(agent: Agent, base: URL, path: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`${path} answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Requests per second for `durationMs`, `CONCURRENCY` requests in flight on keep-alive sockets. */
async function throughput(server: Server, pathFor: (i: number) => string, headers: Record<string, string>, durationMs: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const base = new URL(server.url);
  try {
    // Warm the sockets.
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => get(agent, base, pathFor(i), headers)));
    let completed = 0;
    const started = performance.now();
    const deadline = started + durationMs;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, lane) => {
        let i = lane;
        while (performance.now() < deadline) {
          await get(agent, base, pathFor(i), headers);
          i += CONCURRENCY;
          completed++;
        }
      }),
    );
    return (completed / (performance.now() - started)) * 1000;
  } finally {
    agent.destroy();
  }
}

/** Follows `@odata.nextLink` from `path` to the end; returns the rows read and every page's path. */
async function walk(agent: Agent, server: Server, path: string, pageSize: number): Promise<{ rows: number; pages: string[] }> {
  const base = new URL(server.url);
  const headers = { ...HEADERS, Prefer: `odata.maxpagesize=${pageSize}` };
  const pages: string[] = [];
  let rows = 0;
  let next: string | undefined = path;
  while (next !== undefined) {
    pages.push(next);
    const body = JSON.parse(await get(agent, base, next, headers)) as { value: unknown[]; '@odata.nextLink'?: string };
    rows += body.value.length;
    const link = body['@odata.nextLink'];
    next = link === undefined ? undefined : link.slice(server.url.length);
  }
  return { rows, pages };
}

async function run({ smoke }: { smoke: boolean }): Promise<BenchResult[]> {
  const rows = smoke ? 2000 : 20000;
  // Many short alternating slices: on a shared machine the load drifts within seconds, and the
  // median of many per-round ratios is what stays put.
  const durationMs = smoke ? 150 : 250;
  const rounds = smoke ? 1 : 21;
  const bare = await startServer('bare', rows);
  const emulator = await startServer('emulator', rows);
  const core = await startServer('core', rows);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const byId = (server: Server) => (i: number) => `${API}contacts(${server.ids[(i * 7919) % server.ids.length]})`;
    const page = () => () => `${API}contacts?$select=fullname,emailaddress1&$top=10`;
    const headers = { ...HEADERS, Prefer: 'odata.maxpagesize=10' };
    const notes = `${rows} rows, ${CONCURRENCY} concurrent keep-alive requests, alternating ${durationMs} ms slices`;
    const rate = (name: string, subject: Server, subjectLabel: string, path: (server: Server) => (i: number) => string, target?: number): Promise<BenchResult> =>
      compare(
        {
          name,
          unit: 'req/s',
          higherIsBetter: true,
          subject: { label: subjectLabel, sample: () => throughput(subject, path(subject), headers, durationMs) },
          baseline: { label: 'bare node:http server, same bytes', sample: () => throughput(bare, path(bare), headers, durationMs) },
          rounds,
          ...(target === undefined ? {} : { ratioTarget: { min: target } }),
          notes,
        },
        { smoke },
      );
    const results: BenchResult[] = [
      await rate('GET contacts(<id>), every plugin on', emulator, 'startEmulator (limits lifted)', byId, 0.7),
      await rate('GET contacts?$select&$top=10, every plugin on', emulator, 'startEmulator (limits lifted)', page),
      // For reference: the core alone, without protection, faults, request log and marketing.
      await rate('GET contacts(<id>), core only', core, 'createEmulatorCore', byId),
    ];

    const pageSize = 500;
    const select = '$select=fullname,emailaddress1,createdon';
    const ordered = `${API}contacts?${select}&$orderby=lastname asc,createdon desc`.replace(/ /g, '%20');
    const unordered = `${API}contacts?${select}`;
    const expectRows = async (path: string) => {
      const result = await walk(agent, emulator, path, pageSize);
      if (result.rows !== rows) throw new Error(`paging ${path} returned ${result.rows} of ${rows} rows`);
      return result;
    };
    const walkSide = (label: string, path: string): Side => ({ label, sample: timed(() => expectRows(path)) });
    results.push(
      await compare(
        {
          name: `page through ${rows} rows ordered ($orderby=lastname,createdon desc), ${pageSize} per page`,
          unit: 'ms',
          subject: walkSide('ordered', ordered),
          baseline: walkSide('unordered (primary key order)', unordered),
          rounds: smoke ? 1 : 7,
          ratioTarget: { max: 1.5 },
          notes: `${rows / pageSize} pages, each following @odata.nextLink; lastname has ${Math.min(500, rows)} distinct values (ties broken by createdon, then id)`,
        },
        { smoke },
      ),
    );

    const { pages } = await expectRows(ordered);
    const deep = pages[pages.length - 2]!;
    const first = pages[0]!;
    const repeatPage = (path: string) => async () => {
      const base = new URL(emulator.url);
      const pageHeaders = { ...HEADERS, Prefer: `odata.maxpagesize=${pageSize}` };
      for (let i = 0; i < 20; i++) await get(agent, base, path, pageHeaders);
    };
    results.push(
      await compare(
        {
          name: `ordered page at depth ${(pages.length - 2) * pageSize} vs the first page`,
          unit: 'ms',
          subject: { label: `page ${pages.length - 1} of ${pages.length}`, sample: timed(repeatPage(deep)) },
          baseline: { label: 'page 1', sample: timed(repeatPage(first)) },
          rounds: smoke ? 1 : 11,
          ratioTarget: { max: 1.5 },
          notes: `20 requests of ${pageSize} rows per sample`,
        },
        { smoke },
      ),
    );
    return results;
  } finally {
    agent.destroy();
    await Promise.all([bare.worker.terminate(), emulator.worker.terminate(), core.worker.terminate()]);
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'emulator: requests per second and ordered paging',
    description:
      'Requests per second of GET by id (and of a 10-row `$select` page) against `startEmulator` with every plugin on (request log, service protection with its limits lifted, fault injection, marketing and Graph semantics), against a bare node:http server in the same kind of worker thread answering the same bytes (every column of the row, the same headers) from a Map; both driven by the same keep-alive client, 16 requests in flight, in alternating slices. The core alone is shown for reference. Paging: following `@odata.nextLink` through every row with `$orderby` on a column with many ties, against the same rows in primary-key order with the same `$select` and page size; and the time of a page near the end of the ordered result against the first page. Targets: GET by id at least 0.7x the bare server; ordered paging at most 1.5x unordered; a deep page at most 1.5x the first.',
    run,
  },
];
