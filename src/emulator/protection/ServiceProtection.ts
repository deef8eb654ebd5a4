/**
 * Per-user service protection: a sliding window of requests and their execution time, and a count
 * of requests in flight. Dataverse evaluates the count and time limits after the fact (a client can
 * overshoot within a window before 429s start) and the concurrency limit immediately; so does this.
 * https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
 */
import { DEFAULT_LIMITS, dopHintOf, formatRemainingSeconds, type ServiceProtectionLimits, type ThrottleReason } from './limits.js';

/** The rate-limit headers sent on every response. */
export interface RateLimitHeaders {
  'x-ms-ratelimit-burst-remaining-xrm-requests': string;
  'x-ms-ratelimit-time-remaining-xrm-requests': string;
  'x-ms-dop-hint': string;
}

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

interface WindowEntry {
  startedAt: number;
  durationMs: number;
  /** Set when the entry has left the window, so a late release does not count its time. */
  expired: boolean;
}

class UserWindow {
  readonly entries: WindowEntry[] = [];
  head = 0;
  executionMs = 0;
  inFlight = 0;

  prune(cutoff: number): void {
    while (this.head < this.entries.length && this.entries[this.head]!.startedAt <= cutoff) {
      const entry = this.entries[this.head]!;
      this.executionMs -= entry.durationMs;
      entry.expired = true;
      this.head++;
    }
    // Compact now and then so the array stays proportional to the window.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }

  get count(): number {
    return this.entries.length - this.head;
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
  readonly #clock: () => number;
  readonly #users = new Map<string, UserWindow>();

  constructor(options: ServiceProtectionOptions = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#clock = options.clock ?? (() => performance.now());
  }

  /** The limits in force. */
  get limits(): Readonly<ServiceProtectionLimits> {
    return this.#limits;
  }

  /** Replace the limits (`undefined` = Dataverse's defaults); usage already recorded is kept. */
  setLimits(limits: Partial<ServiceProtectionLimits> | undefined): void {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
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

    const entry: WindowEntry = { startedAt: now, durationMs: 0, expired: false };
    window.entries.push(entry);
    window.inFlight++;
    const headers = this.#headers(window, limits);
    let released = false;
    return {
      admitted: true,
      headers,
      release: () => {
        if (released) return;
        released = true;
        window.inFlight--;
        // A request that outlived the window no longer counts.
        if (entry.expired) return;
        entry.durationMs = Math.max(0, this.#clock() - entry.startedAt);
        window.executionMs += entry.durationMs;
      },
    };
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
      const leaving = window.entries[window.head + (window.count - limits.maxRequests)];
      if (leaving) freedAt = leaving.startedAt + limits.windowMs;
    } else if (reason === 'executionTime') {
      let remaining = window.executionMs;
      for (let i = window.head; i < window.entries.length && remaining >= limits.maxExecutionMs; i++) {
        const entry = window.entries[i]!;
        remaining -= entry.durationMs;
        freedAt = entry.startedAt + limits.windowMs;
      }
    }
    // Concurrency frees as soon as a request finishes; Dataverse still asks for a whole second.
    return Math.max(1, Math.ceil((freedAt - now) / 1000));
  }

  #headers(window: UserWindow, limits: ServiceProtectionLimits): RateLimitHeaders {
    return {
      'x-ms-ratelimit-burst-remaining-xrm-requests': String(Math.max(0, limits.maxRequests - window.count)),
      'x-ms-ratelimit-time-remaining-xrm-requests': formatRemainingSeconds(limits.maxExecutionMs - window.executionMs),
      'x-ms-dop-hint': String(dopHintOf(limits)),
    };
  }
}
