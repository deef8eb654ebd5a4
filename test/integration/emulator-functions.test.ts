/**
 * `Microsoft.Dynamics.CRM.*` query functions in `$filter` over HTTP, with a fixed clock:
 * comparison (Between, NotBetween, In, NotIn) and date functions (Today, Yesterday, LastXDays,
 * OlderThanXDays, On, OnOrAfter, …), parameter aliases, errors and the functions left to 501.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#dataverse-query-functions
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorCore } from '../../src/emulator/core/server.js';
import { setQueryClock } from '../../src/emulator/core/odata/queryFunctions.js';
import type { EmulatorCore } from '../../src/emulator/core/types.js';
import { webApi } from '../helpers/webapi.js';

let core: EmulatorCore;
let call: ReturnType<typeof webApi>;
let restoreClock: () => void;
// Wednesday 15 May 2024, 12:00 UTC.
const NOW = Date.parse('2024-05-15T12:00:00Z');

const ROWS: { name: string; createdon: string; numberofemployees: number }[] = [
  { name: 'today morning', createdon: '2024-05-15T08:00:00Z', numberofemployees: 10 },
  { name: 'yesterday night', createdon: '2024-05-14T23:00:00Z', numberofemployees: 20 },
  { name: 'five days ago', createdon: '2024-05-10T10:00:00Z', numberofemployees: 30 },
  { name: 'last month', createdon: '2024-04-01T10:00:00Z', numberofemployees: 40 },
  { name: 'last year', createdon: '2023-12-31T10:00:00Z', numberofemployees: 50 },
  { name: 'tomorrow', createdon: '2024-05-16T09:00:00Z', numberofemployees: 60 },
];

beforeAll(async () => {
  core = await createEmulatorCore();
  call = webApi(core.serviceRoot());
  restoreClock = setQueryClock(() => NOW);
  core.writeAll(ROWS.map((row) => ({ entitySet: 'accounts', operation: 'create' as const, values: { ...row } })));
});
afterAll(async () => {
  restoreClock();
  await core.close();
});

async function names(filter: string, extra = ''): Promise<string[]> {
  const answer = await call('GET', `accounts?$select=name&$filter=${encodeURIComponent(filter)}${extra}`);
  expect(answer.status, answer.text).toBe(200);
  return (answer.json.value as { name: string }[]).map((row) => row.name).sort();
}

const F = 'Microsoft.Dynamics.CRM.';

describe('comparison functions', () => {
  it('In and NotIn', async () => {
    expect(await names(`${F}In(PropertyName='name',PropertyValues=['today morning','LAST YEAR'])`)).toEqual(['last year', 'today morning']);
    expect(await names(`${F}In(PropertyName='numberofemployees',PropertyValues=["10","30"])`)).toEqual(['five days ago', 'today morning']);
    expect(await names(`${F}NotIn(PropertyName='numberofemployees',PropertyValues=["10","20","30","40"])`)).toEqual(['last year', 'tomorrow']);
  });

  it('Between and NotBetween, inclusive', async () => {
    expect(await names(`${F}Between(PropertyName='numberofemployees',PropertyValues=["20","40"])`)).toEqual(['five days ago', 'last month', 'yesterday night']);
    expect(await names(`${F}NotBetween(PropertyName='numberofemployees',PropertyValues=["20","50"])`)).toEqual(['today morning', 'tomorrow']);
  });

  it('combines with other conditions and takes parameter aliases', async () => {
    expect(await names(`${F}Between(PropertyName=@p,PropertyValues=@v) and numberofemployees ne 30`, `&@p='numberofemployees'&@v=["20","40"]`)).toEqual(['last month', 'yesterday night']);
    expect(await names(`not ${F}In(PropertyName='name',PropertyValues=['tomorrow']) and numberofemployees gt 45`)).toEqual(['last year']);
  });
});

describe('date functions (UTC, clock fixed at 2024-05-15T12:00Z)', () => {
  it('Today, Yesterday, Tomorrow', async () => {
    expect(await names(`${F}Today(PropertyName='createdon')`)).toEqual(['today morning']);
    expect(await names(`${F}Yesterday(PropertyName='createdon')`)).toEqual(['yesterday night']);
    expect(await names(`${F}Tomorrow(PropertyName='createdon')`)).toEqual(['tomorrow']);
  });

  it('LastXDays, NextXDays, OlderThanXDays, LastXMonths', async () => {
    expect(await names(`${F}LastXDays(PropertyName='createdon',PropertyValue=1)`)).toEqual(['today morning', 'yesterday night']);
    expect(await names(`${F}LastXDays(PropertyName='createdon',PropertyValue=7)`)).toEqual(['five days ago', 'today morning', 'yesterday night']);
    expect(await names(`${F}NextXDays(PropertyName='createdon',PropertyValue=2)`)).toEqual(['tomorrow']);
    expect(await names(`${F}OlderThanXDays(PropertyName='createdon',PropertyValue=3)`)).toEqual(['five days ago', 'last month', 'last year']);
    expect(await names(`${F}LastXMonths(PropertyName='createdon',PropertyValue=2)`)).toEqual(['five days ago', 'last month', 'today morning', 'yesterday night']);
  });

  it('On, NotOn, OnOrAfter, OnOrBefore, ThisMonth, LastYear, ThisWeek', async () => {
    expect(await names(`${F}On(PropertyName='createdon',PropertyValue='2024-05-10')`)).toEqual(['five days ago']);
    expect(await names(`${F}OnOrAfter(PropertyName='createdon',PropertyValue='2024-05-14')`)).toEqual(['today morning', 'tomorrow', 'yesterday night']);
    expect(await names(`${F}OnOrBefore(PropertyName='createdon',PropertyValue='2024-04-01')`)).toEqual(['last month', 'last year']);
    expect((await names(`${F}NotOn(PropertyName='createdon',PropertyValue='2024-05-10')`)).length).toBe(5);
    expect(await names(`${F}ThisMonth(PropertyName='createdon')`)).toEqual(['five days ago', 'today morning', 'tomorrow', 'yesterday night']);
    expect(await names(`${F}LastYear(PropertyName='createdon')`)).toEqual(['last year']);
    // Weeks start on Sunday 12 May.
    expect(await names(`${F}ThisWeek(PropertyName='createdon')`)).toEqual(['today morning', 'tomorrow', 'yesterday night']);
  });
});

describe('errors', () => {
  it('an unknown function, a missing parameter, a non-date column and an unknown column are 400', async () => {
    const unknown = await call('GET', `accounts?$filter=${encodeURIComponent(`${F}LastXDayz(PropertyName='createdon',PropertyValue=1)`)}`);
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toMatch(/LastXDayz' does not exist/);
    const missing = await call('GET', `accounts?$filter=${encodeURIComponent(`${F}LastXDays(PropertyName='createdon')`)}`);
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toMatch(/PropertyValue' is missing/);
    const notDate = await call('GET', `accounts?$filter=${encodeURIComponent(`${F}Today(PropertyName='name')`)}`);
    expect(notDate.status).toBe(400);
    const column = await call('GET', `accounts?$filter=${encodeURIComponent(`${F}Today(PropertyName='nosuch')`)}`);
    expect(column.status).toBe(400);
    expect(column.json.error.message).toMatch(/Could not find a property named 'nosuch'/);
    const between = await call('GET', `accounts?$filter=${encodeURIComponent(`${F}Between(PropertyName='numberofemployees',PropertyValues=["1"])`)}`);
    expect(between.status).toBe(400);
  });

  it('functions that need the caller, hierarchies or the fiscal calendar answer 501 naming the function', async () => {
    for (const fn of [`${F}EqualUserId(PropertyName='ownerid')`, `${F}ThisFiscalYear(PropertyName='createdon')`, `${F}Under(PropertyName='accountid',PropertyValue='00000000-0000-0000-0000-000000000001')`]) {
      const answer = await call('GET', `accounts?$filter=${encodeURIComponent(fn)}`);
      expect(answer.status).toBe(501);
      expect(answer.json.error.message).toContain(fn.slice(0, fn.indexOf('(')));
    }
  });
});
