/**
 * Relationships driven by the real `dynamics-web-api` client over HTTP on loopback: deep insert,
 * collection and nested `$expand`, many-to-many associate/disassociate, lambda filters and cascade
 * delete. DWA routes everything through `http_proxy`/`https_proxy` when set, so they are cleared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamicsWebApi } from 'dynamics-web-api';
import { startTestEmulator } from '../helpers/emulator.js';
import type { RunningEmulator } from '../../src/emulator/index.js';

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

let emulator: RunningEmulator;
let api: DynamicsWebApi;

beforeAll(async () => {
  emulator = await startTestEmulator();
  api = new DynamicsWebApi({ serverUrl: emulator.url, onTokenRefresh: async () => 'emulator-token' });
});
afterAll(async () => {
  await emulator.close();
});

describe('dynamics-web-api and relationships', () => {
  it('deep inserts an account with its contacts, expands them nested, filters with any, and cascades the delete', async () => {
    const created = await api.create<any, any>({
      collection: 'accounts',
      data: {
        name: 'Fabrikam',
        primarycontactid: { firstname: 'Pat', lastname: 'Primary' },
        contact_customer_accounts: [
          { firstname: 'Ann', lastname: 'Lee', jobtitle: 'CEO' },
          { firstname: 'Bo', lastname: 'Chen', jobtitle: 'CTO' },
        ],
      },
      returnRepresentation: true,
      select: ['name'],
    });
    const accountId = created.accountid as string;

    const account = await api.retrieve<any>({
      collection: 'accounts',
      key: accountId,
      select: ['name'],
      expand: [
        { property: 'primarycontactid', select: ['fullname'] },
        { property: 'contact_customer_accounts', select: ['fullname'], expand: [{ property: 'owninguser', select: ['fullname'] }] },
      ],
    });
    expect(account.primarycontactid.fullname).toBe('Pat Primary');
    expect(account.contact_customer_accounts.map((row: any) => row.fullname).sort()).toEqual(['Ann Lee', 'Bo Chen']);
    expect(account.contact_customer_accounts[0].owninguser.fullname).toBe('Emulator Admin');

    const withCeo = await api.retrieveMultiple<any>({ collection: 'accounts', select: ['name'], filter: "contact_customer_accounts/any(c:c/jobtitle eq 'CEO')" });
    expect(withCeo.value.map((row: any) => row.accountid)).toContain(accountId);
    const ordered = await api.retrieve<any>({
      collection: 'accounts',
      key: accountId,
      select: ['name'],
      expand: [{ property: 'contact_customer_accounts', select: ['lastname'], orderBy: ['lastname desc'], top: 1 }],
    });
    expect(ordered.contact_customer_accounts.map((row: any) => row.lastname)).toEqual(['Lee']);

    const childIds = account.contact_customer_accounts.map((row: any) => row.contactid as string);
    expect(await api.deleteRecord({ collection: 'accounts', key: accountId })).toBe(true);
    for (const id of childIds) expect(emulator.store.get('contacts', id)).toBeUndefined();
    // account_primary_contact is RemoveLink: deleting the account keeps its primary contact.
    expect(emulator.store.get('contacts', account.primarycontactid.contactid)).toBeDefined();
  });

  it('associates and disassociates a many-to-many relationship', async () => {
    const teamId = await api.create<any, any>({ collection: 'teams', data: { name: 'Marketing' } });
    const userId = await api.create<any, any>({ collection: 'systemusers', data: { fullname: 'Dana Member' } });
    await api.associate({ collection: 'teams', primaryKey: teamId, relationshipName: 'teammembership_association', relatedCollection: 'systemusers', relatedKey: userId });
    const team = await api.retrieve<any>({ collection: 'teams', key: teamId, select: ['name'], expand: [{ property: 'teammembership_association', select: ['fullname'] }] });
    expect(team.teammembership_association.map((row: any) => row.fullname)).toEqual(['Dana Member']);
    await api.disassociate({ collection: 'systemusers', primaryKey: userId, relationshipName: 'teammembership_association', relatedKey: teamId });
    const after = await api.retrieve<any>({ collection: 'teams', key: teamId, select: ['name'], expand: [{ property: 'teammembership_association', select: ['fullname'] }] });
    expect(after.teammembership_association).toEqual([]);
  });
});
