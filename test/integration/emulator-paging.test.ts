/**
 * Ordered paging over the emulator's indexes: every row once and in order across pages with ties,
 * rows written between pages, `$filter` + `$orderby` + `$top`, `$count`, and skip tokens that
 * survive a restart of a file-backed emulator.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';

const LASTNAMES = ['Alpha', 'beta', 'Gamma', 'delta', 'Echo'];

interface Contact {
  contactid: string;
  firstname: string;
  lastname: string;
  jobtitle: string;
  createdon: string;
}

function contacts(count: number): Contact[] {
  return Array.from({ length: count }, (_, i) => ({
    contactid: randomUUID(),
    firstname: `F${String(i % 13).padStart(2, '0')}`,
    lastname: LASTNAMES[i % LASTNAMES.length]!,
    jobtitle: i % 20 === 0 ? 'Rare' : 'Common',
    createdon: `2026-01-${String(1 + (i % 7)).padStart(2, '0')}T00:00:00Z`,
  }));
}

function seed(emulator: RunningEmulator, rows: Contact[]): void {
  emulator.store.transaction(() => {
    for (const row of rows) emulator.store.insert('contacts', row.contactid, { ...row, versionnumber: emulator.store.nextVersion() });
  });
}

/** The reference order: lastname (case-insensitive), then createdon descending, then id. */
function byLastnameThenCreatedDesc(a: Contact, b: Contact): number {
  const x = a.lastname.toLowerCase();
  const y = b.lastname.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  if (a.createdon !== b.createdon) return a.createdon < b.createdon ? 1 : -1;
  return a.contactid < b.contactid ? -1 : a.contactid > b.contactid ? 1 : 0;
}

interface Page {
  value: Record<string, unknown>[];
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
}

