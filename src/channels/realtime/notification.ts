/**
 * Delivery reports: a channel's delivery-report custom API, called by the provider, executes
 * `msdyn_D365ChannelsNotification` with one string parameter `notificationPayLoad`.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-api
 */
import { Actions } from '../../model/names.js';
import { assertChannelSchema } from './channelSchemas.js';
import { statusReason } from './outbound.js';
import { parseContract, type ContractSource } from './parseContract.js';
import {
  NOTIFICATION_PAYLOAD_PARAMETER,
  type DeliveryStatus,
  type NotificationPayload,
  type OutboundPayload,
  type StatusDetails,
} from './types.js';

/** The unbound action that takes delivery reports. */
export const NOTIFICATION_ACTION = Actions.channelsNotification;

/** What a delivery report says. */
export interface NotificationInput {
  channelDefinitionId: string;
  /** The RequestId of the outbound payload the report is about. */
  requestId: string;
  /** The provider's message id (the outbound response's MessageId). */
  messageId: string;
  /** The sender: the channel instance's contact point (the payload's From). */
  from: string;
  /** The Dataverse organization id. */
  organizationId: string;
  status: DeliveryStatus;
  /** Why (current contract's `Details {Reason, Message}`). */
  details?: { reason?: string; message?: string };
  /** The 2022 contract's dictionary, for platforms that still expect it. */
  statusDetails?: StatusDetails;
}

/** Build and validate a `notificationPayLoad`. Throws an {@link InputError} with a pointer when invalid. */
export function buildNotificationPayload(input: NotificationInput): NotificationPayload {
  const payload: NotificationPayload = {
    ChannelDefinitionId: input.channelDefinitionId,
    RequestId: input.requestId,
    MessageId: input.messageId,
    From: input.from,
    OrganizationId: input.organizationId,
    Status: input.status,
  };
  const details = statusReason(input.details);
  if (details) payload.Details = details;
  if (input.statusDetails !== undefined) payload.StatusDetails = Object.fromEntries(Object.entries(input.statusDetails));
  assertChannelSchema('realtime-notification-payload', payload, 'notification payload');
  return payload;
}

/** The delivery report for an outbound payload: ids and sender taken from the payload. */
export function notificationFor(
  outbound: OutboundPayload,
  report: Omit<NotificationInput, 'channelDefinitionId' | 'requestId' | 'from'>,
): NotificationPayload {
  return buildNotificationPayload({
    ...report,
    channelDefinitionId: outbound.ChannelDefinitionId,
    requestId: outbound.RequestId,
    from: outbound.From,
  });
}

/** Parse and validate a `notificationPayLoad` (string or object). */
export function parseNotificationPayload(input: string | object, source: ContractSource = {}): NotificationPayload {
  return parseContract<NotificationPayload>('realtime-notification-payload', input, 'notification payload', source);
}

/** The JSON body of `POST [org]/api/data/v9.2/msdyn_D365ChannelsNotification`. */
export function notificationRequestBody(payload: NotificationPayload): { [NOTIFICATION_PAYLOAD_PARAMETER]: string } {
  return { [NOTIFICATION_PAYLOAD_PARAMETER]: JSON.stringify(payload) };
}
