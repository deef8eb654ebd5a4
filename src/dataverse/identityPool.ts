/**
 * A pool of identities (application users, each with its own credential). Dataverse's
 * service-protection limits are per user per web server, so several users multiply the ceiling:
 * https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
 * Each identity has its own token provider and its own concurrency limiter (fed by its own
 * `x-ms-dop-hint` and `Retry-After`); each attempt goes to the identity with the most room that is
 * not paused by a `Retry-After`, so a throttled identity's work fails over to the others.
 */
import { abortReason, type Clock } from './clock.js';
import { resolveConnection, type AuthSetting, type ConnectionOptions } from './connection.js';
import { AdaptiveConcurrencyLimiter, type ConcurrencyOptions, type LimiterState } from './limiter.js';
import { composePipeline, type PipelinePolicy, type SendRequest } from './pipeline.js';
import { authPolicy } from './policies/authPolicy.js';
import { concurrencyPolicy } from './policies/concurrencyPolicy.js';

/** One identity of a pool. */
export interface IdentityOptions {
  /** A label for statistics and logs (never a secret). @default `identity <n>` */
  name?: string;
  auth: AuthSetting;
}

/** What one identity did, for logs, tests and benchmarks. */
export interface IdentityStats {
  name: string;
  /** Attempts sent with this identity. */
  requests: number;
  /** Of which answered 429. */
  throttled: number;
  limiter: LimiterState;
}

interface Member {
  name: string;
  limiter: AdaptiveConcurrencyLimiter;
  send: SendRequest;
  requests: number;
  throttled: number;
  /** Chosen but not yet holding a limiter slot (choosing and acquiring are a microtask apart). */
  reserved: number;
}

/** The identities of one client. */
export class IdentityPool {
  private readonly members: Member[];
  private next = 0;
  /** Attempts waiting for an identity with room (none is queued inside one identity's limiter). */
  private waiters: (() => void)[] = [];
  private timer: Promise<void> | undefined;

  constructor(
    identities: readonly IdentityOptions[],
    connection: Pick<ConnectionOptions, 'url' | 'apiVersion' | 'env'>,
    concurrency: ConcurrencyOptions | undefined,
    private readonly clock: Clock,
    /** Policies after auth (logging), then the transport. */
    tail: { policies: readonly PipelinePolicy[]; transport: SendRequest },
  ) {
    if (identities.length === 0) throw new RangeError('An identity pool needs at least one identity');
    this.members = identities.map((identity, index) => {
      const { tokens } = resolveConnection({ ...connection, auth: identity.auth });
      const limiter = new AdaptiveConcurrencyLimiter(concurrency, clock);
      const member: Member = { name: identity.name ?? `identity ${index + 1}`, limiter, send: () => Promise.reject(new Error('unreachable')), requests: 0, throttled: 0, reserved: 0 };
      const count: PipelinePolicy = {
        name: 'identityStats',
        async sendRequest(request, next) {
          member.requests++;
          // The concurrency policy takes its slot synchronously from here on.
          member.reserved--;
          const response = await next(request);
          if (response.status === 429) member.throttled++;
          return response;
        },
      };
      member.send = composePipeline([count, concurrencyPolicy(limiter, clock), ...(tokens ? [authPolicy(tokens)] : []), ...tail.policies], tail.transport);
      return member;
    });
  }

  get size(): number {
    return this.members.length;
  }

  /** The first identity's limiter (the client's `limiter`). */
  get primaryLimiter(): AdaptiveConcurrencyLimiter {
    return this.members[0]!.limiter;
  }

  /** Whether some identity may send right now (not paused by a `Retry-After`). */
  hasAvailable(): boolean {
    const now = this.clock.now();
    return this.members.some((m) => m.limiter.state().pausedUntil <= now);
  }

  /** Per identity: requests, 429s and limiter state. */
  stats(): IdentityStats[] {
    return this.members.map((m) => ({ name: m.name, requests: m.requests, throttled: m.throttled, limiter: m.limiter.state() }));
  }

  /**
   * The identity for the next attempt: among those not paused by a `Retry-After` and with a free
   * slot, the one with the most free room, round robin among equals; `undefined` when none has.
   * An attempt waits in the pool rather than in one identity's queue, so a pause of one identity
   * never holds work another could send.
   */
  private pick(): Member | undefined {
    const now = this.clock.now();
    const n = this.members.length;
    let best: Member | undefined;
    let bestRoom = 0;
    for (let k = 0; k < n; k++) {
      const member = this.members[(this.next + k) % n]!;
      const state = member.limiter.state();
      if (state.pausedUntil > now) continue;
      const room = (state.limit - state.inFlight - state.queued - member.reserved) / Math.max(1, state.limit);
      if (room > bestRoom) {
        best = member;
        bestRoom = room;
      }
    }
    this.next = (this.next + 1) % n;
    if (best) best.reserved++;
    return best;
  }

  private async choose(abortSignal: AbortSignal | undefined): Promise<Member> {
    for (;;) {
      if (abortSignal?.aborted) throw abortReason(abortSignal);
      const member = this.pick();
      if (member) return member;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          abortSignal?.removeEventListener('abort', done);
          resolve();
        };
        this.waiters.push(done);
        abortSignal?.addEventListener('abort', done, { once: true });
        this.armTimer();
      });
    }
  }

  /** When every identity is paused, wake the waiters as the earliest pause ends. */
  private armTimer(): void {
    if (this.timer) return;
    const now = this.clock.now();
    const ends = this.members.map((m) => m.limiter.state().pausedUntil).filter((t) => t > now);
    if (ends.length < this.members.length) return;
    this.timer = this.clock.sleep(Math.min(...ends) - now).then(() => {
      this.timer = undefined;
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** The pipeline's last policy: sends each attempt with the identity {@link pick} chooses. */
  policy(): PipelinePolicy {
    return {
      name: 'identityPool',
      sendRequest: async (request) => {
        const member = await this.choose(request.abortSignal);
        try {
          return await member.send(request);
        } finally {
          // A slot came free (or a pause began): let the waiting attempts choose again.
          this.wake();
        }
      },
    };
  }
}
