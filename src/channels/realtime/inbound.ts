/**
 * Inbound messages (SMS channels): a channel's inbound custom API, called by the provider,
 * executes `msdyn_D365ChannelsInbound` with one string parameter `inboundPayLoad`.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-api
 */
import { Actions } from '../../model/names.js';
import { assertChannelSchema } from './channelSchemas.js';
import { parseContract, type ContractSource } from './parseContract.js';
import { INBOUND_PAYLOAD_PARAMETER, type InboundPayload, type MessageParts } from './types.js';

/** The unbound action that takes inbound messages. */
export const INBOUND_ACTION = Actions.channelsInbound;

/** What an inbound message says. */
export interface InboundInput {
  channelDefinitionId: string;
  /** The channel's own contact point (the number the user wrote to). */
  to: string;
  /** The user's contact point. */
  from: string;
  /** The Dataverse organization id. */
  organizationId: string;
  /** Message parts by part name, e.g. `{ text: "STOP" }`. */
  message: MessageParts;
}

/** Build and validate an `inboundPayLoad`. Throws an {@link InputError} with a pointer when invalid. */
export function buildInboundPayload(input: InboundInput): InboundPayload {
  const payload: InboundPayload = {
    ChannelDefinitionId: input.channelDefinitionId,
    To: input.to,
    From: input.from,
    OrganizationId: input.organizationId,
    // Object.fromEntries defines own properties: a part named "__proto__" stays a plain key.
    Message: Object.fromEntries(Object.entries(input.message)),
  };
  assertChannelSchema('realtime-inbound-payload', payload, 'inbound payload');
  return payload;
}

/** Parse and validate an `inboundPayLoad` (string or object). */
export function parseInboundPayload(input: string | object, source: ContractSource = {}): InboundPayload {
  return parseContract<InboundPayload>('realtime-inbound-payload', input, 'inbound payload', source);
}

/** The JSON body of `POST [org]/api/data/v9.2/msdyn_D365ChannelsInbound`. */
export function inboundRequestBody(payload: InboundPayload): { [INBOUND_PAYLOAD_PARAMETER]: string } {
  return { [INBOUND_PAYLOAD_PARAMETER]: JSON.stringify(payload) };
}
