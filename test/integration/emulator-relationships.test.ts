/**
 * Relationships in the emulator over HTTP on loopback: navigation properties in both directions,
 * polymorphic lookups and their annotations, deep insert, associate/disassociate, `GET …/$ref`,
 * lookup integrity, cascade on delete, collection and nested `$expand`, lambda operators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestEmulator } from '../helpers/emulator.js';
import type { RunningEmulator } from '../../src/emulator/index.js';

let emulator: RunningEmulator;
let root: string;
let userId: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  root = emulator.serviceRoot;
  userId = (await call('GET', 'WhoAmI')).json.UserId;
});
afterAll(async () => {
  await emulator.close();
});

interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${root}${path}`, {
    method,
    headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
}

/** Creates a row and returns its id. */
async function create(entitySet: string, body: Record<string, unknown>): Promise<string> {
  const answer = await call('POST', entitySet, body);
  expect(answer.status, JSON.stringify(answer.json)).toBe(204);
  return /\(([0-9a-f-]{36})\)$/.exec(answer.headers.get('OData-EntityId')!)![1]!;
}

const ALL_ANNOTATIONS = { Prefer: 'odata.include-annotations="*"' };

describe('relationships as metadata', () => {
  it('serves both directions of the customer relationships, with the polymorphic lookup annotations', async () => {
    const account = await create('accounts', { name: 'Contoso' });
    const parent = await create('contacts', { lastname: 'Parent' });
    const employee = await create('contacts', { lastname: 'Employee', 'parentcustomerid_account@odata.bind': `/accounts(${account})` });
    const child = await create('contacts', { lastname: 'Child', 'parentcustomerid_contact@odata.bind': `/contacts(${parent})` });

    const expanded = await call('GET', `accounts(${account})?$select=name&$expand=contact_customer_accounts($select=lastname)`);
    expect(expanded.json.contact_customer_accounts.map((row: any) => row.contactid)).toEqual([employee]);
    const contacts = await call('GET', `contacts(${parent})?$select=lastname&$expand=contact_customer_contacts($select=lastname)`);
    expect(contacts.json.contact_customer_contacts.map((row: any) => row.contactid)).toEqual([child]);

    const toAccount = await call('GET', `contacts(${employee})?$select=_parentcustomerid_value`, undefined, ALL_ANNOTATIONS);
    expect(toAccount.json).toMatchObject({
      _parentcustomerid_value: account,
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'parentcustomerid_account',
      '_parentcustomerid_value@OData.Community.Display.V1.FormattedValue': 'Contoso',
    });
    const toContact = await call('GET', `contacts(${child})?$select=_parentcustomerid_value`, undefined, ALL_ANNOTATIONS);
    expect(toContact.json).toMatchObject({
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact',
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'parentcustomerid_contact',
    });
    // The account-specific navigation does not expand a contact parent, and the other way round.
    const single = await call('GET', `contacts(${child})?$select=lastname&$expand=parentcustomerid_account($select=name),parentcustomerid_contact($select=lastname)`);
    expect(single.json.parentcustomerid_account).toBeNull();
    expect(single.json.parentcustomerid_contact).toMatchObject({ contactid: parent, lastname: 'Parent' });
  });

  it('splits ownerid into owninguser / owningteam and serves the ownership navigation properties', async () => {
    const team = await create('teams', { name: 'Owners' });
    const account = await create('accounts', { name: 'Owned' });
    const byUser = await call('GET', `accounts(${account})?$select=_ownerid_value,_owninguser_value,_owningteam_value`, undefined, ALL_ANNOTATIONS);
    expect(byUser.json).toMatchObject({
      _ownerid_value: userId,
      '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'systemuser',
      '_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'ownerid',
      _owninguser_value: userId,
      _owningteam_value: null,
    });
    const users = await call('GET', `systemusers(${userId})/user_accounts?$select=name&$filter=accountid eq ${account}`);
    expect(users.json.value.map((row: any) => row.accountid)).toEqual([account]);

    expect((await call('PATCH', `accounts(${account})`, { 'ownerid@odata.bind': `/teams(${team})` })).status).toBe(204);
    const byTeam = await call('GET', `accounts(${account})?$select=_ownerid_value,_owninguser_value,_owningteam_value&$expand=owningteam($select=name),ownerid`, undefined, ALL_ANNOTATIONS);
    expect(byTeam.json).toMatchObject({
      _ownerid_value: team,
      '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'team',
      _owninguser_value: null,
      _owningteam_value: team,
      owningteam: { teamid: team, name: 'Owners' },
      ownerid: { teamid: team, name: 'Owners' },
    });
    const owned = await call('GET', `teams(${team})?$select=name&$expand=team_accounts($select=name)`);
    expect(owned.json.team_accounts.map((row: any) => row.accountid)).toEqual([account]);
  });

  it('declares the navigation properties in $metadata', async () => {
    const response = await fetch(`${root}$metadata`);
    const csdl = await response.text();
    expect(csdl).toContain('<NavigationProperty Name="contact_customer_accounts" Type="Collection(mscrm.contact)"/>');
    expect(csdl).toContain('<NavigationProperty Name="account_primary_contact" Type="Collection(mscrm.account)"/>');
    expect(csdl).toContain('<NavigationProperty Name="teammembership_association" Type="Collection(mscrm.team)"/>');
    expect(csdl).toContain('<NavigationProperty Name="teammembership_association" Type="Collection(mscrm.systemuser)"/>');
    expect(csdl).toContain('<NavigationProperty Name="owninguser" Type="mscrm.systemuser"/>');
    expect(csdl).toContain('<NavigationProperty Name="parentcustomerid_account" Type="mscrm.account"/>');
    expect(csdl).toContain('<NavigationProperty Name="parentcustomerid_contact" Type="mscrm.contact"/>');
  });

  it('relates the marketing tables through their lookups: a journey lists its iterations and deletes them with it', async () => {
    const journey = await create('msdyncrm_customerjourneys', { msdyncrm_name: 'Relations' });
    const iteration = await create('msdyncrm_customerjourneyiterations', { msdyncrm_iterationnumber: 1, 'msdyncrm_CustomerJourneyId@odata.bind': `/msdyncrm_customerjourneys(${journey})` });
    const navigation = 'msdyncrm_msdyncrm_customerjourney_msdyncrm_customerjourneyiteration_msdyncrm_customerjourneyid';
    const read = await call('GET', `msdyncrm_customerjourneys(${journey})?$select=msdyncrm_name&$expand=${navigation}($select=msdyncrm_iterationnumber)`);
    expect(read.json[navigation]).toEqual([expect.objectContaining({ msdyncrm_customerjourneyiterationid: iteration, msdyncrm_iterationnumber: 1 })]);
    expect((await call('DELETE', `msdyncrm_customerjourneys(${journey})`)).status).toBe(204);
    expect(emulator.store.get('msdyncrm_customerjourneyiterations', iteration)).toBeUndefined();
  });
});