async function getPage(url: string, pageSize?: number): Promise<Page> {
  const response = await fetch(url, { headers: { Accept: 'application/json', ...(pageSize === undefined ? {} : { Prefer: `odata.maxpagesize=${pageSize}` }) } });
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

/** Every page from `query`; `between` runs after each page. */
async function allPages(emulator: RunningEmulator, query: string, pageSize: number, between?: (page: number) => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  let url: string | undefined = `${emulator.serviceRoot}contacts?${query}`;
  let pages = 0;
  while (url !== undefined) {
    const page = await getPage(url, pageSize);
    expect(page.value.length).toBeLessThanOrEqual(pageSize);
    ids.push(...page.value.map((row) => row.contactid as string));
    url = page['@odata.nextLink'];
    pages++;
    if (url !== undefined) await between?.(pages);
  }
  return ids;
}

const ORDER = '$select=lastname,createdon&$orderby=lastname,createdon%20desc';

describe('ordered paging', () => {
  let emulator: RunningEmulator;
  const rows = contacts(260);
  beforeAll(async () => {
    emulator = await startTestEmulator();
    seed(emulator, rows);
  });
  afterAll(() => emulator?.close());

  it('returns every row once, in order, across pages that split ties', async () => {
    const expected = [...rows].sort(byLastnameThenCreatedDesc).map((row) => row.contactid);
    for (const pageSize of [1, 7, 50, 260, 1000]) {
      expect(await allPages(emulator, ORDER, pageSize)).toEqual(expected);
    }
  });

  it('orders by a column with ties alone, the id breaking them', async () => {
    // Descending applies to jobtitle; ties still go by id ascending.
    const tieOrder = [...rows]
      .sort((a, b) => (a.jobtitle === b.jobtitle ? (a.contactid < b.contactid ? -1 : 1) : a.jobtitle < b.jobtitle ? 1 : -1))
      .map((row) => row.contactid);
    const ids = await allPages(emulator, '$select=jobtitle&$orderby=jobtitle%20desc', 9);
    expect(ids).toEqual(tieOrder);
  });

  it('applies $filter + $orderby + $top in one page, through equality indexes and without', async () => {
    const cases: { filter: string; keep: (row: Contact) => boolean }[] = [
      // A small equality bucket (sorted candidates).
      { filter: "jobtitle eq 'rare'", keep: (row) => row.jobtitle === 'Rare' },
      // A large bucket (the sorted index, filtered).
      { filter: "lastname eq 'GAMMA' and firstname ne 'F03'", keep: (row) => row.lastname === 'Gamma' && row.firstname !== 'F03' },
      // Nothing an index answers.
      { filter: "startswith(firstname,'F1') or lastname eq 'beta'", keep: (row) => row.firstname.startsWith('F1') || row.lastname === 'beta' },
    ];
    for (const { filter, keep } of cases) {
      const matching = rows.filter(keep).sort(byLastnameThenCreatedDesc);
      const page = await getPage(`${emulator.serviceRoot}contacts?${ORDER}&$filter=${encodeURIComponent(filter)}&$top=6&$count=true`);
      expect(page.value.map((row) => row.contactid)).toEqual(matching.slice(0, 6).map((row) => row.contactid));
      expect(page['@odata.nextLink']).toBeUndefined();
      expect(page['@odata.count']).toBe(matching.length);
      const paged = await allPages(emulator, `${ORDER}&$filter=${encodeURIComponent(filter)}`, 4);
      expect(paged).toEqual(matching.map((row) => row.contactid));
      const unordered = await allPages(emulator, `$select=lastname&$filter=${encodeURIComponent(filter)}`, 5);
      expect(unordered).toEqual(matching.map((row) => row.contactid).sort());
    }
  });
});

describe('rows written between pages', () => {
  it('neither repeats nor loses rows that did not change, and shows new rows after the cursor', async () => {
    const emulator = await startTestEmulator();
    try {
      const rows = contacts(120);
      seed(emulator, rows);
      const sorted = [...rows].sort(byLastnameThenCreatedDesc);
      const deleted = new Set<string>();
      const moved = new Set<string>();
      const created: { id: string; lastname: string }[] = [];
      const create = async (lastname: string) => {
        const response = await fetch(`${emulator.serviceRoot}contacts`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ lastname, firstname: 'New' }),
        });
        expect(response.status).toBe(204);
        const id = /\(([0-9a-f-]{36})\)/.exec(response.headers.get('OData-EntityId') ?? '')![1]!;
        created.push({ id, lastname });
      };
      const ids = await allPages(emulator, ORDER, 10, async (page) => {
        if (page === 2) {
          // Before the cursor (never shown) and far after it (shown once).
          await create('Aardvark');
          await create('zulu');
          // A row not yet read: deleted, and another moved before the cursor.
          const notYetRead = sorted.slice(-30);
          const gone = notYetRead[0]!.contactid;
          const move = notYetRead[1]!.contactid;
          expect((await fetch(`${emulator.serviceRoot}contacts(${gone})`, { method: 'DELETE' })).status).toBe(204);
          deleted.add(gone);
          const patch = await fetch(`${emulator.serviceRoot}contacts(${move})`, {
            method: 'PATCH',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ lastname: 'Aaron' }),
          });
          expect(patch.status).toBe(204);
          moved.add(move);
        }
      });
      expect(new Set(ids).size).toBe(ids.length);
      const unchanged = sorted.filter((row) => !deleted.has(row.contactid) && !moved.has(row.contactid)).map((row) => row.contactid);
      expect(ids.filter((id) => !created.some((c) => c.id === id))).toEqual(unchanged);
      expect(ids).not.toContain(created.find((c) => c.lastname === 'Aardvark')!.id);
      expect(ids[ids.length - 1]).toBe(created.find((c) => c.lastname === 'zulu')!.id);
    } finally {
      await emulator.close();
    }
  });
});

describe('skip tokens across a restart', () => {
  it('a nextLink from before a restart of a file-backed emulator continues where it left off', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'journeyctl-paging-'));
    try {
      const rows = contacts(40);
      let first = await startTestEmulator({ dataDir });
      seed(first, rows);
      const page = await getPage(`${first.serviceRoot}contacts?${ORDER}`, 15);
      const next = page['@odata.nextLink']!;
      expect(next).toBeDefined();
      const origin = first.url;
      await first.close();
      first = await startTestEmulator({ dataDir });
      try {
        const rest: string[] = [];
        let url: string | undefined = next.replace(origin, first.url);
        while (url !== undefined) {
          const following = await getPage(url);
          rest.push(...following.value.map((row) => row.contactid as string));
          url = following['@odata.nextLink'];
        }
        const expected = [...rows].sort(byLastnameThenCreatedDesc).map((row) => row.contactid);
        expect([...page.value.map((row) => row.contactid as string), ...rest]).toEqual(expected);
      } finally {
        await first.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
