import { describe, expect, it } from 'vitest';
import { callerOf, ANONYMOUS_CALLER } from '../../src/emulator/protection/caller.js';
import { formatRemainingSeconds, groupThousands } from '../../src/emulator/protection/limits.js';
import { parseLimits } from '../../src/emulator/protection/parseLimits.js';
import { ServiceProtection, type Admission } from '../../src/emulator/protection/ServiceProtection.js';

/** A clock the test moves by hand, so window arithmetic is exact. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function unsignedJwt(payload: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

function admitted(admission: Admission): Extract<Admission, { admitted: true }> {
  if (!admission.admitted) throw new Error(`expected admission, got ${admission.throttle.reason}`);
  return admission;
}

describe('callerOf', () => {
  it('uses the oid claim of an unsigned JWT, else sub', () => {
    expect(callerOf(`Bearer ${unsignedJwt({ oid: '11111111-2222-3333-4444-555555555555', sub: 'x' })}`)).toBe('11111111-2222-3333-4444-555555555555');
    expect(callerOf(`Bearer ${unsignedJwt({ sub: 'app-user' })}`)).toBe('app-user');
  });

  it('hashes an opaque token and never returns it', () => {
    const key = callerOf('Bearer super-secret-token-value');
    expect(key).toMatch(/^token:[0-9a-f]{16}$/);
    expect(key).not.toContain('super-secret');
    expect(callerOf('Bearer super-secret-token-value')).toBe(key);
    expect(callerOf('Bearer another-token')).not.toBe(key);
  });

  it('does not trust claims with odd characters and treats no header as anonymous', () => {
    expect(callerOf(`Bearer ${unsignedJwt({ oid: '<script>' })}`)).toMatch(/^token:/);
    expect(callerOf(undefined)).toBe(ANONYMOUS_CALLER);
    expect(callerOf('')).toBe(ANONYMOUS_CALLER);
  });

  it('gives a token the same key however the header spells the scheme and spaces', () => {
    const jwt = unsignedJwt({ oid: '11111111-2222-3333-4444-555555555555' });
    for (const header of [`Bearer ${jwt}`, `bearer ${jwt}`, `  Bearer   ${jwt}  `, jwt]) expect(callerOf(header)).toBe('11111111-2222-3333-4444-555555555555');
    const opaque = callerOf('Bearer opaque-token-1');
    for (const header of ['BEARER opaque-token-1', 'opaque-token-1', ' opaque-token-1 ']) expect(callerOf(header)).toBe(opaque);
    expect(callerOf('Bearer tökén')).toBe(callerOf('bearer tökén'));
    expect(callerOf('Bearer tökén')).not.toBe(callerOf('Bearer token'));
    // Not a bearer header: the whole value is the token.
    expect(callerOf('Bearer ')).toBe(callerOf('Bearer'));
  });
});

describe('header formatting', () => {
  it('formats remaining execution seconds like Dataverse', () => {
    expect(formatRemainingSeconds(1_200_000)).toBe('1,200.00');
    expect(formatRemainingSeconds(1_199_994)).toBe('1,199.99');
    expect(formatRemainingSeconds(12_345_678_900)).toBe('12,345,678.90');
    expect(formatRemainingSeconds(-5)).toBe('0.00');
    expect(groupThousands(1_200_000)).toBe('1,200,000');
  });
});

describe('ServiceProtection', () => {
  it('counts requests in the window and answers 0x80072322 with Retry-After until the oldest leaves', () => {
    const clock = manualClock();
    const protection = new ServiceProtection({ limits: { windowMs: 10_000, maxRequests: 3 }, clock: clock.now });
    const first = admitted(protection.admit('u'));
    expect(first.headers['x-ms-ratelimit-burst-remaining-xrm-requests']).toBe('2');
    first.release();
    clock.advance(2_500);
    admitted(protection.admit('u')).release();
    admitted(protection.admit('u')).release();
    const refused = protection.admit('u');
    expect(refused.admitted).toBe(false);
    if (refused.admitted) return;
    expect(refused.throttle.reason).toBe('requestCount');
    // The first request (at t0) leaves the 10 s window 7.5 s from now: rounded up to 8 s.
    expect(refused.throttle.retryAfterSeconds).toBe(8);
    expect(refused.headers['x-ms-ratelimit-burst-remaining-xrm-requests']).toBe('0');
    // Refused requests do not count: once the first one slides out, one more is admitted.
    clock.advance(7_501);
    admitted(protection.admit('u')).release();
    expect(protection.admit('u').admitted).toBe(false);
  });

  it('keeps exact counts, times and Retry-After while the window holds many requests and slides', () => {
    const clock = manualClock();
    const protection = new ServiceProtection({ limits: { windowMs: 1_000, maxRequests: 100, maxExecutionMs: 1e9 }, clock: clock.now });
    // 70 requests 10 ms apart, each running 1 ms; a few left running across the slide.
    const running: ReturnType<typeof admitted>[] = [];
    for (let i = 0; i < 70; i++) {
      const ticket = admitted(protection.admit('u'));
      clock.advance(1);
      if (i % 20 === 0) running.push(ticket);
      else ticket.release();
      clock.advance(9);
    }
    // now = t0 + 700: all 70 in the window; 30 more fill it.
    for (let i = 0; i < 30; i++) admitted(protection.admit('u')).release();
    const refused = protection.admit('u');
    expect(refused.admitted).toBe(false);
    if (refused.admitted) return;
    expect(refused.throttle.reason).toBe('requestCount');
    // The first request (t0) leaves at t0 + 1000, 300 ms from now: 1 s.
    expect(refused.throttle.retryAfterSeconds).toBe(1);
    // 450 ms later the 16 requests of t0..t0+150 have left; 16 more are admitted, then refused again.
    clock.advance(450);
    for (let i = 0; i < 16; i++) admitted(protection.admit('u')).release();
    expect(protection.admit('u').admitted).toBe(false);
    // Releasing a request that has left the window does not count its time; one still in it does.
    for (const ticket of running) ticket.release();
    const after = protection.admit('u');
    expect(after.headers['x-ms-ratelimit-burst-remaining-xrm-requests']).toBe('0');
    // In the window: the requests of t0+160..t0+690 (54 of them: 51 ran 1 ms; those started at
    // t0+200, +400 and +600 ran until now, t0+1150: 950 + 750 + 550 ms), and 46 of 0 ms.
    expect(after.headers['x-ms-ratelimit-time-remaining-xrm-requests']).toBe(formatRemainingSeconds(1e9 - (51 + 950 + 750 + 550)));
  });

  it('agrees with a plain list of requests over a long random run (the window grows, wraps and slides)', () => {
    const clock = manualClock();
    const limits = { windowMs: 500, maxRequests: 40, maxExecutionMs: 900, maxConcurrent: 6 };
    const protection = new ServiceProtection({ limits, clock: clock.now });
    // The model: every admitted request with its start and (once released) its duration.
    const model: { start: number; duration: number; done: boolean }[] = [];
    const open: { ticket: ReturnType<typeof admitted>; entry: (typeof model)[number] }[] = [];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let step = 0; step < 5000; step++) {
      clock.advance(Math.floor(random() * 30));
      const now = clock.now();
      if (open.length > 0 && random() < 0.5) {
        const { ticket, entry } = open.splice(Math.floor(random() * open.length), 1)[0]!;
        ticket.release();
        entry.done = true;
        entry.duration = now - entry.start;
        continue;
      }
      const inWindow = model.filter((entry) => entry.start > now - limits.windowMs);
      const executionMs = inWindow.reduce((sum, entry) => sum + (entry.done ? entry.duration : 0), 0);
      const expected = open.length >= limits.maxConcurrent ? 'concurrency' : inWindow.length >= limits.maxRequests ? 'requestCount' : executionMs >= limits.maxExecutionMs ? 'executionTime' : undefined;
      const admission = protection.admit('u');
      expect(admission.admitted ? undefined : admission.throttle.reason).toBe(expected);
      expect(admission.headers['x-ms-ratelimit-time-remaining-xrm-requests']).toBe(formatRemainingSeconds(limits.maxExecutionMs - executionMs));
      if (admission.admitted) {
        const entry = { start: now, duration: 0, done: false };
        model.push(entry);
        open.push({ ticket: admission, entry });
        expect(admission.headers['x-ms-ratelimit-burst-remaining-xrm-requests']).toBe(String(limits.maxRequests - inWindow.length - 1));
      } else if (admission.throttle.reason === 'requestCount') {
        const leaving = inWindow[inWindow.length - limits.maxRequests]!;
        expect(admission.throttle.retryAfterSeconds).toBe(Math.max(1, Math.ceil((leaving.start + limits.windowMs - now) / 1000)));
      }
    }
  });

  it('keeps users apart', () => {
    const protection = new ServiceProtection({ limits: { maxRequests: 1 }, clock: manualClock().now });
    admitted(protection.admit('a')).release();
    expect(protection.admit('a').admitted).toBe(false);
    expect(protection.admit('b').admitted).toBe(true);
  });

  it('refuses the request beyond the concurrency limit immediately, with code reason concurrency and Retry-After >= 1', () => {
    const clock = manualClock();
    const protection = new ServiceProtection({ limits: { maxConcurrent: 2 }, clock: clock.now });
    const one = admitted(protection.admit('u'));
    const two = admitted(protection.admit('u'));
    const three = protection.admit('u');
    expect(three.admitted).toBe(false);
    if (!three.admitted) {
      expect(three.throttle.reason).toBe('concurrency');
      expect(three.throttle.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    one.release();
    admitted(protection.admit('u')).release();
    two.release();
  });

  it('sums execution time per window and answers 0x80072321 until enough time leaves', () => {
    const clock = manualClock();
    const protection = new ServiceProtection({ limits: { windowMs: 60_000, maxExecutionMs: 5_000 }, clock: clock.now });
    const slow = admitted(protection.admit('u'));
    clock.advance(3_000);
    slow.release(); // 3 s of execution, started at t0
    const slower = admitted(protection.admit('u'));
    expect(slower.headers['x-ms-ratelimit-time-remaining-xrm-requests']).toBe('2.00');
    clock.advance(2_500);
    slower.release(); // 2.5 s more, started at t0+3 s: 5.5 s in the window
    const refused = protection.admit('u');
    expect(refused.admitted).toBe(false);
    if (refused.admitted) return;
    expect(refused.throttle.reason).toBe('executionTime');
    // Dropping the first entry (t0 + 60 s) brings the sum to 2.5 s < 5 s; now is t0 + 5.5 s.
    expect(refused.throttle.retryAfterSeconds).toBe(55);
    expect(refused.headers['x-ms-ratelimit-time-remaining-xrm-requests']).toBe('0.00');
    clock.advance(54_501);
    expect(protection.admit('u').admitted).toBe(true);
  });

  it('sends the dop hint and applies new limits at runtime', () => {
    const protection = new ServiceProtection({ clock: manualClock().now });
    const first = admitted(protection.admit('u'));
    expect(first.headers['x-ms-dop-hint']).toBe('8');
    expect(first.headers['x-ms-ratelimit-burst-remaining-xrm-requests']).toBe('5999');
    expect(first.headers['x-ms-ratelimit-time-remaining-xrm-requests']).toBe('1,200.00');
    first.release();
    protection.setLimits({ windowMs: 300_000, maxRequests: 1, maxExecutionMs: 1_200_000, maxConcurrent: 52, dopHint: 3 });
    const refused = protection.admit('u');
    expect(refused.admitted).toBe(false);
    expect(refused.headers['x-ms-dop-hint']).toBe('3');
  });
});

describe('parseLimits', () => {
  it('fills defaults and keeps given values', () => {
    expect(parseLimits({ maxRequests: 10 })).toEqual({ windowMs: 300_000, maxRequests: 10, maxExecutionMs: 1_200_000, maxConcurrent: 52 });
  });

  it('names the file and pointer of a bad value', () => {
    expect(() => parseLimits({ maxConcurrent: 0 }, 'limits.json')).toThrowError(
      expect.objectContaining({ name: 'InputError', location: { file: 'limits.json', pointer: '/maxConcurrent' } }),
    );
    expect(() => parseLimits({ maxRequest: 5 }, 'limits.json')).toThrowError(/unknown property 'maxRequest'/);
    expect(() => parseLimits([], 'limits.json')).toThrowError(/expected an object/);
  });
});
