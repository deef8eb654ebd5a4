/**
 * The real-time journeys custom channel contracts: the outbound custom API's `payload` and
 * `response`, and the payloads of `msdyn_D365ChannelsNotification` (delivery reports) and
 * `msdyn_D365ChannelsInbound` (inbound messages). Property names are PascalCase as on the wire.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-api
 */

/** Name of the outbound custom API's single input parameter (a serialized {@link OutboundPayload}). */
export const OUTBOUND_PAYLOAD_PARAMETER = 'payload';
/** Name of the outbound custom API's single output property (a serialized {@link OutboundResponse}). */
export const OUTBOUND_RESPONSE_PROPERTY = 'response';
/** The single string parameter of `msdyn_D365ChannelsNotification` (note the capital L). */
export const NOTIFICATION_PAYLOAD_PARAMETER = 'notificationPayLoad';
/** The single string parameter of `msdyn_D365ChannelsInbound` (note the capital L). */
export const INBOUND_PAYLOAD_PARAMETER = 'inboundPayLoad';

/** Message parts by part name (`msdyn_channelmessagepart.msdyn_name`); every value is a string. */
export type MessageParts = Record<string, string>;

/** Present only when the send comes from the Customer Insights - Journeys app. */
export interface MarketingAppContext {
  /** The sending journey; null on a test send. */
  CustomerJourneyId?: string | null;
  /** The recipient record's id; null on a test send. */
  UserId?: string | null;
  /** The recipient record's table, e.g. `contact` or `lead`; null on a test send. */
  UserEntityType?: string | null;
  IsTestSend?: boolean;
  [property: string]: unknown;
}

/** What the platform sends to the outbound custom API, serialized into `payload`. */
export interface OutboundPayload {
  ChannelDefinitionId: string;
  /** Echo it in the response. */
  RequestId: string;
  /** Stable across the platform's retries of one send (newer documentation); deduplicate on it. */
  IdempotencyId?: string;
  /** The sender: the channel instance's contact point. */
  From: string;
  /** The recipient. */
  To: string;
  Message: MessageParts;
  MarketingAppContext?: MarketingAppContext;
  [property: string]: unknown;
}

/** Outcome of an outbound send: accepted by the provider, or rejected for good (no retry). */
export type OutboundStatus = 'Sent' | 'NotSent';

/** The 2022 contract also allowed delivery outcomes in the outbound response. */
export type LegacyOutboundStatus = OutboundStatus | 'Delivered' | 'NotDelivered';

/** Outcome of a delivery report. */
export type DeliveryStatus = 'Delivered' | 'NotDelivered';

/** Why, shown in the journey's delivery and interaction details (current contract). */
export interface StatusReason {
  Reason?: string | null;
  Message?: string | null;
  [property: string]: unknown;
}

/** The 2022 contract's channel-specific status information (`Dictionary<string, object>`). */
export type StatusDetails = Record<string, unknown>;

/** What the outbound custom API returns, serialized into `response`. */
export interface OutboundResponse {
  ChannelDefinitionId: string;
  /** The provider's message id, when it gives one. */
  MessageId?: string | null;
  /** Equal to the payload's RequestId. */
  RequestId: string;
  Status: LegacyOutboundStatus;
  Details?: StatusReason | null;
  /** 2022 contract only. */
  StatusDetails?: StatusDetails | null;
  [property: string]: unknown;
}

/** The JSON in `notificationPayLoad` of `msdyn_D365ChannelsNotification`. */
export interface NotificationPayload {
  ChannelDefinitionId: string;
  RequestId: string;
  MessageId: string;
  From: string;
  OrganizationId: string;
  Status: DeliveryStatus;
  Details?: StatusReason | null;
  /** 2022 contract and samples. */
  StatusDetails?: StatusDetails | null;
  [property: string]: unknown;
}

/** The JSON in `inboundPayLoad` of `msdyn_D365ChannelsInbound`. */
export interface InboundPayload {
  ChannelDefinitionId: string;
  /** The channel's own contact point (the number the user wrote to). */
  To: string;
  /** The user's contact point. */
  From: string;
  OrganizationId: string;
  Message: MessageParts;
  [property: string]: unknown;
}
