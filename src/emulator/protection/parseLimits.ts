/** Validation of service protection limits read from JSON (`--limits FILE`, `startEmulator({ limits })`). */
import { checkKeys, checkNumber, configError, isObject, type ConfigSource } from '../ops/configInput.js';
import { DEFAULT_LIMITS, type ServiceProtectionLimits } from './limits.js';

const KEYS = ['windowMs', 'maxRequests', 'maxExecutionMs', 'maxConcurrent', 'dopHint'] as const;

/**
 * Check a JSON object of limits; omitted fields take Dataverse's defaults. Throws an `InputError`
 * with the file and JSON pointer of the first problem.
 */
export function parseLimits(value: unknown, file?: string): ServiceProtectionLimits {
  const source: ConfigSource = { what: 'limits', ...(file ? { file } : {}) };
  if (!isObject(value)) configError(source, [], 'expected an object', 'e.g. {"windowMs":300000,"maxRequests":6000,"maxExecutionMs":1200000,"maxConcurrent":52}');
  checkKeys(source, [], value, KEYS);
  const limits: ServiceProtectionLimits = { ...DEFAULT_LIMITS };
  if (value.windowMs !== undefined) limits.windowMs = checkNumber(source, ['windowMs'], value.windowMs, { min: 1, integer: true });
  if (value.maxRequests !== undefined) limits.maxRequests = checkNumber(source, ['maxRequests'], value.maxRequests, { min: 1, integer: true });
  if (value.maxExecutionMs !== undefined) limits.maxExecutionMs = checkNumber(source, ['maxExecutionMs'], value.maxExecutionMs, { min: 1 });
  if (value.maxConcurrent !== undefined) limits.maxConcurrent = checkNumber(source, ['maxConcurrent'], value.maxConcurrent, { min: 1, integer: true });
  if (value.dopHint !== undefined) limits.dopHint = checkNumber(source, ['dopHint'], value.dopHint, { min: 1, integer: true });
  return limits;
}
