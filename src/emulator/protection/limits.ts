/**
 * Service protection limits: what they are by default and how their headers and messages look.
 * https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
 */

/**
 * Per-user service protection limits, evaluated per emulator (one "web server").
 * All limits apply to top-level HTTP requests: a `$batch` counts as one request, as in Dataverse.
 */
export interface ServiceProtectionLimits {
  /** Length of the sliding window for the request-count and execution-time limits. @default 300000 */
  windowMs: number;
  /** Requests per user per window before 429 `0x80072322`. @default 6000 */
  maxRequests: number;
  /** Combined execution time (ms) per user per window before 429 `0x80072321`. @default 1200000 */
  maxExecutionMs: number;
  /** Requests of one user in flight at once before 429 `0x80072326`. @default 52 */
  maxConcurrent: number;
  /** Value of the `x-ms-dop-hint` header. @default min(8, maxConcurrent) */
  dopHint?: number;
}

/** Dataverse's documented defaults: 6,000 requests and 20 minutes of execution per 5 minutes, 52 concurrent. */
export const DEFAULT_LIMITS: Readonly<ServiceProtectionLimits> = Object.freeze({
  windowMs: 300_000,
  maxRequests: 6000,
  maxExecutionMs: 1_200_000,
  maxConcurrent: 52,
});

/** The dop hint sent when the limits do not name one. */
export function dopHintOf(limits: ServiceProtectionLimits): number {
  return limits.dopHint ?? Math.max(1, Math.min(8, limits.maxConcurrent));
}

/** Which limit refused a request: request count, combined execution time, or concurrency. */
export type ThrottleReason = 'requestCount' | 'executionTime' | 'concurrency';

/** Group thousands with commas: `1200000` -> `1,200,000`. */
export function groupThousands(value: number): string {
  const digits = Math.trunc(value).toString();
  // Beyond 2^53 (exponent notation, Infinity) the general rule.
  if (!Number.isSafeInteger(Math.trunc(value))) return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  // Every answer carries one of these: slices, not a regular expression.
  const sign = digits.startsWith('-') ? 1 : 0;
  if (digits.length - sign <= 3) return digits;
  let out = digits.slice(0, sign + ((digits.length - sign) % 3 || 3));
  for (let at = out.length; at < digits.length; at += 3) out += `,${digits.slice(at, at + 3)}`;
  return out;
}

/**
 * The `x-ms-ratelimit-time-remaining-xrm-requests` value: remaining execution time in seconds,
 * with thousands separators and two decimals, as Dataverse sends it (`1,200.00`).
 */
export function formatRemainingSeconds(remainingMs: number): string {
  const hundredths = Math.max(0, Math.floor(remainingMs / 10));
  const whole = Math.floor(hundredths / 100);
  const fraction = (hundredths % 100).toString().padStart(2, '0');
  return `${groupThousands(whole)}.${fraction}`;
}
