/**
 * Bulk operation messages over HTTP: CreateMultiple, UpdateMultiple and UpsertMultiple bound to
 * entity sets, their errors and atomicity, and the client's bulk writes using them with a `$batch`
 * fallback where a table lacks them.
 * https://learn.microsoft.com/power-apps/developer/data-platform/bulk-operations
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataverseClient } from '../../src/dataverse/index.js';
import { bulkMessagesKnown } from '../../src/dataverse/bulkMessages.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { webApi, type Answer } from '../helpers/webapi.js';

let emulator: RunningEmulator;
let call: ReturnType<typeof webApi>;
const TYPE = 'Microsoft.Dynamics.CRM.account';

beforeAll(async () => {
  emulator = await startTestEmulator();
  call = webApi(emulator.serviceRoot);
});
afterAll(() => emulator.close());

function expectError(answer: Answer, status: number, message: RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.json.error.message).toMatch(message);
}

function countAccounts(name: string): number {
  let n = 0;
  for (const row of emulator.store.scan('accounts')) if (row.values.name === name) n++;
  return n;
}

describe('CreateMultiple', () => {
  it('creates every target and answers their ids in order', async () => {
    const given = randomUUID();
    const answer = await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
      Targets: [
        { '@odata.type': TYPE, name: 'cm one' },
        { '@odata.type': TYPE, name: 'cm two', accountid: given },
        { '@odata.type': TYPE, name: 'cm three' },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.json['@odata.context']).toBe(`${emulator.serviceRoot}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`);
    expect(answer.json.Ids).toHaveLength(3);
    expect(answer.json.Ids[1]).toBe(given);
    const second = await call('GET', `accounts(${answer.json.Ids[2]})?$select=name`);
    expect(second.json.name).toBe('cm three');
  });

  it('rolls back every row when one fails', async () => {
    const answer = await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
      Targets: [
        { '@odata.type': TYPE, name: 'atomic' },
        { '@odata.type': TYPE, name: 'atomic', nosuchcolumn: 1 },
      ],
    });
    expect(answer.status).toBe(400);
    expect(countAccounts('atomic')).toBe(0);
  });

  it('refuses targets without @odata.type, of another table, an empty or missing Targets', async () => {
    expectError(await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [{ name: 'x' }] }), 400, /Targets\[0\].*@odata\.type/);
    expectError(
      await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [{ '@odata.type': TYPE, name: 'x' }, { '@odata.type': 'Microsoft.Dynamics.CRM.contact', lastname: 'x' }] }),
      400,
      /Targets\[1\].*same table/,
    );
    expectError(await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [] }), 400, /empty/);
    expectError(await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', {}), 400, /Targets/);
    expect(countAccounts('x')).toBe(0);
  });

  it('refuses a duplicate id with 412 and a GET with 404', async () => {
    const id = randomUUID();
    expect((await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [{ '@odata.type': TYPE, name: 'dup', accountid: id }] })).status).toBe(200);
    const again = await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [{ '@odata.type': TYPE, name: 'dup', accountid: id }] });
    expect(again.status).toBe(412);
    expect(again.json.error.code).toBe('0x80040237');
    expect((await call('GET', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple')).status).toBe(404);
  });

  it('refuses more than 10,000 targets with 0x80040203, and DeleteMultiple is not served', async () => {
    const targets = Array.from({ length: 10_001 }, (_, i) => ({ '@odata.type': TYPE, name: `over ${i}` }));
    const answer = await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: targets });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('0x80040203');
    expect(countAccounts('over 0')).toBe(0);
    expect((await call('POST', 'accounts/Microsoft.Dynamics.CRM.DeleteMultiple', { Targets: [] })).status).toBe(404);
  });

  it('is not bound to a single row', async () => {
    const created = await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [{ '@odata.type': TYPE, name: 'bound' }] });
    const answer = await call('POST', `accounts(${created.json.Ids[0]})/Microsoft.Dynamics.CRM.CreateMultiple`, { Targets: [{ '@odata.type': TYPE, name: 'bound' }] });
    expect(answer.status).toBe(404);
  });
});

describe('inside $batch', () => {
  it('a change set holding CreateMultiple and a failing create rolls both back', async () => {
    const boundary = `batch_${randomUUID()}`;
    const changeset = `changeset_${randomUUID()}`;
    const part = (id: number, url: string, body: unknown) =>
      `--${changeset}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: ${id}\r\n\r\nPOST ${emulator.serviceRoot}${url} HTTP/1.1\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(body)}\r\n`;
    const body =
      `--${boundary}\r\nContent-Type: multipart/mixed; boundary=${changeset}\r\n\r\n` +
      part(1, 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [{ '@odata.type': TYPE, name: 'in batch' }] }) +
      part(2, 'accounts', { nosuchcolumn: 1 }) +
      `--${changeset}--\r\n--${boundary}--\r\n`;
    const response = await fetch(`${emulator.serviceRoot}$batch`, { method: 'POST', headers: { 'Content-Type': `multipart/mixed;boundary=${boundary}` }, body });
    await response.text();
    expect(countAccounts('in batch')).toBe(0);
    const ok = body.replace(/\{"nosuchcolumn":1\}/, JSON.stringify({ name: 'in batch too' }));
    const second = await fetch(`${emulator.serviceRoot}$batch`, { method: 'POST', headers: { 'Content-Type': `multipart/mixed;boundary=${boundary}` }, body: ok });
    expect(await second.text()).toContain('CreateMultipleResponse');
    expect(countAccounts('in batch')).toBe(1);
  });
});

describe('UpdateMultiple', () => {
  it('updates every target and answers 204', async () => {
    const created = await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
      Targets: [{ '@odata.type': TYPE, name: 'um a' }, { '@odata.type': TYPE, name: 'um b' }],
    });
    const [a, b] = created.json.Ids as string[];
    const answer = await call('POST', 'accounts/Microsoft.Dynamics.CRM.UpdateMultiple', {
      Targets: [
        { '@odata.type': TYPE, accountid: a, name: 'um a2' },
        { '@odata.type': TYPE, accountid: b, name: 'um b2' },
      ],
    });
    expect(answer.status).toBe(204);
    expect((await call('GET', `accounts(${a})?$select=name`)).json.name).toBe('um a2');
    expect((await call('GET', `accounts(${b})?$select=name`)).json.name).toBe('um b2');
  });

  it('refuses a target without its primary key, a repeated row, and a missing row (atomically)', async () => {
    const created = await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [{ '@odata.type': TYPE, name: 'um keep' }] });
    const id = created.json.Ids[0] as string;
    expectError(await call('POST', 'accounts/Microsoft.Dynamics.CRM.UpdateMultiple', { Targets: [{ '@odata.type': TYPE, name: 'x' }] }), 400, /primary key 'accountid'/);
    expectError(
      await call('POST', 'accounts/Microsoft.Dynamics.CRM.UpdateMultiple', { Targets: [{ '@odata.type': TYPE, accountid: id, name: 'y' }, { '@odata.type': TYPE, accountid: id, name: 'z' }] }),
      400,
      /more than once/,
    );
    const missing = await call('POST', 'accounts/Microsoft.Dynamics.CRM.UpdateMultiple', {
      Targets: [{ '@odata.type': TYPE, accountid: id, name: 'changed' }, { '@odata.type': TYPE, accountid: randomUUID(), name: 'changed' }],
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('0x80040217');
    expect((await call('GET', `accounts(${id})?$select=name`)).json.name).toBe('um keep');
  });
});

describe('UpsertMultiple', () => {
  it('updates existing rows and creates the others with their ids', async () => {
    const created = await call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [{ '@odata.type': TYPE, name: 'up old' }] });
    const existing = created.json.Ids[0] as string;
    const fresh = randomUUID();
    const answer = await call('POST', 'accounts/Microsoft.Dynamics.CRM.UpsertMultiple', {
      Targets: [
        { '@odata.type': TYPE, accountid: existing, name: 'up updated' },
        { '@odata.type': TYPE, accountid: fresh, name: 'up created' },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.json.Ids).toEqual([existing, fresh]);
    expect((await call('GET', `accounts(${existing})?$select=name`)).json.name).toBe('up updated');
    expect((await call('GET', `accounts(${fresh})?$select=name`)).json.name).toBe('up created');
  });
});

describe('client bulk writes', () => {
  it('createMany and updateMany use CreateMultiple and UpdateMultiple on a table that has them', async () => {
    const client = new DataverseClient({ url: emulator.url });
    try {
      const before = emulator.requestLog.length;
      const rows = Array.from({ length: 250 }, (_, i) => ({ firstname: 'bulkmsg', lastname: `n${i}` }));
      const result = await client.createMany("contacts", rows, { batchSize: 100, bulkMessageSize: 100 });
      expect(result.failed).toEqual([]);
      expect(result.succeeded).toBe(250);
      const paths = emulator.requestLog.slice(before).map((entry) => entry.path);
      expect(paths.filter((path) => path.includes('Microsoft.Dynamics.CRM.CreateMultiple'))).toHaveLength(3);
      expect(paths.some((path) => path.includes('$batch'))).toBe(false);
      expect(bulkMessagesKnown(client, 'contacts')).toBe(true);
      const stored = await client.retrieve('contacts', result.ids[249]!, { select: ['lastname'] });
      expect(stored.lastname).toBe('n249');

      const updated = await client.updateMany('contacts', result.ids.map((id) => ({ id, values: { jobtitle: 'bulk' } })), { bulkMessageSize: 100 });
      expect(updated.failed).toEqual([]);
      expect(emulator.requestLog.slice(before).filter((entry) => entry.path.includes('UpdateMultiple'))).toHaveLength(3);
      expect((await client.retrieve('contacts', result.ids[0]!, { select: ['jobtitle'] })).jobtitle).toBe('bulk');
    } finally {
      client.close();
    }
  });

  it('writes the good rows of a chunk the message refuses and reports the bad ones', async () => {
    const client = new DataverseClient({ url: emulator.url });
    try {
      const rows = [{ lastname: 'mixed ok 1' }, { lastname: 'mixed bad', nosuchcolumn: 1 }, { lastname: 'mixed ok 2' }];
      const result = await client.createMany('contacts', rows, { batchSize: 10 });
      expect(result.succeeded).toBe(2);
      expect(result.failed.map((failure) => failure.index)).toEqual([1]);
      const stored = await client.retrieve('contacts', result.ids[2]!, { select: ['lastname'] });
      expect(stored.lastname).toBe('mixed ok 2');
    } finally {
      client.close();
    }
  });

  it("sends a record's own __proto__ key as data: the row is refused by name and Object.prototype stays clean", async () => {
    const client = new DataverseClient({ url: emulator.url });
    try {
      const rows = [{ lastname: 'proto ok' }, JSON.parse('{"lastname":"proto bad","__proto__":{"polluted":true}}') as Record<string, unknown>];
      const result = await client.createMany('contacts', rows, { batchSize: 10 });
      expect(result.succeeded).toBe(1);
      expect(result.failed.map((failure) => failure.index)).toEqual([1]);
      expect(result.failed[0]!.error.message).toMatch(/__proto__/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      client.close();
    }
  });

  it('falls back to $batch, once per client, where the table lacks the message', async () => {
    const other = await startTestEmulator({
      faults: [{ match: { path: 'Microsoft\\.Dynamics\\.CRM\\.CreateMultiple' }, probability: 1, status: 404, code: '0x80060888', message: "Resource not found for the segment 'Microsoft.Dynamics.CRM.CreateMultiple'." }],
    });
    const client = new DataverseClient({ url: other.url });
    try {
      const rows = Array.from({ length: 30 }, (_, i) => ({ lastname: `fallback ${i}` }));
      const result = await client.createMany('contacts', rows, { batchSize: 10, bulkMessageSize: 10, maxParallelBatches: 1 });
      expect(result.failed).toEqual([]);
      expect(result.succeeded).toBe(30);
      const paths = other.requestLog.map((entry) => entry.path);
      expect(paths.filter((path) => path.includes('CreateMultiple'))).toHaveLength(1);
      expect(paths.filter((path) => path.endsWith('$batch'))).toHaveLength(3);
      expect(bulkMessagesKnown(client, 'contacts')).toBe(false);
      let stored = 0;
      for (const row of other.store.scan('contacts')) if (String(row.values.lastname).startsWith('fallback ')) stored++;
      expect(stored).toBe(30);
    } finally {
      client.close();
      await other.close();
    }
  });

  it('sends $batch only when bulkMessages is false', async () => {
    const client = new DataverseClient({ url: emulator.url });
    try {
      const before = emulator.requestLog.length;
      const result = await client.createMany('contacts', [{ lastname: 'no messages' }], { bulkMessages: false });
      expect(result.succeeded).toBe(1);
      expect(emulator.requestLog.slice(before).some((entry) => entry.path.includes('CreateMultiple'))).toBe(false);
    } finally {
      client.close();
    }
  });
});
