/** Validation of fault rules read from JSON (`--faults FILE`, `startEmulator({ faults })`). */
import { checkKeys, checkNumber, configError, isObject, type ConfigSource } from '../ops/configInput.js';
import type { FaultRule } from './FaultRule.js';

const RULE_KEYS = ['match', 'probability', 'status', 'code', 'message', 'retryAfterSeconds', 'latencyMs', 'drop', 'when'] as const;
const MATCH_KEYS = ['method', 'path'] as const;
const MAX_LATENCY_MS = 600_000;

/**
 * Check a JSON value (an array of rules, or `{ "faults": [...], "seed": n }`) and return the rules
 * and the seed. Throws an `InputError` with the file and JSON pointer of the first problem.
 */
export function parseFaultRules(value: unknown, file?: string): { rules: FaultRule[]; seed?: number } {
  const source: ConfigSource = { what: 'fault rules', ...(file ? { file } : {}) };
  let list: unknown = value;
  let seed: number | undefined;
  let base: (string | number)[] = [];
  if (isObject(value)) {
    checkKeys(source, [], value, ['faults', 'seed']);
    list = value.faults;
    base = ['faults'];
    if (value.seed !== undefined) seed = checkNumber(source, ['seed'], value.seed, { min: 0, max: 2 ** 32 - 1, integer: true });
  }
  if (!Array.isArray(list)) configError(source, base, 'expected an array of fault rules', 'e.g. [{"match":{"method":"POST","path":"^contacts"},"probability":0.1,"status":503}]');
  return { rules: list.map((rule, index) => checkRule(source, [...base, index], rule)), ...(seed !== undefined ? { seed } : {}) };
}

function checkRule(source: ConfigSource, path: (string | number)[], value: unknown): FaultRule {
  if (!isObject(value)) configError(source, path, 'expected a fault rule object');
  checkKeys(source, path, value, RULE_KEYS);
  const rule: FaultRule = { probability: checkNumber(source, [...path, 'probability'], value.probability, { min: 0, max: 1 }) };
  if (value.match !== undefined) {
    const match = value.match;
    if (!isObject(match)) configError(source, [...path, 'match'], 'expected an object with method and/or path');
    checkKeys(source, [...path, 'match'], match, MATCH_KEYS);
    rule.match = {};
    if (match.method !== undefined) {
      if (typeof match.method !== 'string' || !/^[A-Za-z]+$/.test(match.method)) configError(source, [...path, 'match', 'method'], 'expected an HTTP method such as "POST"');
      rule.match.method = match.method.toUpperCase();
    }
    if (match.path !== undefined) {
      if (typeof match.path !== 'string') configError(source, [...path, 'match', 'path'], 'expected a regular expression string');
      try {
        new RegExp(match.path);
      } catch (error) {
        configError(source, [...path, 'match', 'path'], `not a valid regular expression: ${(error as Error).message}`);
      }
      rule.match.path = match.path;
    }
  }
  if (value.status !== undefined) rule.status = checkNumber(source, [...path, 'status'], value.status, { min: 400, max: 599, integer: true });
  for (const key of ['code', 'message'] as const) {
    if (value[key] === undefined) continue;
    if (typeof value[key] !== 'string') configError(source, [...path, key], 'expected a string');
    rule[key] = value[key];
  }
  if (value.retryAfterSeconds !== undefined) {
    rule.retryAfterSeconds = checkNumber(source, [...path, 'retryAfterSeconds'], value.retryAfterSeconds, { min: 0, max: 86_400, integer: true });
  }
  if (value.latencyMs !== undefined) {
    const latency = value.latencyMs;
    if (isObject(latency)) {
      checkKeys(source, [...path, 'latencyMs'], latency, ['min', 'max']);
      const min = checkNumber(source, [...path, 'latencyMs', 'min'], latency.min, { min: 0, max: MAX_LATENCY_MS });
      const max = checkNumber(source, [...path, 'latencyMs', 'max'], latency.max, { min, max: MAX_LATENCY_MS });
      rule.latencyMs = { min, max };
    } else {
      rule.latencyMs = checkNumber(source, [...path, 'latencyMs'], latency, { min: 0, max: MAX_LATENCY_MS });
    }
  }
  if (value.drop !== undefined) {
    if (typeof value.drop !== 'boolean') configError(source, [...path, 'drop'], 'expected true or false');
    rule.drop = value.drop;
  }
  if (value.when !== undefined) {
    if (value.when !== 'before' && value.when !== 'after') configError(source, [...path, 'when'], "expected 'before' or 'after'");
    if (!rule.drop) configError(source, [...path, 'when'], "'when' only applies with \"drop\": true");
    rule.when = value.when;
  }
  if (rule.drop && rule.status !== undefined) configError(source, path, "a rule either drops the connection or answers with a status, not both");
  return rule;
}
