/**
 * Relationship queries stay linear: at 20,000 related rows, `$expand` of a collection, `$expand`
 * of a lookup and a lambda filter read the related table through the foreign-key index (one
 * lookup per row of the page), never by scanning it. Counted on the store, not timed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmulatorCore } from '../../src/emulator/core/server.js';
import type { EmulatorCore, SystemWrite } from '../../src/emulator/core/types.js';

const ACCOUNTS = 400;
const CONTACTS_PER_ACCOUNT = 50;

let core: EmulatorCore;
let root: string;

beforeAll(async () => {
  core = await createEmulatorCore();
  root = core.serviceRoot();
  const writes: SystemWrite[] = [];
  for (let a = 0; a < ACCOUNTS; a++) {
    const account = `00000000-0000-4000-8000-${String(a).padStart(12, '0')}`;
    writes.push({ entitySet: 'accounts', operation: 'create', id: account, values: { name: `Account ${a}` } });
    for (let c = 0; c < CONTACTS_PER_ACCOUNT; c++) {
      writes.push({
        entitySet: 'contacts',
        operation: 'create',
        values: { lastname: `Contact ${a}-${c}`, jobtitle: c === 0 && a % 2 === 0 ? 'CEO' : 'Staff', parentcustomerid: account, 'parentcustomerid@type': 'account' },
      });
    }
  }
  core.writeAll(writes);
}, 120_000);
afterAll(async () => {
  await core.close();
});

/** Runs a GET and counts the store's scans (by entity set) and foreign-key lookups. */
async function counted(path: string, headers: Record<string, string> = {}) {
  const store = core.store;
  const realScan = store.scan.bind(store);
  const realReferencing = store.referencing.bind(store);
  const scans: string[] = [];
  let lookups = 0;
  const scan = vi.spyOn(store, 'scan').mockImplementation((entitySet, options) => {
    scans.push(entitySet);
    return realScan(entitySet, options);
  });
  const referencing = vi.spyOn(store, 'referencing').mockImplementation((entitySet, attribute, value) => {
    lookups++;
    return realReferencing(entitySet, attribute, value);
  });
  try {
    const response = await fetch(`${root}${path}`, { headers: { Accept: 'application/json', ...headers } });
    const body = (await response.json()) as any;
    expect(response.status, JSON.stringify(body).slice(0, 300)).toBe(200);
    return { body, scans, lookups };
  } finally {
    scan.mockRestore();
    referencing.mockRestore();
  }
}

describe('relationship queries at 20,000 related rows', () => {
  it('expands a collection with one index lookup per parent row and no scan of the child table', async () => {
    const { body, scans, lookups } = await counted('accounts?$select=name&$expand=contact_customer_accounts($select=lastname)');
    expect(body.value).toHaveLength(ACCOUNTS);
    expect(body.value.reduce((sum: number, row: any) => sum + row.contact_customer_accounts.length, 0)).toBe(ACCOUNTS * CONTACTS_PER_ACCOUNT);
    expect(scans).toEqual(['accounts']);
    expect(lookups).toBe(ACCOUNTS);
  });

  it('expands a lookup on a full page of children without scanning the parent table', async () => {
    const { body, scans, lookups } = await counted('contacts?$select=lastname&$expand=parentcustomerid_account($select=name)');
    expect(body.value).toHaveLength(5000);
    expect(body.value.every((row: any) => typeof row.parentcustomerid_account?.name === 'string')).toBe(true);
    expect(scans).toEqual(['contacts']);
    expect(lookups).toBe(0);
  });

  it('filters with a lambda operator through the index', async () => {
    const { body, scans, lookups } = await counted(`accounts?$select=name&$filter=${encodeURIComponent("contact_customer_accounts/any(c:c/jobtitle eq 'CEO')")}`);
    expect(body.value).toHaveLength(ACCOUNTS / 2);
    expect(scans).toEqual(['accounts']);
    expect(lookups).toBe(ACCOUNTS);
  });

  it('pages a navigation property of 20,000 rows', async () => {
    const write: SystemWrite[] = [];
    const team = '00000000-0000-4000-8000-7ea000000001';
    write.push({ entitySet: 'teams', operation: 'create', id: team, values: { name: 'Big' } });
    core.writeAll(write);
    const ids = [...core.store.scan('contacts')].map((row) => row.id);
    core.writeAll(ids.map((id) => ({ entitySet: 'contacts', id, values: { ownerid: team, 'ownerid@type': 'team' } })));
    let next: string | undefined = `teams(${team})/team_contacts?$select=lastname`;
    const seen = new Set<string>();
    let pages = 0;
    while (next) {
      const { body, scans } = await counted(next.startsWith('http') ? next.slice(root.length) : next, { Prefer: 'odata.maxpagesize=5000' });
      expect(scans).toEqual([]);
      for (const row of body.value) seen.add(row.contactid);
      next = body['@odata.nextLink'];
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen.size).toBe(ACCOUNTS * CONTACTS_PER_ACCOUNT);
  });
});
