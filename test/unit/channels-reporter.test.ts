/** Pure parts of the reporter: rows → activities, the action's parameters, providers, receipts. */
import { describe, expect, it } from 'vitest';
import {
  ProviderError,
  activityFilterExpression,
  activityFromRow,
  createInteractionParameters,
  parseReceipts,
  parseWebhookAnswer,
  simulatedProvider,
  type ChannelActivity,
} from '../../src/channels/index.js';

const row = {
  msdyncrm_customerjourneycustomchannelactivityid: 'AAAAAAAA-0000-0000-0000-000000000001',
  msdyncrm_name: 'Reminder - Nancy',
  msdyncrm_activityid: '01_0_1',
  msdyncrm_entitytype: 'contoso_smsmessage',
  msdyncrm_entityid: '44444444-4444-4444-4444-444444444444',
  _msdyncrm_customerjourney_value: '11111111-1111-1111-1111-111111111111',
  _msdyncrm_customerjourneyiteration_value: '22222222-2222-2222-2222-222222222222',
  _msdyncrm_contact_value: '33333333-3333-3333-3333-333333333333',
  modifiedon: '2026-11-24T10:00:00Z',
};

describe('activity rows and action parameters', () => {
  it('reads an activity row, lower-casing ids', () => {
    const parsed = activityFromRow(row);
    expect('activity' in parsed && parsed.activity).toMatchObject({ rowId: 'aaaaaaaa-0000-0000-0000-000000000001', activityId: '01_0_1', contactId: '33333333-3333-3333-3333-333333333333' });
  });

  it('names the first missing column of an incomplete row', () => {
    const { _msdyncrm_contact_value: _, ...noContact } = row;
    expect(activityFromRow(noContact)).toEqual({ missing: 'contactId', rowId: row.msdyncrm_customerjourneycustomchannelactivityid });
  });

  it('builds the parameters with entity references exactly as documented', () => {
    const { activity } = activityFromRow(row) as { activity: ChannelActivity };
    expect(createInteractionParameters(activity, { responseType: 'keyword', triggerKeyword: 'STOP' })).toEqual({
      ActivityId: '01_0_1',
      CustomerJourney: { '@odata.type': 'Microsoft.Dynamics.CRM.msdyncrm_customerjourney', msdyncrm_customerjourneyid: '11111111-1111-1111-1111-111111111111' },
      CustomerJourneyIteration: {
        '@odata.type': 'Microsoft.Dynamics.CRM.msdyncrm_customerjourneyiteration',
        msdyncrm_customerjourneyiterationid: '22222222-2222-2222-2222-222222222222',
      },
      Contact: { '@odata.type': 'Microsoft.Dynamics.CRM.contact', contactid: '33333333-3333-3333-3333-333333333333' },
      EntityType: 'contoso_smsmessage',
      EntityId: '44444444-4444-4444-4444-444444444444',
      ResponseType: 'keyword',
      TriggerKeyword: 'STOP',
    });
    expect(createInteractionParameters(activity, { responseType: 'sent' })).not.toHaveProperty('TriggerKeyword');
  });

  it('filters active rows by journey and watermark', () => {
    expect(activityFilterExpression({ journeyIds: ['a', 'b'], modifiedSince: '2026-01-01T00:00:00.000Z' })).toBe(
      'statecode eq 0 and (_msdyncrm_customerjourney_value eq a or _msdyncrm_customerjourney_value eq b) and modifiedon ge 2026-01-01T00:00:00.000Z',
    );
  });
});

