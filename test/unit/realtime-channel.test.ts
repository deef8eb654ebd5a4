/** The channel spec: scaffolds that pass lint, and the cross-piece rules with their pointers. */
import { describe, expect, it } from 'vitest';
import { lintChannel } from '../../src/channels/realtime/channelLint.js';
import { normalizeChannelSpec, validateChannelSpec, type ChannelSpec } from '../../src/channels/realtime/channelSpec.js';
import { scaffoldChannel } from '../../src/channels/realtime/scaffold.js';
import { isInputError } from '../../src/errors.js';

const clone = (spec: ChannelSpec): ChannelSpec => JSON.parse(JSON.stringify(spec)) as ChannelSpec;

describe('realtime channel spec', () => {
  it('scaffolds SMS and Custom specs that pass every rule', () => {
    for (const type of ['sms', 'custom'] as const) {
      const spec = scaffoldChannel({ type });
      expect(lintChannel(spec)).toEqual([]);
      expect(normalizeChannelSpec(spec).messageParts.every((p) => p.id === p.id.toLowerCase())).toBe(true);
    }
  });

  it('reports broken references across the pieces with JSON pointers', () => {
    const spec = clone(scaffoldChannel({ type: 'sms' }));
    spec.channel.outboundEndpoint = '/cr65f_Nope';
    spec.channel.supportsAccount = false;
    spec.channel.id = spec.channel.id.toUpperCase();
    spec.channel.instanceTable = 'cr65f_other';
    spec.messageParts.push({ name: 'text', type: 'PlainText' });
    spec.locales![0]!.content['ChannelMessagePart.title.DisplayName'] = 'Title';
    spec.customApis.outbound.requestParameters![0]!.type = 'Integer';
    delete spec.customApis.inbound;
    const byRule = new Map(lintChannel(validateChannelSpec(spec), { file: 'c.yaml' }).map((f) => [f.ruleId, f]));
    expect(byRule.get('realtime-outbound-endpoint')?.location).toEqual({ file: 'c.yaml', pointer: '/channel/outboundEndpoint' });
    expect(byRule.get('realtime-sms-supports-account')?.location.pointer).toBe('/channel/supportsAccount');
    expect(byRule.get('realtime-lowercase-guid')?.location.pointer).toBe('/channel/id');
    expect(byRule.get('realtime-instance-table')?.location.pointer).toBe('/channel/instanceTable');
    expect(byRule.get('realtime-sms-message-part')?.location.pointer).toBe('/messageParts');
    expect(byRule.get('realtime-message-part-names')).toBeDefined();
    expect(byRule.get('realtime-outbound-contract')?.location.pointer).toBe('/customApis/outbound/requestParameters/0/type');
    expect(byRule.get('realtime-inbound-api')?.location.pointer).toBe('/channel/hasInbound');
  });

  it('maps custom API rules under /customApis/<role>', () => {
    const spec = clone(scaffoldChannel({ type: 'custom' }));
    spec.customApis.deliveryReport!.isCustomizable = true;
    const finding = lintChannel(spec).find((f) => f.ruleId === 'custom-api-ship-not-customizable');
    expect(finding?.location.pointer).toBe('/customApis/deliveryReport/isCustomizable');
  });

  it('refuses a spec that breaks the schema with a pointer', () => {
    const spec = clone(scaffoldChannel({ type: 'custom' })) as unknown as { channel: Record<string, unknown> };
    spec.channel.type = 'WhatsApp';
    let error: unknown;
    try {
      validateChannelSpec(spec);
    } catch (e) {
      error = e;
    }
    expect(isInputError(error) && error.location.pointer).toBe('/channel/type');
  });
});
