/**
 * Paging over 20,000 rows: every row once, in order, one page held at a time; continuation
 * tokens resume where a page left off.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { DataverseClient } from '../../src/dataverse/index.js';
import { isInputError } from '../../src/errors.js';
import { emulatorClientPerFile } from '../helpers/emulatorClient.js';

const ROWS = 20_000;
const PAGE = 1000;
const setup = emulatorClientPerFile();
let emulator: RunningEmulator;
let client: DataverseClient;
const pad = (i: number): string => String(i).padStart(6, '0');

beforeAll(async () => {
  ({ emulator, client } = setup);
  const seeded = await client.createMany(
    'contacts',
    (function* rows() {
      for (let i = 0; i < ROWS; i++) yield { firstname: 'Paged', lastname: `L${pad(i)}` };
    })(),
    { batchSize: 1000 },
  );
  expect(seeded.failed).toEqual([]);
});

/** Without $orderby rows come in primary-key order (the paging cookie's order), which the emulator serves by index. */
const query = () => client.query('contacts', { select: ['lastname'], filter: "firstname eq 'Paged'" });
const ordered = () => client.query('contacts', { select: ['lastname'], filter: "firstname eq 'Paged'", orderBy: 'lastname' });

/** The ids of the test's rows in the store, in id order (read eagerly: the store is shared with the server). */
function storeOrder(): string[] {
  const ids: string[] = [];
  for (const row of emulator.store.scan('contacts')) if (row.values.firstname === 'Paged') ids.push(row.id);
  return ids;
}

describe('query paging', () => {
  it('yields all 20,000 rows once, in order, fetching one page per consumed page', async () => {
    const gets = (): number => emulator.requestLog.filter((e) => e.method === 'GET' && e.path.startsWith('/api/data/v9.2/contacts')).length;
    const start = gets();
    const expected = storeOrder().values();
    let count = 0;
    let pages = 0;
    for await (const page of query().byPage({ maxPageSize: PAGE })) {
      pages++;
      // Lazy: the iterator has fetched exactly the pages handed out so far, nothing ahead.
      expect(gets() - start).toBe(pages);
      expect(page.items.length).toBeLessThanOrEqual(PAGE);
      for (const row of page.items) {
        // Rows are compared as they stream by, not collected: each is the store's next row.
        const next = expected.next();
        if (next.done || row.contactid !== next.value) throw new Error(`row ${count} is ${String(row.contactid)}, expected ${String(next.value)}`);
        count++;
      }
    }
    expect(expected.next().done).toBe(true);
    expect(count).toBe(ROWS);
    expect(pages).toBe(ROWS / PAGE);
  });

  it('iterates items directly with the default page size, in $orderby order', async () => {
    let count = 0;
    for await (const row of ordered()) {
      if (row.lastname !== `L${pad(count)}`) throw new Error(`row ${count} out of order: ${String(row.lastname)}`);
      count++;
    }
    expect(count).toBe(ROWS);
  });

  it('resumes from a continuation token', async () => {
    let token: string | undefined;
    let seen = 0;
    for await (const page of query().byPage({ maxPageSize: 700 })) {
      seen += page.items.length;
      token = page.continuationToken;
      if (seen >= 2100) break;
    }
    expect(token).toBeTruthy();
    let rest = 0;
    let first: unknown;
    for await (const page of query().byPage({ continuationToken: token!, maxPageSize: 700 })) {
      first ??= page.items[0]?.lastname;
      rest += page.items.length;
    }
    expect(first).toBe(emulator.store.get('contacts', storeOrder()[2100]!)?.values.lastname);
    expect(seen + rest).toBe(ROWS);
  });

  it('rejects a continuation token it did not produce', async () => {
    const error = await query().byPage({ continuationToken: 'not-a-token' }).next().catch((e: unknown) => e);
    expect(isInputError(error)).toBe(true);
  });
});
