/**
 * Client throughput on the emulator.
 * 1. 2,000 creates with 5 ms injected latency per request and a concurrency limit (the emulator,
 *    in its own process, refuses more than 16 concurrent requests; journeyctl caps itself at 16): journeyctl's bulk
 *    create vs `dynamics-web-api` creating one by one (sequential awaits, its usual use) and vs
 *    `dynamics-web-api` `executeBatch` in batches of 100 (sequential batches).
 * 2. Under service protection scaled down so the ceiling is reached within the run: requests/s
 *    after the ceiling is first hit, against the ceiling (maxRequests / window), with zero
 *    failed operations.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DynamicsWebApi } from 'dynamics-web-api';
import { performance } from 'node:perf_hooks';
import { DataverseClient } from '../src/dataverse/index.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { type Benchmark, type BenchResult } from './harness.js';
import { rateResult } from './legacy.js';

// dynamics-web-api routes everything through http_proxy/https_proxy and ignores NO_PROXY.
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

const CONCURRENCY = 16;

/**
 * The emulator in its own process, as a remote service would be: client and server do not share
 * one event loop, so the comparison measures the clients, not their competition for a thread.
 */
async function remoteLatencyEmulator(): Promise<{ url: string; process: ChildProcess }> {
  const entry = new URL('../src/emulator/index.js', import.meta.url).href;
  const options = { faults: [{ probability: 1, latencyMs: 5 }], limits: { windowMs: 300_000, maxRequests: 1_000_000, maxExecutionMs: 1e12, maxConcurrent: CONCURRENCY } };
  const script = `const { startEmulator } = await import(${JSON.stringify(entry)}); const e = await startEmulator(${JSON.stringify(options)}); console.log(e.url);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url: url.trim(), process: child };
}

function contacts(count: number, tag: string): { firstname: string; lastname: string }[] {
  return Array.from({ length: count }, (_, i) => ({ firstname: tag, lastname: `${tag}${i}` }));
}

function dwaFor(url: string): DynamicsWebApi {
  return new DynamicsWebApi({ serverUrl: url, onTokenRefresh: async () => 'bench-token', dataApi: { version: '9.2' } });
}

/** Rows of `tag` in the store: every benchmark checks that it wrote exactly what it claims. */
function stored(emulator: RunningEmulator, tag: string): number {
  let n = 0;
  for (const row of emulator.store.scan('contacts')) if (row.values.firstname === tag) n++;
  return n;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const bulkCreate: Benchmark = {
  name: 'client: 2,000 creates, 5 ms latency, concurrency 16',
  description: 'Transitional: not yet rewritten on compare().',
  async run({ smoke }): Promise<BenchResult[]> {
    const count = smoke ? 100 : 2000;
    const emulator = await remoteLatencyEmulator();
    const client = new DataverseClient({ url: emulator.url, auth: { token: 'bench-token' }, concurrency: { initialConcurrency: CONCURRENCY, maxConcurrency: CONCURRENCY } });
    const dwa = dwaFor(emulator.url);
    try {
      // Warm up both clients (connections, JIT) outside the timings.
      await client.createMany('contacts', contacts(20, 'warm'), { batchSize: 10 });
      await dwa.create({ collection: 'contacts', data: { firstname: 'warm' } });
      dwa.startBatch();
      void dwa.create({ collection: 'contacts', data: { firstname: 'warm' } });
      await dwa.executeBatch();
      // The machine is shared: alternate the two batched runs and keep the median of each.
      const rounds = smoke ? 1 : 5;
      const oursRuns: number[] = [];
      const batchedRuns: number[] = [];
      for (let round = 0; round < rounds; round++) {
        oursRuns.push(
          await timed(async () => {
            const result = await client.createMany('contacts', contacts(count, `jc${round}`), { batchSize: 100 });
            if (result.failed.length > 0) throw new Error(`journeyctl: ${result.failed.length} failed`);
          }),
        );
        batchedRuns.push(
          await timed(async () => {
            const rows = contacts(count, `dwab${round}`);
            for (let i = 0; i < rows.length; i += 100) {
              dwa.startBatch();
              for (const data of rows.slice(i, i + 100)) void dwa.create({ collection: 'contacts', data });
              await dwa.executeBatch();
            }
          }),
        );
      }
      const oneByOne = await timed(async () => {
        for (const data of contacts(count, 'dwa1')) await dwa.create({ collection: 'contacts', data });
      });
      const ours = median(oursRuns);
      const batched = median(batchedRuns);
      for (const tag of ['jc0', 'dwa1', 'dwab0']) {
        const rows = await client.count('contacts', { filter: `firstname eq '${tag}'` });
        if (rows !== count) throw new Error(`${tag}: ${rows} rows stored, expected ${count}`);
      }
      const rate = (ms: number): number => (count / ms) * 1000;
      return [
        rateResult('bulk create vs dynamics-web-api one by one', rate(ours), 'records/s', 'dynamics-web-api create, sequential', rate(oneByOne), 5, `${count} records; journeyctl ${ours.toFixed(0)} ms, one by one ${oneByOne.toFixed(0)} ms`),
        rateResult('bulk create vs dynamics-web-api executeBatch(100)', rate(ours), 'records/s', 'dynamics-web-api executeBatch, 100 per batch', rate(batched),
          // The smoke run is a single batch of 100 either way: nothing to compare.
          smoke ? undefined : 1,
          `medians of ${rounds} alternating runs: journeyctl ${oursRuns.map((t) => t.toFixed(0)).join('/')} ms, executeBatch ${batchedRuns.map((t) => t.toFixed(0)).join('/')} ms`),
      ];
    } finally {
      client.close();
      emulator.process.kill();
    }
  },
};

const throttled: Benchmark = {
  name: 'client: bulk create under service protection',
  description: 'Transitional: not yet rewritten on compare().',
  async run({ smoke }): Promise<BenchResult[]> {
    const windowMs = smoke ? 1000 : 3000;
    const maxRequests = smoke ? 5 : 20;
    // Small batches: each admitted burst then runs quickly, so the run is paced by the window,
    // not by the emulator's CPU (which shares this process).
    const batchSize = 5;
    const requests = smoke ? 12 : 100;
    const emulator = await startEmulator({ faults: [{ probability: 1, latencyMs: 5 }], limits: { windowMs, maxRequests, maxExecutionMs: 1e12, maxConcurrent: 52 } });
    const client = new DataverseClient({ url: emulator.url, auth: { token: 'bench-token' } });
    try {
      const result = await client.createMany('contacts', contacts(requests * batchSize, 'sp'), { batchSize });
      if (result.failed.length > 0 || stored(emulator, 'sp') !== requests * batchSize) {
        throw new Error(`failed operations: ${result.failed.length}, stored ${stored(emulator, 'sp')} of ${requests * batchSize}`);
      }
      const log = emulator.requestLog;
      const firstThrottle = log.find((e) => e.status === 429);
      if (!firstThrottle) throw new Error('the ceiling was never reached: raise the work or lower the limits');
      const end = Math.max(...log.map((e) => e.finishedAt));
      const admitted = log.filter((e) => e.status !== 429 && e.startedAt >= firstThrottle.finishedAt).length;
      const achieved = (admitted / (end - firstThrottle.finishedAt)) * 1000;
      const ceiling = (maxRequests / windowMs) * 1000;
      const throttledCount = log.filter((e) => e.status === 429).length;
      return [
        rateResult('throughput after the ceiling is reached', achieved, 'req/s', `ceiling (${maxRequests} requests / ${windowMs} ms)`, ceiling,
          // Retry-After comes in whole seconds: the smoke run's 1 s window is too short to judge pacing.
          smoke ? undefined : 0.9,
          `${smoke ? 'smoke run, target judged on the full run; ' : ''}${requests * batchSize} records in ${requests} batches, 0 failed; ${throttledCount} throttled answers absorbed; ${(achieved * batchSize).toFixed(0)} records/s`),
      ];
    } finally {
      client.close();
      await emulator.close();
    }
  },
};

export const benchmarks: Benchmark[] = [bulkCreate, throttled];
