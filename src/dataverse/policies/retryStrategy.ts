/**
 * Retry timing: `Retry-After` parsing and exponential backoff with jitter, and the one
 * {@link RetryStrategy} every retry loop uses (the pipeline, bulk rounds, the reporter's provider
 * hand-offs), with an injectable jitter source.
 * Dataverse answers 429 with `Retry-After: <seconds>` and asks clients to wait exactly that long:
 * https://learn.microsoft.com/power-apps/developer/data-platform/api-limits#retry-operations
 */

/** Timing and bounds of retries. */
export interface RetryOptions {
  /** Attempts in total, the first included. @default 10 */
  maxAttempts?: number;
  /** Give up when the next retry would start later than this after the first attempt. @default 300000 (the 5-minute service-protection window) */
  maxRetryDurationInMs?: number;
  /** Backoff of the first retry when the service gave no `Retry-After`. @default 500 */
  baseDelayInMs?: number;
  /** Largest backoff between two attempts. @default 30000 */
  maxDelayInMs?: number;
}

/** {@link RetryOptions} with defaults applied. */
export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const resolved = {
    maxAttempts: options.maxAttempts ?? 10,
    maxRetryDurationInMs: options.maxRetryDurationInMs ?? 300_000,
    baseDelayInMs: options.baseDelayInMs ?? 500,
    maxDelayInMs: options.maxDelayInMs ?? 30_000,
  };
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) throw new RangeError(`maxAttempts must be an integer >= 1, got ${resolved.maxAttempts}`);
  for (const key of ['maxRetryDurationInMs', 'baseDelayInMs', 'maxDelayInMs'] as const) {
    if (!(resolved[key] >= 0)) throw new RangeError(`${key} must be >= 0, got ${resolved[key]}`);
  }
  return resolved;
}

/**
 * Milliseconds to wait according to a `Retry-After` value: delta-seconds (Dataverse sends whole
 * seconds; fractions are accepted) or an HTTP date. `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP-date names the weekday and month (RFC 9110 §5.6.7); anything else is unreadable.
  const date = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * `min(maxDelay, base * 2^(n-1))`, so concurrent clients spread out but never retry instantly.
 * @param retry 1 for the first retry.
 * @param random a number in [0, 1).
 */
export function backoffDelay(retry: number, options: Pick<ResolvedRetryOptions, 'baseDelayInMs' | 'maxDelayInMs'>, random: number): number {
  const ceiling = Math.min(options.maxDelayInMs, options.baseDelayInMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

/**
 * The retry strategy: bounds plus a jitter source. One per client (`client.retryStrategy`);
 * loops with other bounds derive theirs with {@link RetryStrategy.with}, sharing the jitter source.
 */
export class RetryStrategy {
  readonly options: ResolvedRetryOptions;
  private readonly random: () => number;

  /** @param random jitter source, a number in [0, 1). @default Math.random */
  constructor(options: RetryOptions = {}, random: () => number = Math.random) {
    this.options = resolveRetryOptions(options);
    this.random = random;
  }

  /** Attempts in total, the first included. */
  get maxAttempts(): number {
    return this.options.maxAttempts;
  }

  /**
   * How long to wait before retry `retry` (1 = the first retry): the service's `Retry-After` when
   * it sent one, else exponential backoff with jitter.
   */
  delayInMs(retry: number, retryAfterInMs?: number): number {
    return retryAfterInMs ?? backoffDelay(retry, this.options, this.random());
  }

  /** The same jitter source with other bounds. */
  with(options: RetryOptions): RetryStrategy {
    return new RetryStrategy({ ...this.options, ...definedOnly(options) }, this.random);
  }
}

function definedOnly(options: RetryOptions): RetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as RetryOptions;
}
