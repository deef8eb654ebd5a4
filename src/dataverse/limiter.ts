/**
 * An adaptive concurrency limiter shared by all requests of one client (Dataverse limits are
 * per user). It starts from the server's `x-ms-dop-hint`, grows additively while requests
 * succeed and halves on a 429 (AIMD, as in TCP congestion control). A 429's `Retry-After`
 * also pauses *every* request of the client until it has elapsed: the limits are per user, so
 * other requests sent meanwhile would only be throttled too.
 * https://learn.microsoft.com/power-apps/developer/data-platform/send-parallel-requests
 * https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
 */
import { abortReason, type Clock } from './clock.js';

/** Service protection code for "too many requests in the window". https://learn.microsoft.com/power-apps/developer/data-platform/api-limits#number-of-requests */
export const REQUEST_COUNT_CODE = '0x80072322';

/** Bounds and start of the concurrency limit. */
export interface ConcurrencyOptions {
  /** Concurrent requests before the server's `x-ms-dop-hint` is known. @default 4 */
  initialConcurrency?: number;
  /** Hard upper bound (Dataverse's default concurrency limit is 52 per user). @default 52 */
  maxConcurrency?: number;
  /** Lower bound after backing off. @default 1 */
  minConcurrency?: number;
  /** Start from the server's `x-ms-dop-hint` once one is seen. @default true */
  useDopHint?: boolean;
}

/** A permit to send one request; release it exactly once. */
export interface Permit {
  /** Clock time at which the permit was granted (the request is about to be sent). */
  readonly grantedAt: number;
  release(): void;
}

interface Waiter {
  resolve(permit: Permit): void;
  reject(reason: unknown): void;
  abortSignal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** A snapshot for logs, tests and benchmarks. */
export interface LimiterState {
  limit: number;
  inFlight: number;
  queued: number;
  pausedUntil: number;
  dopHint: number | undefined;
}

export class AdaptiveConcurrencyLimiter {
  private limitValue: number;
  private readonly max: number;
  private readonly min: number;
  private readonly useDopHint: boolean;
  private dopHint: number | undefined;
  private inFlight = 0;
  private pausedUntil = 0;
  private lastDecreaseAt = -Infinity;
  private readonly queue: Waiter[] = [];
  private timer: Promise<void> | undefined;

  constructor(
    options: ConcurrencyOptions = {},
    private readonly clock: Clock,
  ) {
    this.max = options.maxConcurrency ?? 52;
    this.min = Math.min(options.minConcurrency ?? 1, this.max);
    if (!(this.max >= 1) || !(this.min >= 1)) throw new RangeError('maxConcurrency and minConcurrency must be >= 1');
    this.limitValue = clamp(options.initialConcurrency ?? 4, this.min, this.max);
    this.useDopHint = options.useDopHint ?? true;
  }

  /** The current limit (whole requests). */
  get limit(): number {
    return Math.floor(this.limitValue);
  }

  state(): LimiterState {
    return { limit: this.limit, inFlight: this.inFlight, queued: this.queue.length, pausedUntil: this.pausedUntil, dopHint: this.dopHint };
  }

  /** Wait for a free slot (and for any `Retry-After` pause to end). */
  acquire(abortSignal?: AbortSignal): Promise<Permit> {
    if (abortSignal?.aborted) return Promise.reject(abortReason(abortSignal));
    if (this.queue.length === 0 && this.canStart()) return Promise.resolve(this.grant());
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, abortSignal, onAbort: undefined };
      if (abortSignal) {
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(abortReason(abortSignal));
        };
        abortSignal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** The server's recommended degree of parallelism; the first one seen becomes the limit. */
  observeDopHint(hint: number): void {
    if (!this.useDopHint || !Number.isInteger(hint) || hint < 1) return;
    if (this.dopHint === undefined) {
      this.limitValue = clamp(hint, this.min, this.max);
      this.pump();
    }
    this.dopHint = hint;
  }

  /** A request succeeded: grow by one slot per "round" of `limit` successes. */
  onSuccess(): void {
    if (this.limitValue < this.max) {
      this.limitValue = Math.min(this.max, this.limitValue + 1 / this.limitValue);
      this.pump();
    }
  }

  /**
   * A request was throttled. Pause everyone until the `Retry-After` has elapsed. Unless the
   * refusal was for the number of requests (`0x80072322`: fewer parallel requests would not
   * help, only waiting does), halve the limit, once per burst: 429s for requests granted before
   * the last decrease reflect the old limit and do not halve it again.
   */
  onThrottled(permit: Permit, retryAfterInMs: number | undefined, code?: string): void {
    const now = this.clock.now();
    if (code !== REQUEST_COUNT_CODE && permit.grantedAt >= this.lastDecreaseAt) {
      this.limitValue = Math.max(this.min, this.limitValue / 2);
      this.lastDecreaseAt = now;
    }
    if (retryAfterInMs !== undefined && retryAfterInMs > 0) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterInMs);
  }

  private canStart(): boolean {
    return this.inFlight < this.limit && this.clock.now() >= this.pausedUntil;
  }

  private grant(): Permit {
    this.inFlight++;
    let released = false;
    return {
      grantedAt: this.clock.now(),
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.pump();
      },
    };
  }

  private pump(): void {
    while (this.queue.length > 0 && this.canStart()) {
      const waiter = this.queue.shift()!;
      if (waiter.onAbort) waiter.abortSignal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.grant());
    }
    const wait = this.pausedUntil - this.clock.now();
    if (this.queue.length > 0 && wait > 0 && this.timer === undefined) {
      // Wake up when the pause ends; pump() re-checks the time, so an early timer only loops.
      this.timer = this.clock.sleep(wait).then(() => {
        this.timer = undefined;
        this.pump();
      });
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
