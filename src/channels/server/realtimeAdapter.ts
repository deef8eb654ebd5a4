/**
 * `channel serve`: the real-time custom channel HTTP adapter. A provider posts its delivery
 * reports and inbound messages here, in the contract's JSON shape; the adapter validates them
 * against the contract schemas and forwards them to `msdyn_D365ChannelsNotification` /
 * `msdyn_D365ChannelsInbound` (the payload serialized into the action's one string parameter).
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-api
 *
 * - `POST /notifications`: a `notificationPayLoad` object (ChannelDefinitionId, RequestId,
 *   MessageId, From, Status Delivered|NotDelivered, Details…). `OrganizationId` may be omitted: the
 *   adapter fills in the organization it is connected to (from `WhoAmI`).
 * - `POST /inbound`: an `inboundPayLoad` object (ChannelDefinitionId, To, From, Message…), same rule.
 * Answers `200 { responseMessage }` with the action's output, `400 { error, pointer }` for a
 * payload the contract refuses (nothing is forwarded), or the service's error status.
 */
import type { IncomingMessage } from 'node:http';
import { isDataverseError, type DataverseClient } from '../../dataverse/index.js';
import { isInputError } from '../../errors.js';
import {
  INBOUND_ACTION,
  NOTIFICATION_ACTION,
  inboundRequestBody,
  notificationRequestBody,
  parseInboundPayload,
  parseNotificationPayload,
} from '../realtime/index.js';
import { HttpRefusal, listen, readJsonBody, type ListenOptions, type ListeningServer } from './http.js';

/** Options of {@link startRealtimeAdapter}. */
export interface RealtimeAdapterOptions extends ListenOptions {
  client: DataverseClient;
  /** Filled into payloads without `OrganizationId`. @default the connected organization (WhoAmI) */
  organizationId?: string;
  /** Called once per forwarded message. */
  onForwarded?: (kind: 'notification' | 'inbound', payload: Record<string, unknown>) => void;
}

/** Contract validation errors become a 400 with the pointer. */
function parseOrRefuse<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isInputError(error)) throw new HttpRefusal(400, error.message, error.location.pointer);
    throw error;
  }
}

/** Start the adapter. */
export async function startRealtimeAdapter(options: RealtimeAdapterOptions): Promise<ListeningServer> {
  const { client } = options;
  let organizationId = options.organizationId;
  const organization = async (): Promise<string> => (organizationId ??= (await client.whoAmI()).OrganizationId);

  const withOrganization = async (body: unknown): Promise<object> => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpRefusal(400, 'the body must be a JSON object', '');
    const record = body as Record<string, unknown>;
    if (record.OrganizationId !== undefined) return record;
    // A copy with own properties only (Object.fromEntries never invokes a __proto__ setter).
    return Object.fromEntries([...Object.entries(record), ['OrganizationId', await organization()]]);
  };

  const forward = async (action: string, parameters: Record<string, string>): Promise<{ status: number; body: unknown }> => {
    try {
      // Delivery reports and inbound messages are not idempotent on the service side: no resend after a lost answer.
      const answer = await client.callAction<{ responseMessage?: string }>(action, parameters);
      return { status: 200, body: { responseMessage: answer?.responseMessage ?? null } };
    } catch (error) {
      if (isDataverseError(error) && error.status >= 400 && error.status < 500) throw new HttpRefusal(error.status, error.message);
      throw error;
    }
  };

  /** A route that checks the posted payload against the contract, then forwards it to `action`. */
  const relay =
    <P extends Record<string, unknown>>(
      kind: 'notification' | 'inbound',
      parse: (body: object) => P,
      action: string,
      requestBody: (payload: P) => Record<string, string>,
    ) =>
    async (request: IncomingMessage): Promise<{ status: number; body: unknown }> => {
      const body = await withOrganization(await readJsonBody(request));
      const payload = parseOrRefuse(() => parse(body));
      const result = await forward(action, requestBody(payload));
      options.onForwarded?.(kind, payload);
      return result;
    };
  return listen(
    {
      'POST /notifications': relay('notification', parseNotificationPayload, NOTIFICATION_ACTION, notificationRequestBody),
      'POST /inbound': relay('inbound', parseInboundPayload, INBOUND_ACTION, inboundRequestBody),
      'GET /health': () => Promise.resolve({ status: 200, body: { ok: true } }),
    },
    options,
  );
}
