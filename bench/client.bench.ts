/**
 * Client throughput on the emulator, each on `compare()` (alternating rounds, median ratio).
 * 1. 2,000 creates with 5 ms injected latency per request and a concurrency limit (the emulator,
 *    in its own process, refuses more than 16 concurrent requests; journeyctl caps itself at 16):
 *    journeyctl's bulk create vs `dynamics-web-api` creating one by one (sequential awaits, its
 *    usual use) and vs `dynamics-web-api` `executeBatch` in batches of 100 (sequential batches).
 * 2. On the service-protection ceiling (limits per caller, scaled down so the run is paced by
 *    them): the same bulk write with a pool of 3 identities vs 1 identity. Limits are per user,
 *    so the pool's ceiling is 3 times higher; the target is 2.7 times the records/s, 0 failed.
 */
import { DataverseClient } from '../src/dataverse/index.js';
import { startEmulator } from '../src/emulator/index.js';
import { compare, rated, type Benchmark, type BenchResult } from './harness.js';
import { contacts, dwaFor, liftedLimits, remoteEmulator } from './setup.js';

const CONCURRENCY = 16;

/** An unsigned JWT whose `oid` the emulator takes as the caller (its limits are per caller). */
function callerToken(oid: string): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ oid, sub: oid, aud: 'https://emulator.local' })}.`;
}

/** Every sample checks that it stored exactly what it claims. */
async function expectStored(client: DataverseClient, tag: string, count: number): Promise<void> {
  const rows = await client.count('contacts', { filter: `firstname eq '${tag}'` });
  if (rows !== count) throw new Error(`${tag}: ${rows} rows stored, expected ${count}`);
}

const bulkCreate: Benchmark = {
  name: 'client: 2,000 creates, 5 ms latency, concurrency 16',
  description:
    'journeyctl `createMany` (`$batch` of 100, concurrency 16) against `dynamics-web-api` on the same emulator in its own process, with 5 ms latency per request: creating one by one (sequential awaits, its usual use), and `executeBatch` in sequential batches of 100. Records/s per round; rounds alternate which client goes first.',
  async run({ smoke }): Promise<BenchResult[]> {
    const count = smoke ? 100 : 2000;
    const emulator = await remoteEmulator({ faults: [{ probability: 1, latencyMs: 5 }], limits: liftedLimits(CONCURRENCY) });
    const client = new DataverseClient({ url: emulator.url, auth: { token: 'bench-token' }, concurrency: { initialConcurrency: CONCURRENCY, maxConcurrency: CONCURRENCY } });
    const dwa = dwaFor(emulator.url);
    let sample = 0;
    const ours = async (): Promise<void> => {
      const tag = `jc${sample++}`;
      const result = await client.createMany('contacts', contacts(count, tag), { batchSize: 100 });
      if (result.failed.length > 0) throw new Error(`journeyctl: ${result.failed.length} failed`);
      await expectStored(client, tag, count);
    };
    try {
      const oneByOne = await compare(
        {
          name: 'bulk create vs dynamics-web-api one by one',
          unit: 'records/s',
          higherIsBetter: true,
          subject: { label: 'journeyctl createMany', sample: rated(count, ours) },
          baseline: {
            label: 'dynamics-web-api create, sequential',
            sample: rated(count, async () => {
              const tag = `dwa${sample++}`;
              for (const data of contacts(count, tag)) await dwa.create({ collection: 'contacts', data });
              await expectStored(client, tag, count);
            }),
          },
          rounds: smoke ? 1 : 3,
          ratioTarget: { min: 5 },
        },
        { smoke },
      );
      const batched = await compare(
        {
          name: 'bulk create vs dynamics-web-api executeBatch(100)',
          unit: 'records/s',
          higherIsBetter: true,
          subject: { label: 'journeyctl createMany', sample: rated(count, ours) },
          baseline: {
            label: 'dynamics-web-api executeBatch, 100 per batch',
            sample: rated(count, async () => {
              const tag = `dwab${sample++}`;
              const rows = contacts(count, tag);
              for (let i = 0; i < rows.length; i += 100) {
                dwa.startBatch();
                for (const data of rows.slice(i, i + 100)) void dwa.create({ collection: 'contacts', data });
                await dwa.executeBatch();
              }
              await expectStored(client, tag, count);
            }),
          },
          rounds: smoke ? 1 : 5,
          // The smoke run is a single batch of 100 either way: nothing to compare.
          ...(smoke ? {} : { ratioTarget: { min: 1 } }),
        },
        { smoke },
      );
      return [oneByOne, batched];
    } finally {
      client.close();
      emulator.close();
    }
  },
};

const OIDS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];

const identities: Benchmark = {
  name: 'client: identity pool on the service-protection ceiling',
  description:
    'Service-protection limits are per user, so a pool of identities raises the ceiling. The emulator limits each caller (bearer token `oid`) to a number of requests per window, scaled down so the ceiling paces the run; the same bulk write (`$batch` of 5) runs with a pool of 3 identities and with 1 identity, each round on a fresh emulator. Records/s over the whole write, 0 failed operations; target 2.7 times.',
  async run({ smoke }): Promise<BenchResult[]> {
    // Retry-After comes in whole seconds: a window of seconds keeps its rounding small. The ceiling
    // (10 requests/s per identity) stays far below what the in-process emulator can serve, so the
    // limits pace both sides, not the CPU.
    const windowMs = smoke ? 1000 : 2000;
    const maxRequests = smoke ? 5 : 20;
    const batchSize = 5;
    // 12 windows of one identity's quota, 4 of the pool's.
    const requests = smoke ? 15 : 240;
    const records = requests * batchSize;
    let sample = 0;
    const run = (pool: number) => async (): Promise<void> => {
      const emulator = await startEmulator({ host: '127.0.0.1', port: 0, limits: { windowMs, maxRequests, maxExecutionMs: 1e12, maxConcurrent: 52 } });
      const client = new DataverseClient({
        url: emulator.url,
        identities: OIDS.slice(0, pool).map((oid, i) => ({ name: `app ${i + 1}`, auth: { token: callerToken(oid) } })),
      });
      try {
        const tag = `id${pool}x${sample++}`;
        const result = await client.createMany('contacts', contacts(records, tag), { batchSize, bulkMessages: false });
        if (result.failed.length > 0) throw new Error(`${pool} identities: ${result.failed.length} failed`);
        let stored = 0;
        for (const row of emulator.store.scan('contacts')) if (row.values.firstname === tag) stored++;
        if (stored !== records) throw new Error(`${tag}: ${stored} rows stored, expected ${records}`);
        // One identity must meet its ceiling, or the comparison says nothing about it.
        if (pool === 1 && !emulator.requestLog.some((e) => e.status === 429)) throw new Error('the ceiling was never reached: raise the work or lower the limits');
      } finally {
        client.close();
        await emulator.close();
      }
    };
    return [
      await compare(
        {
          name: 'bulk create on the ceiling: 3 identities vs 1',
          unit: 'records/s',
          higherIsBetter: true,
          subject: { label: 'journeyctl, 3 identities', sample: rated(records, run(3)) },
          baseline: { label: 'journeyctl, 1 identity', sample: rated(records, run(1)) },
          rounds: smoke ? 1 : 3,
          warmup: smoke ? 0 : 1,
          ratioTarget: { min: 2.7 },
          notes: `${records} records in ${requests} requests; limits ${maxRequests} requests per ${windowMs} ms per caller (each side starts with a full window); 0 failed`,
        },
        { smoke },
      ),
    ];
  },
};

export const benchmarks: Benchmark[] = [bulkCreate, identities];
