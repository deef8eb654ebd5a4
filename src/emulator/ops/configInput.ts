/**
 * Shared checks for emulator configuration read from JSON files (`--limits`, `--faults`): each
 * problem becomes an `InputError` naming the file and the JSON pointer of the bad value.
 */
import { InputError, pointer } from '../../errors.js';

/** Where a configuration value came from, for error messages. */
export interface ConfigSource {
  /** File name as the user gave it. */
  file?: string;
  /** What the file configures, e.g. `limits`. */
  what: string;
}

/** Throw an `InputError` for the value at `path`. */
export function configError(source: ConfigSource, path: (string | number)[], problem: string, hint?: string): never {
  throw new InputError(`invalid ${source.what}: ${problem}`, { ...(source.file ? { file: source.file } : {}), pointer: pointer(...path) }, hint ? { hint } : undefined);
}

/** A plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuse keys outside `allowed`, so a misspelled option is not silently ignored. */
export function checkKeys(source: ConfigSource, path: (string | number)[], value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      configError(source, [...path, key], `unknown property '${key}'`, `allowed: ${allowed.join(', ')}`);
    }
  }
}

/** A finite number within bounds, or an error at `path`. */
export function checkNumber(
  source: ConfigSource,
  path: (string | number)[],
  value: unknown,
  { min, max, integer = false }: { min: number; max?: number; integer?: boolean },
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `>= ${min}` : `between ${min} and ${max}`;
    configError(source, path, `expected ${integer ? 'an integer' : 'a number'} ${range}, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}
