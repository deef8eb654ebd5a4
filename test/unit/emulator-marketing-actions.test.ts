import { describe, expect, it } from 'vitest';
import { parseValidateRequest } from '../../src/emulator/marketing/validateRequest.js';
import {
  type Interaction,
  checkResponseType,
  interactionsPage,
  matchesQuery,
  parseCreateInteraction,
  parseLoadInteractions,
} from '../../src/emulator/marketing/interactions.js';
import { parseInbound, parseNotification } from '../../src/emulator/marketing/channelMessages.js';
import { parseTileConfig, tileMatchesActivityType, tilePrefixOf } from '../../src/emulator/marketing/tileConfig.js';

const JOURNEY = '6628bbf7-c52a-e911-a9b7-000d3a1e6adc';
const ITERATION = '11111111-2222-3333-4444-555555555555';
const CONTACT = '99999999-8888-7777-6666-555555555555';

describe('msdyncrm_CustomerJourneyValidate request', () => {
  it('maps FieldValue parameters to journey fields, lookups without braces', () => {
    const parsed = parseValidateRequest({
      FieldValueCustomerJourneyId: '{6628BBF7-C52A-E911-A9B7-000D3A1E6ADC}',
      FieldValueStatusCode: 192350000,
      FieldValueName: 'Sample',
      FieldValueStartDateTime: '2019-02-08T11:48:00.000Z',
      FieldValueIsRecurring: true,
      FieldValueContentSettingsId: '{1922B1D8-0523-E911-A9BA-000D3A1E689F}',
      FieldValueSuppressionSegmentId: null,
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect({ ...parsed.input.fields }).toEqual({
      msdyncrm_customerjourneyid: JOURNEY,
      statuscode: 192350000,
      msdyncrm_name: 'Sample',
      msdyncrm_startdatetime: '2019-02-08T11:48:00.000Z',
      msdyncrm_isrecurring: true,
      msdyncrm_contentsettingsid: '1922b1d8-0523-e911-a9ba-000d3a1e689f',
      msdyncrm_suppressionsegmentid: null,
    });
  });

  it('refuses unknown parameters and wrong types with 400', () => {
    const unknown = parseValidateRequest({ FieldValueNmae: 'x' });
    expect(unknown.ok || unknown.refusal.message).toContain("'FieldValueNmae'");
    const wrongType = parseValidateRequest({ FieldValueStatusCode: 'Draft' });
    expect(wrongType.ok || wrongType.refusal.message).toContain('Edm.Int32');
    const badGuid = parseValidateRequest({ FieldValueContentSettingsId: 'not-a-guid' });
    expect(badGuid.ok || badGuid.refusal.status).toBe(400);
    expect(parseValidateRequest([]).ok).toBe(false);
  });

  it('does not let __proto__ keys reach the fields object', () => {
    const parsed = parseValidateRequest(JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(parsed.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

const ref = (logical: string, key: string, id: string) => ({ '@odata.type': `Microsoft.Dynamics.CRM.${logical}`, [key]: id });
function interactionBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ActivityId: '01_0_3',
    CustomerJourney: ref('msdyncrm_customerjourney', 'msdyncrm_customerjourneyid', JOURNEY),
    CustomerJourneyIteration: ref('msdyncrm_customerjourneyiteration', 'msdyncrm_customerjourneyiterationid', ITERATION),
    Contact: ref('contact', 'contactid', `{${CONTACT.toUpperCase()}}`),
    EntityType: 'sample_specialmessage',
    EntityId: 'abc',
    ResponseType: 'sent',
    ...extra,
  };
}

describe('msdyncrm_CustomChannelActivityCreateInteraction request', () => {
  it('reads entity references and normalizes their ids', () => {
    const parsed = parseCreateInteraction(interactionBody({ TriggerKeyword: 'YES' }));
    expect(parsed).toEqual({
      ok: true,
      request: { activityId: '01_0_3', journeyId: JOURNEY, iterationId: ITERATION, contactId: CONTACT, entityType: 'sample_specialmessage', entityId: 'abc', responseType: 'sent', triggerKeyword: 'YES' },
    });
  });

  it('refuses missing parameters, a wrong @odata.type, a missing key and unknown parameters', () => {
    const missing = parseCreateInteraction(interactionBody({ ResponseType: undefined, EntityId: '' }));
    expect(missing.ok || missing.refusal.message).toContain('EntityId, ResponseType');
    const wrongType = parseCreateInteraction(interactionBody({ Contact: ref('account', 'contactid', CONTACT) }));
    expect(wrongType.ok || wrongType.refusal.message).toContain('must reference contact');
    const noKey = parseCreateInteraction(interactionBody({ Contact: { '@odata.type': 'Microsoft.Dynamics.CRM.contact' } }));
    expect(noKey.ok || noKey.refusal.message).toContain('key property');
    const unknown = parseCreateInteraction(interactionBody({ Campaign: {} }));
    expect(unknown.ok || unknown.refusal.message).toContain("'Campaign'");
    const notString = parseCreateInteraction(interactionBody({ ActivityId: 7 }));
    expect(notString.ok || notString.refusal.message).toContain("'ActivityId' must be a string");
  });

  it('checks ResponseType against the tile and requires a keyword for the custom type', () => {
    const tile = { prefix: 'p', entityType: 'sample_specialmessage', responseTypes: [{ id: 'sent', custom: false }, { id: 'keyword', custom: true }] };
    const request = (responseType: string, triggerKeyword?: string) => {
      const parsed = parseCreateInteraction(interactionBody({ ResponseType: responseType, TriggerKeyword: triggerKeyword }));
      if (!parsed.ok) throw new Error(parsed.refusal.message);
      return parsed.request;
    };
    expect(checkResponseType(request('sent'), tile)).toBeUndefined();
    expect(checkResponseType(request('opened'), tile)?.message).toContain('Defined response types: sent, keyword');
    expect(checkResponseType(request('keyword'), tile)?.message).toContain('TriggerKeyword');
    expect(checkResponseType(request('keyword', 'STOP'), tile)).toBeUndefined();
    expect(checkResponseType(request('anything'), undefined)).toBeUndefined();
  });
});

describe('msdyncrm_LoadInteractionsPublic', () => {
  const interaction = (i: number, day: string): Interaction => ({
    InteractionId: `id-${i}`,
    InteractionType: 'CustomChannelResponse',
    Timestamp: `${day}T10:00:00.000Z`,
    ContactId: CONTACT,
    ActivityId: 'a',
    CustomerJourneyId: JOURNEY,
    CustomerJourneyIterationId: ITERATION,
  });

  it('filters by contact, type and MM-DD-YYYY dates (DateTo inclusive)', () => {
    const parsed = parseLoadInteractions({ ContactId: CONTACT, InteractionType: 'CustomChannelResponse', DateFrom: '03-01-2026', DateTo: '03-02-2026' });
    if (!parsed.ok) throw new Error(parsed.refusal.message);
    expect(matchesQuery(interaction(1, '2026-02-28'), parsed.query)).toBe(false);
    expect(matchesQuery(interaction(2, '2026-03-01'), parsed.query)).toBe(true);
    expect(matchesQuery(interaction(3, '2026-03-02'), parsed.query)).toBe(true);
    expect(matchesQuery(interaction(4, '2026-03-03'), parsed.query)).toBe(false);
    expect(matchesQuery({ ...interaction(5, '2026-03-01'), InteractionType: 'Other' }, parsed.query)).toBe(false);
  });

  it('pages with Top and an opaque NextSkipToken until null', () => {
    const all = Array.from({ length: 5 }, (_, i) => interaction(i, '2026-03-01'));
    const seen: string[] = [];
    let token: string | null | undefined;
    let pages = 0;
    do {
      const parsed = parseLoadInteractions({ ContactId: CONTACT, InteractionType: 'CustomChannelResponse', Top: 2, SkipToken: token ?? undefined });
      if (!parsed.ok) throw new Error(parsed.refusal.message);
      const page = interactionsPage(all, parsed.query);
      seen.push(...(JSON.parse(page.Data) as Interaction[]).map((x) => x.InteractionId));
      token = page.NextSkipToken;
      pages++;
    } while (token !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(all.map((x) => x.InteractionId));
  });

  it('refuses bad dates, a bad Top, a forged SkipToken and a missing ContactId', () => {
    const base = { ContactId: CONTACT, InteractionType: 'CustomChannelResponse' };
    for (const body of [
      { ...base, DateFrom: '2026-03-01' },
      { ...base, DateTo: '02-30-2026' },
      { ...base, Top: 0 },
      { ...base, SkipToken: 'garbage' },
      { InteractionType: 'CustomChannelResponse' },
      { ...base, DateFrom: '03-05-2026', DateTo: '03-01-2026' },
    ]) {
      const parsed = parseLoadInteractions(body);
      expect(parsed.ok, JSON.stringify(body)).toBe(false);
      if (!parsed.ok) expect(parsed.refusal.status).toBe(400);
    }
  });
});

describe('real-time channel payloads', () => {
  const DEF = '0a0b0c0d-0000-0000-0000-000000000001';
  it('validates notificationPayLoad', () => {
    const ok = parseNotification({ notificationPayLoad: JSON.stringify({ ChannelDefinitionId: DEF, RequestId: 'r1', MessageId: 'm1', Status: 'Delivered', Details: { Reason: 'ok' } }) });
    expect(ok.ok && ok.notification).toMatchObject({ channelDefinitionId: DEF, requestId: 'r1', status: 'Delivered' });
    for (const payload of [
      '{not json',
      JSON.stringify({ ChannelDefinitionId: DEF, RequestId: 'r', Status: 'Sent' }),
      JSON.stringify({ ChannelDefinitionId: 'x', RequestId: 'r', Status: 'Delivered' }),
      JSON.stringify({ ChannelDefinitionId: DEF, Status: 'Delivered' }),
      JSON.stringify({ ChannelDefinitionId: DEF, RequestId: 'r', Status: 'Delivered', Details: 'text' }),
    ]) {
      expect(parseNotification({ notificationPayLoad: payload }).ok, payload).toBe(false);
    }
    expect(parseNotification({ notificationPayLoad: { ChannelDefinitionId: DEF } }).ok).toBe(false);
    expect(parseNotification({ payload: '{}' }).ok).toBe(false);
  });

  it('validates inboundPayLoad', () => {
    const ok = parseInbound({ inboundPayLoad: JSON.stringify({ ChannelDefinitionId: DEF, To: '+1555', From: '+1666', Message: { text: 'STOP' } }) });
    expect(ok.ok && ok.inbound).toMatchObject({ channelDefinitionId: DEF, to: '+1555', from: '+1666' });
    expect(parseInbound({ inboundPayLoad: JSON.stringify({ ChannelDefinitionId: DEF, To: '+1555', From: '+1666', Message: { text: 1 } }) }).ok).toBe(false);
    expect(parseInbound({ inboundPayLoad: JSON.stringify({ ChannelDefinitionId: DEF, From: '+1666', Message: {} }) }).ok).toBe(false);
  });
});

const TILE_XML = `<?xml version="1.0" encoding="utf-8"?>
<LibraryTile>
  <Definition icon="sampleIcon" fontFamily="SampleFont" cssFileName="sample_SampleCustomerJourneyDesignerTileConfig.css" />
  <ChannelProperties>
    <EntityType>sample_specialmessage</EntityType>
    <EntitySetName>sample_specialmessages</EntitySetName>
    <TitleFieldName>sample_name</TitleFieldName>
    <ComplianceField>donotsms</ComplianceField>
    <LookupViewId>00000000-0000-0000-0000-000000000001</LookupViewId>
    <QuickViewFormId>00000000-0000-0000-0000-000000000002</QuickViewFormId>
  </ChannelProperties>
  <ResponseTypes>
    <ResponseType id="sent"><Labels><Label locId="1033">Sent</Label></Labels></ResponseType>
    <ResponseType id="delivered"><Labels><Label locId="1033">Delivered</Label></Labels></ResponseType>
    <ResponseType id="keyword" custom="True"><Labels><Label locId="1033">Keyword</Label></Labels></ResponseType>
  </ResponseTypes>
  <Labels><Label locId="1033">Special message</Label><Label locId="1031">Sondernachricht</Label></Labels>
  <Tooltips><Tooltip locId="1033">Send a special message</Tooltip></Tooltips>
</LibraryTile>`;

describe('tile configuration XML', () => {
  it('reads entity, compliance field, response types and label', () => {
    const config = parseTileConfig('sample_/tiles/sample_SampleCustomerJourneyDesignerTileConfig.xml', TILE_XML);
    expect(config).toEqual({
      prefix: 'sample_Sample',
      entityType: 'sample_specialmessage',
      entitySetName: 'sample_specialmessages',
      titleFieldName: 'sample_name',
      complianceField: 'donotsms',
      label: 'Special message',
      responseTypes: [
        { id: 'sent', custom: false },
        { id: 'delivered', custom: false },
        { id: 'keyword', custom: true },
      ],
    });
  });

  it('matches custom tiles by entity type or the designer prefix', () => {
    const config = parseTileConfig('sample_SampleCustomerJourneyDesignerTileConfig.xml', TILE_XML)!;
    for (const type of ['sample_specialmessage', 'sample_Sample', 'Custom_sample_Sample', 'libraryElementCustom_sample_sample']) {
      expect(tileMatchesActivityType(config, type), type).toBe(true);
    }
    expect(tileMatchesActivityType(config, 'Email')).toBe(false);
  });

  it('ignores other web resources and broken XML, and does not expand entities', () => {
    expect(tilePrefixOf('new_script.js')).toBeUndefined();
    expect(parseTileConfig('x_CustomerJourneyDesignerTileConfig.xml', '<LibraryTile><ChannelProperties>')).toBeUndefined();
    expect(parseTileConfig('x_CustomerJourneyDesignerTileConfig.xml', '<Other/>')).toBeUndefined();
    const bomb = `<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<LibraryTile><ChannelProperties><EntityType>&b;</EntityType></ChannelProperties></LibraryTile>`;
    const parsed = parseTileConfig('x_CustomerJourneyDesignerTileConfig.xml', bomb);
    expect(parsed?.entityType ?? '').not.toContain('aaaaaaaaaa');
  });
});
