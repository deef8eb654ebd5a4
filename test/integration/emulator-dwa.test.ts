/**
 * Acceptance: the real `dynamics-web-api` client (DWA 2.5.0) drives the emulator unchanged, over
 * HTTP on loopback. DWA routes everything through `http_proxy`/`https_proxy` when set and ignores
 * NO_PROXY, so they are cleared for this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamicsWebApi } from 'dynamics-web-api';
import { randomUUID } from 'node:crypto';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

let emulator: RunningEmulator;
let api: DynamicsWebApi;

beforeAll(async () => {
  emulator = await startEmulator({ transitionDelayMs: 10 });
  api = new DynamicsWebApi({ serverUrl: emulator.url, onTokenRefresh: async () => 'emulator-token' });
});

afterAll(async () => {
  await emulator.close();
});

describe('dynamics-web-api against the emulator', () => {
  it('creates a record (204 + OData-EntityId) and retrieves it with dates as Date objects', async () => {
    const id = await api.create<any, any>({ collection: 'contacts', data: { firstname: 'Ada', lastname: 'Lovelace', emailaddress1: 'ada@example.com' } });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const contact = await api.retrieve({ collection: 'contacts', key: id, select: ['fullname', 'emailaddress1', 'createdon'] });
    expect(contact.fullname).toBe('Ada Lovelace');
    expect(contact.contactid).toBe(id);
    expect(contact.createdon).toBeInstanceOf(Date);
    expect(contact['@odata.etag']).toMatch(/^W\/"\d+"$/);
  });

  it('returns the representation and formatted values when asked', async () => {
    const journey = await api.create<any, any>({
      collection: 'msdyncrm_customerjourneys',
      data: { msdyncrm_name: 'Welcome', msdyncrm_entitytarget: 0 },
      returnRepresentation: true,
      select: ['msdyncrm_name', 'statuscode'],
      includeAnnotations: 'OData.Community.Display.V1.FormattedValue',
    });
    expect(journey.msdyncrm_name).toBe('Welcome');
    expect(journey.statuscode).toBe(192350000);
    expect(journey['statuscode@OData.Community.Display.V1.FormattedValue']).toBe('Draft');
  });

  it('updates with If-Match: a current ETag succeeds, a stale one gives false (412)', async () => {
    const id = await api.create<any, any>({ collection: 'accounts', data: { name: 'Contoso' } });
    const before = await api.retrieve({ collection: 'accounts', key: id, select: ['name'] });
    const etag = before['@odata.etag'] as string;
    expect(await api.update<any, any>({ collection: 'accounts', key: id, data: { name: 'Contoso Ltd' }, ifmatch: etag })).toBe(true);
    expect(await api.update<any, any>({ collection: 'accounts', key: id, data: { name: 'Stale' }, ifmatch: etag })).toBe(false);
    const after = await api.retrieve({ collection: 'accounts', key: id, select: ['name'] });
    expect(after.name).toBe('Contoso Ltd');
  });

  it('update of a missing record throws 404 instead of creating it', async () => {
    const missing = randomUUID();
    await expect(api.update<any, any>({ collection: 'accounts', key: missing, data: { name: 'Ghost' } })).rejects.toMatchObject({ status: 404, code: '0x80040217' });
    expect(emulator.store.get('accounts', missing)).toBeUndefined();
  });

  it('upserts: creates with the given id, then updates it', async () => {
    const id = randomUUID();
    const created = await api.upsert<any, any>({ collection: 'accounts', key: id, data: { name: 'Upserted' } });
    expect(created).toBe(id);
    await api.upsert<any, any>({ collection: 'accounts', key: id, data: { name: 'Upserted again' } });
    const row = await api.retrieve({ collection: 'accounts', key: id, select: ['name'] });
    expect(row.name).toBe('Upserted again');
  });

  it('deletes a record', async () => {
    const id = await api.create<any, any>({ collection: 'accounts', data: { name: 'Doomed' } });
    expect(await api.deleteRecord({ collection: 'accounts', key: id })).toBe(true);
    await expect(api.retrieve({ collection: 'accounts', key: id })).rejects.toMatchObject({ status: 404 });
  });

  it('associates and disassociates single-valued and collection navigation properties through $ref', async () => {
    const accountId = await api.create<any, string>({ collection: 'accounts', data: { name: 'Parent account' } });
    const contactId = await api.create<any, string>({ collection: 'contacts', data: { lastname: 'Associated' } });
    await api.associateSingleValued({ collection: 'contacts', primaryKey: contactId, navigationProperty: 'parentcustomerid_account', relatedCollection: 'accounts', relatedKey: accountId });
    expect((await api.retrieve({ collection: 'contacts', key: contactId, select: ['_parentcustomerid_value'] }))._parentcustomerid_value).toBe(accountId);
    await api.disassociateSingleValued({ collection: 'contacts', primaryKey: contactId, navigationProperty: 'parentcustomerid_account' });
    expect((await api.retrieve({ collection: 'contacts', key: contactId, select: ['_parentcustomerid_value'] }))._parentcustomerid_value).toBeNull();

    const apiId = await api.create<any, string>({ collection: 'customapis', data: { uniquename: 'sample_Assoc', name: 'a', displayname: 'a', description: 'a' } });
    const parameterId = await api.create<any, string>({ collection: 'customapirequestparameters', data: { uniquename: 'p', name: 'p', displayname: 'p', description: 'p', type: 10 } });
    await api.associate({ collection: 'customapis', primaryKey: apiId, relationshipName: 'CustomAPIRequestParameters', relatedCollection: 'customapirequestparameters', relatedKey: parameterId });
    const expanded = await api.retrieve({ collection: 'customapis', key: apiId, select: ['uniquename'], expand: [{ property: 'CustomAPIRequestParameters', select: ['uniquename'] }] });
    expect(expanded.CustomAPIRequestParameters.map((row: { customapirequestparameterid: string }) => row.customapirequestparameterid)).toEqual([parameterId]);
    await api.disassociate({ collection: 'customapis', primaryKey: apiId, relationshipName: 'CustomAPIRequestParameters', relatedKey: parameterId });
    expect((await api.retrieve({ collection: 'customapirequestparameters', key: parameterId, select: ['_customapiid_value'] }))._customapiid_value).toBeNull();
  });

  it('retrieveAll follows @odata.nextLink over 12,000 rows, and count/countAll agree', async () => {
    const store = emulator.store;
    store.transaction(() => {
      for (let i = 0; i < 12_000; i++) {
        const id = randomUUID();
        store.insert('msdyncrm_segments', id, { msdyncrm_segmentid: id, msdyncrm_segmentname: `Segment ${i}`, msdyncrm_segmenttype: 192350000, statecode: 0, statuscode: 192350000 });
      }
    });
    const all = await api.retrieveAll({ collection: 'msdyncrm_segments', select: ['msdyncrm_segmentname'], maxPageSize: 5000 });
    expect(all.value).toHaveLength(12_000);
    expect(new Set(all.value.map((row: { msdyncrm_segmentid: string }) => row.msdyncrm_segmentid)).size).toBe(12_000);
    expect(await api.count({ collection: 'contacts' })).toBe(store.count('contacts'));
    // /$count is capped at 5,000 like Dataverse.
    expect(await api.count({ collection: 'msdyncrm_segments' })).toBe(5000);
  });

  it('retrieveMultiple with filter, order and top', async () => {
    for (const name of ['Beta', 'Alpha', 'Gamma']) await api.create<any, any>({ collection: 'msdyncrm_marketingemails', data: { msdyncrm_name: name } });
    const page = await api.retrieveMultiple({
      collection: 'msdyncrm_marketingemails',
      select: ['msdyncrm_name'],
      filter: "startswith(msdyncrm_name,'a') or msdyncrm_name eq 'gamma'",
      orderBy: ['msdyncrm_name desc'],
      top: 5,
    });
    expect(page.value.map((row: { msdyncrm_name: string }) => row.msdyncrm_name)).toEqual(['Gamma', 'Alpha']);
  });

  it('callFunction WhoAmI', async () => {
    const me = await api.callFunction('WhoAmI');
    expect(me.UserId).toMatch(/^[0-9a-f-]{36}$/);
    expect(me.BusinessUnitId).toMatch(/^[0-9a-f-]{36}$/);
    expect(me.OrganizationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('callAction msdyncrm_CustomerJourneyValidate returns the string-encoded ValidationResult', async () => {
    const result = await api.callAction({
      actionName: 'msdyncrm_CustomerJourneyValidate',
      action: { FieldValueName: 'Check me', FieldValueEntityTarget: 0, FieldValueWorkflowDefinition: '[]' },
    });
    expect(typeof result.ValidationResult).toBe('string');
    expect(() => JSON.parse(result.ValidationResult as string)).not.toThrow();
  });

  it('executeBatch with a change set: creates, a Content-ID reference, and a GET outside it', async () => {
    const accountId = randomUUID();
    api.startBatch();
    api.create<any, any>({ collection: 'accounts', data: { accountid: accountId, name: 'Batch account' }, contentId: '1' });
    api.create<any, any>({ collection: 'contacts', data: { firstname: 'In', lastname: 'Batch', 'parentcustomerid_account@odata.bind': '$1' } });
    api.retrieveMultiple({ collection: 'accounts', select: ['name'], filter: `accountid eq ${accountId}` });
    const results = await api.executeBatch();
    expect(results).toHaveLength(3);
    expect(results[0]).toBe(accountId);
    expect(results[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(results[2].value).toEqual([expect.objectContaining({ name: 'Batch account', accountid: accountId })]);
    const contact = await api.retrieve({ collection: 'contacts', key: results[1] as string, select: ['_parentcustomerid_value'] });
    expect(contact._parentcustomerid_value).toBe(accountId);
  });

  it('executeBatch rolls the change set back when one part fails', async () => {
    const before = emulator.store.count('accounts');
    api.startBatch();
    api.create<any, any>({ collection: 'accounts', data: { name: 'Rolled back' } });
    api.create<any, any>({ collection: 'accounts', data: { name: 'x'.repeat(161) } });
    await expect(api.executeBatch()).rejects.toBeDefined();
    expect(emulator.store.count('accounts')).toBe(before);
  });
});
