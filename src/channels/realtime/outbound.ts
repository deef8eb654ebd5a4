/**
 * The outbound custom API of a real-time custom channel: it receives one string parameter
 * `payload` and returns one string property `response`, both serialized JSON.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-api
 */
import { InputError } from '../../errors.js';
import { assertChannelSchema } from './channelSchemas.js';
import { parseContract, type ContractSource } from './parseContract.js';
import {
  OUTBOUND_RESPONSE_PROPERTY,
  type OutboundPayload,
  type OutboundResponse,
  type OutboundStatus,
  type StatusReason,
} from './types.js';

/**
 * Parse and validate an outbound payload: the `payload` string as the custom API receives it,
 * or the parsed object. Throws an {@link InputError} whose `location.pointer` names the
 * offending property (e.g. `/MarketingAppContext/IsTestSend`).
 */
export function parseOutboundPayload(input: string | object, source: ContractSource = {}): OutboundPayload {
  return parseContract<OutboundPayload>('realtime-outbound-payload', input, 'outbound payload', source);
}

/**
 * Parse and validate an outbound response (current or 2022 shape). With `payload`, also
 * check that it echoes the payload's RequestId and ChannelDefinitionId.
 */
export function parseOutboundResponse(
  input: string | object,
  options: ContractSource & { payload?: OutboundPayload } = {},
): OutboundResponse {
  const { payload, ...source } = options;
  const response = parseContract<OutboundResponse>('realtime-outbound-response', input, 'outbound response', source);
  if (payload) {
    for (const key of ['RequestId', 'ChannelDefinitionId'] as const) {
      if (!sameId(key, response[key], payload[key])) {
        throw new InputError(`outbound response ${key} "${response[key]}" does not echo the payload's "${payload[key]}"`, {
          ...source,
          pointer: `/${key}`,
        }, { hint: `return the ${key} of the payload unchanged` });
      }
    }
  }
  return response;
}

/** What the provider made of the send. */
export interface OutboundOutcome {
  /** `Sent`: the provider accepted it; `NotSent`: rejected for good, the platform will not retry. */
  status: OutboundStatus;
  /** The provider's message id; delivery reports refer to it. */
  messageId?: string;
  /** Why, shown in the journey's delivery and interaction details. */
  details?: { reason?: string; message?: string };
}

/**
 * Build the response to an outbound payload: echoes its ChannelDefinitionId and RequestId
 * and states the outcome in the current contract's shape (`Details {Reason, Message}`).
 * Serialize it with {@link serializeOutboundResponse}.
 */
export function buildOutboundResponse(payload: OutboundPayload, outcome: OutboundOutcome): OutboundResponse {
  if (outcome.status !== 'Sent' && outcome.status !== 'NotSent') {
    throw new InputError(`outbound status must be "Sent" or "NotSent", got "${String(outcome.status)}"`, {}, {
      hint: 'delivery outcomes go to msdyn_D365ChannelsNotification (buildNotificationPayload)',
    });
  }
  const response: OutboundResponse = {
    ChannelDefinitionId: payload.ChannelDefinitionId,
    RequestId: payload.RequestId,
    Status: outcome.status,
  };
  if (outcome.messageId !== undefined) response.MessageId = outcome.messageId;
  const details = statusReason(outcome.details);
  if (details) response.Details = details;
  assertChannelSchema('realtime-outbound-response', response, 'outbound response');
  return response;
}

/** The string the outbound custom API returns in its `response` property. */
export function serializeOutboundResponse(response: OutboundResponse): string {
  return JSON.stringify(response);
}

/** The custom API's output parameters: `{ response: "<serialized response>" }`. */
export function outboundApiOutput(response: OutboundResponse): { [OUTBOUND_RESPONSE_PROPERTY]: string } {
  return { [OUTBOUND_RESPONSE_PROPERTY]: serializeOutboundResponse(response) };
}

/** Map camelCase details to the wire's `{Reason, Message}`; undefined when empty. */
export function statusReason(details: { reason?: string; message?: string } | undefined): StatusReason | undefined {
  if (!details) return undefined;
  const reason: StatusReason = {};
  if (details.reason !== undefined) reason.Reason = details.reason;
  if (details.message !== undefined) reason.Message = details.message;
  return Object.keys(reason).length > 0 ? reason : undefined;
}

// Dataverse writes GUIDs in any case; compare channel definition ids case-insensitively.
function sameId(key: 'RequestId' | 'ChannelDefinitionId', a: string, b: string): boolean {
  return key === 'ChannelDefinitionId' ? a.toLowerCase() === b.toLowerCase() : a === b;
}
