/**
 * Parse one contract document that arrives either as the serialized string a custom API
 * parameter carries or as an already parsed object, and validate it against its schema.
 */
import { InputError, type InputLocation } from '../../errors.js';
import { assertChannelSchema, type ChannelSchemaName } from './channelSchemas.js';

/** Where a contract document came from, for error messages. */
export type ContractSource = Omit<InputLocation, 'pointer'>;

/**
 * Parse `input` (JSON text or a value) and validate it against `schema`. Throws an
 * {@link InputError} with a JSON pointer for malformed JSON, a non-object, or a schema issue.
 */
export function parseContract<T>(schema: ChannelSchemaName, input: unknown, what: string, source: ContractSource = {}): T {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (error) {
      throw new InputError(`${what} is not valid JSON: ${(error as Error).message}`, { ...source, pointer: '' }, {
        cause: error,
        hint: `the ${what} is a serialized JSON object`,
      });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new InputError(`${what} must be a JSON object, got ${kind}`, { ...source, pointer: '' }, {
      hint: `the ${what} is a serialized JSON object`,
    });
  }
  assertChannelSchema(schema, value, what, source);
  return value as T;
}
