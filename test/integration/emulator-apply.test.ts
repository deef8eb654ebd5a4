/**
 * `$apply` over HTTP: filter, groupby, aggregate (sum, average, min, max, countdistinct, $count),
 * grouping by a related table's column, ordering, and Dataverse's limits and refusals.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/aggregate-data
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorCore } from '../../src/emulator/core/server.js';
import type { EmulatorCore } from '../../src/emulator/core/types.js';
import { webApi } from '../helpers/webapi.js';

let core: EmulatorCore;
let call: ReturnType<typeof webApi>;
let alice: string;
let bob: string;

beforeAll(async () => {
  core = await createEmulatorCore();
  call = webApi(core.serviceRoot());
  const contacts = core.writeAll([
    { entitySet: 'contacts', operation: 'create', values: { firstname: 'Alice', lastname: 'A' } },
    { entitySet: 'contacts', operation: 'create', values: { firstname: 'Bob', lastname: 'B' } },
  ]);
  alice = contacts[0]!.contactid as string;
  bob = contacts[1]!.contactid as string;
  const account = (name: string, employees: number | null, contact: string | null, city: string | null) => ({
    entitySet: 'accounts',
    operation: 'create' as const,
    values: { name, numberofemployees: employees, telephone1: city, ...(contact ? { primarycontactid: contact, 'primarycontactid@type': 'contact' } : {}) },
  });
  core.writeAll([
    account('apply 1', 10, alice, 'north'),
    account('apply 2', 20, alice, 'north'),
    account('apply 3', 30, bob, 'south'),
    account('apply 4', 40, bob, null),
    account('apply 5', null, null, 'south'),
  ]);
});
afterAll(() => core.close());

async function get(query: string) {
  const answer = await call('GET', `accounts?${query}`);
  return answer;
}

describe('$apply', () => {
  it('aggregates the whole table: sum, average, min, max, countdistinct, $count', async () => {
    const answer = await get('$apply=aggregate(numberofemployees with sum as total,numberofemployees with average as mean,numberofemployees with min as low,numberofemployees with max as high,telephone1 with countdistinct as cities,$count as rows)');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json['@odata.context']).toBe(`${core.serviceRoot()}$metadata#accounts`);
    expect(answer.json.value).toEqual([{ total: 100, mean: 25, low: 10, high: 40, cities: 2, rows: 5 }]);
  });

  it('groups, leaving null group values out, in group order', async () => {
    const answer = await get('$apply=groupby((telephone1),aggregate($count as count,numberofemployees with sum as total))');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.value).toEqual([
      { count: 1, total: 40 },
      { telephone1: 'north', count: 2, total: 30 },
      { telephone1: 'south', count: 2, total: 30 },
    ]);
  });

  it('adds formatted values of groups and aggregates when asked for', async () => {
    const answer = await call('GET', 'accounts?$apply=groupby((statecode),aggregate($count as count,numberofemployees with sum as total))', undefined, {
      Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"',
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.value).toEqual([
      {
        'statecode@OData.Community.Display.V1.FormattedValue': 'Active',
        statecode: 0,
        'count@OData.Community.Display.V1.FormattedValue': '5',
        count: 5,
        'total@OData.Community.Display.V1.FormattedValue': '100',
        total: 100,
      },
    ]);
    expect(Object.keys(answer.json.value[0])[0]).toBe('statecode@OData.Community.Display.V1.FormattedValue');
  });

  it('lists distinct values with groupby alone, filters first, and combines with $filter', async () => {
    expect((await get('$apply=groupby((telephone1))')).json.value).toEqual([{}, { telephone1: 'north' }, { telephone1: 'south' }]);
    const filtered = await get(`$apply=${encodeURIComponent("filter(numberofemployees gt 15)/groupby((telephone1),aggregate($count as n))")}&$filter=${encodeURIComponent("name ne 'apply 4'")}`);
    expect(filtered.status, filtered.text).toBe(200);
    expect(filtered.json.value).toEqual([
      { telephone1: 'north', n: 1 },
      { telephone1: 'south', n: 1 },
    ]);
  });

  it('groups by a related table column as <table>_<column>', async () => {
    const answer = await get('$apply=groupby((primarycontactid/firstname),aggregate(numberofemployees with sum as total))');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.value).toEqual([{ total: null }, { contact_firstname: 'Alice', total: 30 }, { contact_firstname: 'Bob', total: 70 }]);
    const byLookup = await get('$apply=groupby((_primarycontactid_value),aggregate($count as n))');
    expect(byLookup.json.value).toContainEqual({ _primarycontactid_value: alice, n: 2 });
    expect(byLookup.json.value).toContainEqual({ _primarycontactid_value: bob, n: 2 });
  });

  it('filter alone is a query: rows come back as entities', async () => {
    const answer = await get(`$apply=${encodeURIComponent("filter(numberofemployees ge 30)")}&$select=name`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.value.map((row: { name: string }) => row.name).sort()).toEqual(['apply 3', 'apply 4']);
  });

  it('orders by group properties and takes $top; ordering by an aggregate is refused', async () => {
    const ordered = await get('$apply=groupby((telephone1),aggregate($count as n))&$orderby=telephone1 desc&$top=2');
    expect(ordered.json.value).toEqual([{ telephone1: 'south', n: 2 }, { telephone1: 'north', n: 2 }]);
    const refused = await get('$apply=groupby((telephone1),aggregate($count as n))&$orderby=n');
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/SingleValueOpenPropertyAccess/);
  });

  it('refuses grouping by a date, unknown methods and columns, and answers 501 for what it does not implement', async () => {
    expect((await get('$apply=groupby((createdon))')).status).toBe(400);
    expect((await get('$apply=aggregate(numberofemployees with median as m)')).status).toBe(400);
    expect((await get('$apply=aggregate(nosuch with sum as m)')).status).toBe(400);
    expect((await get('$apply=aggregate(name with sum as m)')).status).toBe(400);
    const compute = await get('$apply=compute(numberofemployees mul 2 as x)');
    expect(compute.status).toBe(501);
    expect(compute.json.error.message).toMatch(/compute/);
    const after = await get(`$apply=${encodeURIComponent('groupby((telephone1))/filter(telephone1 ne null)')}`);
    expect(after.status).toBe(501);
    expect(after.json.error.message).toMatch(/after groupby or aggregate/);
    const select = await get('$apply=aggregate($count as n)&$select=name');
    expect(select.status).toBe(501);
    expect(select.json.error.message).toMatch(/\$select/);
  });
});

describe('AggregateQueryRecordLimit', () => {
  it('refuses an aggregate over more than 50,000 rows with 0x8004e023, and accepts it once filtered', async () => {
    const many = await createEmulatorCore();
    try {
      const rows = Array.from({ length: 50_001 }, (_, i) => ({ entitySet: 'contacts', operation: 'create' as const, values: { lastname: `n${i}`, jobtitle: i % 2 === 0 ? 'even' : 'odd' } }));
      many.writeAll(rows);
      const root = many.serviceRoot();
      const over = await webApi(root)('GET', 'contacts?$apply=aggregate($count as n)');
      expect(over.status).toBe(400);
      expect(over.json.error.code).toBe('0x8004e023');
      expect(over.json.error.message).toMatch(/AggregateQueryRecordLimit exceeded/);
      const under = await webApi(root)('GET', `contacts?$apply=${encodeURIComponent("filter(jobtitle eq 'odd')/aggregate($count as n)")}`);
      expect(under.json.value).toEqual([{ n: 25_000 }]);
    } finally {
      await many.close();
    }
  }, 120_000);
});
