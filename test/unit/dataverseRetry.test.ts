import { describe, expect, it } from 'vitest';
import {
  AdaptiveConcurrencyLimiter,
  NetworkError,
  createHeaders,
  credentialTokenProvider,
  resolveRetryOptions,
  retryPolicy,
  RetryStrategy,
  type Clock,
  type PipelineRequest,
  type PipelineResponse,
  type RetryInfo,
} from '../../src/dataverse/index.js';
import { FakeClientSecretCredential } from '../helpers/credentials.js';

/** Virtual time: sleeping advances the clock at once, so minutes of backoff take microseconds. */
class FakeClock implements Clock {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number, abortSignal?: AbortSignal): Promise<void> {
    if (abortSignal?.aborted) throw abortSignal.reason;
    this.sleeps.push(ms);
    this.time += Math.max(0, ms);
  }
}

function request(method: PipelineRequest['method'] = 'GET', idempotent = method !== 'POST'): PipelineRequest {
  return { method, url: 'http://127.0.0.1/api/data/v9.2/contacts', headers: createHeaders(), idempotent, timeoutInMs: 1000, attempt: 1 };
}

function answer(req: PipelineRequest, status: number, headers: Record<string, string> = {}): PipelineResponse {
  return { status, headers: createHeaders(headers), bodyText: '', request: req, attempts: 1 };
}

function networkError(code: string): NetworkError {
  return new NetworkError(`socket ${code}`, { status: 0, code, retryable: true });
}

/** A `next` that plays a script of answers (status numbers or network error codes). */
function scripted(script: (number | string)[], headers: Record<string, string> = {}) {
  const calls: number[] = [];
  const next = async (req: PipelineRequest): Promise<PipelineResponse> => {
    calls.push(req.attempt);
    const step = script.shift();
    if (step === undefined) throw new Error('script exhausted');
    if (typeof step === 'string') throw networkError(step);
    return answer(req, step, step === 429 ? headers : {});
  };
  return { next, calls };
}

describe('retryPolicy', () => {
  const options = resolveRetryOptions({ maxAttempts: 5, baseDelayInMs: 100, maxDelayInMs: 1000, maxRetryDurationInMs: 60_000 });

  it('waits exactly Retry-After after a 429, then succeeds', async () => {
    const clock = new FakeClock();
    const retries: RetryInfo[] = [];
    const policy = retryPolicy({ strategy: new RetryStrategy(options, () => 0.5), clock, onRetry: (i) => retries.push(i) });
    const { next, calls } = scripted([429, 200], { 'retry-after': '3' });
    const response = await policy.sendRequest(request('POST', false), next);
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(2);
    expect(calls).toEqual([1, 2]);
    expect(clock.sleeps).toEqual([3000]);
    expect(retries).toEqual([expect.objectContaining({ status: 429, retryAfterInMs: 3000, delayInMs: 3000, attempt: 1 })]);
  });

  it('honours Retry-After: 0 without waiting', async () => {
    const clock = new FakeClock();
    const policy = retryPolicy({ strategy: new RetryStrategy(options), clock });
    const { next } = scripted([429, 429, 204], { 'retry-after': '0' });
    expect((await policy.sendRequest(request(), next)).status).toBe(204);
    expect(clock.sleeps).toEqual([0, 0]);
  });

  it('backs off exponentially for 503 on idempotent requests only', async () => {
    const clock = new FakeClock();
    const policy = retryPolicy({ strategy: new RetryStrategy(options, () => 0), clock });
    const idempotent = scripted([503, 502, 504, 200]);
    expect((await policy.sendRequest(request('PATCH'), idempotent.next)).status).toBe(200);
    expect(clock.sleeps).toEqual([50, 100, 200]);

    const action = scripted([503, 200]);
    const response = await policy.sendRequest(request('POST', false), action.next);
    expect(response.status).toBe(503);
    expect(action.calls).toEqual([1]);
  });

  it('retries connection failures of idempotent requests, and of any request never sent', async () => {
    const clock = new FakeClock();
    const policy = retryPolicy({ strategy: new RetryStrategy(options, () => 0), clock });
    expect((await policy.sendRequest(request('POST', true), scripted(['ECONNRESET', 'ETIMEDOUT', 201]).next)).status).toBe(201);
    await expect(policy.sendRequest(request('POST', false), scripted(['ECONNRESET', 200]).next)).rejects.toMatchObject({ name: 'NetworkError', code: 'ECONNRESET' });
    expect((await policy.sendRequest(request('POST', false), scripted(['ECONNREFUSED', 200]).next)).status).toBe(200);
  });

  it('stops after maxAttempts and reports the attempts', async () => {
    const clock = new FakeClock();
    const policy = retryPolicy({ strategy: new RetryStrategy(options), clock });
    const { next, calls } = scripted([429, 429, 429, 429, 429, 429], { 'retry-after': '1' });
    const response = await policy.sendRequest(request(), next);
    expect(response.status).toBe(429);
    expect(response.attempts).toBe(5);
    expect(calls).toEqual([1, 2, 3, 4, 5]);
    const network = scripted(['ECONNRESET', 'ECONNRESET', 'ECONNRESET', 'ECONNRESET', 'ECONNRESET']);
    await expect(policy.sendRequest(request(), network.next)).rejects.toMatchObject({ name: 'NetworkError', attempts: 5 });
  });

  it('does not wait past the total retry duration', async () => {
    const clock = new FakeClock();
    const policy = retryPolicy({ strategy: new RetryStrategy(options), clock });
    const { next, calls } = scripted([429, 200], { 'retry-after': '120' });
    const response = await policy.sendRequest(request(), next);
    expect(response.status).toBe(429);
    expect(calls).toEqual([1]);
    expect(clock.sleeps).toEqual([]);
  });

  it('stops retrying when the caller aborts', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const policy = retryPolicy({ strategy: new RetryStrategy(options), clock });
    const req = { ...request(), abortSignal: controller.signal };
    const next = async (r: PipelineRequest): Promise<PipelineResponse> => {
      controller.abort(new Error('stop'));
      return answer(r, 503);
    };
    const response = await policy.sendRequest(req, next);
    expect(response.status).toBe(503);
  });

  it('does not retry client errors', async () => {
    const clock = new FakeClock();
    const policy = retryPolicy({ strategy: new RetryStrategy(options), clock });
    const { next, calls } = scripted([400, 200]);
    expect((await policy.sendRequest(request(), next)).status).toBe(400);
    expect(calls).toEqual([1]);
  });
});

