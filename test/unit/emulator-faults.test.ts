import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulator/faults/FaultInjector.js';
import { faultPathOf } from '../../src/emulator/faults/faultsPlugin.js';
import { parseFaultRules } from '../../src/emulator/faults/parseFaultRules.js';
import { seededRandom } from '../../src/util/seededRandom.js';
import { redactPath } from '../../src/emulator/requestLog/redact.js';
import { countBatchOperations } from '../../src/emulator/requestLog/requestLogPlugin.js';

describe('seededRandom', () => {
  it('replays the same sequence for the same seed and spreads over [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 1000 }, a);
    expect(Array.from({ length: 1000 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, seededRandom(43))).not.toEqual(first.slice(0, 5));
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = first.reduce((sum, x) => sum + x, 0) / first.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('FaultInjector', () => {
  it('fires with the configured probability, deterministically for a seed', () => {
    const rules = [{ probability: 0.3, status: 503 }];
    const injector = new FaultInjector(rules, 7);
    const fired = Array.from({ length: 2000 }, () => injector.decide('GET', 'contacts') !== undefined);
    const again = new FaultInjector(rules, 7);
    expect(Array.from({ length: 2000 }, () => again.decide('GET', 'contacts') !== undefined)).toEqual(fired);
    const rate = fired.filter(Boolean).length / fired.length;
    expect(rate).toBeGreaterThan(0.25);
    expect(rate).toBeLessThan(0.35);
    const other = new FaultInjector(rules, 8);
    expect(Array.from({ length: 2000 }, () => other.decide('GET', 'contacts') !== undefined)).not.toEqual(fired);
  });

  it('matches by method and path regex after the service root', () => {
    const injector = new FaultInjector([{ match: { method: 'post', path: '^contacts($|\\?)' }, probability: 1, status: 500 }], 1);
    expect(injector.decide('GET', 'contacts')).toBeUndefined();
    expect(injector.decide('POST', 'accounts')).toBeUndefined();
    expect(injector.decide('POST', 'contacts')?.action).toEqual({ kind: 'respond', status: 500, code: '0x80040216', message: 'An unexpected error occurred.' });
    expect(faultPathOf('/api/data/v9.2/contacts?$top=1')).toBe('contacts?$top=1');
    expect(faultPathOf('/api/data/v9.0/$batch')).toBe('$batch');
    expect(faultPathOf('/v1.0/users/x')).toBe('v1.0/users/x');
  });

  it('gives 429 its Dataverse code and a Retry-After that may be 0', () => {
    const injector = new FaultInjector([{ probability: 1, status: 429, retryAfterSeconds: 0 }], 1);
    expect(injector.decide('GET', 'contacts')?.action).toMatchObject({ kind: 'respond', status: 429, code: '0x80072322', retryAfterSeconds: 0 });
    const defaulted = new FaultInjector([{ probability: 1, status: 429 }], 1);
    expect(defaulted.decide('GET', 'x')?.action).toMatchObject({ retryAfterSeconds: 1 });
  });

  it('draws latency from a range and drops before or after', () => {
    const injector = new FaultInjector(
      [
        { match: { path: '^a' }, probability: 1, latencyMs: { min: 10, max: 20 } },
        { match: { path: '^b' }, probability: 1, drop: true },
        { match: { path: '^c' }, probability: 1, drop: true, when: 'after', latencyMs: 5 },
      ],
      3,
    );
    for (let i = 0; i < 50; i++) {
      const decision = injector.decide('GET', 'a')!;
      expect(decision.action).toEqual({ kind: 'delay' });
      expect(decision.latencyMs).toBeGreaterThanOrEqual(10);
      expect(decision.latencyMs).toBeLessThanOrEqual(20);
    }
    expect(injector.decide('GET', 'b')).toMatchObject({ action: { kind: 'drop', when: 'before' }, label: 'rule 1: drop before' });
    expect(injector.decide('GET', 'c')).toMatchObject({ action: { kind: 'drop', when: 'after' }, latencyMs: 5 });
  });

  it('tries rules in order and replaces them at runtime', () => {
    const injector = new FaultInjector([{ probability: 0, status: 500 }, { probability: 1, status: 503 }], 1);
    expect(injector.decide('GET', 'x')).toMatchObject({ ruleIndex: 1, label: 'rule 1: 503' });
    injector.setRules([]);
    expect(injector.active).toBe(false);
    expect(injector.decide('GET', 'x')).toBeUndefined();
  });
});

describe('parseFaultRules', () => {
  it('accepts an array or an object with a seed', () => {
    expect(parseFaultRules([{ probability: 0.5, status: 503 }])).toEqual({ rules: [{ probability: 0.5, status: 503 }] });
    expect(parseFaultRules({ seed: 9, faults: [{ probability: 1, drop: true, when: 'after' }] })).toEqual({
      seed: 9,
      rules: [{ probability: 1, drop: true, when: 'after' }],
    });
  });

  it.each([
    [[{ probability: 2 }], '/0/probability', /between 0 and 1/],
    [[{ probability: 1, match: { path: '(' } }], '/0/match/path', /not a valid regular expression/],
    [[{ probability: 1, status: 200 }], '/0/status', /between 400 and 599/],
    [[{ probability: 1, when: 'after' }], '/0/when', /only applies with/],
    [[{ probability: 1, latency: 5 }], '/0/latency', /unknown property 'latency'/],
    [{ faults: [{ probability: 1, latencyMs: { min: 5, max: 1 } }] }, '/faults/0/latencyMs/max', /between 5 and/],
    [[{ probability: 1, drop: true, status: 500 }], '/0', /not both/],
  ])('refuses %j at %s', (input, pointer, message) => {
    expect(() => parseFaultRules(input, 'faults.json')).toThrowError(message);
    expect(() => parseFaultRules(input, 'faults.json')).toThrowError(expect.objectContaining({ location: { file: 'faults.json', pointer } }));
  });
});

describe('request log helpers', () => {
  it('redacts credential-like query values but keeps OData options', () => {
    expect(redactPath('/api/data/v9.2/contacts?$filter=code eq 1&access_token=abc&sig=xyz&x=1')).toBe(
      '/api/data/v9.2/contacts?$filter=code eq 1&access_token=***&sig=***&x=1',
    );
    expect(redactPath('/api/data/v9.2/contacts')).toBe('/api/data/v9.2/contacts');
  });

  it('counts the operations of a batch body', () => {
    const body = [
      '--b',
      'Content-Type: application/http',
      '',
      'GET /api/data/v9.2/contacts HTTP/1.1',
      '--b',
      'Content-Type: multipart/mixed; boundary=c',
      '',
      '--c',
      'content-type: application/http',
      'Content-ID: 1',
      '',
      'POST /api/data/v9.2/contacts HTTP/1.1',
      '--c--',
      '--b--',
    ].join('\r\n');
    expect(countBatchOperations(Buffer.from(body))).toBe(2);
  });
});
