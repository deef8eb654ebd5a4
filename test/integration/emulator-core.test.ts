/**
 * The emulator core over raw HTTP: error shapes and codes, conditional requests, paging, query
 * options, `$batch` framing, plugins' hooks and system writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { XMLValidator } from 'fast-xml-parser';
import { createEmulatorCore } from '../../src/emulator/core/server.js';
import { validation } from '../../src/emulator/core/errors.js';
import type { EmulatorCore, EmulatorPlugin, WriteChange } from '../../src/emulator/core/types.js';
import { entityIdOf, webApi, type Answer } from '../helpers/webapi.js';

let core: EmulatorCore;
let root: string;
let call: ReturnType<typeof webApi>;
const logged: string[] = [];
const seen: { before: WriteChange[]; after: WriteChange[] } = { before: [], after: [] };

/**
 * A plugin that records hooks, refuses a magic name, answers /v1.0/ping and resolves
 * `probe_Runtime` at run time (route and resolver get the running core as an argument).
 */
const probe: EmulatorPlugin = {
  name: 'probe',
  beforeWrite(change, context) {
    seen.before.push(change);
    if (change.values.name === 'refuse me' && !context.system) throw validation('The probe refuses this name.');
    if (change.values.name === 'rename me') change.values.name = 'renamed by plugin';
  },
  afterCommit(change) {
    seen.after.push(change);
  },
  route(request, running) {
    return request.url === '/v1.0/ping' ? { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pong: true, userId: running.identity.userId }) } : undefined;
  },
  resolveOperation(name, running) {
    return name === 'probe_Runtime' ? { kind: 'function', handle: () => ({ Origin: running.url }) } : undefined;
  },
  operations: {
    probe_Echo: { kind: 'action', handle: ({ parameters }) => ({ Echo: parameters.Text }) },
    probe_Nothing: { kind: 'action', handle: () => undefined },
    probe_Bound: { kind: 'function', binding: 'entity', boundEntitySets: ['accounts'], handle: ({ target }) => ({ Target: target?.id }) },
    probe_Params: { kind: 'function', handle: ({ parameters }) => ({ Received: { ...parameters } }) },
    probe_Collection: { kind: 'action', binding: 'collection', handle: () => ({ Bound: 'collection' }) },
    probe_Crash: {
      kind: 'action',
      handle: () => {
        throw new TypeError('boom');
      },
    },
  },
};

beforeAll(async () => {
  core = await createEmulatorCore({ plugins: [probe], log: (line) => logged.push(line) });
  root = core.serviceRoot();
  call = webApi(root);
});
afterAll(async () => {
  await core.close();
});

async function createAccount(name: string): Promise<string> {
  const answer = await call('POST', 'accounts', { name });
  expect(answer.status).toBe(204);
  return entityIdOf(answer);
}

function expectError(answer: Answer, status: number, code: string, message?: RegExp) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json; odata\.metadata=minimal/);
  expect(answer.json).toEqual({ error: { code, message: expect.any(String) } });
  if (message) expect(answer.json.error.message).toMatch(message);
}

