/**
 * Per-user service protection: a sliding window of requests and their execution time, and a count
 * of requests in flight. Dataverse evaluates the count and time limits after the fact (a client can
 * overshoot within a window before 429s start) and the concurrency limit immediately; so does this.
 * https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
 */
import { DEFAULT_LIMITS, dopHintOf, formatRemainingSeconds, type ServiceProtectionLimits, type ThrottleReason } from './limits.js';

/** The rate-limit headers sent on every response. */
export type RateLimitHeaders = {
  'x-ms-ratelimit-burst-remaining-xrm-requests': string;
  'x-ms-ratelimit-time-remaining-xrm-requests': string;
  'x-ms-dop-hint': string;
};

/** A refused request: answer 429 with the code of `reason` and this `Retry-After`. */
export interface Throttle {
  reason: ThrottleReason;
  /** Whole seconds until the limit that refused the request frees enough; at least 1. */
  retryAfterSeconds: number;
}

/** The outcome of {@link ServiceProtection.admit}. */
export type Admission =
  | { admitted: true; headers: RateLimitHeaders; /** Call once when the request has been answered. */ release(): void }
  | { admitted: false; headers: RateLimitHeaders; throttle: Throttle };

/**
 * One user's sliding window: the start time and execution time of every admitted request still in
 * the window, in admission order, in a ring of two typed arrays (numbers the garbage collector
 * never has to visit), and the running sums the limits are checked against. Requests are numbered
 * in admission order; the window holds numbers `first` to `next - 1`. Admitting, pruning and
 * releasing are O(1) (amortized) and allocate nothing but when the ring grows.
 */
class UserWindow {
  starts = new Float64Array(16);
  durations = new Float64Array(16);
  /** Number of the oldest request still in the window. */
  first = 0;
  /** Number the next admitted request gets. */
  next = 0;
  executionMs = 0;
  inFlight = 0;

  get count(): number {
    return this.next - this.first;
  }

  /** Start time of request number `n` (in the window). */
  startOf(n: number): number {
    return this.starts[n & (this.starts.length - 1)]!;
  }

  /** Execution time of request number `n` (in the window; 0 while it runs). */
  durationOf(n: number): number {
    return this.durations[n & (this.durations.length - 1)]!;
  }

  /** Drop the requests that started at or before `cutoff`, with their execution time. */
  prune(cutoff: number): void {
    const mask = this.starts.length - 1;
    while (this.first < this.next && this.starts[this.first & mask]! <= cutoff) {
      this.executionMs -= this.durations[this.first & mask]!;
      this.first++;
    }
    if (this.first === this.next) this.executionMs = 0;
  }

  /** Record a request starting at `now`; returns its number. */
  add(now: number): number {
    if (this.count === this.starts.length) this.#grow();
    const n = this.next++;
    const slot = n & (this.starts.length - 1);
    this.starts[slot] = now;
    this.durations[slot] = 0;
    this.inFlight++;
    return n;
  }

  /** Request number `n` finished at `now`; a request that has left the window no longer counts. */
  finish(n: number, now: number): void {
    this.inFlight--;
    if (n < this.first) return;
    const slot = n & (this.starts.length - 1);
    const duration = Math.max(0, now - this.starts[slot]!);
    this.durations[slot] = duration;
    this.executionMs += duration;
  }

  /** Double the ring (its length stays a power of two), keeping the order. */
  #grow(): void {
    const length = this.starts.length;
    const starts = new Float64Array(length * 2);
    const durations = new Float64Array(length * 2);
    for (let n = this.first; n < this.next; n++) {
      starts[n & (length * 2 - 1)] = this.starts[n & (length - 1)]!;
      durations[n & (length * 2 - 1)] = this.durations[n & (length - 1)]!;
    }
    this.starts = starts;
    this.durations = durations;
  }
}

/** An admitted request: `release()` once it has been answered (a second call does nothing). */
class Ticket {
  readonly admitted = true as const;
  readonly headers: RateLimitHeaders;
  readonly #window: UserWindow;
  readonly #number: number;
  readonly #clock: () => number;
  #released = false;

