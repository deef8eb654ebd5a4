/**
 * Marketing actions and the runtime simulator over real HTTP: the validate action's double-encoded
 * result, custom channel interactions, real-time channel callbacks, custom channel activities for
 * compliant contacts, and the outbound-removed profile.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { JourneyStatus as S } from '../../src/model/optionSets.js';

const TILE_XML = `<?xml version="1.0" encoding="utf-8"?>
<LibraryTile>
  <Definition icon="t" fontFamily="t" cssFileName="test_TextCustomerJourneyDesignerTileConfig.css" />
  <ChannelProperties>
    <EntityType>test_textmessage</EntityType>
    <EntitySetName>test_textmessages</EntitySetName>
    <TitleFieldName>test_name</TitleFieldName>
    <ComplianceField>donotphone</ComplianceField>
    <LookupViewId>00000000-0000-0000-0000-000000000001</LookupViewId>
    <QuickViewFormId>00000000-0000-0000-0000-000000000002</QuickViewFormId>
  </ChannelProperties>
  <ResponseTypes>
    <ResponseType id="sent"><Labels><Label locId="1033">Sent</Label></Labels></ResponseType>
    <ResponseType id="keyword" custom="True"><Labels><Label locId="1033">Keyword</Label></Labels></ResponseType>
  </ResponseTypes>
  <Labels><Label locId="1033">Test text</Label></Labels>
  <Tooltips><Tooltip locId="1033">Test</Tooltip></Tooltips>
</LibraryTile>`;
const TILE_ENTITY_ID = 'eeeeeeee-0000-0000-0000-000000000001';

interface Api {
  (method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }>;
}

function api(emulator: RunningEmulator): Api {
  return async (method, path, body) => {
    const response = await fetch(emulator.serviceRoot + path, {
      method,
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text), headers: response.headers };
  };
}

async function create(call: Api, set: string, body: Record<string, unknown>): Promise<string> {
  const response = await call('POST', set, body);
  expect(response.status, `${set}: ${JSON.stringify(response.json)}`).toBe(204);
  return /\(([0-9a-f-]{36})\)$/.exec(response.headers.get('OData-EntityId') ?? '')![1]!;
}

function definition(segmentId: string, customTileType = 'test_Text'): string {
  return JSON.stringify([
    { ActivityTypeId: 'bpf_root', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01', Properties: { Items: [{ ItemId: null, ActivityTypeId: 'bpf_root', Title: 'Undefined', Name: 'New ActivityTypeName_bpf_root_TitleText', ActivityItemId: 0 }] } },
    {
      ActivityTypeId: 'Segment', ParentActivityId: '01', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01_0', EntityTarget: 'contact',
      Properties: { Items: [
        { ItemId: null, ActivityTypeId: 'Segment', Title: 'Undefined', Name: 'Segment group', IsNameSystemDefined: true, ActivityItemId: 1, SegmentMergeMethod: 'Union' },
        { ItemId: segmentId, ActivityTypeId: 'SegmentItem', Title: 'Undefined', Name: 'Static', ActivityItemId: 2, ContainmentMethod: 'Inclusion', SegmentSourceType: 'Segment', DciSegmentName: 'Static', SegmentDisplayName: 'Static' },
      ] },
    },
    {
      ActivityTypeId: customTileType, ParentActivityId: '01_0', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01_0_1', EntityTarget: 'contact',
      Properties: { Items: [{ ItemId: TILE_ENTITY_ID, ActivityTypeId: customTileType, Title: 'Undefined', Name: 'Text offer', ActivityItemId: 3 }] },
    },
  ]);
}

async function pollStatus(call: Api, id: string, pending: number): Promise<Record<string, any>> {
  const until = Date.now() + 15_000;
  for (;;) {
    const { json } = await call('GET', `msdyncrm_customerjourneys(${id})`);
    if (json.statuscode !== pending || Date.now() > until) return json;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function activitiesOf(call: Api, journeyId: string): Promise<Record<string, any>[]> {
  const response = await call('GET', `msdyncrm_customerjourneycustomchannelactivities?$filter=_msdyncrm_customerjourney_value eq ${journeyId}`);
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return response.json.value;
}

describe('marketing actions and runtime (default profile)', () => {
  let emulator: RunningEmulator;
  let call: Api;
  const contacts: Record<'compliant' | 'blocked' | 'unset' | 'outsider', string> = { compliant: '', blocked: '', unset: '', outsider: '' };
  let segmentId: string;
  let journeyId: string;
  let iterationId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ transitionDelayMs: 20 });
    call = api(emulator);
    contacts.compliant = await create(call, 'contacts', { firstname: 'Ann', lastname: 'Able', donotphone: false });
    contacts.blocked = await create(call, 'contacts', { firstname: 'Bob', lastname: 'Blocked', donotphone: true });
    contacts.unset = await create(call, 'contacts', { firstname: 'Cid', lastname: 'Unset' });
    contacts.outsider = await create(call, 'contacts', { firstname: 'Dee', lastname: 'Outside' });
    segmentId = await create(call, 'msdyncrm_segments', {
      msdyncrm_segmentname: 'Static test segment',
      msdyncrm_segmenttype: 192350001,
      statuscode: 192350001,
      msdyncrm_segmentmemberids: JSON.stringify([contacts.compliant, contacts.blocked, contacts.unset].map((id) => `crm${id}`)),
    });
    await create(call, 'webresourceset', {
      name: 'test_/tiles/test_TextCustomerJourneyDesignerTileConfig.xml',
      webresourcetype: 4,
      content: Buffer.from(TILE_XML, 'utf8').toString('base64'),
    });
    journeyId = await create(call, 'msdyncrm_customerjourneys', {
      msdyncrm_name: 'Custom channel journey',
      msdyncrm_workflowdefinition: definition(segmentId),
      msdyncrm_customerjourneydesignerstate: JSON.stringify({ NextActivityID: 5, NextActivityItemID: 10 }),
      msdyncrm_entitytarget: 0,
    });
    expect((await call('PATCH', `msdyncrm_customerjourneys(${journeyId})`, { statuscode: S.GoingLive })).status).toBe(204);
    expect((await pollStatus(call, journeyId, S.GoingLive)).statuscode).toBe(S.Live);
    const iterations = await call('GET', `msdyncrm_customerjourneyiterations?$filter=_msdyncrm_customerjourneyid_value eq ${journeyId}`);
    expect(iterations.json.value).toHaveLength(1);
    iterationId = iterations.json.value[0].msdyncrm_customerjourneyiterationid;
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('creates exactly one custom channel activity per compliant contact of the segment', async () => {
    const rows = await activitiesOf(call, journeyId);
    expect(rows.map((r) => r._msdyncrm_contact_value).sort()).toEqual([contacts.compliant, contacts.unset].sort());
    for (const row of rows) {
      expect(row.msdyncrm_activityid).toBe('01_0_1');
      expect(row.msdyncrm_entitytype).toBe('test_textmessage');
      expect(row.msdyncrm_entityid).toBe(TILE_ENTITY_ID);
      expect(row._msdyncrm_customerjourneyiteration_value).toBe(iterationId);
      expect(row.msdyncrm_name).toContain('Text offer');
    }
  });

  it('stays idempotent when the journey is published again, and picks up new members', async () => {
    const added = await create(call, 'contacts', { firstname: 'Eve', lastname: 'Late' });
    const members = [contacts.compliant, contacts.blocked, contacts.unset, added].map((id) => `crm${id}`);
    expect((await call('PATCH', `msdyncrm_segments(${segmentId})`, { msdyncrm_segmentmemberids: JSON.stringify(members) })).status).toBe(204);
    expect((await call('PATCH', `msdyncrm_customerjourneys(${journeyId})`, { statuscode: S.GoingLive })).status).toBe(204);
    expect((await pollStatus(call, journeyId, S.GoingLive)).statuscode).toBe(S.Live);
    const rows = await activitiesOf(call, journeyId);
    expect(rows.map((r) => r._msdyncrm_contact_value).sort()).toEqual([contacts.compliant, contacts.unset, added].sort());
    const iterations = await call('GET', `msdyncrm_customerjourneyiterations?$filter=_msdyncrm_customerjourneyid_value eq ${journeyId}`);
    expect(iterations.json.value).toHaveLength(1);
  });

  it('answers msdyncrm_CustomerJourneyValidate with a double-encoded ValidationResult', async () => {
    const response = await call('POST', 'msdyncrm_CustomerJourneyValidate', {
      FieldValueCustomerJourneyId: `{${randomUUID().toUpperCase()}}`,
      FieldValueStatusCode: 192350000,
      FieldValueName: 'Sample Customer Journey',
      FieldValueStartDateTime: '2019-02-08T11:48:00.000Z',
      FieldValueEndDateTime: '2019-03-08T11:48:00.000Z',
      FieldValueWorkflowDefinition: definition(segmentId),
      FieldValueIsRecurring: true,
      FieldValueRecurrenceIntervalDays: 30,
      FieldValueRecurrenceCount: 3,
      FieldValueRequiredConsent: 587030001,
      FieldValueContentSettingsId: '{1922B1D8-0523-E911-A9BA-000D3A1E689F}',
      FieldValueEntityTarget: 0,
      FieldValueCustomerJourneyTimeZone: 92,
    });
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    expect(typeof response.json.ValidationResult).toBe('string');
    const result = JSON.parse(response.json.ValidationResult);
    expect(result.Result).toBe('Error');
    expect(result.ActivityValidationResults).toContainEqual({ ActivityId: '', Fault: 'ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations', Result: 'Error', ErrorMessageArguments: [] });
    for (const entry of result.ActivityValidationResults) expect(Object.keys(entry).sort()).toEqual(['ActivityId', 'ErrorMessageArguments', 'Fault', 'Result']);
  });

  it('refuses an unknown validate parameter with 400', async () => {
    const response = await call('POST', 'msdyncrm_CustomerJourneyValidate', { FieldValueNmae: 'typo' });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain('FieldValueNmae');
  });

  const ref = (logical: string, key: string, id: string) => ({ '@odata.type': `Microsoft.Dynamics.CRM.${logical}`, [key]: id });
  const interaction = (extra: Record<string, unknown> = {}) => ({
    ActivityId: '01_0_1',
    CustomerJourney: ref('msdyncrm_customerjourney', 'msdyncrm_customerjourneyid', journeyId),
    CustomerJourneyIteration: ref('msdyncrm_customerjourneyiteration', 'msdyncrm_customerjourneyiterationid', iterationId),
    Contact: ref('contact', 'contactid', contacts.compliant),
    EntityType: 'test_textmessage',
    EntityId: TILE_ENTITY_ID,
    ResponseType: 'sent',
    ...extra,
  });

  it('stores interactions and loads them back, paged', async () => {
    expect((await call('POST', 'msdyncrm_CustomChannelActivityCreateInteraction', interaction())).status).toBe(204);
    expect((await call('POST', 'msdyncrm_CustomChannelActivityCreateInteraction', interaction({ ResponseType: 'keyword', TriggerKeyword: 'YES' }))).status).toBe(204);

    const first = await call('POST', 'msdyncrm_LoadInteractionsPublic', { ContactId: contacts.compliant, InteractionType: 'CustomChannelResponse', Top: 1 });
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    const page1 = JSON.parse(first.json.Data);
    expect(page1).toHaveLength(1);
    expect(page1[0]).toMatchObject({ InteractionType: 'CustomChannelResponse', ResponseType: 'sent', ContactId: contacts.compliant, CustomerJourneyId: journeyId, CustomerJourneyIterationId: iterationId, ActivityId: '01_0_1' });
    expect(typeof first.json.NextSkipToken).toBe('string');
    const second = await call('POST', 'msdyncrm_LoadInteractionsPublic', { ContactId: contacts.compliant, InteractionType: 'CustomChannelResponse', Top: 1, SkipToken: first.json.NextSkipToken });
    const page2 = JSON.parse(second.json.Data);
    expect(page2).toHaveLength(1);
    expect(page2[0]).toMatchObject({ ResponseType: 'keyword', TriggerKeyword: 'YES' });
    expect(second.json.NextSkipToken).toBeNull();

    const processed = await call('POST', 'msdyncrm_LoadInteractionsPublic', { ContactId: contacts.compliant, InteractionType: 'CreateCustomChannelActivityContactProcessed' });
    expect(JSON.parse(processed.json.Data)).toHaveLength(1);
    const blocked = await call('POST', 'msdyncrm_LoadInteractionsPublic', { ContactId: contacts.blocked, InteractionType: 'CreateCustomChannelActivityContactProcessed' });
    expect(JSON.parse(blocked.json.Data)).toEqual([]);
  });

  it('checks ResponseType against the tile and refuses unknown records', async () => {
    const unknownType = await call('POST', 'msdyncrm_CustomChannelActivityCreateInteraction', interaction({ ResponseType: 'opened' }));
    expect(unknownType.status).toBe(400);
    expect(unknownType.json.error.message).toContain("ResponseType 'opened'");
    const noKeyword = await call('POST', 'msdyncrm_CustomChannelActivityCreateInteraction', interaction({ ResponseType: 'keyword' }));
    expect(noKeyword.status).toBe(400);
    expect(noKeyword.json.error.message).toContain('TriggerKeyword');
    const missingContact = randomUUID();
    const unknownContact = await call('POST', 'msdyncrm_CustomChannelActivityCreateInteraction', interaction({ Contact: ref('contact', 'contactid', missingContact) }));
    expect(unknownContact.status).toBe(404);
    expect(unknownContact.json.error).toEqual({ code: '0x80040217', message: `contact With Id = ${missingContact} Does Not Exist` });
    const badRef = await call('POST', 'msdyncrm_CustomChannelActivityCreateInteraction', interaction({ Contact: { contactid: 'nope' } }));
    expect(badRef.status).toBe(400);
  });

  it('accepts channel notifications and inbound messages for known channel definitions', async () => {
    const channel = await create(call, 'msdyn_channeldefinitions', {
      msdyn_name: 'Test SMS',
      msdyn_channeltype: 'SMS',
      msdyn_outboundendpointurltemplate: '/test_OutboundApi',
      msdyn_hasinbound: true,
    });
    const notification = await call('POST', 'msdyn_D365ChannelsNotification', {
      notificationPayLoad: JSON.stringify({ ChannelDefinitionId: channel, RequestId: 'req-1', MessageId: 'msg-1', From: '+15550100', OrganizationId: randomUUID(), Status: 'Delivered', Details: { Reason: 'ok', Message: 'delivered' } }),
    });
    expect(notification.status, JSON.stringify(notification.json)).toBe(200);
    expect(JSON.parse(notification.json.responseMessage)).toMatchObject({ Status: 'Accepted', RequestId: 'req-1' });
    const inbound = await call('POST', 'msdyn_D365ChannelsInbound', {
      inboundPayLoad: JSON.stringify({ ChannelDefinitionId: channel, To: '+15550100', From: '+15550199', OrganizationId: randomUUID(), Message: { text: 'STOP' } }),
    });
    expect(inbound.status, JSON.stringify(inbound.json)).toBe(200);
    expect(typeof inbound.json.responseMessage).toBe('string');
    expect(emulator.store.count('emulator_channelmessages')).toBe(2);

    const badStatus = await call('POST', 'msdyn_D365ChannelsNotification', { notificationPayLoad: JSON.stringify({ ChannelDefinitionId: channel, RequestId: 'r', Status: 'Sent' }) });
    expect(badStatus.status).toBe(400);
    const unknown = randomUUID();
    const unknownChannel = await call('POST', 'msdyn_D365ChannelsNotification', { notificationPayLoad: JSON.stringify({ ChannelDefinitionId: unknown, RequestId: 'r', Status: 'Delivered' }) });
    expect(unknownChannel.status).toBe(404);
    const noInbound = await create(call, 'msdyn_channeldefinitions', { msdyn_name: 'Outbound only', msdyn_channeltype: 'Custom', msdyn_outboundendpointurltemplate: '/x' });
    const refused = await call('POST', 'msdyn_D365ChannelsInbound', { inboundPayLoad: JSON.stringify({ ChannelDefinitionId: noInbound, To: 'a', From: 'b', Message: { text: 'hi' } }) });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('msdyn_hasinbound');
  });
});

describe('outbound-removed profile', () => {
  let emulator: RunningEmulator;
  let call: Api;
  beforeAll(async () => {
    emulator = await startEmulator({ transitionDelayMs: 20, profile: 'outbound-removed' });
    call = api(emulator);
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('answers the outbound actions 404 0x80060888 like a current tenant', async () => {
    for (const name of ['msdyncrm_CustomerJourneyValidate', 'msdyncrm_CustomChannelActivityCreateInteraction', 'msdyncrm_LoadInteractionsPublic']) {
      const response = await call('POST', name, {});
      expect(response.status, name).toBe(404);
      expect(response.json.error).toEqual({ code: '0x80060888', message: `Resource not found for the segment '${name}'.` });
    }
  });

  it('leaves the outbound actions out of $metadata but keeps the real-time channel actions', async () => {
    const response = await fetch(`${emulator.serviceRoot}$metadata`);
    const xml = await response.text();
    expect(xml).not.toContain('msdyncrm_CustomerJourneyValidate');
    expect(xml).toContain('msdyn_D365ChannelsNotification');
  });

  it('keeps journey rows but never completes a go-live (no outbound service)', async () => {
    const id = await create(call, 'msdyncrm_customerjourneys', { msdyncrm_name: 'Frozen', msdyncrm_entitytarget: 0 });
    expect((await call('PATCH', `msdyncrm_customerjourneys(${id})`, { statuscode: S.GoingLive })).status).toBe(204);
    // Far longer than the transition delay: the status must not move.
    await new Promise((r) => setTimeout(r, 300));
    expect((await call('GET', `msdyncrm_customerjourneys(${id})`)).json.statuscode).toBe(S.GoingLive);
  });
});

describe('runtime simulator across restarts', () => {
  it('runs again for Live journeys on start: new members get rows, existing ones are not duplicated', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'journeyctl-runtime-'));
    try {
      const first = await startEmulator({ dataDir, transitionDelayMs: 20 });
      const call1 = api(first);
      const a = await create(call1, 'contacts', { firstname: 'Ann', lastname: 'One' });
      const b = await create(call1, 'contacts', { firstname: 'Ben', lastname: 'Two', donotphone: true });
      const members = (ids: string[]) => JSON.stringify(ids.map((id) => `crm${id}`));
      const segment = await create(call1, 'msdyncrm_segments', { msdyncrm_segmentname: 'S', msdyncrm_segmenttype: 192350001, msdyncrm_segmentmemberids: members([a, b]), statuscode: 192350001 });
      await create(call1, 'webresourceset', { name: 'test_TextCustomerJourneyDesignerTileConfig.xml', webresourcetype: 4, content: Buffer.from(TILE_XML).toString('base64') });
      // The tile is matched by its entity's logical name here (the prefix works too, see above).
      const journey = await create(call1, 'msdyncrm_customerjourneys', { msdyncrm_name: 'Restart', msdyncrm_workflowdefinition: definition(segment, 'test_textmessage'), msdyncrm_entitytarget: 0 });
      await call1('PATCH', `msdyncrm_customerjourneys(${journey})`, { statuscode: S.GoingLive });
      expect((await pollStatus(call1, journey, S.GoingLive)).statuscode).toBe(S.Live);
      expect((await activitiesOf(call1, journey)).map((r) => r._msdyncrm_contact_value)).toEqual([a]);
      // A member added while Live is not processed until the simulator runs again.
      const c = await create(call1, 'contacts', { firstname: 'Cal', lastname: 'Three' });
      expect((await call1('PATCH', `msdyncrm_segments(${segment})`, { msdyncrm_segmentmemberids: members([a, b, c]) })).status).toBe(204);
      expect(await activitiesOf(call1, journey)).toHaveLength(1);
      await first.close();

      const second = await startEmulator({ dataDir, transitionDelayMs: 20 });
      try {
        const rows = await activitiesOf(api(second), journey);
        expect(rows.map((r) => r._msdyncrm_contact_value).sort()).toEqual([a, c].sort());
        expect(second.store.count('msdyncrm_customerjourneycustomchannelactivities')).toBe(2);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