describe('providers', () => {
  const signal = new AbortController().signal;
  it('simulated: sent then delivered, a deterministic keyword share and failures', async () => {
    const { activity } = activityFromRow(row) as { activity: ChannelActivity };
    expect(await simulatedProvider().send(activity, { idempotencyKey: activity.rowId, abortSignal: signal })).toEqual([{ responseType: 'sent' }, { responseType: 'delivered' }]);
    const withKeyword = await simulatedProvider({ keywordRate: 1, keyword: 'YES' }).send(activity, { idempotencyKey: '', abortSignal: signal });
    expect(withKeyword[2]).toEqual({ responseType: 'keyword', triggerKeyword: 'YES' });
    await expect(simulatedProvider({ failureRate: 1 }).send(activity, { idempotencyKey: '', abortSignal: signal })).rejects.toMatchObject({ retryable: false });
    // Half the activities get the keyword, the same ones every time.
    const ids = Array.from({ length: 400 }, (_, i) => ({ ...activity, rowId: `row-${i}` }));
    const provider = simulatedProvider({ keywordRate: 0.5 });
    const picks = await Promise.all(ids.map(async (a) => (await provider.send(a, { idempotencyKey: '', abortSignal: signal })).length === 3));
    const again = await Promise.all(ids.map(async (a) => (await provider.send(a, { idempotencyKey: '', abortSignal: signal })).length === 3));
    expect(picks).toEqual(again);
    expect(picks.filter(Boolean).length).toBeGreaterThan(140);
    expect(picks.filter(Boolean).length).toBeLessThan(260);
  });

  it('webhook answers: responses array, empty body, and refusals', () => {
    expect(parseWebhookAnswer({ responses: [{ responseType: 'sent' }, { responseType: 'keyword', triggerKeyword: 'NO' }] })).toEqual([
      { responseType: 'sent' },
      { responseType: 'keyword', triggerKeyword: 'NO' },
    ]);
    expect(parseWebhookAnswer('')).toEqual([]);
    expect(() => parseWebhookAnswer({ status: 'ok' })).toThrow(ProviderError);
    expect(() => parseWebhookAnswer({ responses: [{ responseType: 1 }] })).toThrow(/responses\[0\]/);
  });
});

describe('receipts', () => {
  it('accepts one receipt or an array and normalizes ids', () => {
    expect(parseReceipts({ activityId: '{AAAAAAAA-0000-0000-0000-000000000001}', responseType: 'delivered' })).toEqual([
      { activityId: 'aaaaaaaa-0000-0000-0000-000000000001', responseType: 'delivered' },
    ]);
    expect(parseReceipts([{ rowId: 'aaaaaaaa-0000-0000-0000-000000000001', responseType: 'keyword', keyword: 'STOP' }])).toHaveLength(1);
  });

  it('refuses malformed receipts with the pointer of the problem', () => {
    expect(() => parseReceipts([{ activityId: 'aaaaaaaa-0000-0000-0000-000000000001', responseType: 'sent' }, { activityId: 'nope', responseType: 'sent' }])).toThrow(
      expect.objectContaining({ status: 400, pointer: '/1/activityId' }),
    );
    expect(() => parseReceipts({ activityId: 'aaaaaaaa-0000-0000-0000-000000000001' })).toThrow(expect.objectContaining({ pointer: '/responseType' }));
    expect(() => parseReceipts([])).toThrow(/no receipt/);
    expect(() => parseReceipts(JSON.parse('{"__proto__":{"activityId":"aaaaaaaa-0000-0000-0000-000000000001","responseType":"sent"}}'))).toThrow(
      expect.objectContaining({ pointer: '/activityId' }),
    );
  });
});

describe('simulated provider guard (CLI)', () => {
  it('allows the simulated provider against the emulator only', async () => {
    const { refuseSimulatedOnRealEnvironment } = await import('../../src/cli/commands/channelReporter.js');
    expect(() => refuseSimulatedOnRealEnvironment('simulated', { url: 'http://127.0.0.1:7171', embedded: false })).not.toThrow();
    expect(() => refuseSimulatedOnRealEnvironment('simulated', { url: 'http://127.0.0.1:1', embedded: true })).not.toThrow();
    expect(() => refuseSimulatedOnRealEnvironment('webhook', { url: 'https://contoso.crm.dynamics.com', embedded: false })).not.toThrow();
    expect(() => refuseSimulatedOnRealEnvironment('simulated', { url: 'https://contoso.crm.dynamics.com', embedded: false })).toThrow(/only runs against the emulator/);
  });
});