  constructor(headers: RateLimitHeaders, window: UserWindow, number: number, clock: () => number) {
    this.headers = headers;
    this.#window = window;
    this.#number = number;
    this.#clock = clock;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#window.finish(this.#number, this.#clock());
  }
}

/** Options of {@link ServiceProtection}. */
export interface ServiceProtectionOptions {
  /** Limits; omitted fields take Dataverse's defaults. @default DEFAULT_LIMITS */
  limits?: Partial<ServiceProtectionLimits>;
  /** Monotonic clock in milliseconds, injectable for tests. @default performance.now */
  clock?: () => number;
}

/** Tracks every user's requests and decides whether the next one is admitted. */
export class ServiceProtection {
  #limits: ServiceProtectionLimits;
  /** `x-ms-dop-hint` of the limits in force. */
  #dopHint: string;
  readonly #clock: () => number;
  readonly #users = new Map<string, UserWindow>();

  constructor(options: ServiceProtectionOptions = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#dopHint = String(dopHintOf(this.#limits));
    this.#clock = options.clock ?? (() => performance.now());
  }

  /** The limits in force. */
  get limits(): Readonly<ServiceProtectionLimits> {
    return this.#limits;
  }

  /** Replace the limits (`undefined` = Dataverse's defaults); usage already recorded is kept. */
  setLimits(limits: Partial<ServiceProtectionLimits> | undefined): void {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
    this.#dopHint = String(dopHintOf(this.#limits));
  }

  /** Admit or refuse one top-level request of `user`, starting now. */
  admit(user: string): Admission {
    const now = this.#clock();
    const limits = this.#limits;
    const window = this.#windowOf(user);
    window.prune(now - limits.windowMs);

    const reason = this.#refusal(window, limits);
    if (reason) {
      return {
        admitted: false,
        headers: this.#headers(window, limits),
        throttle: {
          reason,
          retryAfterSeconds: this.#retryAfterSeconds(reason, window, limits, now),
        },
      };
    }

    const number = window.add(now);
    return new Ticket(this.#headers(window, limits), window, number, this.#clock);
  }

  #windowOf(user: string): UserWindow {
    let window = this.#users.get(user);
    if (!window) {
      window = new UserWindow();
      this.#users.set(user, window);
    }
    return window;
  }

  #refusal(window: UserWindow, limits: ServiceProtectionLimits): ThrottleReason | undefined {
    if (window.inFlight >= limits.maxConcurrent) return 'concurrency';
    if (window.count >= limits.maxRequests) return 'requestCount';
    if (window.executionMs >= limits.maxExecutionMs) return 'executionTime';
    return undefined;
  }

  #retryAfterSeconds(reason: ThrottleReason, window: UserWindow, limits: ServiceProtectionLimits, now: number): number {
    let freedAt = now;
    if (reason === 'requestCount') {
      // The window admits again once enough of its oldest requests have left it.
      const leaving = window.first + (window.count - limits.maxRequests);
      if (leaving < window.next) freedAt = window.startOf(leaving) + limits.windowMs;
    } else if (reason === 'executionTime') {
      let remaining = window.executionMs;
      for (let n = window.first; n < window.next && remaining >= limits.maxExecutionMs; n++) {
        remaining -= window.durationOf(n);
        freedAt = window.startOf(n) + limits.windowMs;
      }
    }
    // Concurrency frees as soon as a request finishes; Dataverse still asks for a whole second.
    return Math.max(1, Math.ceil((freedAt - now) / 1000));
  }

  #headers(window: UserWindow, limits: ServiceProtectionLimits): RateLimitHeaders {
    return {
      'x-ms-ratelimit-burst-remaining-xrm-requests': String(Math.max(0, limits.maxRequests - window.count)),
      'x-ms-ratelimit-time-remaining-xrm-requests': formatRemainingSeconds(limits.maxExecutionMs - window.executionMs),
      'x-ms-dop-hint': this.#dopHint,
    };
  }
}