describe('known differences', () => {
  it('names ownership navigations of tables other than account and contact user_/team_/business_unit_<table>', async () => {
    const journey = await create('msdyncrm_customerjourneys', { msdyncrm_name: 'Owned journey' });
    const owned = await call('GET', `systemusers(${userId})/user_msdyncrm_customerjourney?$select=msdyncrm_name&$filter=msdyncrm_customerjourneyid eq ${journey}`);
    expect(owned.json.value.map((row: any) => row.msdyncrm_customerjourneyid)).toEqual([journey]);
    const byUnit = await call('GET', `businessunits?$select=name&$expand=business_unit_msdyncrm_customerjourney($select=msdyncrm_name;$filter=msdyncrm_customerjourneyid eq ${journey})`);
    expect(byUnit.status).toBe(200);
  });

  it('has no collection navigations for createdby/modifiedby', async () => {
    const createdBy = await call('GET', `systemusers(${userId})?$expand=lk_accountbase_createdby`);
    expect(createdBy.status).toBe(400);
    expect(createdBy.json.error.code).toBe('0x0');
  });
});

describe('writes', () => {
  it('deep inserts single-valued and collection-valued navigation properties, nested, in one request', async () => {
    const answer = await call(
      'POST',
      'accounts?$select=name&$expand=primarycontactid($select=lastname),contact_customer_accounts($select=lastname)',
      {
        name: 'Deep',
        primarycontactid: { firstname: 'Primary', lastname: 'Contact' },
        contact_customer_accounts: [
          { lastname: 'First', contact_customer_contacts: [{ lastname: 'Grandchild' }] },
          { lastname: 'Second', 'ownerid@odata.bind': `/systemusers(${userId})` },
        ],
      },
      { Prefer: 'return=representation' },
    );
    expect(answer.status).toBe(201);
    expect(answer.json.primarycontactid).toMatchObject({ lastname: 'Contact' });
    expect(answer.json.contact_customer_accounts.map((row: any) => row.lastname).sort()).toEqual(['First', 'Second']);
    const first = answer.json.contact_customer_accounts.find((row: any) => row.lastname === 'First');
    const grandchildren = await call('GET', `contacts(${first.contactid})/contact_customer_contacts?$select=lastname,_parentcustomerid_value`);
    expect(grandchildren.json.value).toEqual([expect.objectContaining({ lastname: 'Grandchild', _parentcustomerid_value: first.contactid })]);
    const account = await call('GET', `accounts(${answer.json.accountid})?$select=_primarycontactid_value`);
    expect(account.json._primarycontactid_value).toBe(answer.json.primarycontactid.contactid);
  });

  it('a deep insert is atomic: a failing nested row leaves nothing behind', async () => {
    const before = { accounts: emulator.store.count('accounts'), contacts: emulator.store.count('contacts') };
    const answer = await call('POST', 'accounts', {
      name: 'Atomic',
      primarycontactid: { lastname: 'Created first' },
      contact_customer_accounts: [{ lastname: 'Fine' }, { lastname: 'Bad', contact_customer_contacts: [{ lastname: 'x'.repeat(51) }] }],
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('0x80044331');
    expect({ accounts: emulator.store.count('accounts'), contacts: emulator.store.count('contacts') }).toEqual(before);
  });

  it('refuses a deep insert nested more than 50 levels with 400, writing nothing', async () => {
    const before = emulator.store.count('contacts');
    const nest = (levels: number) => '{"lastname":"n","contact_customer_contacts":['.repeat(levels) + '{"lastname":"leaf"}' + ']}'.repeat(levels);
    const post = (body: string) => fetch(`${root}contacts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const tooDeep = await post(nest(51));
    expect(tooDeep.status).toBe(400);
    expect(((await tooDeep.json()) as any).error.message).toContain('more than 50 levels');
    // Far deeper bodies are refused by the body reader's nesting limit before deep insert reads them.
    const hostile = await post(nest(5000));
    expect(hostile.status).toBe(400);
    expect(((await hostile.json()) as any).error.message).toContain('nested more than');
    expect(emulator.store.count('contacts')).toBe(before);
    expect((await post(nest(50))).status).toBe(204);
    expect(emulator.store.count('contacts')).toBe(before + 51);
  });

  it('deep inserts into a many-to-many relationship and binds existing rows on create', async () => {
    const member = await create('systemusers', { fullname: 'Member One' });
    const team = await create('teams', {
      name: 'Deep team',
      'teammembership_association@odata.bind': [`/systemusers(${member})`],
      teammembership_association: [{ fullname: 'Member Two' }],
    });
    const members = await call('GET', `teams(${team})/teammembership_association?$select=fullname`);
    expect(members.json.value.map((row: any) => row.fullname).sort()).toEqual(['Member One', 'Member Two']);

    const contact = await create('contacts', { lastname: 'Bound on create' });
    const account = await create('accounts', { name: 'Binder', 'contact_customer_accounts@odata.bind': [`/contacts(${contact})`] });
    expect((await call('GET', `contacts(${contact})?$select=_parentcustomerid_value`)).json._parentcustomerid_value).toBe(account);
  });

  it('associates and disassociates one-to-many rows through $ref, and GET …/$ref lists references', async () => {
    const account = await create('accounts', { name: 'Refs' });
    const one = await create('contacts', { lastname: 'One' });
    const two = await create('contacts', { lastname: 'Two' });
    for (const id of [one, two]) {
      expect((await call('POST', `accounts(${account})/contact_customer_accounts/$ref`, { '@odata.id': `${root}contacts(${id})` })).status).toBe(204);
    }
    const refs = await call('GET', `accounts(${account})/contact_customer_accounts/$ref`);
    expect(refs.json['@odata.context']).toBe(`${root}$metadata#Collection($ref)`);
    expect(refs.json.value.map((item: any) => item['@odata.id']).sort()).toEqual([`${root}contacts(${one})`, `${root}contacts(${two})`].sort());

    expect((await call('DELETE', `accounts(${account})/contact_customer_accounts(${one})/$ref`)).status).toBe(204);
    expect((await call('DELETE', `accounts(${account})/contact_customer_accounts/$ref?$id=${root}contacts(${two})`)).status).toBe(204);
    expect((await call('GET', `accounts(${account})/contact_customer_accounts/$ref`)).json.value).toEqual([]);
    const again = await call('DELETE', `accounts(${account})/contact_customer_accounts(${one})/$ref`);
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('0x80040217');
  });

  it('sets, reads and removes a single-valued reference', async () => {
    const account = await create('accounts', { name: 'Single ref' });
    const contact = await create('contacts', { lastname: 'Primary' });
    expect((await call('GET', `accounts(${account})/primarycontactid/$ref`)).status).toBe(204);
    expect((await call('PUT', `accounts(${account})/primarycontactid/$ref`, { '@odata.id': `contacts(${contact})` })).status).toBe(204);
    const ref = await call('GET', `accounts(${account})/primarycontactid/$ref`);
    expect(ref.json).toEqual({ '@odata.context': `${root}$metadata#$ref`, '@odata.id': `${root}contacts(${contact})` });
    const reverse = await call('GET', `contacts(${contact})/account_primary_contact/$ref`);
    expect(reverse.json.value).toEqual([{ '@odata.id': `${root}accounts(${account})` }]);
    expect((await call('DELETE', `accounts(${account})/primarycontactid/$ref`)).status).toBe(204);
    expect((await call('GET', `accounts(${account})?$select=_primarycontactid_value`)).json._primarycontactid_value).toBeNull();
  });

  it('disassociates on update with the navigation property set to null, and refuses deep insert and collection binds on update', async () => {
    const contact = await create('contacts', { lastname: 'Nulled' });
    const account = await create('accounts', { name: 'Update binds', 'primarycontactid@odata.bind': `/contacts(${contact})` });
    expect((await call('PATCH', `accounts(${account})`, { primarycontactid: null })).status).toBe(204);
    expect((await call('GET', `accounts(${account})?$select=_primarycontactid_value`)).json._primarycontactid_value).toBeNull();
    const child = await create('contacts', { lastname: 'Child', 'parentcustomerid_account@odata.bind': `/accounts(${account})` });
    expect((await call('PATCH', `contacts(${child})`, { parentcustomerid_account: null })).status).toBe(204);
    expect((await call('GET', `contacts(${child})?$select=_parentcustomerid_value`)).json._parentcustomerid_value).toBeNull();

    const deep = await call('PATCH', `accounts(${account})`, { primarycontactid: { lastname: 'New' } });
    expect(deep.status).toBe(400);
    expect(deep.json.error).toEqual({ code: '0x80044331', message: 'A validation error occurred.  Deep insert is only supported on create.' });
    const binds = await call('PATCH', `accounts(${account})`, { 'contact_customer_accounts@odata.bind': [`/contacts(${contact})`] });
    expect(binds.status).toBe(400);
    expect(binds.json.error.message).toContain(`POST accounts(${account})/contact_customer_accounts/$ref`);
  });

  it('reads one row of a collection-valued navigation property, 404 when it is not related', async () => {
    const account = await create('accounts', { name: 'One related', contact_customer_accounts: [{ lastname: 'Related' }] });
    const stranger = await create('contacts', { lastname: 'Stranger' });
    const children = await call('GET', `accounts(${account})/contact_customer_accounts?$select=contactid`);
    const childId = children.json.value[0].contactid;
    const one = await call('GET', `accounts(${account})/contact_customer_accounts(${childId})?$select=lastname`);
    expect(one.json).toMatchObject({ contactid: childId, lastname: 'Related' });
    const other = await call('GET', `accounts(${account})/contact_customer_accounts(${stranger})`);
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe('0x80040217');
  });

  it('counts the rows of a navigation property with $count=true', async () => {
    const account = await create('accounts', { name: 'Counted', contact_customer_accounts: [{ lastname: 'A' }, { lastname: 'B' }, { lastname: 'C' }] });
    const page = await call('GET', `accounts(${account})/contact_customer_accounts?$select=lastname&$count=true&$top=1`);
    expect(page.json['@odata.count']).toBe(3);
    expect(page.json.value).toHaveLength(1);
    const refs = await call('GET', `accounts(${account})/contact_customer_accounts/$ref?$count=true`);
    expect(refs.json['@odata.count']).toBe(3);
  });

  it('associates many-to-many rows, refuses a duplicate association, and keeps the intersect table read-only', async () => {
    const team = await create('teams', { name: 'N:N' });
    const user = await create('systemusers', { fullname: 'Linked User' });
    const link = { '@odata.id': `${root}systemusers(${user})` };
    expect((await call('POST', `teams(${team})/teammembership_association/$ref`, link)).status).toBe(204);
    const duplicate = await call('POST', `teams(${team})/teammembership_association/$ref`, link);
    expect(duplicate.status).toBe(400);
    expect(duplicate.json.error).toEqual({ code: '0x80040237', message: 'Cannot insert duplicate key.' });
    const fromUser = await call('GET', `systemusers(${user})/teammembership_association/$ref`);
    expect(fromUser.json.value).toEqual([{ '@odata.id': `${root}teams(${team})` }]);
    const intersect = await call('GET', `teammemberships?$filter=teamid eq ${team}&$select=systemuserid,teamid`);
    expect(intersect.json.value).toEqual([expect.objectContaining({ systemuserid: user, teamid: team })]);
    expect((await call('POST', 'teammemberships', { systemuserid: user, teamid: team })).status).toBe(405);
    expect((await call('DELETE', `systemusers(${user})/teammembership_association(${team})/$ref`)).status).toBe(204);
    expect((await call('GET', `teams(${team})/teammembership_association/$ref`)).json.value).toEqual([]);
  });

  it('deep inserts and associates inside a $batch change set with Content-ID references, atomically', async () => {
    const boundary = `batch_${randomUUID()}`;
    const changeset = `changeset_${randomUUID()}`;
    const part = (contentId: string, method: string, url: string, body: unknown) =>
      [`--${changeset}`, 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', `Content-ID: ${contentId}`, '', `${method} ${url} HTTP/1.1`, 'Content-Type: application/json; type=entry', '', JSON.stringify(body)].join('\r\n');
    const name = `Batch ${randomUUID()}`;
    const body = [
      `--${boundary}`,
      `Content-Type: multipart/mixed; boundary=${changeset}`,
      '',
      part('1', 'POST', `${root}accounts`, { name, contact_customer_accounts: [{ lastname: 'Deep in batch' }] }),
      part('2', 'POST', `${root}contacts`, { lastname: 'Bound in batch' }),
      part('3', 'POST', '$1/contact_customer_accounts/$ref', { '@odata.id': '$2' }),
      `--${changeset}--`,
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const response = await fetch(`${root}$batch`, { method: 'POST', headers: { 'Content-Type': `multipart/mixed;boundary=${boundary}` }, body });
    const text = await response.text();
    expect([...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((match) => match[1])).toEqual(['204', '204', '204']);
    const account = [...emulator.store.scan('accounts')].find((row) => row.values.name === name)!;
    const children = await call('GET', `accounts(${account.id})/contact_customer_accounts?$select=lastname`);
    expect(children.json.value.map((row: any) => row.lastname).sort()).toEqual(['Bound in batch', 'Deep in batch']);
  });

  it('refuses a binding to a missing row with 0x80040217, on create, update, $ref and deep insert', async () => {
    const missing = randomUUID();
    const message = `contact With Id = ${missing} Does Not Exist`;
    const onCreate = await call('POST', 'accounts', { name: 'Dangling', 'primarycontactid@odata.bind': `/contacts(${missing})` });
    expect(onCreate.status).toBe(404);
    expect(onCreate.json.error).toEqual({ code: '0x80040217', message });
    const account = await create('accounts', { name: 'Integrity' });
    const onUpdate = await call('PATCH', `accounts(${account})`, { 'primarycontactid@odata.bind': `/contacts(${missing})` });
    expect(onUpdate.json.error).toEqual({ code: '0x80040217', message });
    const onRef = await call('POST', `accounts(${account})/contact_customer_accounts/$ref`, { '@odata.id': `contacts(${missing})` });
    expect(onRef.json.error).toEqual({ code: '0x80040217', message });
    const onDeep = await call('POST', 'accounts', { name: 'Dangling deep', contact_customer_accounts: [{ lastname: 'x', 'parentcustomerid_contact@odata.bind': `/contacts(${missing})` }] });
    expect(onDeep.status).toBe(404);
    expect(emulator.store.count('accounts')).toBeGreaterThan(0);
    const names = [...emulator.store.scan('accounts')].map((row) => row.values.name);
    expect(names).not.toContain('Dangling deep');
  });

  it('cascades deletes as each relationship declares: Cascade, RemoveLink, Restrict', async () => {
    const account = await create('accounts', { name: 'Parent account' });
    const child = await create('contacts', { lastname: 'Child', 'parentcustomerid_account@odata.bind': `/accounts(${account})` });
    const grandchild = await create('contacts', { lastname: 'Grandchild', 'parentcustomerid_contact@odata.bind': `/contacts(${child})` });
    const other = await create('accounts', { name: 'Other', 'primarycontactid@odata.bind': `/contacts(${child})` });
    // Cascade: contact_customer_accounts and contact_customer_contacts; RemoveLink: account_primary_contact.
    expect((await call('DELETE', `accounts(${account})`)).status).toBe(204);
    expect(emulator.store.get('contacts', child)).toBeUndefined();
    expect(emulator.store.get('contacts', grandchild)).toBeUndefined();
    expect((await call('GET', `accounts(${other})?$select=_primarycontactid_value`)).json._primarycontactid_value).toBeNull();

    // Restrict: a team that owns rows cannot be deleted; its many-to-many links go with it once it owns none.
    const team = await create('teams', { name: 'Restricted' });
    const owned = await create('accounts', { name: 'Team owned', 'ownerid@odata.bind': `/teams(${team})` });
    await call('POST', `teams(${team})/teammembership_association/$ref`, { '@odata.id': `systemusers(${userId})` });
    const refused = await call('DELETE', `teams(${team})`);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toEqual({ code: '0x80040227', message: 'The object you tried to delete is associated with another object and cannot be deleted.' });
    expect(emulator.store.get('teams', team)).toBeDefined();
    const unit = (await call('GET', 'WhoAmI')).json.BusinessUnitId;
    expect((await call('DELETE', `businessunits(${unit})`)).json.error.code).toBe('0x80040227');
    expect((await call('DELETE', `accounts(${owned})`)).status).toBe(204);
    expect((await call('DELETE', `teams(${team})`)).status).toBe(204);
    expect((await call('GET', `teammemberships?$filter=teamid eq ${team}`)).json.value).toEqual([]);
  });
});

describe('queries', () => {
  let account: string;
  const contacts: Record<string, string> = {};

  beforeAll(async () => {
    account = await create('accounts', { name: 'Query account' });
    for (const [lastname, jobtitle] of [['Alpha', 'CEO'], ['Bravo', 'CTO'], ['Charlie', 'CEO'], ['Delta', 'Engineer']] as const) {
      contacts[lastname] = await create('contacts', { lastname, jobtitle, 'parentcustomerid_account@odata.bind': `/accounts(${account})` });
    }
    await create('contacts', { lastname: 'Echo', 'parentcustomerid_contact@odata.bind': `/contacts(${contacts.Alpha})` });
  });

  it('expands a collection with nested $select, $filter, $orderby and $top, and gives its nextLink', async () => {
    const answer = await call('GET', `accounts(${account})?$select=name&$expand=contact_customer_accounts($select=lastname;$filter=jobtitle eq 'CEO' or jobtitle eq 'CTO';$orderby=lastname desc;$top=2)`);
    expect(answer.status).toBe(200);
    expect(answer.json['@odata.context']).toBe(`${root}$metadata#accounts(name,contact_customer_accounts(lastname))/$entity`);
    expect(answer.json.contact_customer_accounts.map((row: any) => row.lastname)).toEqual(['Charlie', 'Bravo']);
    expect(Object.keys(answer.json.contact_customer_accounts[0])).toEqual(['@odata.etag', 'lastname', 'contactid']);
    const nextLink = answer.json['contact_customer_accounts@odata.nextLink'] as string;
    expect(nextLink.startsWith(`${root}accounts(${account})/contact_customer_accounts?$select=lastname&$filter=`)).toBe(true);
    const followed = await fetch(nextLink).then((response) => response.json() as Promise<any>);
    expect(followed.value.map((row: any) => row.lastname)).toEqual(['Charlie', 'Bravo']);
  });

  it('nests $expand through single- and collection-valued properties, paging every collection with odata.maxpagesize', async () => {
    const nested = await call(
      'GET',
      `accounts?$select=name&$filter=accountid eq ${account}&$expand=contact_customer_accounts($select=lastname;$expand=owninguser($select=fullname),contact_customer_contacts($select=lastname))`,
      undefined,
      { Prefer: 'odata.maxpagesize=2' },
    );
    expect(nested.status).toBe(200);
    const row = nested.json.value[0];
    expect(row.contact_customer_accounts).toHaveLength(2);
    expect(row.contact_customer_accounts[0].owninguser).toMatchObject({ systemuserid: userId });
    const nextLink = row['contact_customer_accounts@odata.nextLink'] as string;
    expect(nextLink).toContain('$skiptoken=');
    const rest = await fetch(nextLink, { headers: { Prefer: 'odata.maxpagesize=2' } }).then((response) => response.json() as Promise<any>);
    const seen = [...row.contact_customer_accounts, ...rest.value].map((item: any) => item.lastname).sort();
    expect(seen).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta']);
    expect(rest.value[0].owninguser).toMatchObject({ systemuserid: userId });
    const alpha = [...row.contact_customer_accounts, ...rest.value].find((item: any) => item.lastname === 'Alpha');
    expect(alpha.contact_customer_contacts.map((item: any) => item.lastname)).toEqual(['Echo']);

    const deep = await call('GET', `contacts(${contacts.Alpha})?$select=lastname&$expand=parentcustomerid_account($select=name;$expand=owninguser($select=fullname;$expand=businessunitid($select=name)))`);
    expect(deep.json.parentcustomerid_account.owninguser.businessunitid).toMatchObject({ name: expect.any(String) });
    expect(deep.json['@odata.context']).toBe(`${root}$metadata#contacts(lastname,parentcustomerid_account(name,owninguser(fullname,businessunitid(name))))/$entity`);
  });

  it("refuses what Dataverse refuses in $expand, with Dataverse's errors", async () => {
    const topNested = await call('GET', `accounts?$expand=contact_customer_accounts($top=1;$expand=owninguser)`);
    expect(topNested.status).toBe(400);
    expect(topNested.json.error).toEqual({
      code: '0x80060888',
      message: 'Only $select and $filter clause can be provided while doing $expand on many-to-one relationship or nested one-to-many relationship.',
    });
    expect((await call('GET', `accounts?$expand=primarycontactid($orderby=lastname)`)).json.error.code).toBe('0x80060888');
    const collectionRef = await call('GET', `accounts?$expand=contact_customer_accounts/$ref`);
    expect(collectionRef.json.error).toEqual({ code: '0x80060888', message: 'Expand with $ref is only supported on lookup type navigation property.' });
    // 15 $expand options at most, nested ones included.
    let chain = 'businessunitid';
    for (let i = 0; i < 15; i++) chain = `parentbusinessunitid($expand=${chain})`;
    const tooMany = await call('GET', `businessunits?$expand=${chain}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.code).toBe('0x0');
    expect(tooMany.json.error.message).toContain('at most 15');
    const manyToMany = await call('GET', `teams?$expand=teammembership_association($select=fullname),businessunitid`);
    expect(manyToMany.status).toBe(400);
    expect(manyToMany.json.error.code).toBe('0x80060888');
  });

  it('applies $filter to a single-valued navigation property (null when the row does not match)', async () => {
    const answer = await call('GET', `contacts?$select=lastname&$filter=_parentcustomerid_value eq ${account}&$expand=${encodeURIComponent("parentcustomerid_account($select=name;$filter=name eq 'Query account')")}`);
    expect(answer.json.value.every((row: any) => row.parentcustomerid_account?.name === 'Query account')).toBe(true);
    const none = await call('GET', `contacts?$select=lastname&$filter=_parentcustomerid_value eq ${account}&$expand=${encodeURIComponent("parentcustomerid_account($select=name;$filter=name eq 'Other')")}`);
    expect(none.json.value.map((row: any) => row.parentcustomerid_account)).toEqual([null, null, null, null]);
  });

  it('filters on the columns of rows a lookup points to, through several lookups', async () => {
    const primary = await create('contacts', { firstname: 'Susanna', lastname: 'Stubberod' });
    const litware = await create('accounts', { name: 'Litware', 'primarycontactid@odata.bind': `/contacts(${primary})` });
    const ids = async (query: string) => {
      const answer = await call('GET', `accounts?$select=name&$filter=${encodeURIComponent(query)}`);
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      return answer.json.value.map((row: any) => row.accountid);
    };
    expect(await ids("primarycontactid/fullname eq 'Susanna Stubberod'")).toEqual([litware]);
    expect(await ids(`primarycontactid/createdby/systemuserid eq ${userId} and name eq 'Litware'`)).toEqual([litware]);
    expect(await ids("primarycontactid/fullname eq 'Nobody'")).toEqual([]);
    const contactsOfAccount = await call('GET', `contacts?$select=lastname&$filter=${encodeURIComponent("parentcustomerid_account/name eq 'Query account'")}`);
    expect(contactsOfAccount.json.value.map((row: any) => row.lastname).sort()).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta']);
    const collection = await call('GET', `accounts?$filter=${encodeURIComponent("contact_customer_accounts/lastname eq 'x'")}`);
    expect(collection.status).toBe(400);
    expect(collection.json.error.message).toContain('contact_customer_accounts/any');
  });

  it('expands a lookup as a reference with nav/$ref', async () => {
    const withPrimary = await create('accounts', { name: 'Ref expand', 'primarycontactid@odata.bind': `/contacts(${contacts.Bravo})` });
    const answer = await call('GET', `accounts(${withPrimary})?$select=name&$expand=primarycontactid/$ref`);
    expect(answer.json.primarycontactid).toEqual({ '@odata.id': `${root}contacts(${contacts.Bravo})` });
  });

  it('filters with lambda operators any and all, nested, and over many-to-many properties', async () => {
    const ids = async (query: string) => (await call('GET', `accounts?$select=name&$filter=${encodeURIComponent(query)}`)).json.value.map((row: any) => row.accountid);
    expect(await ids(`accountid eq ${account} and contact_customer_accounts/any(c:c/jobtitle eq 'CEO')`)).toEqual([account]);
    expect(await ids(`accountid eq ${account} and contact_customer_accounts/any(c:c/jobtitle eq 'Janitor')`)).toEqual([]);
    expect(await ids(`accountid eq ${account} and contact_customer_accounts/all(c:startswith(c/jobtitle,'C'))`)).toEqual([]);
    expect(await ids(`accountid eq ${account} and contact_customer_accounts/all(c:c/lastname ne null)`)).toEqual([account]);
    expect(await ids(`accountid eq ${account} and contact_customer_accounts/any()`)).toEqual([account]);
    expect(await ids(`accountid eq ${account} and contact_customer_accounts/any(c:c/contact_customer_contacts/any(g:g/lastname eq 'Echo'))`)).toEqual([account]);
    expect(await ids(`accountid eq ${account} and not contact_customer_accounts/any(c:c/contact_customer_contacts/any(g:g/lastname eq 'Zulu'))`)).toEqual([account]);

    const team = await create('teams', { name: 'Lambda team' });
    await call('POST', `teams(${team})/teammembership_association/$ref`, { '@odata.id': `systemusers(${userId})` });
    const teams = await call('GET', `teams?$select=name&$filter=${encodeURIComponent(`teammembership_association/any(u:u/systemuserid eq ${userId})`)}`);
    expect(teams.json.value.map((row: any) => row.teamid)).toContain(team);

    const unprefixed = await call('GET', `accounts?$filter=${encodeURIComponent(`contact_customer_accounts/any(c:jobtitle eq 'CEO')`)}`);
    expect(unprefixed.status).toBe(400);
    const single = await call('GET', `accounts?$filter=${encodeURIComponent(`primarycontactid/any(c:c/lastname eq 'x')`)}`);
    expect(single.status).toBe(400);
    const behindLookup = await call('GET', `accounts?$filter=${encodeURIComponent(`primarycontactid/contact_customer_contacts/any(c:c/lastname eq 'x')`)}`);
    expect(behindLookup.status).toBe(400);
    expect(behindLookup.json.error.message).toContain('not supported');
  });
});
