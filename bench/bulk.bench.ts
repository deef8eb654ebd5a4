/**
 * Bulk create through the bulk operation messages: journeyctl's `createMany` sending 2,000 rows as
 * `CreateMultiple` requests of 500, against dynamics-web-api `executeBatch` with change sets of 100
 * and against journeyctl's own `$batch` path (`bulkMessages: false`), on the emulator in its own
 * process with no injected latency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DynamicsWebApi } from 'dynamics-web-api';
import { DataverseClient } from '../src/dataverse/index.js';
import { compare, rated, type Benchmark, type BenchResult } from './harness.js';

// dynamics-web-api routes everything through http_proxy/https_proxy and ignores NO_PROXY.
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

/** The emulator in its own process, as a remote service would be, without latency or throttling. */
async function remoteEmulator(): Promise<{ url: string; process: ChildProcess }> {
  const entry = new URL('../src/emulator/index.js', import.meta.url).href;
  const options = { limits: { windowMs: 300_000, maxRequests: 1_000_000, maxExecutionMs: 1e12, maxConcurrent: 1000 } };
  const script = `const { startEmulator } = await import(${JSON.stringify(entry)}); const e = await startEmulator(${JSON.stringify(options)}); console.log(e.url);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url: url.trim(), process: child };
}

let tagCounter = 0;
function contacts(count: number): { firstname: string; lastname: string }[] {
  const tag = `bulk${tagCounter++}`;
  return Array.from({ length: count }, (_, i) => ({ firstname: tag, lastname: `${tag}-${i}` }));
}

const bulkCreate: Benchmark = {
  name: 'client: bulk create through CreateMultiple',
  description: `Creates 2,000 contacts (100 in smoke runs) on the emulator running in its own process, with no injected latency and no throttling. journeyctl's createMany sends chunks of 500 rows (its default) as CreateMultiple requests (one transaction each), several in flight under its concurrency limiter. The baselines write the same rows: dynamics-web-api executeBatch with one change set of 100 creates per batch, batches one after another as its documentation shows; and journeyctl's own $batch path (createMany with bulkMessages: false, continue-on-error batches of 100, the same concurrency). Every run checks that every row was written.`,
  async run({ smoke }): Promise<BenchResult[]> {
    const count = smoke ? 100 : 2000;
    const rounds = smoke ? 1 : 8;
    const emulator = await remoteEmulator();
    const client = new DataverseClient({ url: emulator.url, auth: { token: 'bench-token' } });
    const dwa = new DynamicsWebApi({ serverUrl: emulator.url, onTokenRefresh: async () => 'bench-token', dataApi: { version: '9.2' } });
    const ours = async (bulkMessages: boolean) => {
      const result = await client.createMany('contacts', contacts(count), { batchSize: 100, bulkMessages });
      if (result.failed.length > 0 || result.succeeded !== count) throw new Error(`createMany: ${result.failed.length} failed, ${result.succeeded} written`);
    };
    const dwaBatches = async () => {
      const rows = contacts(count);
      for (let i = 0; i < rows.length; i += 100) {
        dwa.startBatch();
        for (const data of rows.slice(i, i + 100)) void dwa.create({ collection: 'contacts', data });
        const answers = (await dwa.executeBatch({ inChangeSet: true })) as unknown[];
        if (answers.length !== Math.min(100, rows.length - i)) throw new Error(`executeBatch answered ${answers.length} results`);
      }
    };
    try {
      const subject = { label: 'createMany, CreateMultiple of 500', sample: rated(count, () => ours(true)) };
      return [
        await compare(
          {
            name: `bulk create ${count.toLocaleString('en-US')} rows vs dynamics-web-api executeBatch (change sets of 100)`,
            unit: 'records/s',
            higherIsBetter: true,
            subject,
            baseline: { label: 'dynamics-web-api executeBatch, change sets of 100', sample: rated(count, dwaBatches) },
            rounds,
            warmup: smoke ? 1 : 3,
            ratioTarget: { min: 1.5 },
          },
          { smoke },
        ),
        await compare(
          {
            name: `bulk create ${count.toLocaleString('en-US')} rows, CreateMultiple vs $batch path`,
            unit: 'records/s',
            higherIsBetter: true,
            subject,
            baseline: { label: 'createMany, $batch of 100 (bulkMessages: false)', sample: rated(count, () => ours(false)) },
            rounds,
            warmup: smoke ? 1 : 3,
            notes: 'The difference Dataverse itself shows is larger: CreateMultiple runs plug-ins and the database once per request instead of once per row.',
          },
          { smoke },
        ),
      ];
    } finally {
      client.close();
      emulator.process.kill();
    }
  },
};

export const benchmarks: Benchmark[] = [bulkCreate];
