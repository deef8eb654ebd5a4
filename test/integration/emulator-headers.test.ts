/**
 * Headers over HTTP: `odata.metadata=none|minimal|full` in Accept, `odata.include-annotations`
 * filtering, change tracking (`Prefer: odata.track-changes`, `@odata.deltaLink`, changed and
 * `$deletedEntity` rows), `If-None-Match` on GET, `Prefer: return=representation` with `$select`.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
 * https://learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorCore } from '../../src/emulator/core/server.js';
import type { EmulatorCore } from '../../src/emulator/core/types.js';
import { entityIdOf, webApi } from '../helpers/webapi.js';

let core: EmulatorCore;
let call: ReturnType<typeof webApi>;
let contactId: string;
let accountId: string;

beforeAll(async () => {
  core = await createEmulatorCore();
  call = webApi(core.serviceRoot());
  contactId = entityIdOf(await call('POST', 'contacts', { firstname: 'Head', lastname: 'Er' }));
  accountId = entityIdOf(await call('POST', 'accounts', { name: 'headers', 'primarycontactid@odata.bind': `/contacts(${contactId})` }));
});
afterAll(() => core.close());

describe('odata.metadata', () => {
  it('none leaves out @odata.context and @odata.etag', async () => {
    const answer = await call('GET', `accounts(${accountId})?$select=name`, undefined, { Accept: 'application/json;odata.metadata=none' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/odata\.metadata=none/);
    expect(answer.json).toEqual({ name: 'headers', accountid: accountId });
    const list = await call('GET', `accounts?$select=name&$count=true`, undefined, { Accept: 'application/json;odata.metadata=none' });
    expect(list.json['@odata.context']).toBeUndefined();
    expect(list.json['@odata.count']).toBe(1);
    expect(list.json.value[0]['@odata.etag']).toBeUndefined();
  });

  it('full adds @odata.type, @odata.id and @odata.editLink', async () => {
    const answer = await call('GET', `accounts?$select=name`, undefined, { Accept: 'application/json;odata.metadata=full' });
    expect(answer.headers.get('content-type')).toMatch(/odata\.metadata=full/);
    expect(answer.json.value[0]).toMatchObject({
      '@odata.type': '#Microsoft.Dynamics.CRM.account',
      '@odata.id': `${core.serviceRoot()}accounts(${accountId})`,
      '@odata.editLink': `accounts(${accountId})`,
      name: 'headers',
    });
    const one = await call('GET', `contacts(${contactId})?$select=firstname`, undefined, { Accept: 'application/json;odata.metadata=full' });
    expect(one.json['@odata.type']).toBe('#Microsoft.Dynamics.CRM.contact');
  });

  it('minimal is the default, and an unknown level answers 406', async () => {
    const answer = await call('GET', `accounts(${accountId})?$select=name`, undefined, { Accept: 'application/json;odata.metadata=minimal' });
    expect(answer.json['@odata.context']).toContain('$metadata#accounts');
    expect((await call('GET', 'accounts', undefined, { Accept: 'application/json;odata.metadata=verbose' })).status).toBe(406);
  });
});

describe('odata.include-annotations', () => {
  it('includes only the annotations asked for', async () => {
    const lookupOnly = await call('GET', `accounts(${accountId})?$select=_primarycontactid_value,statecode`, undefined, { Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"' });
    expect(lookupOnly.json['_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('contact');
    expect(lookupOnly.json['statecode@OData.Community.Display.V1.FormattedValue']).toBeUndefined();
    expect(lookupOnly.headers.get('preference-applied')).toBe('odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"');
    const formatted = await call('GET', `accounts(${accountId})?$select=_primarycontactid_value,statecode`, undefined, { Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' });
    expect(formatted.json['statecode@OData.Community.Display.V1.FormattedValue']).toBe('Active');
    expect(formatted.json['_primarycontactid_value@OData.Community.Display.V1.FormattedValue']).toBe('Head Er');
    expect(formatted.json['_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBeUndefined();
  });
});

describe('change tracking', () => {
  it('answers a delta link, then the changed, new and deleted rows since it', async () => {
    const first = await call('GET', 'contacts?$select=firstname', undefined, { Prefer: 'odata.track-changes' });
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('preference-applied')).toBe('odata.track-changes');
    expect(first.json.value.map((row: any) => row.firstname)).toContain('Head');
    const deltaLink = first.json['@odata.deltaLink'] as string;
    expect(deltaLink).toMatch(/contacts\?\$select=firstname&\$deltatoken=\d+/);

    const nothing = await call('GET', deltaLink);
    expect(nothing.json.value).toEqual([]);

    const fresh = entityIdOf(await call('POST', 'contacts', { firstname: 'New', lastname: 'One' }));
    const doomed = entityIdOf(await call('POST', 'contacts', { firstname: 'Doomed', lastname: 'One' }));
    const link2 = (await call('GET', deltaLink)).json['@odata.deltaLink'] as string;
    await call('PATCH', `contacts(${contactId})`, { firstname: 'Changed' });
    expect((await call('DELETE', `contacts(${doomed})`)).status).toBe(204);

    const delta = await call('GET', link2);
    expect(delta.status, delta.text).toBe(200);
    expect(delta.json['@odata.context']).toMatch(/\$metadata#contacts\(firstname\)\/\$delta$/);
    const changed = delta.json.value.filter((row: any) => row.firstname !== undefined).map((row: any) => row.firstname);
    expect(changed).toEqual(['Changed']);
    expect(delta.json.value).toContainEqual({ '@odata.context': `${core.serviceRoot()}$metadata#contacts/$deletedEntity`, id: doomed, reason: 'deleted' });
    const sinceStart = await call('GET', deltaLink);
    expect(sinceStart.json.value.map((row: any) => row.contactid ?? row.id)).toEqual(expect.arrayContaining([fresh, contactId, doomed]));
  });

  it('refuses $filter, $orderby, $top and $expand with change tracking, and a malformed token', async () => {
    for (const option of ['$filter=firstname eq \'x\'', '$orderby=firstname', '$top=1', '$expand=parentcustomerid_account']) {
      const answer = await call('GET', `contacts?${option}`, undefined, { Prefer: 'odata.track-changes' });
      expect(answer.status, option).toBe(400);
      expect(answer.json.error.message).toMatch(/change tracking/);
    }
    expect((await call('GET', 'contacts?$deltatoken=abc')).status).toBe(400);
  });
});

describe('conditional GET and return=representation', () => {
  it('If-None-Match with the current ETag answers 304, with another 200', async () => {
    const read = await call('GET', `accounts(${accountId})?$select=name`);
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"\d+"$/);
    expect((await call('GET', `accounts(${accountId})?$select=name`, undefined, { 'If-None-Match': etag })).status).toBe(304);
    expect((await call('GET', `accounts(${accountId})?$select=name`, undefined, { 'If-None-Match': 'W/"1"' })).status).toBe(200);
  });

  it('return=representation with $select answers 201 with the selected columns', async () => {
    const created = await call('POST', 'accounts?$select=name', { name: 'represented', telephone1: '555' }, { Prefer: 'return=representation' });
    expect(created.status).toBe(201);
    expect(created.headers.get('preference-applied')).toBe('return=representation');
    expect(created.json.name).toBe('represented');
    expect(created.json.telephone1).toBeUndefined();
    const updated = await call('PATCH', `accounts(${created.json.accountid})?$select=telephone1`, { telephone1: '556' }, { Prefer: 'return=representation' });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ telephone1: '556' });
    expect(updated.json.name).toBeUndefined();
  });
});
