/**
 * `channel receive` (late delivery receipts) and `channel serve` (the real-time adapter) over real
 * HTTP, forwarding to the emulator.
 */
import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { ReporterLedger, runReporter, simulatedProvider, startRealtimeAdapter, startReceiptServer } from '../../src/channels/index.js';
import { SeedIds, type RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { exactlyOnceProblems, populateActivities, testClient } from '../helpers/channelActivities.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

const http = axios.create({ proxy: false, validateStatus: () => true });

async function emulatorWithClient(): Promise<{ emulator: RunningEmulator; client: ReturnType<typeof testClient> }> {
  const emulator = await startTestEmulator({ seed: true });
  open.push(emulator);
  const client = testClient(emulator);
  open.push(client);
  return { emulator, client };
}

describe('channel receive', () => {
  it('reports late receipts exactly once, duplicates included, through the ledger', async () => {
    const { emulator, client } = await emulatorWithClient();
    const { activityRowIds } = await populateActivities(client, 12);
    const ledger = ReporterLedger.open(':memory:');
    open.push(ledger);
    // The provider answers only "sent"; "delivered" comes later as a receipt.
    await runReporter({ client, ledger, provider: simulatedProvider({ responses: ['sent'] }) });
    const server = await startReceiptServer({ client, ledger, port: 0 });
    open.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const receipts = activityRowIds.map((activityId) => ({ activityId, responseType: 'delivered' }));
    const first = await http.post(`${server.url}/receipts`, receipts);
    expect(first.status).toBe(202);
    expect(first.data).toEqual({ accepted: receipts.length, duplicates: 0 });
    const again = await http.post(`${server.url}/receipts`, receipts[0]);
    expect(again.data).toEqual({ accepted: 0, duplicates: 1 });
    await server.idle();

    const seedRows = emulator.store.count('msdyncrm_customerjourneycustomchannelactivities') - activityRowIds.length;
    // The seed's own activities got no receipt: everything else has exactly one sent and one delivered.
    const problems = exactlyOnceProblems(emulator);
    expect(problems).toHaveLength(seedRows);
    expect(problems.every((p) => p.endsWith('0 × delivered'))).toBe(true);
  });

  it('refuses a receipt the tile does not allow, or for an unknown activity, with a pointer and stores nothing', async () => {
    const { client } = await emulatorWithClient();
    const { activityRowIds } = await populateActivities(client, 3);
    const ledger = ReporterLedger.open(':memory:');
    open.push(ledger);
    const server = await startReceiptServer({ client, ledger, port: 0 });
    open.push(server);

    const unknownType = await http.post(`${server.url}/receipts`, [
      { activityId: activityRowIds[0], responseType: 'delivered' },
      { activityId: activityRowIds[1], responseType: 'opened' },
    ]);
    expect(unknownType.status).toBe(400);
    expect(unknownType.data).toMatchObject({ pointer: '/1/responseType' });
    expect(unknownType.data.error).toMatch(/unknown response type "opened"/);

    const keywordless = await http.post(`${server.url}/receipts`, { activityId: activityRowIds[0], responseType: 'keyword' });
    expect(keywordless.status).toBe(400);
    expect(keywordless.data.error).toMatch(/needs a TriggerKeyword/);

    const missing = await http.post(`${server.url}/receipts`, { activityId: '11111111-1111-1111-1111-111111111111', responseType: 'delivered' });
    expect(missing.status).toBe(404);

    const notJson = await http.post(`${server.url}/receipts`, 'activityId=1', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(notJson.status).toBe(415);
    const badId = await http.post(`${server.url}/receipts`, { activityId: 'x', responseType: 'sent', __proto__: { polluted: true } });
    expect(badId.status).toBe(400);
    expect(badId.data.pointer).toBe('/activityId');
    expect(ledger.counts().reports).toEqual({ pending: 0, intent: 0, confirmed: 0, dead: 0 });
  });
});

describe('channel serve', () => {
  const channelDefinitionId = async (client: ReturnType<typeof testClient>): Promise<string> => {
    const { id } = await client.create('msdyn_channeldefinitions', { msdyn_name: 'Test SMS', msdyn_channeltype: 'SMS', msdyn_outboundendpointurltemplate: '/cr65f_OutboundCustomApi', msdyn_hasinbound: true });
    return id;
  };

  it('forwards delivery reports to msdyn_D365ChannelsNotification, filling OrganizationId', async () => {
    const { emulator, client } = await emulatorWithClient();
    const definitionId = await channelDefinitionId(client);
    const server = await startRealtimeAdapter({ client, port: 0 });
    open.push(server);
    const report = { ChannelDefinitionId: definitionId, RequestId: 'req-1', MessageId: 'msg-1', From: '+15550100', Status: 'Delivered' };
    const answer = await http.post(`${server.url}/notifications`, report);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.data.responseMessage as string)).toMatchObject({ Status: 'Accepted', RequestId: 'req-1' });
    const stored = [...emulator.store.scan('emulator_channelmessages')].map((r) => JSON.parse(String(r.values.emulator_payload)) as Record<string, unknown>);
    expect(stored).toHaveLength(1);
    const whoAmI = await client.whoAmI();
    expect(stored[0]).toMatchObject({ ...report, OrganizationId: whoAmI.OrganizationId });
  });

  it('forwards inbound messages to msdyn_D365ChannelsInbound', async () => {
    const { emulator, client } = await emulatorWithClient();
    const definitionId = await channelDefinitionId(client);
    const server = await startRealtimeAdapter({ client, port: 0, organizationId: SeedIds.activeUser });
    open.push(server);
    const answer = await http.post(`${server.url}/inbound`, { ChannelDefinitionId: definitionId, To: '+15550100', From: '+15550199', Message: { text: 'STOP' } });
    expect(answer.status).toBe(200);
    const kinds = [...emulator.store.scan('emulator_channelmessages')].map((r) => r.values.emulator_kind);
    expect(kinds).toEqual(['inbound']);
  });

  it('refuses a payload the contract rejects with its JSON pointer, forwarding nothing', async () => {
    const { emulator, client } = await emulatorWithClient();
    const definitionId = await channelDefinitionId(client);
    const server = await startRealtimeAdapter({ client, port: 0 });
    open.push(server);
    const answer = await http.post(`${server.url}/notifications`, { ChannelDefinitionId: definitionId, RequestId: 'r', MessageId: 'm', From: 'x', Status: 'Read' });
    expect(answer.status).toBe(400);
    expect(answer.data.pointer).toBe('/Status');
    expect(emulator.store.count('emulator_channelmessages')).toBe(0);
    const wrongRoute = await http.get(`${server.url}/notifications`);
    expect(wrongRoute.status).toBe(405);
  });
});
