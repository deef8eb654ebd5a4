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
export {
  readChannelSpec,
  validateChannelSpec,
  normalizeChannelSpec,
  endpointApiName,
  MESSAGE_PART_TYPES,
  CHANNEL_API_ROLES,
  type ChannelSpec,
  type ChannelDefinitionSpec,
  type MessagePartSpec,
  type LocaleSpec,
  type TableSpec,
  type ColumnSpec,
  type ChannelApiRole,
  type NormalizedChannel,
} from './channelSpec.js';
export { lintChannel, CHANNEL_RULES, channelCheckedRules, type ChannelRule, type LintChannelOptions } from './channelLint.js';
export { scaffoldChannel, scaffoldHandler, type ScaffoldOptions } from './scaffold.js';
export { applyChannel, exportChannel, canonicalChannelSpec, readCustomApi, type ApplyChannelResult, type ApplyChannelOptions, type ExportChannelOptions, type PlanStep } from './install.js';
export {
  runConformance,
  formatConformance,
  CONFORMANCE_CHECKS,
  CONFORMANCE_FORMATS,
  type ConformanceOptions,
  type ConformanceReport,
  type ConformanceResult,
  type ConformanceFormat,
} from './conformance.js';
