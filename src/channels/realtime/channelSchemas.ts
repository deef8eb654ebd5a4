/**
 * The JSON Schemas of the custom channel contracts and of the custom API spec. They are shipped
 * and validated like every other schema (`src/schemas`): one ajv registry, one way of turning
 * schema errors into JSON-pointer issues.
 */
import type { InputLocation } from '../../errors.js';
import {
  SCHEMA_FILES,
  SCHEMA_IDS,
  assertValidAgainstSchema,
  loadSchema,
  validateAgainstSchema,
  type SchemaIssue,
} from '../../schemas/index.js';

/** The channel schemas by short name, with their file names. */
export const CHANNEL_SCHEMA_FILES = Object.freeze({
  'realtime-outbound-payload': SCHEMA_FILES['realtime-outbound-payload'],
  'realtime-outbound-response': SCHEMA_FILES['realtime-outbound-response'],
  'realtime-notification-payload': SCHEMA_FILES['realtime-notification-payload'],
  'realtime-inbound-payload': SCHEMA_FILES['realtime-inbound-payload'],
  'custom-api-spec': SCHEMA_FILES['custom-api-spec'],
  'realtime-channel': SCHEMA_FILES['realtime-channel'],
});

/** A channel schema's short name. */
export type ChannelSchemaName = keyof typeof CHANNEL_SCHEMA_FILES;

/** One way a document breaks a schema. */
export type ChannelSchemaIssue = SchemaIssue;

/** The stable `$id` of a channel schema. */
export function channelSchemaId(name: ChannelSchemaName): string {
  return SCHEMA_IDS[name];
}

/** The parsed schema document of a channel schema. */
export function loadChannelSchema(name: ChannelSchemaName): Record<string, unknown> {
  return loadSchema(name);
}

/** Validate a value; returns no issues when it is valid. Most specific (deepest) issues first. */
export function validateChannelSchema(name: ChannelSchemaName, value: unknown): ChannelSchemaIssue[] {
  return validateAgainstSchema(name, value);
}

/**
 * Throw an {@link InputError} pointing at the most specific issue when `value` breaks the
 * schema; `what` names the document in the message (e.g. "outbound payload").
 */
export function assertChannelSchema(name: ChannelSchemaName, value: unknown, what: string, location: Omit<InputLocation, 'pointer'> = {}): void {
  assertValidAgainstSchema(name, value, { ...(location.file === undefined ? {} : { file: location.file }), what });
}
