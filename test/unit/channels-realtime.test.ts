import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildInboundPayload,
  buildNotificationPayload,
  buildOutboundResponse,
  CHANNEL_SCHEMA_FILES,
  channelSchemaId,
  inboundRequestBody,
  loadChannelSchema,
  notificationFor,
  notificationRequestBody,
  outboundApiOutput,
  parseInboundPayload,
  parseNotificationPayload,
  parseOutboundPayload,
  parseOutboundResponse,
  serializeOutboundResponse,
  validateChannelSchema,
  type ChannelSchemaName,
  type OutboundPayload,
} from '../../src/channels/index.js';
import { inputErrorOf } from '../helpers/errors.js';

const REALTIME = resolve(import.meta.dirname, '../../samples/channels/realtime');
const text = (name: string): string => readFileSync(resolve(REALTIME, name), 'utf8');
const json = (name: string): Record<string, unknown> => JSON.parse(text(name)) as Record<string, unknown>;


const ORG = '9c8b7a6f-5e4d-4c3b-a2a1-0f9e8d7c6b5a';

describe('channel schemas', () => {
  it('are draft 2020-12 with stable journeyctl $ids', () => {
    for (const name of Object.keys(CHANNEL_SCHEMA_FILES) as ChannelSchemaName[]) {
      const schema = loadChannelSchema(name);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`https://journeyctl.dev/schemas/${name}.schema.json`);
      expect(channelSchemaId(name)).toBe(schema.$id);
    }
  });

  it.each([
    ['realtime-outbound-payload', 'outbound-payload.json'],
    ['realtime-outbound-payload', 'outbound-payload-test-send.json'],
    ['realtime-outbound-payload', 'outbound-payload-2022.json'],
    ['realtime-outbound-response', 'outbound-response.json'],
    ['realtime-outbound-response', 'outbound-response-not-sent.json'],
    ['realtime-outbound-response', 'outbound-response-2022.json'],
    ['realtime-notification-payload', 'notification-payload.json'],
    ['realtime-notification-payload', 'notification-payload-2022.json'],
    ['realtime-inbound-payload', 'inbound-payload.json'],
  ] as const)('%s accepts the documented example %s', (schema, file) => {
    expect(validateChannelSchema(schema, json(file))).toEqual([]);
  });

  it.each([
    ['realtime-outbound-payload', 'broken/outbound-payload-missing-request-id.json', ['/RequestId']],
    ['realtime-outbound-payload', 'broken/outbound-payload-bad-types.json', ['/Message/count', '/MarketingAppContext/IsTestSend', '/ChannelDefinitionId']],
    ['realtime-outbound-response', 'broken/outbound-response-bad-status.json', ['/Status']],
    ['realtime-notification-payload', 'broken/notification-payload-sent.json', ['/Status']],
    ['realtime-inbound-payload', 'broken/inbound-payload-no-message.json', ['/Message']],
  ] as const)('%s rejects %s with pointers', (schema, file, pointers) => {
    const issues = validateChannelSchema(schema, json(file));
    expect(issues.map((i) => i.pointer).sort()).toEqual([...pointers].sort());
  });

  it('accepts Delivered in an outbound response (2022 contract) and refuses Sent in a delivery report', () => {
    const response = { ...json('outbound-response.json'), Status: 'Delivered' };
    expect(validateChannelSchema('realtime-outbound-response', response)).toEqual([]);
    expect(validateChannelSchema('realtime-notification-payload', { ...json('notification-payload.json'), Status: 'Sent' })[0]).toMatchObject({
      pointer: '/Status',
      message: 'must be one of "Delivered", "NotDelivered"',
    });
  });

  it('explains an anyOf by the schema description instead of each branch', () => {
    const payload = json('outbound-payload.json');
    (payload.MarketingAppContext as Record<string, unknown>).UserId = 'not-a-guid';
    const issues = validateChannelSchema('realtime-outbound-payload', payload);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.pointer).toBe('/MarketingAppContext/UserId');
    expect(issues[0]!.message).toMatch(/^matches none of the allowed forms: /);
  });
});