describe('AdaptiveConcurrencyLimiter', () => {
  it('never lets more than the limit run, and queues the rest in order', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveConcurrencyLimiter({ initialConcurrency: 2, maxConcurrency: 10 }, clock);
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    const order: string[] = [];
    const c = limiter.acquire().then((p) => (order.push('c'), p));
    const d = limiter.acquire().then((p) => (order.push('d'), p));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(limiter.state()).toMatchObject({ inFlight: 2, queued: 2 });
    a.release();
    a.release(); // a second release is ignored
    const pc = await c;
    expect(order).toEqual(['c']);
    expect(limiter.state()).toMatchObject({ inFlight: 2, queued: 1 });
    b.release();
    (await d).release();
    pc.release();
    expect(limiter.state()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('starts from the first x-ms-dop-hint, grows additively and halves once per burst of 429s', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveConcurrencyLimiter({ initialConcurrency: 4, maxConcurrency: 52 }, clock);
    limiter.observeDopHint(8);
    expect(limiter.limit).toBe(8);
    limiter.observeDopHint(2); // later hints do not reset what was learnt
    expect(limiter.limit).toBe(8);
    for (let i = 0; i < 8; i++) limiter.onSuccess();
    expect(limiter.limit).toBe(8);
    limiter.onSuccess();
    expect(limiter.limit).toBe(9);
    const early = await limiter.acquire();
    const early2 = await limiter.acquire();
    clock.time += 1;
    limiter.onThrottled(early, undefined);
    expect(limiter.limit).toBe(4);
    limiter.onThrottled(early2, undefined); // same burst: sent before the decrease
    expect(limiter.limit).toBe(4);
    const late = await limiter.acquire();
    limiter.onThrottled(late, undefined);
    expect(limiter.limit).toBe(2);
    for (const p of [early, early2, late]) p.release();
    const counted = await limiter.acquire();
    limiter.onThrottled(counted, 1000, '0x80072322'); // too many requests: waiting helps, fewer in parallel does not
    expect(limiter.limit).toBe(2);
    counted.release();
    const floor = new AdaptiveConcurrencyLimiter({ initialConcurrency: 1, minConcurrency: 1 }, clock);
    const p = await floor.acquire();
    floor.onThrottled(p, undefined);
    expect(floor.limit).toBe(1);
  });

  it('grants nothing until a Retry-After pause has elapsed', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveConcurrencyLimiter({ initialConcurrency: 4 }, clock);
    const permit = await limiter.acquire();
    const throttledAt = clock.now();
    limiter.onThrottled(permit, 5000);
    permit.release();
    const next = await limiter.acquire();
    expect(next.grantedAt).toBeGreaterThanOrEqual(throttledAt + 5000);
    next.release();
  });

  it('removes an aborted waiter from the queue', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveConcurrencyLimiter({ initialConcurrency: 1 }, clock);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(limiter.state().queued).toBe(0);
    held.release();
    expect(limiter.state().inFlight).toBe(0);
  });
});

describe('credentialTokenProvider', () => {
  it('caches the token, shares one pending request and refreshes before expiry', async () => {
    const clock = new FakeClock();
    const credential = new FakeClientSecretCredential('tenant', 'app', 's3cret', { lifetimeInMs: 3_600_000, now: () => clock.now() });
    const tokens = credentialTokenProvider(credential, 'https://org.crm.dynamics.com/.default', { clock, refreshBeforeExpiryInMs: 300_000 });
    const [a, b] = await Promise.all([tokens.getToken(), tokens.getToken()]);
    expect(a).toBe(b);
    expect(credential.tokensIssued).toBe(1);
    expect(credential.requests).toEqual(['https://org.crm.dynamics.com/.default']);
    clock.time += 3_600_000 - 300_001;
    expect(await tokens.getToken()).toBe(a);
    clock.time += 2;
    const refreshed = await tokens.getToken();
    expect(refreshed).not.toBe(a);
    expect(credential.tokensIssued).toBe(2);
    tokens.invalidate();
    expect(await tokens.getToken()).not.toBe(refreshed);
  });

  it('turns a credential failure into an AuthenticationError without the original object', async () => {
    const failing = { getToken: async () => Promise.reject(new Error('AADSTS7000215: Invalid client secret provided.')) };
    const tokens = credentialTokenProvider(failing, 'https://org.crm.dynamics.com/.default');
    await expect(tokens.getToken()).rejects.toMatchObject({ name: 'AuthenticationError', kind: 'service' });
    await expect(tokens.getToken()).rejects.toThrow(/AADSTS7000215/);
  });
});
