/**
 * `applyChannel` and `exportChannel` against the emulator over HTTP: tables and columns through
 * the metadata API, custom APIs by deep insert, the channel definition, parts and locales; a
 * second apply writes nothing; a dry run writes nothing; a half-done install is completed; the
 * export round-trips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataverseClient } from '../../src/dataverse/index.js';
import { applyChannel, canonicalChannelSpec, exportChannel } from '../../src/channels/realtime/install.js';
import { scaffoldChannel } from '../../src/channels/realtime/scaffold.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';

let emulator: RunningEmulator;
let client: DataverseClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  client = new DataverseClient({ url: emulator.url, auth: { none: true } });
});
afterAll(async () => {
  client.close();
  await emulator.close();
});

const writes = (): number => emulator.requestLog.filter((e) => e.method !== 'GET').length;

describe('realtime apply and export', () => {
  it('plans without writing, installs, then writes nothing on a second apply', async () => {
    const spec = scaffoldChannel({ type: 'sms', name: 'ApplySms' });
    const before = writes();
    const plan = await applyChannel(client, spec, { dryRun: true });
    expect(plan.changed).toBe(true);
    expect(plan.steps.map((s) => `${s.kind}:${s.action}`)).toContain('table:create');
    expect(writes()).toBe(before);

    const first = await applyChannel(client, spec);
    expect(first.steps.filter((s) => s.action === 'create').map((s) => s.kind).sort()).toEqual(
      ['channelDefinition', 'customApi', 'customApi', 'customApi', 'locale', 'messagePart', 'table', 'table'].sort(),
    );
    // The extended configuration table is a real table now: rows can be written to it.
    const created = await client.create('cr65f_applysmsinstances', { cr65f_name: 'Main sender', cr65f_senderid: 'CONTOSO' });
    expect((await client.retrieve('cr65f_applysmsinstances', created.id)).cr65f_senderid).toBe('CONTOSO');

    const afterFirst = writes();
    const second = await applyChannel(client, spec);
    expect(second.changed).toBe(false);
    expect(writes()).toBe(afterFirst);
  });

  it('completes an install that stopped half way, and applies changes to changeable columns', async () => {
    const spec = scaffoldChannel({ type: 'custom', name: 'HalfCustom' });
    // Only the tables got created before a failure.
    await applyChannel(client, { ...spec, customApis: { outbound: spec.customApis.outbound } });
    await client.delete('msdyn_channeldefinitions', spec.channel.id);
    const resumed = await applyChannel(client, spec);
    expect(resumed.steps.find((s) => s.kind === 'channelDefinition')?.action).toBe('create');
    expect(resumed.steps.filter((s) => s.kind === 'table').every((s) => s.action === 'unchanged')).toBe(true);

    const changed = JSON.parse(JSON.stringify(spec)) as typeof spec;
    changed.channel.displayName = 'Renamed';
    changed.messageParts.pop();
    changed.tables.instance.columns!.push({ logicalName: 'cr65f_extra', type: 'Boolean' });
    const update = await applyChannel(client, changed);
    expect(update.steps.filter((s) => s.action !== 'unchanged').map((s) => `${s.kind}:${s.action}`).sort()).toEqual(['channelDefinition:update', 'column:create', 'messagePart:delete']);
    expect((await applyChannel(client, changed)).changed).toBe(false);
  });

  it('exports an installed channel to a spec that round-trips', async () => {
    const spec = scaffoldChannel({ type: 'sms', name: 'RoundTrip' });
    await applyChannel(client, spec);
    const exported = await exportChannel(client, spec.channel.id, { deliveryReportApi: spec.customApis.deliveryReport!.uniqueName, inboundApi: spec.customApis.inbound!.uniqueName });
    expect(exported).toEqual(canonicalChannelSpec(spec));
    expect((await applyChannel(client, exported)).changed).toBe(false);
  });

  it('refuses a column whose type changed, naming it, and writes nothing', async () => {
    const spec = scaffoldChannel({ type: 'custom', name: 'TypeChange' });
    await applyChannel(client, spec);
    const changed = JSON.parse(JSON.stringify(spec)) as typeof spec;
    changed.tables.instance.columns![0]!.type = 'Integer';
    delete changed.tables.instance.columns![0]!.maxLength;
    const before = writes();
    await expect(applyChannel(client, changed)).rejects.toThrow(/cr65f_senderid: type String in the environment, Integer in the spec/);
    expect(writes()).toBe(before);
  });
});
