/**
 * Payloads of the real-time custom channel actions a provider calls back with:
 * `msdyn_D365ChannelsNotification` (delivery report, `notificationPayLoad`) and
 * `msdyn_D365ChannelsInbound` (inbound SMS, `inboundPayLoad`). Both take one string parameter
 * holding serialized JSON.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-API
 */
import type { Refusal } from './journeyRules.js';
import { parseGuid } from '../../util/guid.js';

/** A validated delivery report. */
export interface ChannelNotification {
  channelDefinitionId: string;
  requestId: string;
  status: 'Delivered' | 'NotDelivered';
  payload: Record<string, unknown>;
}

/** A validated inbound message. */
export interface ChannelInbound {
  channelDefinitionId: string;
  to: string;
  from: string;
  payload: Record<string, unknown>;
}

function bad(message: string): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { status: 400, code: '0x80040203', message } };
}

/** The JSON object a channel action's only parameter holds, and the channel definition it names. */
function parsePayload(
  action: string,
  parameter: string,
  parameters: Record<string, unknown>,
): { ok: true; payload: Record<string, unknown>; channelDefinitionId: string } | { ok: false; refusal: Refusal } {
  for (const name of Object.keys(parameters)) {
    if (!name.startsWith('@') && name !== parameter) {
      return { ok: false, refusal: { status: 400, code: '0x0', message: `The parameter '${name}' in the request payload is not a valid parameter for the operation '${action}'.` } };
    }
  }
  const raw = parameters[parameter];
  if (typeof raw !== 'string') return bad(`${action}: '${parameter}' is required and must be a string holding serialized JSON.`);
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return bad(`${action}: '${parameter}' is not valid JSON. Serialize the payload object with JSON.stringify and pass the string.`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return bad(`${action}: '${parameter}' must hold a JSON object.`);
  const channelDefinitionId = parseGuid((payload as Record<string, unknown>).ChannelDefinitionId);
  if (channelDefinitionId === undefined) return bad(`${action}: ChannelDefinitionId is required and must be the msdyn_channeldefinitionid (GUID).`);
  return { ok: true, payload: payload as Record<string, unknown>, channelDefinitionId };
}

function optionalString(payload: Record<string, unknown>, names: string[], action: string): Refusal | undefined {
  for (const name of names) {
    const v = payload[name];
    if (v !== undefined && v !== null && typeof v !== 'string') return { status: 400, code: '0x80040203', message: `${action}: '${name}' must be a string.` };
  }
  return undefined;
}

/** Validate `notificationPayLoad`: ChannelDefinitionId, RequestId and Status (Delivered | NotDelivered) are required. */
export function parseNotification(parameters: Record<string, unknown>): { ok: true; notification: ChannelNotification } | { ok: false; refusal: Refusal } {
  const action = 'msdyn_D365ChannelsNotification';
  const parsed = parsePayload(action, 'notificationPayLoad', parameters);
  if (!parsed.ok) return parsed;
  const { payload: p, channelDefinitionId } = parsed;
  if (typeof p.RequestId !== 'string' || p.RequestId === '') return bad(`${action}: RequestId is required: echo the RequestId of the outbound payload.`);
  if (p.Status !== 'Delivered' && p.Status !== 'NotDelivered') return bad(`${action}: Status must be 'Delivered' or 'NotDelivered', got ${JSON.stringify(p.Status)}.`);
  const wrongType = optionalString(p, ['MessageId', 'From', 'OrganizationId'], action);
  if (wrongType) return { ok: false, refusal: wrongType };
  for (const name of ['Details', 'StatusDetails']) {
    const v = p[name];
    if (v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v))) return bad(`${action}: '${name}' must be an object (e.g. {"Reason":"…","Message":"…"}).`);
  }
  return { ok: true, notification: { channelDefinitionId, requestId: p.RequestId, status: p.Status, payload: p } };
}

/** Validate `inboundPayLoad`: ChannelDefinitionId, To, From and Message (part name -> string) are required. */
export function parseInbound(parameters: Record<string, unknown>): { ok: true; inbound: ChannelInbound } | { ok: false; refusal: Refusal } {
  const action = 'msdyn_D365ChannelsInbound';
  const parsed = parsePayload(action, 'inboundPayLoad', parameters);
  if (!parsed.ok) return parsed;
  const { payload: p, channelDefinitionId } = parsed;
  if (typeof p.To !== 'string' || p.To === '') return bad(`${action}: To (the channel instance's contact point) is required.`);
  if (typeof p.From !== 'string' || p.From === '') return bad(`${action}: From (the sender's contact point) is required.`);
  const message = p.Message;
  if (typeof message !== 'object' || message === null || Array.isArray(message) || !Object.values(message).every((v) => typeof v === 'string')) {
    return bad(`${action}: Message is required and must map message part names to strings, e.g. {"text":"STOP"}.`);
  }
  const wrongType = optionalString(p, ['OrganizationId'], action);
  if (wrongType) return { ok: false, refusal: wrongType };
  return { ok: true, inbound: { channelDefinitionId, to: p.To, from: p.From, payload: p } };
}
