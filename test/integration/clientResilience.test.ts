/**
 * Acceptance under injected faults and real service-protection limits: nothing lost, nothing
 * doubled, no error surfaced, and no request sent before a Retry-After has elapsed.
 */
import { describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/index.js';
import type { RetryInfo } from '../../src/dataverse/index.js';
import { emulatorClientPerTest } from '../helpers/emulatorClient.js';

const STORM: FaultRule[] = [
  { probability: 0.1, status: 429, retryAfterSeconds: 0, latencyMs: { min: 0, max: 5 } },
  { probability: 0.05, status: 503, latencyMs: { min: 0, max: 5 } },
  { probability: 0.01, drop: true, when: 'before' },
  { probability: 0.01, drop: true, when: 'after' },
  { probability: 1, latencyMs: { min: 0, max: 8 } },
];

const start = emulatorClientPerTest();

const pad = (i: number): string => String(i).padStart(5, '0');

describe('under a fault storm (10% 429, 5% 503, 2% dropped connections, random latency)', () => {
  // Both bulk paths: the bulk operation messages (small messages, so the storm hits many) and $batch.
  it.each([
    ['CreateMultiple/UpdateMultiple', { batchSize: 20, bulkMessageSize: 20 }],
    ['$batch', { batchSize: 20, bulkMessages: false }],
  ] as const)('5,000 bulk creates then 5,000 bulk updates through %s: zero errors, exactly 5,000 rows with the final values', async (_path, bulk) => {
    const { emulator, client } = await start({ faults: STORM, faultSeed: 4242 }, { retry: { baseDelayInMs: 2, maxDelayInMs: 50 }, concurrency: { initialConcurrency: 8, maxConcurrency: 16 } });
    const before = emulator.store.count('contacts');

    const created = await client.createMany(
      'contacts',
      Array.from({ length: 5000 }, (_, i) => ({ firstname: 'Storm', lastname: `C${pad(i)}` })),
      bulk,
    );
    expect(created.failed).toEqual([]);
    expect(created.succeeded).toBe(5000);
    expect(new Set(created.ids).size).toBe(5000);
    expect(emulator.store.count('contacts') - before).toBe(5000);

    const updated = await client.updateMany(
      'contacts',
      created.ids.map((id, i) => ({ id, values: { lastname: `U${pad(i)}`, jobtitle: 'final' } })),
      bulk,
    );
    expect(updated.failed).toEqual([]);
    expect(updated.succeeded).toBe(5000);

    expect(emulator.store.count('contacts') - before).toBe(5000);
    created.ids.forEach((id, i) => {
      expect(emulator.store.get('contacts', id)?.values).toMatchObject({ firstname: 'Storm', lastname: `U${pad(i)}`, jobtitle: 'final' });
    });
    // The storm did hit: throttled, failed and dropped requests are in the log.
    const log = emulator.requestLog;
    expect(log.some((e) => e.status === 429)).toBe(true);
    expect(log.some((e) => e.status === 503)).toBe(true);
    expect(log.some((e) => e.fault?.includes('drop after'))).toBe(true);
  });

  it('single creates and updates: retries after dropped answers never duplicate a row', async () => {
    const { emulator, client } = await start({ faults: STORM, faultSeed: 7 }, { retry: { baseDelayInMs: 2, maxDelayInMs: 50 } });
    const before = emulator.store.count('contacts');
    const ids: string[] = [];
    const worker = async (offset: number): Promise<void> => {
      for (let i = offset; i < 600; i += 12) {
        const { id } = await client.create('contacts', { firstname: 'Single', lastname: `S${pad(i)}` });
        ids[i] = id;
        await client.update('contacts', id, { lastname: `T${pad(i)}` });
      }
    };
    await Promise.all(Array.from({ length: 12 }, (_, k) => worker(k)));
    expect(emulator.store.count('contacts') - before).toBe(600);
    ids.forEach((id, i) => expect(emulator.store.get('contacts', id)?.values.lastname).toBe(`T${pad(i)}`));
    expect(emulator.requestLog.filter((e) => e.fault?.includes('drop after')).length).toBeGreaterThan(0);
  });
});

describe('under real service-protection limits (scaled down)', () => {
  it('sends no request before a Retry-After has elapsed, and surfaces no throttle', async () => {
    const throttles: { receivedAt: number; retryAfterInMs: number }[] = [];
    const { emulator, client } = await start(
      { limits: { windowMs: 3000, maxRequests: 60, maxExecutionMs: 1_000_000, maxConcurrent: 52 } },
      {
        concurrency: { initialConcurrency: 8 },
        onRetry: (info: RetryInfo) => {
          if (info.status === 429 && info.retryAfterInMs !== undefined) throttles.push({ receivedAt: Date.now(), retryAfterInMs: info.retryAfterInMs });
        },
      },
    );
    const before = emulator.store.count('contacts');
    await Promise.all(Array.from({ length: 150 }, (_, i) => client.create('contacts', { firstname: 'Paced', lastname: `P${i}` })));
    expect(emulator.store.count('contacts') - before).toBe(150);

    const throttled = emulator.requestLog.filter((e) => e.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttles.length).toBe(throttled.length);
    // A request granted just before a 429 was read may reach the server a little after it (the
    // machine may be loaded); a client ignoring Retry-After would send within milliseconds.
    const transitMs = 200;
    for (const { receivedAt, retryAfterInMs } of throttles) {
      expect(retryAfterInMs).toBeGreaterThanOrEqual(1000);
      const early = emulator.requestLog.filter((e) => e.startedAt > receivedAt + transitMs && e.startedAt < receivedAt + retryAfterInMs);
      expect(early).toEqual([]);
    }
  });
});