describe('parseOutboundPayload', () => {
  it('parses the string the custom API receives and the object alike', () => {
    const fromString = parseOutboundPayload(text('outbound-payload.json'));
    expect(fromString.RequestId).toBe('f0e1d2c3-b4a5-4697-8877-66554433aa01');
    expect(fromString.IdempotencyId).toBe('c5b2f9a0-7e61-4d3b-a8f4-2e9c0d1b7a66');
    expect(fromString.MarketingAppContext?.IsTestSend).toBe(false);
    expect(fromString.Message.text).toMatch(/^Your order has shipped/);
    expect(parseOutboundPayload(json('outbound-payload.json'))).toEqual(fromString);
  });

  it('accepts a test send with null context fields and the 2022 payload without context', () => {
    expect(parseOutboundPayload(text('outbound-payload-test-send.json')).MarketingAppContext).toEqual({
      CustomerJourneyId: null,
      UserId: null,
      UserEntityType: null,
      IsTestSend: true,
    });
    expect(parseOutboundPayload(text('outbound-payload-2022.json')).MarketingAppContext).toBeUndefined();
  });

  it('keeps properties it does not know (the contract grows)', () => {
    const payload = parseOutboundPayload({ ...json('outbound-payload.json'), Priority: 'High' });
    expect(payload.Priority).toBe('High');
  });

  it('throws an InputError pointing at the missing property', () => {
    const error = inputErrorOf(() => parseOutboundPayload(text('broken/outbound-payload-missing-request-id.json'), { file: 'p.json' }));
    expect(error.location).toEqual({ file: 'p.json', pointer: '/RequestId' });
    expect(error.message).toBe('not a valid outbound payload: missing required property "RequestId"');
    expect(error.hint).toContain('https://journeyctl.dev/schemas/realtime-outbound-payload.schema.json');
  });

  it('names every problem of a broken payload and points at the deepest', () => {
    const error = inputErrorOf(() => parseOutboundPayload(text('broken/outbound-payload-bad-types.json')));
    // The deepest problem is the error's location; the message names it first and lists the others with their pointers.
    const deepest = { '/Message/count': 'must be string', '/MarketingAppContext/IsTestSend': 'must be boolean' } as Record<string, string>;
    const first = error.location.pointer!;
    expect(Object.keys(deepest)).toContain(first);
    expect(error.message.startsWith(`not a valid outbound payload: ${deepest[first]}`)).toBe(true);
    const [other] = Object.keys(deepest).filter((p) => p !== first);
    expect(error.message).toContain(`${other}: ${deepest[other!]}`);
    expect(error.message).toContain('/ChannelDefinitionId: must match format "uuid"');
  });

  it('refuses malformed JSON and non-objects with a clear message', () => {
    expect(inputErrorOf(() => parseOutboundPayload('{"RequestId": ')).message).toMatch(/^outbound payload is not valid JSON/);
    expect(inputErrorOf(() => parseOutboundPayload('[1,2]')).message).toBe('outbound payload must be a JSON object, got an array');
    expect(inputErrorOf(() => parseOutboundPayload('null')).message).toBe('outbound payload must be a JSON object, got null');
    expect(inputErrorOf(() => parseOutboundPayload('"x"')).location.pointer).toBe('');
  });
});

describe('outbound response', () => {
  const payload: OutboundPayload = parseOutboundPayload(text('outbound-payload.json'));

  it('echoes RequestId and ChannelDefinitionId and serializes to the documented shape', () => {
    const response = buildOutboundResponse(payload, { status: 'Sent', messageId: 'SM4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c' });
    expect(response).toEqual(json('outbound-response.json'));
    const serialized = serializeOutboundResponse(response);
    expect(typeof serialized).toBe('string');
    expect(JSON.parse(serialized)).toEqual(response);
    expect(outboundApiOutput(response)).toEqual({ response: serialized });
  });

  it('writes a rejection with Details {Reason, Message}', () => {
    const response = buildOutboundResponse(payload, {
      status: 'NotSent',
      details: { reason: 'InvalidRecipient', message: 'The number +15550123 cannot receive text messages.' },
    });
    expect(response).toEqual(json('outbound-response-not-sent.json'));
    expect(buildOutboundResponse(payload, { status: 'NotSent', details: {} }).Details).toBeUndefined();
  });

  it('refuses delivery outcomes, which belong to delivery reports', () => {
    const error = inputErrorOf(() => buildOutboundResponse(payload, { status: 'Delivered' as never }));
    expect(error.message).toContain('"Sent" or "NotSent"');
    expect(error.hint).toContain('buildNotificationPayload');
  });

  it('parses responses of both contract versions and checks the echo', () => {
    expect(parseOutboundResponse(text('outbound-response.json'), { payload }).Status).toBe('Sent');
    expect(parseOutboundResponse(text('outbound-response-2022.json')).StatusDetails).toMatchObject({ segments: 1 });
    const upper = { ...json('outbound-response.json'), ChannelDefinitionId: '6B3C1A5E-2F4D-4E8A-9B7C-1D2E3F4A5B6C' };
    expect(parseOutboundResponse(upper, { payload }).Status).toBe('Sent');
    const other = { ...json('outbound-response.json'), RequestId: 'another' };
    const error = inputErrorOf(() => parseOutboundResponse(other, { payload }));
    expect(error.location.pointer).toBe('/RequestId');
    expect(error.message).toContain('does not echo');
  });
});

