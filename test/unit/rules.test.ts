import { describe, expect, it } from 'vitest';
import { RULES, validateJourney } from '../../src/validation/index.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('rule catalogue examples', () => {
  it('has unique ids: kebab-case for offline rules, server names for faults', () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id, rule.id).toMatch(rule.serverMessage ? /^(Error|Warning)[A-Za-z]+$/ : /^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.summary.length, rule.id).toBeGreaterThan(10);
      expect(rule.rationale.length, rule.id).toBeGreaterThan(10);
      expect(rule.sources.length, rule.id).toBeGreaterThan(0);
    }
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      it('reports its failing example', () => {
        const findings = validateJourney(rule.examples.failing, { now: NOW });
        const own = findings.filter((finding) => finding.ruleId === rule.id);
        expect(own.length, JSON.stringify(findings.map((f) => [f.ruleId, f.message]))).toBeGreaterThan(0);
        for (const finding of own) {
          expect(finding.severity).toBe(rule.defaultSeverity);
          expect(finding.message).not.toBe('');
          expect(typeof finding.location.pointer).toBe('string');
        }
      });

      it('passes its passing example without any error or warning', () => {
        const findings = validateJourney(rule.examples.passing, { now: NOW });
        expect(findings.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
      });

      it('is silent when turned off', () => {
        const findings = validateJourney(rule.examples.failing, { now: NOW, rules: { [rule.id]: 'off' } });
        expect(findings.filter((finding) => finding.ruleId === rule.id)).toEqual([]);
      });
    });
  }
});
