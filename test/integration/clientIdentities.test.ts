/**
 * An identity pool against the emulator's per-caller service-protection limits: three identities
 * (bearer tokens with different `oid`s) complete the work with no failure and spread their
 * requests over all three callers.
 */
import { describe, expect, it } from 'vitest';
import { testBearerToken } from '../helpers/emulator.js';
import { emulatorClientPerTest } from '../helpers/emulatorClient.js';

const OIDS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];

const start = emulatorClientPerTest();

describe('a pool of identities under per-caller limits', () => {
  it('3 identities: single creates and a bulk write complete with 0 failures, spread over all three callers', async () => {
    const { emulator, client } = await start(
      { limits: { windowMs: 2000, maxRequests: 40, maxExecutionMs: 1_000_000, maxConcurrent: 52 } },
      { identities: OIDS.map((oid, i) => ({ name: `app ${i + 1}`, auth: { token: testBearerToken(oid) } })), concurrency: { initialConcurrency: 4 } },
    );
    const before = emulator.store.count('contacts');
    await Promise.all(Array.from({ length: 150 }, (_, i) => client.create('contacts', { firstname: 'Pooled', lastname: `P${i}` })));
    const bulk = await client.createMany('contacts', Array.from({ length: 200 }, (_, i) => ({ firstname: 'Bulk', lastname: `B${i}` })), { batchSize: 10, bulkMessages: false });
    expect(bulk.failed).toEqual([]);
    expect(emulator.store.count('contacts') - before).toBe(350);

    const byCaller = new Map<string, number>();
    for (const entry of emulator.requestLog) byCaller.set(entry.user, (byCaller.get(entry.user) ?? 0) + 1);
    for (const oid of OIDS) expect(byCaller.get(oid) ?? 0).toBeGreaterThan(20);
    // The limits were reached (some caller was throttled) and the pool kept going.
    expect(emulator.requestLog.some((e) => e.status === 429)).toBe(true);
    const stats = client.identityStats();
    expect(stats.map((s) => s.name)).toEqual(['app 1', 'app 2', 'app 3']);
    expect(stats.every((s) => s.requests > 20)).toBe(true);
  }, 60_000);
});
