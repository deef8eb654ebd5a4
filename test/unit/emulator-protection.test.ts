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
