/**
 * Service protection, fault injection and the request log of `startEmulator`, over real HTTP on
 * loopback with plain `fetch` (not the journeyctl client).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { SeedIds, seedId, type RunningEmulator } from '../../src/emulator/index.js';
import { isBlocking, validateJourneyFields } from '../../src/emulator/marketing/journeyValidation.js';
import { startTestEmulator, testBearerToken, withEmulator } from '../helpers/emulator.js';

const ALICE = testBearerToken('aaaaaaaa-0000-4000-8000-000000000001');
const BOB = testBearerToken('bbbbbbbb-0000-4000-8000-000000000002');

function get(emulator: RunningEmulator, path: string, token = ALICE): Promise<Response> {
  return fetch(`${emulator.serviceRoot}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
}

function createContact(emulator: RunningEmulator, id: string, token = ALICE): Promise<Response> {
  return fetch(`${emulator.serviceRoot}contacts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ contactid: id, lastname: `Test ${id.slice(0, 8)}` }),
  });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

function batchOfGets(serviceRoot: string, count: number): { body: string; contentType: string } {
  const boundary = `batch_${randomUUID()}`;
  const parts = Array.from({ length: count }, () =>
    [`--${boundary}`, 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', `GET ${serviceRoot}contacts?$top=1 HTTP/1.1`, 'Accept: application/json', '', ''].join('\r\n'),
  );
  return { body: `${parts.join('')}--${boundary}--\r\n`, contentType: `multipart/mixed; boundary=${boundary}` };
}

describe('service protection', () => {
  const started: RunningEmulator[] = [];
  afterAll(async () => {
    await Promise.all(started.map((emulator) => emulator.close()));
  });

  it('sends the rate-limit headers and refuses the request beyond the count limit with 0x80072322 and Retry-After', async () => {
    const emulator = await startTestEmulator({ limits: { windowMs: 60_000, maxRequests: 3, maxExecutionMs: 1_200_000, maxConcurrent: 52, dopHint: 5 } });
    started.push(emulator);
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await get(emulator, 'contacts?$top=1');
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ms-dop-hint')).toBe('5');
      expect(response.headers.get('x-ms-ratelimit-time-remaining-xrm-requests')).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
      remaining.push(response.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests')!);
      await response.arrayBuffer();
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await get(emulator, 'contacts?$top=1');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests')).toBe('0');
    expect(await errorOf(refused)).toEqual({
      code: '0x80072322',
      message: 'Number of requests exceeded the limit of 3 over time window of 60 seconds.',
    });

    // Limits are per user.
    const other = await get(emulator, 'contacts?$top=1', BOB);
    expect(other.status).toBe(200);
    await other.arrayBuffer();

    const logged = emulator.requestLog.slice(-2);
    expect(logged[0]).toMatchObject({ status: 429, throttled: true, user: 'aaaaaaaa-0000-4000-8000-000000000001' });
    expect(logged[1]).toMatchObject({ status: 200, user: 'bbbbbbbb-0000-4000-8000-000000000002' });
    expect(logged[1]!.throttled).toBeUndefined();
  });

  it('counts a $batch as one request, whatever it holds', async () => {
    const emulator = await startTestEmulator({ limits: { windowMs: 60_000, maxRequests: 2, maxExecutionMs: 1_200_000, maxConcurrent: 52 } });
    started.push(emulator);
    const batch = batchOfGets(emulator.serviceRoot, 5);
    const response = await fetch(`${emulator.serviceRoot}$batch`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ALICE}`, 'Content-Type': batch.contentType, Accept: 'application/json' },
      body: batch.body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests')).toBe('1');
    await response.arrayBuffer();
    expect(emulator.requestLog.at(-1)).toMatchObject({ method: 'POST', batchOperations: 5, status: 200 });
    expect((await get(emulator, 'contacts?$top=1')).status).toBe(200);
    expect((await get(emulator, 'contacts?$top=1')).status).toBe(429);
  });

  it('refuses a request beyond the concurrency limit at once with 0x80072326, and limits change at runtime', async () => {
    const emulator = await startTestEmulator({
      limits: { windowMs: 60_000, maxRequests: 1000, maxExecutionMs: 1_200_000, maxConcurrent: 2 },
      faults: [{ match: { path: '^contacts' }, probability: 1, latencyMs: 1500 }],
    });
    started.push(emulator);
    const slow = [get(emulator, 'contacts'), get(emulator, 'contacts')];
    // Wait until both slow requests have arrived (they hold the two slots for 1.5 s).
    while (emulator.requestLog.length < 2) await sleep(5);
    const third = await get(emulator, 'accounts');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await errorOf(third)).toEqual({ code: '0x80072326', message: 'Number of concurrent requests exceeded the limit of 2.' });
    for (const response of await Promise.all(slow)) {
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }

    emulator.setLimits(undefined);
    const relaxed = await get(emulator, 'accounts');
    expect(relaxed.status).toBe(200);
    expect(relaxed.headers.get('x-ms-dop-hint')).toBe('8');
    await relaxed.arrayBuffer();
  });

  it('refuses once the combined execution time is used up with 0x80072321', async () => {
    const emulator = await startTestEmulator({
      limits: { windowMs: 60_000, maxRequests: 1000, maxExecutionMs: 200, maxConcurrent: 52 },
      faults: [{ match: { path: '^contacts' }, probability: 1, latencyMs: 250 }],
    });
    started.push(emulator);
    const slow = await get(emulator, 'contacts');
    expect(slow.status).toBe(200);
    await slow.arrayBuffer();
    const refused = await get(emulator, 'accounts');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('x-ms-ratelimit-time-remaining-xrm-requests')).toBe('0.00');
    const error = await errorOf(refused);
    expect(error.code).toBe('0x80072321');
    expect(error.message).toContain('Combined execution time of incoming requests exceeded limit of 200  milliseconds over time window of 60 seconds.');
  });

  it('lets requests through again once the window slides past the oldest one', async () => {
    const emulator = await startTestEmulator({ limits: { windowMs: 1000, maxRequests: 1, maxExecutionMs: 1_200_000, maxConcurrent: 52 } });
    started.push(emulator);
    expect((await get(emulator, 'contacts')).status).toBe(200);
    const refused = await get(emulator, 'contacts');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    await sleep(Number(refused.headers.get('retry-after')) * 1000 + 50);
    expect((await get(emulator, 'contacts')).status).toBe(200);
  });
});

describe('fault injection', () => {
  it('answers a matching request with the injected status and Dataverse body, without processing it', async () => {
    await withEmulator({ faults: [{ match: { method: 'POST', path: '^contacts$' }, probability: 1, status: 503 }] }, async (emulator) => {
      const id = randomUUID();
      const response = await createContact(emulator, id);
      expect(response.status).toBe(503);
      expect(response.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests')).not.toBeNull();
      expect(await errorOf(response)).toEqual({ code: '0x80040216', message: 'An unexpected error occurred.' });
      expect(emulator.store.get('contacts', id)).toBeUndefined();
      expect(emulator.requestLog.at(-1)).toMatchObject({ status: 503, fault: 'rule 0: 503' });
      // GET does not match the rule.
      expect((await get(emulator, 'contacts')).status).toBe(200);
    });
  });

  it('injects 429 with code 0x80072322 and a Retry-After that may be 0', async () => {
    await withEmulator({ faults: [{ probability: 1, status: 429, retryAfterSeconds: 0 }] }, async (emulator) => {
      const response = await get(emulator, 'contacts');
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('0');
      expect((await errorOf(response)).code).toBe('0x80072322');
    });
  });

  it('drops the connection before processing: nothing is written', async () => {
    await withEmulator({ faults: [{ match: { method: 'POST' }, probability: 1, drop: true, when: 'before' }] }, async (emulator) => {
      const id = randomUUID();
      await expect(createContact(emulator, id)).rejects.toThrow();
      expect(emulator.store.get('contacts', id)).toBeUndefined();
      expect(emulator.requestLog.at(-1)).toMatchObject({ status: 0, fault: 'rule 0: drop before' });
    });
  });

  it('drops the connection after the write committed: the row is there, the client got no answer', async () => {
    await withEmulator({ faults: [{ match: { method: 'POST' }, probability: 1, drop: true, when: 'after' }] }, async (emulator) => {
      const id = randomUUID();
      await expect(createContact(emulator, id)).rejects.toThrow();
      expect(emulator.store.get('contacts', id)).toBeDefined();
      // A retry of the same create (client-generated id) finds the row: the client can treat 412 as done.
      emulator.setFaults([]);
      const retry = await createContact(emulator, id);
      expect(retry.status).toBe(412);
      expect((await errorOf(retry)).code).toBe('0x80040237');
    });
  });

  it('fires with the configured probability, identically for the same seed', async () => {
    const pattern = async (faultSeed: number) =>
      withEmulator({ faults: [{ match: { method: 'GET' }, probability: 0.5, status: 500 }], faultSeed }, async (emulator) => {
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) {
          const response = await get(emulator, 'contacts?$top=1');
          statuses.push(response.status);
          await response.arrayBuffer();
        }
        return statuses;
      });
    const first = await pattern(1234);
    expect(await pattern(1234)).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(first.every((status) => status === 200 || status === 500)).toBe(true);
  });

  it('adds latency before handling the request', async () => {
    await withEmulator({ faults: [{ match: { path: '^accounts' }, probability: 1, latencyMs: { min: 200, max: 250 } }] }, async (emulator) => {
      const response = await get(emulator, 'accounts');
      expect(response.status).toBe(200);
      const entry = emulator.requestLog.at(-1)!;
      expect(entry.finishedAt - entry.startedAt).toBeGreaterThanOrEqual(200);
      expect(entry.fault).toMatch(/^rule 0: latency 2\d\dms$/);
    });
  });

  it('refuses invalid rules with an InputError naming the rule', async () => {
    await expect(startTestEmulator({ faults: [{ probability: 3 }] })).rejects.toThrow(/probability|between 0 and 1/);
    await withEmulator({}, async (emulator) => {
      expect(() => emulator.setFaults([{ probability: 1, match: { path: '[' } }])).toThrowError(/not a valid regular expression/);
    });
  });
});

describe('request log', () => {
  it('records every request in order and never keeps the token, in memory or in the JSONL file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journeyctl-log-'));
    const file = join(dir, 'logs', 'requests.jsonl');
    const secret = 'opaque-secret-token-0123456789';
    try {
      await withEmulator({ requestLogFile: file }, async (emulator) => {
        const responses = [
          await fetch(`${emulator.serviceRoot}contacts?$top=2&access_token=${secret}`, { headers: { Authorization: `Bearer ${secret}` } }),
          await fetch(`${emulator.serviceRoot}WhoAmI`, { headers: { Authorization: `Bearer ${ALICE}` } }),
          await fetch(`${emulator.serviceRoot}nosuchset`),
        ];
        for (const response of responses) await response.arrayBuffer();
        const entries = emulator.requestLog;
        expect(entries.map((e) => [e.method, e.status])).toEqual([
          ['GET', 200],
          ['GET', 200],
          ['GET', 404],
        ]);
        expect(entries[0]!.path).toBe('/api/data/v9.2/contacts?$top=2&access_token=***');
        expect(entries[0]!.user).toMatch(/^token:[0-9a-f]{16}$/);
        expect(entries[1]!.user).toBe('aaaaaaaa-0000-4000-8000-000000000001');
        expect(entries[2]!.user).toBe('anonymous');
        for (const entry of entries) {
          expect(entry.finishedAt).toBeGreaterThanOrEqual(entry.startedAt);
          expect(Object.keys(entry).sort()).toEqual(expect.arrayContaining(['finishedAt', 'id', 'method', 'path', 'startedAt', 'status', 'user']));
        }
        const inMemory = JSON.stringify(entries);
        expect(inMemory).not.toContain(secret);
        expect(inMemory).not.toContain(ALICE);
        expect(inMemory.toLowerCase()).not.toContain('authorization');
        expect(inMemory.toLowerCase()).not.toContain('bearer');
      });
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines.map((line) => (JSON.parse(line) as { status: number }).status)).toEqual([200, 200, 404]);
      const text = lines.join('\n');
      expect(text).not.toContain(secret);
      expect(text).not.toContain(ALICE);
      expect(text.toLowerCase()).not.toContain('bearer');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('seed data', () => {
  it('seeds journeys in several statuses, compliance flags, a template and the custom channel tile', async () => {
    await withEmulator({ seed: true }, async (emulator) => {
      const journeys = (await (await get(emulator, 'msdyncrm_customerjourneys?$select=msdyncrm_name,statuscode,statecode,msdyncrm_workflowdefinition')).json()) as {
        value: { msdyncrm_name: string; statuscode: number; statecode: number; msdyncrm_workflowdefinition: string }[];
      };
      const byName = new Map(journeys.value.map((j) => [j.msdyncrm_name, j]));
      expect(byName.get('Welcome series (draft)')?.statuscode).toBe(192350000);
      expect(byName.get('Monthly newsletter')?.statuscode).toBe(192350001);
      expect(byName.get('Spring promotion')?.statuscode).toBe(192350002);
      expect(byName.get('2024 event follow-up')).toMatchObject({ statuscode: 192350004, statecode: 1 });
      expect(byName.get('Event invitation')?.statuscode).toBe(192350005);
      for (const journey of journeys.value) {
        const definition = JSON.parse(journey.msdyncrm_workflowdefinition) as { ActivityTypeId: string }[];
        expect(definition[0]!.ActivityTypeId).toBe('bpf_root');
      }

      const error = emulator.store.get('msdyncrm_customerjourneys', SeedIds.journeys.error)!;
      expect(JSON.parse(String(error.values.msdyncrm_validationresults))).toHaveProperty('Result', 'Error');
      // Every other journey passes the error check the go-live runs.
      for (const [role, id] of Object.entries(SeedIds.journeys)) {
        if (role === 'error') continue;
        const result = validateJourneyFields(emulator.store.get('msdyncrm_customerjourneys', id)!.values);
        expect(isBlocking(result), `${role}: ${JSON.stringify(result)}`).toBe(false);
      }

      const flagged = (await (await get(emulator, 'contacts?$select=fullname&$filter=donotemail eq true or donotphone eq true')).json()) as { value: unknown[] };
      expect(flagged.value.length).toBeGreaterThanOrEqual(3);
      const settings = emulator.store.get('msdyncrm_contentsettingss', SeedIds.defaultContentSettings)!;
      expect(settings.values).toMatchObject({ msdyncrm_default: true, statuscode: 192350001 });
      const template = emulator.store.get('msdyncrm_customerjourneytemplates', SeedIds.template)!;
      expect(JSON.parse(String(template.values.msdyncrm_customerjourneydesignerstate))).toHaveProperty('NextActivityItemID');
      // The live SMS journey gives the interaction reporter work: one activity per VIP contact
      // whose compliance field (donotphone) allows it.
      const activitiesOf = async () =>
        ((await (await get(emulator, 'msdyncrm_customerjourneycustomchannelactivities?$select=msdyncrm_entityid,_msdyncrm_contact_value')).json()) as {
          value: { msdyncrm_entityid: string; _msdyncrm_contact_value: string }[];
        }).value;
      let activities = await activitiesOf();
      for (let attempt = 0; activities.length === 0 && attempt < 100; attempt++) {
        await sleep(20);
        activities = await activitiesOf();
      }
      expect(activities.map((a) => a._msdyncrm_contact_value).sort()).toEqual([seedId('contact:Nancy Davolio'), seedId('contact:Robert King')].sort());
      expect(activities.every((a) => a.msdyncrm_entityid === SeedIds.smsMessage)).toBe(true);
      const tile = emulator.store.get('webresourceset', SeedIds.tileWebResource)!;
      const xml = Buffer.from(String(tile.values.content), 'base64').toString('utf8');
      expect(xml).toContain('<ResponseType id="sent">');
      expect(xml).toContain('<ResponseType id="keyword" custom="True">');
    });
  });

  it('does not seed a store that already holds data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journeyctl-seed-'));
    try {
      const id = randomUUID();
      await withEmulator({ dataDir: dir }, async (emulator) => {
        expect((await createContact(emulator, id)).status).toBe(204);
      });
      await withEmulator({ dataDir: dir, seed: true }, async (emulator) => {
        expect(emulator.store.count('contacts')).toBe(1);
        expect(emulator.store.count('msdyncrm_customerjourneys')).toBe(0);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