describe('delivery reports (msdyn_D365ChannelsNotification)', () => {
  it('builds the documented notificationPayLoad', () => {
    const payload = buildNotificationPayload({
      channelDefinitionId: '6b3c1a5e-2f4d-4e8a-9b7c-1d2e3f4a5b6c',
      requestId: 'f0e1d2c3-b4a5-4697-8877-66554433aa01',
      messageId: 'SM4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c',
      from: '+15550100',
      organizationId: ORG,
      status: 'NotDelivered',
      details: { reason: 'CarrierRejected', message: 'The carrier rejected the message.' },
    });
    expect(payload).toEqual(json('notification-payload.json'));
  });

  it('can carry the 2022 StatusDetails dictionary', () => {
    const payload = buildNotificationPayload({
      channelDefinitionId: '6b3c1a5e-2f4d-4e8a-9b7c-1d2e3f4a5b6c',
      requestId: 'a9b8c7d6-e5f4-4321-8765-0fedcba98701',
      messageId: 'SM0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d',
      from: '+15550100',
      organizationId: ORG,
      status: 'Delivered',
      statusDetails: { providerStatus: 'delivered', deliveredAt: '2022-11-03T09:41:07Z' },
    });
    expect(payload).toEqual(json('notification-payload-2022.json'));
  });

  it('takes ids and sender from the outbound payload', () => {
    const outbound = parseOutboundPayload(text('outbound-payload.json'));
    const payload = notificationFor(outbound, { messageId: 'SM1', organizationId: ORG, status: 'Delivered' });
    expect(payload).toMatchObject({ ChannelDefinitionId: outbound.ChannelDefinitionId, RequestId: outbound.RequestId, From: outbound.From });
  });

  it('wraps the payload as the single string parameter of the action', () => {
    const payload = parseNotificationPayload(text('notification-payload.json'));
    const body = notificationRequestBody(payload);
    expect(Object.keys(body)).toEqual(['notificationPayLoad']);
    expect(typeof body.notificationPayLoad).toBe('string');
    expect(JSON.parse(body.notificationPayLoad)).toEqual(payload);
  });

  it('refuses an invalid report with a pointer', () => {
    const error = inputErrorOf(() =>
      buildNotificationPayload({ channelDefinitionId: '6b3c1a5e-2f4d-4e8a-9b7c-1d2e3f4a5b6c', requestId: 'r', messageId: '', from: '+1', organizationId: ORG, status: 'Sent' as never }),
    );
    expect(error.message).toMatch(/^not a valid notification payload: /);
    expect(['/Status', '/MessageId']).toContain(error.location.pointer);
    // The other problem is listed in the message with its pointer.
    expect(error.message).toContain(error.location.pointer === '/Status' ? '/MessageId: ' : '/Status: ');
  });
});

describe('inbound messages (msdyn_D365ChannelsInbound)', () => {
  it('builds the documented inboundPayLoad and wraps it as the action parameter', () => {
    const payload = buildInboundPayload({
      channelDefinitionId: '6b3c1a5e-2f4d-4e8a-9b7c-1d2e3f4a5b6c',
      to: '+15550100',
      from: '+15550123',
      organizationId: ORG,
      message: { text: 'STOP' },
    });
    expect(payload).toEqual(json('inbound-payload.json'));
    const body = inboundRequestBody(payload);
    expect(Object.keys(body)).toEqual(['inboundPayLoad']);
    expect(parseInboundPayload(body.inboundPayLoad)).toEqual(payload);
  });

  it('keeps a message part named __proto__ as a plain key and pollutes nothing', () => {
    const message = JSON.parse('{"__proto__": "x", "text": "hi"}') as Record<string, string>;
    const payload = buildInboundPayload({ channelDefinitionId: '6b3c1a5e-2f4d-4e8a-9b7c-1d2e3f4a5b6c', to: '+1', from: '+2', organizationId: ORG, message });
    expect(Object.keys(payload.Message)).toEqual(['__proto__', 'text']);
    expect(Object.getPrototypeOf(payload.Message)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses a payload without Message', () => {
    expect(inputErrorOf(() => parseInboundPayload(text('broken/inbound-payload-no-message.json'))).location.pointer).toBe('/Message');
  });
});
