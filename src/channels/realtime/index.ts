/** Real-time journeys custom channel contracts: types, schemas, parsers and builders. */
export * from './types.js';
export {
  parseOutboundPayload,
  parseOutboundResponse,
  buildOutboundResponse,
  serializeOutboundResponse,
  outboundApiOutput,
  type OutboundOutcome,
} from './outbound.js';
export {
  NOTIFICATION_ACTION,
  buildNotificationPayload,
  notificationFor,
  parseNotificationPayload,
  notificationRequestBody,
  type NotificationInput,
} from './notification.js';
export { INBOUND_ACTION, buildInboundPayload, parseInboundPayload, inboundRequestBody, type InboundInput } from './inbound.js';
export {
  CHANNEL_SCHEMA_FILES,
  channelSchemaId,
  loadChannelSchema,
  validateChannelSchema,
  type ChannelSchemaName,
  type ChannelSchemaIssue,
} from './channelSchemas.js';
export type { ContractSource } from './parseContract.js';
