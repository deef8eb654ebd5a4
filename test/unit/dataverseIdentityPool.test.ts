/** The identity pool over a scripted transport and a fake clock: spread, failover, waiting only when all are paused. */
import { describe, expect, it } from 'vitest';
import { composePipeline, createHeaders, IdentityPool, retryPolicy, RetryStrategy, type Clock, type PipelineRequest, type PipelineResponse } from '../../src/dataverse/index.js';

class FakeClock implements Clock {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += Math.max(0, ms);
  }
}

function request(): PipelineRequest {
  return { method: 'GET', url: 'http://127.0.0.1:1/api/data/v9.2/WhoAmI', headers: createHeaders(), idempotent: true, timeoutInMs: 1000, attempt: 1 };
}

function setUp(throttle: (token: string) => boolean): { clock: FakeClock; pool: IdentityPool; send: (r: PipelineRequest) => Promise<PipelineResponse> } {
  const clock = new FakeClock();
  const transport = async (req: PipelineRequest): Promise<PipelineResponse> => {
    const token = (req.headers['authorization'] ?? '').replace('Bearer ', '');
    const throttled = throttle(token);
    return { status: throttled ? 429 : 200, headers: createHeaders(throttled ? { 'retry-after': '5' } : {}), bodyText: '', request: req, attempts: 1 };
  };
  const pool = new IdentityPool(
    ['a', 'b', 'c'].map((t) => ({ name: t, auth: { token: t } })),
    { url: 'http://127.0.0.1:1' },
    { initialConcurrency: 2 },
    clock,
    { policies: [], transport },
  );
  const send = composePipeline([retryPolicy({ strategy: new RetryStrategy({ maxAttempts: 5 }, () => 0.5), clock, failover: () => pool.hasAvailable() }), pool.policy()], transport);
  return { clock, pool, send };
}

describe('IdentityPool', () => {
  it('spreads requests over every identity', async () => {
    const { pool, send } = setUp(() => false);
    await Promise.all(Array.from({ length: 30 }, () => send(request())));
    expect(pool.stats().map((s) => s.requests).every((n) => n >= 5)).toBe(true);
    expect(pool.stats().reduce((sum, s) => sum + s.requests, 0)).toBe(30);
  });

  it('fails a throttled request over to another identity at once, without waiting its Retry-After', async () => {
    const { clock, pool, send } = setUp((token) => token === 'a');
    const answers = await Promise.all(Array.from({ length: 12 }, () => send(request())));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(clock.sleeps.filter((ms) => ms > 0)).toEqual([]);
    const [a, b, c] = pool.stats();
    expect(a!.throttled).toBeGreaterThan(0);
    expect(a!.limiter.pausedUntil).toBe(clock.now() + 5000);
    expect(b!.requests + c!.requests).toBe(12);
  });

  it('waits for the earliest Retry-After only when every identity is paused', async () => {
    let attempts = 0;
    // The first attempt on each identity is throttled: all three are paused, then the pause ends.
    const { clock, pool, send } = setUp(() => ++attempts <= 3);
    const answer = await send(request());
    expect(answer.status).toBe(200);
    expect(pool.stats().map((s) => s.throttled)).toEqual([1, 1, 1]);
    expect(clock.sleeps.filter((ms) => ms > 0)).toEqual([5000]);
  });
});
