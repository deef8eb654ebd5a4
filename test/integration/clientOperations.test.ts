/**
 * The client against the emulator over real HTTP: record operations, actions and functions,
 * metadata probes, and `$batch` change sets.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import {
  type DataverseClient,
  entityReference,
  isActionNotAvailableError,
  isConcurrencyError,
  isDuplicateRecordError,
  isNotFoundError,
  type BatchItem,
} from '../../src/dataverse/index.js';
import { emulatorClientPerFile, startEmulatorClient } from '../helpers/emulatorClient.js';

const setup = emulatorClientPerFile({}, { retry: { baseDelayInMs: 5 } });
let emulator: RunningEmulator;
let client: DataverseClient;
beforeAll(() => {
  ({ emulator, client } = setup);
});

describe('record operations', () => {
  it('creates with a client-generated id, retrieves, updates with ETags, and deletes', async () => {
    const { id } = await client.create('contacts', { firstname: 'Ada', lastname: 'Lovelace' });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(emulator.store.get('contacts', id)?.values).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace' });

    const record = await client.retrieve('contacts', id, { select: ['firstname', 'lastname'] });
    expect(record).toMatchObject({ contactid: id, firstname: 'Ada', lastname: 'Lovelace' });
    const etag = record['@odata.etag'] as string;
    expect(etag).toMatch(/^W\/"\d+"$/);

    await client.update('contacts', id, { lastname: 'King' }, { etag });
    await expect(client.update('contacts', id, { lastname: 'Byron' }, { etag })).rejects.toSatisfy(isConcurrencyError);
    expect(emulator.store.get('contacts', id)?.values.lastname).toBe('King');

    await client.delete('contacts', id);
    expect(emulator.store.get('contacts', id)).toBeUndefined();
    const missing = await client.retrieve('contacts', id).catch((e: unknown) => e);
    expect(isNotFoundError(missing)).toBe(true);
    expect((missing as { hint?: string }).hint).toBeTruthy();
    await client.delete('contacts', id, { ignoreMissing: true });
  });

  it('returns the representation when asked', async () => {
    const { id, record } = await client.create('contacts', { firstname: 'Grace' }, { returnRepresentation: true, select: ['firstname'] });
    expect(record).toMatchObject({ contactid: id, firstname: 'Grace' });
  });

  it('reports a duplicate id given by the caller as an error, not as success', async () => {
    const { id } = await client.create('contacts', { firstname: 'One' });
    await expect(client.create('contacts', { firstname: 'Other' }, { id })).rejects.toSatisfy(isDuplicateRecordError);
    expect(emulator.store.get('contacts', id)?.values.firstname).toBe('One');
  });

  it('update never creates; upsert creates then updates', async () => {
    const id = '0a0a0a0a-0000-4000-8000-000000000001';
    await expect(client.update('contacts', id, { firstname: 'X' })).rejects.toSatisfy(isNotFoundError);
    expect(emulator.store.get('contacts', id)).toBeUndefined();
    expect(await client.upsert('contacts', id, { firstname: 'Created' })).toEqual({ id });
    await client.upsert('contacts', id, { firstname: 'Updated' });
    expect(emulator.store.get('contacts', id)?.values.firstname).toBe('Updated');
    await expect(client.upsert('contacts', id, { firstname: 'No' }, { only: 'create' })).rejects.toMatchObject({ status: 412 });
  });

  it('counts rows with and without a filter', async () => {
    const before = emulator.store.count('contacts');
    expect(await client.count('contacts')).toBe(before);
    await client.create('contacts', { firstname: 'CountMe', lastname: 'Z1' });
    await client.create('contacts', { firstname: 'CountMe', lastname: 'Z2' });
    expect(await client.count('contacts', { filter: "firstname eq 'CountMe'" })).toBe(2);
  });
});

describe('actions, functions and metadata', () => {
  it('calls WhoAmI', async () => {
    const me = await client.whoAmI();
    expect(me.UserId).toMatch(/^[0-9a-f-]{36}$/);
    expect(me.BusinessUnitId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('resolves entity set names and probes for actions', async () => {
    expect(await client.entitySetName('contact')).toBe('contacts');
    expect(await client.entitySetName('msdyncrm_contentsettings')).toBe('msdyncrm_contentsettingss');
    expect(await client.hasAction('WhoAmI')).toBe(true);
    expect(await client.hasAction('contoso_NoSuchAction')).toBe(false);
    const error = await client.requireAction('contoso_NoSuchAction', 'the Contoso solution is not installed').catch((e: unknown) => e);
    expect(isActionNotAvailableError(error)).toBe(true);
    expect((error as Error).message).toContain('contoso_NoSuchAction');
    expect((error as Error).message).toContain('the Contoso solution is not installed');
  });

  it('turns a 404 for an unknown action into ActionNotAvailableError', async () => {
    const error = await client.callAction('contoso_Missing', { Target: entityReference('contact', '0a0a0a0a-0000-4000-8000-000000000009') }).catch((e: unknown) => e);
    expect(isActionNotAvailableError(error)).toBe(true);
    expect(error).toMatchObject({ actionName: 'contoso_Missing', status: 404 });
  });

  it('names the removed outbound action clearly on an environment without outbound marketing', async () => {
    const removed = await startEmulatorClient({ profile: 'outbound-removed' });
    const other = removed.client;
    try {
      const error = await other
        .callAction('msdyncrm_CustomerJourneyValidate', {}, { unavailableExplanation: 'outbound marketing was removed from this environment' })
        .catch((e: unknown) => e);
      expect(isActionNotAvailableError(error)).toBe(true);
      expect((error as Error).message).toMatch(/msdyncrm_CustomerJourneyValidate.*outbound marketing was removed/);
    } finally {
      await removed.dispose();
    }
  });
});

describe('$batch', () => {
  it('runs a change set atomically: a failing operation leaves nothing behind', async () => {
    const before = emulator.store.count('contacts');
    const ok = '0b0b0b0b-0000-4000-8000-000000000001';
    const items: BatchItem[] = [
      {
        changeSet: [
          { method: 'POST', path: 'contacts', body: { contactid: ok, firstname: 'Kept?' } },
          { method: 'POST', path: 'contacts', body: { firstname: 'x'.repeat(500) } },
        ],
      },
    ];
    const results = await client.batch(items);
    expect(results).toHaveLength(2);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(results[1]!.status).toBe(400);
    expect(results[0]!.error?.message).toMatch(/Rolled back/);
    expect(emulator.store.get('contacts', ok)).toBeUndefined();
    expect(emulator.store.count('contacts')).toBe(before);
  });

  it('with continue-on-error reports every operation individually', async () => {
    const a = '0c0c0c0c-0000-4000-8000-000000000001';
    const b = '0c0c0c0c-0000-4000-8000-000000000002';
    const results = await client.batch(
      [
        { method: 'POST', path: 'contacts', body: { contactid: a, firstname: 'A' } },
        { method: 'POST', path: 'contacts', body: { firstname: 'x'.repeat(500) } },
        { method: 'POST', path: 'contacts', body: { contactid: b, firstname: 'B' } },
        { method: 'GET', path: `contacts(${a})?$select=firstname` },
        { changeSet: [{ method: 'PATCH', path: `contacts(${b})`, body: { lastname: 'Bee' }, headers: { 'If-Match': '*' } }] },
      ],
      { continueOnError: true },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true, true, true]);
    expect(results[0]!.entityId).toBe(a);
    expect(results[1]!.error).toMatchObject({ status: 400 });
    expect(results[3]!.body).toMatchObject({ firstname: 'A' });
    expect(emulator.store.get('contacts', b)?.values).toMatchObject({ firstname: 'B', lastname: 'Bee' });
  });

  it('stops at the first failure without continue-on-error', async () => {
    const a = '0d0d0d0d-0000-4000-8000-000000000001';
    const c = '0d0d0d0d-0000-4000-8000-000000000003';
    const results = await client.batch([
      { method: 'POST', path: 'contacts', body: { contactid: a, firstname: 'A' } },
      { method: 'POST', path: 'contacts', body: { firstname: 'x'.repeat(500) } },
      { method: 'POST', path: 'contacts', body: { contactid: c, firstname: 'C' } },
    ]);
    expect(results.map((r) => [r.ok, r.status])).toEqual([
      [true, 0],
      [false, 400],
      [false, 0],
    ]);
    expect(emulator.store.get('contacts', a)).toBeDefined();
    expect(emulator.store.get('contacts', c)).toBeUndefined();
  });

  it('uses Content-ID references inside a change set', async () => {
    const results = await client.batch([
      {
        changeSet: [
          { method: 'POST', path: 'accounts', body: { name: 'Parent' }, contentId: '1' },
          { method: 'POST', path: 'contacts', body: { firstname: 'Child', 'parentcustomerid_account@odata.bind': '$1' } },
        ],
      },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const accountId = results[0]!.entityId!;
    const contact = await client.retrieve('contacts', results[1]!.entityId!, { select: ['_parentcustomerid_value'] });
    expect(contact._parentcustomerid_value).toBe(accountId);
  });

  it('splits work into requests of at most 1,000 operations', async () => {
    const start = emulator.requestLog.length;
    const ops: BatchItem[] = Array.from({ length: 2500 }, (_, i) => ({ method: 'POST' as const, path: 'contacts', body: { firstname: `Split${i}` } }));
    const results = await client.batch(ops, { continueOnError: true });
    expect(results.filter((r) => r.ok)).toHaveLength(2500);
    const batches = emulator.requestLog.slice(start).filter((e) => e.path.includes('$batch'));
    expect(batches.map((e) => e.batchOperations)).toEqual([1000, 1000, 500]);
  });
});
