/** The Microsoft Graph subset over real HTTP: users come from the emulator's system users. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';

describe('Graph /v1.0/users/{id}', () => {
  let emulator: RunningEmulator;
  const enabledOid = randomUUID();
  const disabledOid = randomUUID();

  async function createUser(body: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${emulator.serviceRoot}systemusers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, await response.text()).toBe(204);
  }

  async function graph(path: string, method = 'GET'): Promise<{ status: number; json: any }> {
    const response = await fetch(`${emulator.url}${path}`, { method, headers: { Accept: 'application/json' } });
    return { status: response.status, json: await response.json() };
  }

  beforeAll(async () => {
    emulator = await startEmulator();
    await createUser({ firstname: 'Alex', lastname: 'Active', fullname: 'Alex Active', domainname: 'alex@contoso.example', azureactivedirectoryobjectid: enabledOid, isdisabled: false });
    await createUser({ firstname: 'Dana', lastname: 'Disabled', fullname: 'Dana Disabled', domainname: 'dana@contoso.example', azureactivedirectoryobjectid: disabledOid.toUpperCase(), isdisabled: true });
    // A system user without an Entra object id: its Entra account is gone.
    await createUser({ firstname: 'Gus', lastname: 'Gone', fullname: 'Gus Gone', domainname: 'gus@contoso.example' });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('returns accountEnabled, displayName and userPrincipalName for $select', async () => {
    const response = await graph(`/v1.0/users/${enabledOid}?$select=accountEnabled,displayName,userPrincipalName`);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: enabledOid, displayName: 'Alex Active', userPrincipalName: 'alex@contoso.example', accountEnabled: true });
    expect(response.json['@odata.context']).toContain('users(accountEnabled,displayName,userPrincipalName)');
  });

  it('reports disabled users as accountEnabled false (object ids match without case)', async () => {
    const response = await graph(`/v1.0/users/${disabledOid}?$select=accountEnabled`);
    expect(response.status).toBe(200);
    expect(response.json.accountEnabled).toBe(false);
    expect(response.json.id).toBe(disabledOid);
  });

  it('answers 404 Request_ResourceNotFound for unknown and deleted users', async () => {
    for (const key of [randomUUID(), 'gus@contoso.example']) {
      const response = await graph(`/v1.0/users/${key}?$select=accountEnabled`);
      expect(response.status, key).toBe(404);
      expect(response.json.error.code).toBe('Request_ResourceNotFound');
      expect(response.json.error.message).toContain(key);
    }
  });

  it('finds users by userPrincipalName and leaves accountEnabled out of the default set', async () => {
    const response = await graph('/v1.0/users/alex@contoso.example');
    expect(response.status).toBe(200);
    expect(response.json.id).toBe(enabledOid);
    expect(response.json).not.toHaveProperty('accountEnabled');
  });

  it('refuses unknown $select properties, writes and other Graph routes with Graph-shaped errors', async () => {
    const select = await graph(`/v1.0/users/${enabledOid}?$select=password`);
    expect(select.status).toBe(400);
    expect(select.json.error.code).toBe('Request_BadRequest');
    expect((await graph(`/v1.0/users/${enabledOid}`, 'DELETE')).status).toBe(405);
    const other = await graph('/v1.0/groups');
    expect(other.status).toBe(501);
    expect(other.json.error.code).toBe('NotImplemented');
  });
});