describe('service root and metadata', () => {
  it('serves v9.0, v9.1 and v9.2 with the service document', async () => {
    for (const version of ['v9.0', 'v9.1', 'v9.2']) {
      const answer = await call('GET', `${core.url}/api/data/${version}/`);
      expect(answer.status).toBe(200);
      expect(answer.json['@odata.context']).toBe(`${core.url}/api/data/${version}/$metadata`);
      expect(answer.json.value).toContainEqual({ name: 'msdyncrm_contentsettingss', kind: 'EntitySet', url: 'msdyncrm_contentsettingss' });
    }
  });

  it('serves a CSDL naming entity sets, irregular navigation properties and operations', async () => {
    const answer = await call('GET', '$metadata', undefined, { Accept: 'application/xml' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(answer.text).toContain('<EntitySet Name="msdyncrm_customerjourneys" EntityType="mscrm.msdyncrm_customerjourney">');
    expect(answer.text).toContain('<NavigationProperty Name="msdyncrm_contentsettingsId"');
    expect(answer.text).toContain('<FunctionImport Name="WhoAmI" Function="mscrm.WhoAmI"/>');
    expect(answer.text).toContain('<ActionImport Name="probe_Echo"');
    expect(XMLValidator.validate(answer.text)).toBe(true);
  });

  it('answers EntityDefinitions by logical name, with $select and $filter', async () => {
    const one = await call('GET', "EntityDefinitions(LogicalName='msdyncrm_customerjourney')?$select=EntitySetName,PrimaryIdAttribute");
    expect(one.json).toMatchObject({ EntitySetName: 'msdyncrm_customerjourneys', PrimaryIdAttribute: 'msdyncrm_customerjourneyid' });
    const filtered = await call('GET', "EntityDefinitions?$select=LogicalName,EntitySetName&$filter=LogicalName eq 'msdyncrm_contentsettings'");
    expect(filtered.json.value).toEqual([expect.objectContaining({ LogicalName: 'msdyncrm_contentsettings', EntitySetName: 'msdyncrm_contentsettingss' })]);
    expectError(await call('GET', "EntityDefinitions(LogicalName='nope')"), 404, '0x80060891');
    // Tables are created through POST EntityDefinitions (metadata/tableDefinitions.ts): a body without SchemaName is refused.
    expectError(await call('POST', 'EntityDefinitions', {}), 400, '0x0');
    expectError(await call('DELETE', "EntityDefinitions(LogicalName='msdyncrm_customerjourney')"), 405, '0x80040315');
  });

  it('sends CORS headers and answers preflights', async () => {
    const answer = await call('GET', 'WhoAmI()', undefined, { Origin: 'http://localhost:3000' });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-expose-headers')).toContain('OData-EntityId');
    const preflight = await call('OPTIONS', 'accounts', undefined, { Origin: 'http://x', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'prefer,if-match' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
  });

  it('passes the running core to resolveOperation', async () => {
    const answer = await call('GET', 'probe_Runtime()');
    expect(answer.status).toBe(200);
    expect((answer.json as { Origin: string }).Origin).toBe(core.url);
  });

  it('lets plugins route outside /api/data', async () => {
    expect((await call('GET', `${core.url}/v1.0/ping`)).json).toEqual({ pong: true, userId: core.identity.userId });
    expectError(await call('GET', `${core.url}/other/place`), 404, '0x80060888');
  });
});

describe('errors in Dataverse shape', () => {
  it('unknown entity set and unknown segment: 404 0x80060888', async () => {
    expectError(await call('GET', 'Accounts'), 404, '0x80060888', /Resource not found for the segment 'Accounts'\./);
    const id = await createAccount('Segments');
    expectError(await call('GET', `accounts(${id})/nope/more`), 404, '0x80060888');
  });

  it('missing record: 404 0x80040217 with the entity logical name', async () => {
    const id = randomUUID();
    expectError(await call('GET', `accounts(${id})`), 404, '0x80040217', new RegExp(`^account With Id = ${id} Does Not Exist$`));
    expectError(await call('DELETE', `accounts(${id})`), 404, '0x80040217');
  });

  it('unknown property in $select, $filter, $orderby and bodies: 400 0x0', async () => {
    const message = /^Could not find a property named 'nope' on type 'Microsoft\.Dynamics\.CRM\.account'\.$/;
    expectError(await call('GET', 'accounts?$select=name,nope'), 400, '0x0', message);
    expectError(await call('GET', "accounts?$filter=nope eq 'x'"), 400, '0x0', message);
    expectError(await call('GET', 'accounts?$orderby=nope desc'), 400, '0x0', message);
    expectError(await call('POST', 'accounts', { name: 'x', nope: 1 }), 400, '0x0', message);
  });

  it('wrong method for an operation: 404 with code ""', async () => {
    expectError(await call('POST', 'WhoAmI'), 404, '', /No HTTP resource was found that matches the request URI/);
    expectError(await call('GET', 'probe_Echo'), 404, '');
  });

  it('validation: length, range, option value, required: 400 0x80044331; type errors 400', async () => {
    expectError(await call('POST', 'accounts', { name: 'x'.repeat(161) }), 400, '0x80044331', /exceeded the maximum allowed length of '160'/);
    expectError(await call('POST', 'msdyncrm_customerjourneys', { msdyncrm_name: 'r', msdyncrm_customerjourneytimezone: 5000 }), 400, '0x80044331', /outside the valid range/);
    expectError(await call('POST', 'msdyncrm_customerjourneys', { msdyncrm_name: 'p', msdyncrm_entitytarget: 7 }), 400, '0x80044331', /not a valid option/);
    expectError(await call('POST', 'msdyncrm_customerjourneys', { msdyncrm_description: 'no name' }), 400, '0x80044331', /'msdyncrm_name' attribute .* is required/);
    expectError(await call('POST', 'accounts', { name: 12 }), 400, '0x0', /Edm\.String/);
  });

  it('duplicate id on POST: 412 0x80040237', async () => {
    const id = randomUUID();
    expect((await call('POST', 'accounts', { accountid: id, name: 'first' })).status).toBe(204);
    expectError(await call('POST', 'accounts', { accountid: id, name: 'second' }), 412, '0x80040237', /A record with matching key values already exists\./);
  });

  it('unsupported query options: 400 unless loose; malformed JSON and bodies: 400; wrong content type: 415', async () => {
    expectError(await call('GET', 'accounts?$skip=10'), 400, '0x80060888', /\$skip/);
    expectError(await call('GET', 'accounts?$search=x'), 400, '0x80060888');
    expectError(await call('GET', 'accounts?$top=1&$top=2'), 400, '0x0', /more than once/);
    expectError(await call('POST', 'accounts', '{"name":'), 400, '0x0', /not valid JSON/);
    expectError(await call('POST', 'accounts', '[1,2]'), 400, '0x0', /JSON object/);
    expectError(await call('POST', 'accounts', 'name=x', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, '0x80040203');
    const loose = await createEmulatorCore({ loose: true });
    try {
      const answer = await fetch(`${loose.serviceRoot()}accounts?$skip=10`);
      expect(answer.status).toBe(200);
    } finally {
      await loose.close();
    }
  });

  it('a body over the limit: 413 0x8004418a', async () => {
    const small = await createEmulatorCore({ maxBodyBytes: 1024 });
    try {
      const answer = await fetch(`${small.serviceRoot()}accounts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(5000) }) });
      expect(answer.status).toBe(413);
      expect(((await answer.json()) as any).error.code).toBe('0x8004418a');
    } finally {
      await small.close();
    }
  });

  it('odd bytes in request headers never break the response headers', async () => {
    const answer = await call('GET', 'accounts?$top=1', undefined, { Prefer: 'odata.include-annotations="caf\u00e9\t*"', 'If-None-Match': '\u00ff' });
    expect(answer.status).toBe(200);
  });

  it('input keys like __proto__ never reach Object.prototype', async () => {
    expectError(await call('POST', 'accounts', '{"name":"p","__proto__":{"polluted":true}}'), 400, '0x0', /'__proto__'/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('create, read, update, delete', () => {
  it('create answers 204 with OData-EntityId ending in (<guid>), or 201 with return=representation', async () => {
    const plain = await call('POST', 'accounts', { name: 'Plain' });
    expect(plain.status).toBe(204);
    expect(plain.headers.get('odata-entityid')).toMatch(new RegExp(`^${root.replace(/[.]/g, '\\.')}accounts\\([0-9a-f-]{36}\\)$`));
    const represented = await call('POST', 'accounts?$select=name', { name: 'Represented' }, { Prefer: 'return=representation' });
    expect(represented.status).toBe(201);
    expect(represented.json['@odata.context']).toBe(`${root}$metadata#accounts(name)/$entity`);
    expect(represented.json.name).toBe('Represented');
    expect(represented.headers.get('preference-applied')).toBe('return=representation');
  });

  it('rows carry system columns: dates without milliseconds, owner, versionnumber ETag', async () => {
    const id = await createAccount('System');
    const answer = await call('GET', `accounts(${id})`);
    expect(answer.json.createdon).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(answer.json._ownerid_value).toBe(core.identity.userId);
    expect(answer.json['@odata.etag']).toBe(`W/"${answer.json.versionnumber}"`);
    expect(answer.headers.get('etag')).toBe(answer.json['@odata.etag']);
    expect(answer.json.statecode).toBe(0);
    expect(answer.json.statuscode).toBe(1);
  });

  it('binds lookups with irregular navigation names and reads them back as _x_value with annotations', async () => {
    const settingsId = (await call('POST', 'msdyncrm_contentsettingss', { msdyncrm_name: 'Default settings' })).headers.get('odata-entityid')!.slice(-37, -1);
    const created = await call(
      'POST',
      'msdyncrm_customerjourneys',
      { msdyncrm_name: 'Bound', 'msdyncrm_contentsettingsId@odata.bind': `/msdyncrm_contentsettingss(${settingsId})`, 'ownerid@odata.bind': `systemusers(${core.identity.userId})` },
      {},
    );
    expect(created.status).toBe(204);
    const id = created.headers.get('odata-entityid')!.slice(-37, -1);
    const answer = await call('GET', `msdyncrm_customerjourneys(${id})?$select=_msdyncrm_contentsettingsid_value,statuscode`, undefined, { Prefer: 'odata.include-annotations="*"' });
    expect(answer.json._msdyncrm_contentsettingsid_value).toBe(settingsId);
    expect(answer.json['_msdyncrm_contentsettingsid_value@OData.Community.Display.V1.FormattedValue']).toBe('Default settings');
    expect(answer.json['_msdyncrm_contentsettingsid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('msdyncrm_contentsettings');
    expect(answer.json['_msdyncrm_contentsettingsid_value@Microsoft.Dynamics.CRM.associatednavigationproperty']).toBe('msdyncrm_contentsettingsId');
    expect(answer.json['statuscode@OData.Community.Display.V1.FormattedValue']).toBe('Draft');
    // Formatted values come before the raw value, as in Dataverse.
    const keys = Object.keys(answer.json);
    expect(keys.indexOf('statuscode@OData.Community.Display.V1.FormattedValue')).toBeLessThan(keys.indexOf('statuscode'));
    // A bind to a missing row is a 404; to the wrong table, a 400.
    expectError(await call('POST', 'msdyncrm_customerjourneys', { msdyncrm_name: 'x', 'msdyncrm_contentsettingsId@odata.bind': `/msdyncrm_contentsettingss(${randomUUID()})` }), 404, '0x80040217');
    expectError(await call('POST', 'msdyncrm_customerjourneys', { msdyncrm_name: 'x', 'msdyncrm_contentsettingsId@odata.bind': `/accounts(${randomUUID()})` }), 400, '0x0');
  });

  it('polymorphic lookups: per-target navigation names and owner teams carry the target table', async () => {
    const parentContact = (await call('POST', 'contacts', { lastname: 'Parent' })).headers.get('odata-entityid')!.slice(-37, -1);
    const child = await call('POST', 'contacts?$select=_parentcustomerid_value', { lastname: 'Child', 'parentcustomerid_contact@odata.bind': `/contacts(${parentContact})` }, { Prefer: 'return=representation,odata.include-annotations="*"' });
    expect(child.json._parentcustomerid_value).toBe(parentContact);
    expect(child.json['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('contact');
    expect(child.json['_parentcustomerid_value@OData.Community.Display.V1.FormattedValue']).toBe('Parent');
    expectError(await call('POST', 'contacts', { lastname: 'Wrong', 'parentcustomerid_account@odata.bind': `/contacts(${parentContact})` }), 400, '0x0', /expected accounts/);
    const team = (await call('POST', 'teams', { name: 'Marketing team' })).headers.get('odata-entityid')!.slice(-37, -1);
    const owned = await call('POST', 'accounts?$select=name,_ownerid_value&$expand=ownerid($select=name)', { name: 'Team owned', 'ownerid@odata.bind': `/teams(${team})` }, { Prefer: 'return=representation,odata.include-annotations="*"' });
    expect(owned.json['_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('team');
    expect(owned.json.ownerid).toMatchObject({ name: 'Marketing team', teamid: team });
  });

  it('PATCH with If-Match: * updates, on a missing row 404; a stale ETag 412 0x80060882', async () => {
    const id = await createAccount('Versioned');
    const first = await call('GET', `accounts(${id})?$select=name`);
    const etag = first.json['@odata.etag'];
    expect((await call('PATCH', `accounts(${id})`, { name: 'v2' }, { 'If-Match': etag })).status).toBe(204);
    expectError(await call('PATCH', `accounts(${id})`, { name: 'v3' }, { 'If-Match': etag }), 412, '0x80060882');
    expectError(await call('PATCH', `accounts(${randomUUID()})`, { name: 'none' }, { 'If-Match': '*' }), 404, '0x80040217');
    expectError(await call('DELETE', `accounts(${id})`, undefined, { 'If-Match': etag }), 412, '0x80060882');
    const updated = await call('PATCH', `accounts(${id})?$select=name`, { name: 'v4' }, { 'If-Match': '*', Prefer: 'return=representation' });
    expect(updated.status).toBe(200);
    expect(updated.json.name).toBe('v4');
    expect(Number(updated.json['@odata.etag'].slice(3, -1))).toBeGreaterThan(Number(etag.slice(3, -1)));
  });

  it('upsert creates with the URL id; If-None-Match: * prevents update (412); If-None-Match: null is a no-op', async () => {
    const id = randomUUID();
    const created = await call('PATCH', `accounts(${id})`, { name: 'Upsert' }, { 'If-None-Match': 'null' });
    expect(created.status).toBe(204);
    expect(created.headers.get('odata-entityid')).toBe(`${root}accounts(${id})`);
    expectError(await call('PATCH', `accounts(${id})`, { name: 'Again' }, { 'If-None-Match': '*' }), 412, '0x80040237');
    expect((await call('GET', `accounts(${id})?$select=name`)).json.name).toBe('Upsert');
  });

  it('conditional GET: If-None-Match with the current ETag is 304, unless annotations are asked', async () => {
    const id = await createAccount('Cached');
    const etag = (await call('GET', `accounts(${id})`)).json['@odata.etag'];
    expect((await call('GET', `accounts(${id})`, undefined, { 'If-None-Match': etag })).status).toBe(304);
    expect((await call('GET', `accounts(${id})`, undefined, { 'If-None-Match': etag, Prefer: 'odata.include-annotations="*"' })).status).toBe(200);
    await call('PATCH', `accounts(${id})`, { name: 'Changed' }, { 'If-Match': '*' });
    expect((await call('GET', `accounts(${id})`, undefined, { 'If-None-Match': etag })).status).toBe(200);
  });

  it('alternate keys address rows; a missing key value is 404 0x80060891', async () => {
    await call('POST', 'accounts', { name: "O'Brien & Co", accountnumber: 'A-77' });
    const answer = await call('GET', `accounts(accountnumber='A-77')?$select=name`);
    expect(answer.json.name).toBe("O'Brien & Co");
    expectError(await call('GET', "accounts(accountnumber='none')"), 404, '0x80060891');
  });

  it('single property GET, PUT and DELETE', async () => {
    const id = await createAccount('Property');
    const value = await call('GET', `accounts(${id})/name`);
    expect(value.json).toEqual({ '@odata.context': `${root}$metadata#accounts(${id})/name`, value: 'Property' });
    expect((await call('PUT', `accounts(${id})/telephone1`, { value: '555' })).status).toBe(204);
    expect((await call('GET', `accounts(${id})/telephone1`)).json.value).toBe('555');
    expect((await call('DELETE', `accounts(${id})/telephone1`)).status).toBe(204);
    expect((await call('GET', `accounts(${id})/telephone1`)).status).toBe(204);
  });

  it('deep insert creates custom API request parameters and response properties in one POST', async () => {
    const created = await call('POST', 'customapis', {
      uniquename: 'sample_Outbound',
      name: 'sample_Outbound',
      displayname: 'Outbound',
      description: 'Outbound channel API',
      bindingtype: 0,
      isfunction: false,
      iscustomizable: { Value: false },
      CustomAPIRequestParameters: [{ uniquename: 'payload', name: 'sample_Outbound.payload', displayname: 'payload', description: 'payload', type: 10, isoptional: false }],
      CustomAPIResponseProperties: [{ uniquename: 'response', name: 'sample_Outbound.response', displayname: 'response', description: 'response', type: 10 }],
    }, { 'MSCRM.SolutionUniqueName': 'sample' });
    expect(created.status).toBe(204);
    const id = created.headers.get('odata-entityid')!.slice(-37, -1);
    const read = await call('GET', `customapis(${id})?$select=uniquename&$expand=CustomAPIRequestParameters($select=uniquename,type,isoptional),CustomAPIResponseProperties($select=uniquename)`);
    expect(read.json.CustomAPIRequestParameters).toEqual([expect.objectContaining({ uniquename: 'payload', type: 10, isoptional: false })]);
    expect(read.json.CustomAPIResponseProperties).toEqual([expect.objectContaining({ uniquename: 'response' })]);
    expect(read.json.iscustomizable).toBe(undefined); // not selected
    // Deleting the API cascades to its parameters.
    expect((await call('DELETE', `customapis(${id})`)).status).toBe(204);
    expect((await call('GET', `customapirequestparameters?$filter=_customapiid_value eq ${id}`)).json.value).toEqual([]);
  });

  it('a failed deep insert leaves nothing behind', async () => {
    const before = core.store.count('customapis');
    const answer = await call('POST', 'customapis', {
      uniquename: 'sample_Broken', name: 'b', displayname: 'b', description: 'b',
      CustomAPIRequestParameters: [{ uniquename: 'p', name: 'p', displayname: 'p', description: 'p', type: 99 }],
    });
    expectError(answer, 400, '0x80044331');
    expect(core.store.count('customapis')).toBe(before);
  });
});

describe('queries', () => {
  const names = ['alpha', 'Bravo', "Charlie's", 'delta', 'Echo', 'foxtrot', 'Golf'];
  let ids: string[] = [];
  beforeAll(async () => {
    ids = [];
    for (const [index, name] of names.entries()) {
      const answer = await call('POST', 'msdyncrm_segments', { msdyncrm_segmentname: `q-${name}`, msdyncrm_segmenttype: 192350000 + (index % 3), msdyncrm_segmentsize: index * 10 });
      ids.push(answer.headers.get('odata-entityid')!.slice(-37, -1));
    }
  });
  const q = (query: string, headers: Record<string, string> = {}) => call('GET', `msdyncrm_segments?${query}`, undefined, headers);
  const namesOf = (answer: Answer) => answer.json.value.map((row: any) => row.msdyncrm_segmentname);

  it('$filter: comparison, and/or/not, parentheses, functions (case-insensitive), escapes, null', async () => {
    expect(namesOf(await q("$filter=startswith(msdyncrm_segmentname,'q-') and msdyncrm_segmentsize ge 40&$orderby=msdyncrm_segmentsize"))).toEqual(['q-Echo', 'q-foxtrot', 'q-Golf']);
    expect(namesOf(await q("$filter=msdyncrm_segmentname eq 'Q-ALPHA'"))).toEqual(['q-alpha']);
    expect(namesOf(await q("$filter=contains(msdyncrm_segmentname,'charlie''s')"))).toEqual(["q-Charlie's"]);
    expect(namesOf(await q("$filter=endswith(msdyncrm_segmentname,'OLF') or (msdyncrm_segmentsize eq 0 and not (msdyncrm_segmenttype ne 192350000))"))).toEqual(
      expect.arrayContaining(['q-alpha', 'q-Golf']),
    );
    expect((await q("$filter=startswith(msdyncrm_segmentname,'q-') and msdyncrm_segmentquery eq null&$count=true")).json['@odata.count']).toBe(7);
    expect(namesOf(await q(`$filter=msdyncrm_segmentid eq ${ids[1]}`))).toEqual(['q-Bravo']);
    expect(namesOf(await q(`$filter=msdyncrm_segmentid eq '${ids[1]!.toUpperCase()}'`))).toEqual(['q-Bravo']);
    expect(namesOf(await q(`$filter=_ownerid_value eq ${core.identity.userId} and msdyncrm_segmentsize eq 30`))).toEqual(["q-delta"]);
    expect(namesOf(await q('$filter=msdyncrm_segmentsize eq @size&@size=20'))).toEqual(["q-Charlie's"]);
    expect((await q('$filter=createdon gt 2000-01-01T00:00:00Z and createdon lt 2999-01-01')).json.value.length).toBeGreaterThanOrEqual(7);
  });

  it('accepts long GET URLs (Dataverse allows 32 KB)', async () => {
    const clauses = Array.from({ length: 600 }, (_, i) => `msdyncrm_segmentname eq 'q-long-${i}'`).join(' or ');
    expect(clauses.length).toBeGreaterThan(20_000);
    const answer = await q(`$filter=${encodeURIComponent(clauses)}`);
    expect(answer.status).toBe(200);
    expect(answer.json.value).toEqual([]);
  });

  it('$filter errors are 400s with a message, never 500', async () => {
    for (const bad of ["msdyncrm_segmentname eq 'open", 'msdyncrm_segmentsize eq', '(msdyncrm_segmentsize eq 1', 'tolower(msdyncrm_segmentname) eq 1', 'msdyncrm_segmentsize add 1', "msdyncrm_segmentsize eq 'x'", '']) {
      const answer = await q(`$filter=${encodeURIComponent(bad)}`);
      expect(answer.status, bad).toBe(400);
      expect(answer.json.error.message.length).toBeGreaterThan(10);
    }
  });

  it('$orderby with several keys and directions; choices sort by integer value', async () => {
    const answer = await q("$filter=startswith(msdyncrm_segmentname,'q-')&$orderby=msdyncrm_segmenttype desc,msdyncrm_segmentname asc&$select=msdyncrm_segmentname,msdyncrm_segmenttype");
    expect(answer.json.value.map((row: any) => row.msdyncrm_segmenttype)).toEqual([192350002, 192350002, 192350001, 192350001, 192350000, 192350000, 192350000]);
    expect(namesOf(answer).slice(0, 2)).toEqual(["q-Charlie's", 'q-foxtrot']);
  });

  it('paging: maxpagesize, absolute nextLink from the Host, stable pages with the same Prefer', async () => {
    const seenIds: string[] = [];
    let url: string | undefined = `msdyncrm_segments?$select=msdyncrm_segmentname&$filter=startswith(msdyncrm_segmentname,'q-')&$orderby=msdyncrm_segmentname desc`;
    let pages = 0;
    while (url) {
      const answer = await call('GET', url, undefined, { Prefer: 'odata.maxpagesize=3' });
      expect(answer.status).toBe(200);
      expect(answer.json.value.length).toBeLessThanOrEqual(3);
      expect(answer.headers.get('preference-applied')).toBe('odata.maxpagesize=3');
      seenIds.push(...answer.json.value.map((row: any) => row.msdyncrm_segmentid));
      url = answer.json['@odata.nextLink'];
      if (url) expect(url.startsWith(root)).toBe(true);
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seenIds).size).toBe(7);
    const byName = new Map(names.map((name, index) => [ids[index]!, `q-${name}`.toLowerCase()]));
    const seenNames = seenIds.map((id) => byName.get(id)!);
    expect(seenNames).toEqual([...seenNames].sort().reverse());
    // The link is built from the Host header the client used.
    const viaLocalhost = await fetch(`${root.replace('127.0.0.1', 'localhost')}msdyncrm_segments?$select=msdyncrm_segmentname`, { headers: { Prefer: 'odata.maxpagesize=2' } });
    expect(((await viaLocalhost.json()) as any)['@odata.nextLink']).toMatch(/^http:\/\/localhost:\d+\/api\/data\/v9\.2\/msdyncrm_segments\?\$select=msdyncrm_segmentname&\$skiptoken=/);
    expectError(await q('$skiptoken=garbage'), 400, '0x0', /skiptoken/);
    // A follow-up request without the Prefer header keeps the first page's size.
    const first = await q("$filter=startswith(msdyncrm_segmentname,'q-')", { Prefer: 'odata.maxpagesize=2' });
    const second = await call('GET', first.json['@odata.nextLink']);
    expect(second.json.value).toHaveLength(2);
    expect(second.json['@odata.nextLink']).toBeDefined();
  });

  it('$top limits rows without a nextLink; $count=true and /$count', async () => {
    const answer = await q("$filter=startswith(msdyncrm_segmentname,'q-')&$top=2&$count=true");
    expect(answer.json.value).toHaveLength(2);
    expect(answer.json['@odata.count']).toBe(7);
    expect(answer.json['@odata.nextLink']).toBeUndefined();
    const count = await call('GET', 'msdyncrm_segments/$count');
    expect(count.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(Number(count.text)).toBe(core.store.count('msdyncrm_segments'));
  });

  it('$expand of a single-valued lookup with nested $select', async () => {
    const answer = await q(`$filter=msdyncrm_segmentid eq ${ids[0]}&$select=msdyncrm_segmentname&$expand=ownerid($select=fullname)`);
    expect(answer.json.value[0].ownerid).toMatchObject({ fullname: 'Emulator Admin', systemuserid: core.identity.userId });
    expect(answer.json['@odata.context']).toBe(`${root}$metadata#msdyncrm_segments(msdyncrm_segmentname,ownerid(fullname))`);
  });

  it('formatted values for choices, booleans and numbers when annotations are requested', async () => {
    const answer = await q(`$filter=msdyncrm_segmentid eq ${ids[6]}&$select=msdyncrm_segmenttype,msdyncrm_segmentsize`, { Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue",odata.maxpagesize=10' });
    expect(answer.json.value[0]['msdyncrm_segmenttype@OData.Community.Display.V1.FormattedValue']).toBe('Dynamic');
    expect(answer.json.value[0]['msdyncrm_segmentsize@OData.Community.Display.V1.FormattedValue']).toBe('60');
    const plain = await q(`$filter=msdyncrm_segmentid eq ${ids[6]}&$select=msdyncrm_segmenttype`);
    expect(Object.keys(plain.json.value[0]).some((key) => key.includes('FormattedValue'))).toBe(false);
  });
});

describe('operations', () => {
  it('unbound actions: 200 with the Response context, or 204', async () => {
    const echo = await call('POST', 'probe_Echo', { Text: 'hi' });
    expect(echo.json).toEqual({ '@odata.context': `${root}$metadata#Microsoft.Dynamics.CRM.probe_EchoResponse`, Echo: 'hi' });
    expect((await call('POST', 'probe_Nothing', {})).status).toBe(204);
  });

  it('WhoAmI with and without (), and with the caller from an unsigned JWT oid', async () => {
    const plain = await call('GET', 'WhoAmI');
    expect(plain.json.UserId).toBe(core.identity.userId);
    const oid = randomUUID();
    const token = `x.${Buffer.from(JSON.stringify({ oid })).toString('base64url')}.y`;
    expect((await call('GET', 'WhoAmI()', undefined, { Authorization: `Bearer ${token}` })).json.UserId).toBe(oid);
  });

  it('function parameters: inline literals and aliases (strings with quotes, numbers, GUIDs, JSON, enums)', async () => {
    const guid = randomUUID();
    const answer = await call('GET', `probe_Params(A=@p1,B=@p2,C=@p3,D=@p4,E=5,F='it''s',G=@unset,H=@p5)?@p1='x%20y'&@p2=3&@p3=${guid}&@p4=["account"]&@p5=Microsoft.Dynamics.CRM.TargetFieldType'ValidForCreate'`);
    expect(answer.json.Received).toEqual({ A: 'x y', B: 3, C: guid, D: ['account'], E: 5, F: "it's", G: null, H: 'ValidForCreate' });
  });

  it('collection-bound actions use the namespace on the entity set', async () => {
    expect((await call('POST', 'accounts/Microsoft.Dynamics.CRM.probe_Collection', {})).json.Bound).toBe('collection');
    expectError(await call('POST', 'accounts/probe_Collection', {}), 404, '0x80060888');
  });

  it('an unexpected exception becomes a logged, Dataverse-shaped 500', async () => {
    logged.length = 0;
    const answer = await call('POST', 'probe_Crash', {});
    expectError(answer, 500, '0x80040216');
    expect(answer.text).not.toContain('boom');
    expect(logged.join('\n')).toContain('boom');
  });

  it('bound functions need the namespace and an existing row', async () => {
    const id = await createAccount('Bound target');
    const answer = await call('GET', `accounts(${id})/Microsoft.Dynamics.CRM.probe_Bound()`);
    expect(answer.json.Target).toBe(id);
    expectError(await call('GET', `accounts(${randomUUID()})/Microsoft.Dynamics.CRM.probe_Bound()`), 404, '0x80040217');
    expectError(await call('GET', `contacts(${randomUUID()})/Microsoft.Dynamics.CRM.probe_Bound()`), 404, '0x80060888');
  });
});

describe('plugins: hooks and system writes', () => {
  it('beforeWrite can change values or refuse (rolled back); afterCommit sees the row after', async () => {
    seen.before.length = 0;
    seen.after.length = 0;
    const renamed = await call('POST', 'accounts?$select=name', { name: 'rename me' }, { Prefer: 'return=representation' });
    expect(renamed.json.name).toBe('renamed by plugin');
    expect(seen.after.at(-1)).toMatchObject({ operation: 'create', entitySet: 'accounts', after: expect.objectContaining({ name: 'renamed by plugin' }) });
    const before = core.store.count('accounts');
    expectError(await call('POST', 'accounts', { name: 'refuse me' }), 400, '0x80044331', /probe refuses/);
    expect(core.store.count('accounts')).toBe(before);
  });

  it('afterCommit runs once per change of a committed change set, never for a rolled-back one', async () => {
    seen.after.length = 0;
    const boundary = 'batch_hooks';
    const part = (name: string, id: number) =>
      `--cs\r\nContent-Type: application/http\r\nContent-ID: ${id}\r\n\r\nPOST accounts HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"name":"${name}"}\r\n`;
    const body = (names: string[]) => `--${boundary}\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n${names.map(part).join('')}--cs--\r\n--${boundary}--\r\n`;
    const send = (names: string[]) => fetch(`${root}$batch`, { method: 'POST', headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}` }, body: body(names) });
    expect((await send(['hook one', 'hook two'])).status).toBe(200);
    expect(seen.after.map((change) => change.after?.name)).toEqual(['hook one', 'hook two']);
    seen.after.length = 0;
    expect((await send(['hook three', 'refuse me'])).status).toBe(400);
    expect(seen.after).toEqual([]);
  });

  it('system writes bump versionnumber and modifiedon, run hooks with system=true and skip client rules', async () => {
    const id = await createAccount('System target');
    const row = core.read('accounts', id)!;
    const after = core.write({ entitySet: 'accounts', id, values: { name: 'refuse me' } })!;
    expect(after.name).toBe('refuse me');
    expect(after.versionnumber as number).toBeGreaterThan(row.versionnumber as number);
    const created = core.write({ entitySet: 'accounts', operation: 'create', values: { name: 'made by system' } })!;
    expect(core.read('accounts', created.accountid as string)?.name).toBe('made by system');
    core.write({ entitySet: 'accounts', operation: 'delete', id: created.accountid as string });
    expect(core.read('accounts', created.accountid as string)).toBeUndefined();
    expect(() => core.write({ entitySet: 'accounts', id: randomUUID(), values: { name: 'x' } })).toThrow(/Does Not Exist/);
  });
});
