/**
 * The `fetchXml` GET parameter over HTTP: attributes, all-attributes, filters and conditions,
 * link-entity inner/outer, order, paging with the paging cookie annotation, aggregates, and the
 * refusal of DTDs and of what is not implemented.
 * https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/overview
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorCore } from '../../src/emulator/core/server.js';
import type { EmulatorCore } from '../../src/emulator/core/types.js';
import { webApi } from '../helpers/webapi.js';

let core: EmulatorCore;
let call: ReturnType<typeof webApi>;
let alice: string;

beforeAll(async () => {
  core = await createEmulatorCore();
  call = webApi(core.serviceRoot());
  const contacts = core.writeAll([
    { entitySet: 'contacts', operation: 'create', values: { firstname: 'Alice', lastname: 'Archer' } },
    { entitySet: 'contacts', operation: 'create', values: { firstname: 'Bob', lastname: 'Baker' } },
  ]);
  alice = contacts[0]!.contactid as string;
  const bob = contacts[1]!.contactid as string;
  const account = (name: string, employees: number, contact?: string) => ({
    entitySet: 'accounts',
    operation: 'create' as const,
    values: { name, numberofemployees: employees, ...(contact ? { primarycontactid: contact, 'primarycontactid@type': 'contact' } : {}) },
  });
  core.writeAll([account('fx alpha', 10, alice), account('fx beta', 20, alice), account('fx gamma', 30, bob), account('fx delta', 40), account('fx epsilon', 50)]);
});
afterAll(() => core.close());

function fetchUrl(xml: string, set = 'accounts'): string {
  return `${set}?fetchXml=${encodeURIComponent(xml)}`;
}

describe('fetchXml', () => {
  it('selects attributes, filters with conditions and orders', async () => {
    const answer = await call('GET', fetchUrl(`<fetch><entity name="account"><attribute name="name"/><attribute name="numberofemployees"/>
      <filter type="and"><condition attribute="numberofemployees" operator="ge" value="20"/><condition attribute="name" operator="like" value="fx %a"/></filter>
      <order attribute="numberofemployees" descending="true"/></entity></fetch>`));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.value.map((row: any) => row.name)).toEqual(['fx delta', 'fx gamma', 'fx beta']);
    expect(Object.keys(answer.json.value[0]).sort()).toEqual(['@odata.etag', 'accountid', 'name', 'numberofemployees']);
  });

  it('supports or-filters, in, between, null and begins-with', async () => {
    const names = async (filter: string) =>
      (await call('GET', fetchUrl(`<fetch><entity name="account"><attribute name="name"/>${filter}<order attribute="name"/></entity></fetch>`))).json.value.map((row: any) => row.name);
    expect(await names(`<filter type="or"><condition attribute="numberofemployees" operator="eq" value="10"/><condition attribute="numberofemployees" operator="eq" value="50"/></filter>`)).toEqual(['fx alpha', 'fx epsilon']);
    expect(await names(`<filter><condition attribute="numberofemployees" operator="in"><value>20</value><value>30</value></condition></filter>`)).toEqual(['fx beta', 'fx gamma']);
    expect(await names(`<filter><condition attribute="numberofemployees" operator="between"><value>25</value><value>45</value></condition></filter>`)).toEqual(['fx delta', 'fx gamma']);
    expect(await names(`<filter><condition attribute="primarycontactid" operator="null"/></filter>`)).toEqual(['fx delta', 'fx epsilon']);
    expect(await names(`<filter><condition attribute="primarycontactid" operator="eq" value="{${alice.toUpperCase()}}"/></filter>`)).toEqual(['fx alpha', 'fx beta']);
    expect(await names(`<filter><condition attribute="name" operator="begins-with" value="fx g"/></filter>`)).toEqual(['fx gamma']);
    expect(await names(`<filter><condition attribute="createdon" operator="last-x-days" value="1"/><condition attribute="name" operator="ends-with" value="silon"/></filter>`)).toEqual(['fx epsilon']);
  });

  it('joins a link-entity inner and outer, answering its columns as alias.column', async () => {
    const inner = await call('GET', fetchUrl(`<fetch><entity name="account"><attribute name="name"/><order attribute="name"/>
      <link-entity name="contact" from="contactid" to="primarycontactid" link-type="inner" alias="pc"><attribute name="firstname"/>
      <filter><condition attribute="firstname" operator="eq" value="Alice"/></filter></link-entity></entity></fetch>`));
    expect(inner.status, inner.text).toBe(200);
    expect(inner.json.value.map((row: any) => [row.name, row['pc.firstname']])).toEqual([['fx alpha', 'Alice'], ['fx beta', 'Alice']]);
    const outer = await call('GET', fetchUrl(`<fetch><entity name="account"><attribute name="name"/><order attribute="name"/>
      <link-entity name="contact" from="contactid" to="primarycontactid" link-type="outer" alias="pc"><attribute name="lastname"/></link-entity></entity></fetch>`));
    expect(outer.json.value).toHaveLength(5);
    expect(outer.json.value.find((row: any) => row.name === 'fx delta')['pc.lastname']).toBeUndefined();
    expect(outer.json.value.find((row: any) => row.name === 'fx gamma')['pc.lastname']).toBe('Baker');
    // One-to-many: each contact with each of its accounts.
    const many = await call('GET', fetchUrl(`<fetch><entity name="contact"><attribute name="firstname"/><order attribute="firstname"/>
      <link-entity name="account" from="primarycontactid" to="contactid" alias="a"><attribute name="name"/></link-entity></entity></fetch>`, 'contacts'));
    expect(many.json.value.map((row: any) => `${row.firstname}:${row['a.name']}`).sort()).toEqual(['Alice:fx alpha', 'Alice:fx beta', 'Bob:fx gamma']);
  });

  it('pages with count and page, answering the paging cookie and morerecords', async () => {
    const xml = (page: number) => `<fetch count="2" page="${page}" returntotalrecordcount="true"><entity name="account"><attribute name="name"/><order attribute="name"/></entity></fetch>`;
    const first = await call('GET', fetchUrl(xml(1)));
    expect(first.json.value.map((row: any) => row.name)).toEqual(['fx alpha', 'fx beta']);
    expect(first.json['@Microsoft.Dynamics.CRM.morerecords']).toBe(true);
    expect(first.json['@Microsoft.Dynamics.CRM.totalrecordcount']).toBe(5);
    const cookie = first.json['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'] as string;
    expect(cookie).toMatch(/^<cookie pagenumber="2" pagingcookie="%253ccookie%2520page%253d%25221%2522%253e/);
    const third = await call('GET', fetchUrl(xml(3)));
    expect(third.json.value.map((row: any) => row.name)).toEqual(['fx gamma']);
    expect(third.json['@Microsoft.Dynamics.CRM.morerecords']).toBe(false);
  });

  it('finds pages by number whatever the paging cookie holds, and names an alias-less link-entity <table><n>', async () => {
    const page2 = await call('GET', fetchUrl(`<fetch count="2" page="2" paging-cookie="&lt;cookie page=&quot;9&quot;/&gt;"><entity name="account"><attribute name="name"/><order attribute="name"/></entity></fetch>`));
    expect(page2.status, page2.text).toBe(200);
    expect(page2.json.value.map((row: any) => row.name)).toEqual(['fx delta', 'fx epsilon']);
    const noAlias = await call('GET', fetchUrl(`<fetch><entity name="account"><attribute name="name"/><filter><condition attribute="name" operator="eq" value="fx alpha"/></filter>
      <link-entity name="contact" from="contactid" to="primarycontactid"><attribute name="firstname"/></link-entity></entity></fetch>`));
    expect(noAlias.json.value[0]['contact1.firstname']).toBe('Alice');
  });

  it('answers 501 for dategrouping, order inside a link-entity and aggregates over a link-entity', async () => {
    const dategrouping = await call('GET', fetchUrl(`<fetch aggregate="true"><entity name="account"><attribute name="createdon" alias="d" groupby="true" dategrouping="month"/><attribute name="accountid" alias="n" aggregate="count"/></entity></fetch>`));
    expect(dategrouping.status).toBe(501);
    const linkOrder = await call('GET', fetchUrl(`<fetch><entity name="account"><link-entity name="contact" from="contactid" to="primarycontactid"><order attribute="firstname"/></link-entity></entity></fetch>`));
    expect(linkOrder.status).toBe(501);
    const linkAggregate = await call('GET', fetchUrl(`<fetch aggregate="true"><entity name="account"><attribute name="accountid" alias="n" aggregate="count"/><link-entity name="contact" from="contactid" to="primarycontactid"/></entity></fetch>`));
    expect(linkAggregate.status).toBe(501);
  });

  it('aggregates with groupby', async () => {
    const answer = await call('GET', fetchUrl(`<fetch aggregate="true"><entity name="account">
      <attribute name="primarycontactid" alias="contact" groupby="true"/>
      <attribute name="numberofemployees" alias="total" aggregate="sum"/><attribute name="accountid" alias="n" aggregate="count"/>
      <attribute name="primarycontactid" alias="withcontact" aggregate="countcolumn"/>
      <filter><condition attribute="name" operator="like" value="fx%"/></filter></entity></fetch>`));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.value).toContainEqual({ total: 90, n: 2, withcontact: 0 });
    expect(answer.json.value).toContainEqual({ contact: alice, total: 30, n: 2, withcontact: 2 });
  });

  it('refuses malformed XML, DTDs, another table, unknown columns and operators it lacks', async () => {
    const malformed = await call('GET', fetchUrl('<fetch><entity name="account">'));
    expect(malformed.status).toBe(400);
    const dtd = await call('GET', fetchUrl('<!DOCTYPE fetch [<!ENTITY x "y">]><fetch><entity name="account"/></fetch>'));
    expect(dtd.status).toBe(400);
    expect(dtd.json.error.message).toMatch(/DTD/);
    expect((await call('GET', fetchUrl('<fetch><entity name="contact"/></fetch>'))).status).toBe(400);
    expect((await call('GET', fetchUrl('<fetch><entity name="account"><attribute name="nosuch"/></entity></fetch>'))).status).toBe(400);
    const operator = await call('GET', fetchUrl('<fetch><entity name="account"><filter><condition attribute="ownerid" operator="eq-userid"/></filter></entity></fetch>'));
    expect(operator.status).toBe(501);
    expect(operator.json.error.message).toMatch(/eq-userid/);
    expect((await call('GET', `${fetchUrl('<fetch><entity name="account"/></fetch>')}&$top=1`)).status).toBe(400);
  });
});
