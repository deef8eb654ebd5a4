/**
 * Fuzz: 10,000+ seeded random mutations of the sample journeys never crash or hang the
 * validator; each yields well-formed findings or a clean result, and unparseable text is a
 * `definition-parse` finding.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INTERNAL_ERROR_RULE_ID, toValidationResult, validateJourney, type Finding } from '../../src/validation/index.js';
import { draftFields, simpleDefinition, splitterDefinition, triggerDefinition } from '../../src/validation/rules/examples.js';
import { seededRandom } from '../../src/util/seededRandom.js';

const ITERATIONS = 10_000;

function loadSamples(): unknown[][] {
  const folder = fileURLToPath(new URL('../../samples/definitions/', import.meta.url));
  const samples: unknown[][] = [simpleDefinition(), triggerDefinition(), splitterDefinition()];
  for (const name of readdirSync(folder)) {
    if (!name.endsWith('.json')) continue;
    const value: unknown = JSON.parse(readFileSync(folder + name, 'utf8'));
    if (Array.isArray(value)) samples.push(value);
  }
  return samples;
}

type Container = Record<string, unknown> | unknown[];

/** Every object and array inside a value, with the value itself first. */
function containers(value: unknown, out: Container[] = []): Container[] {
  if (typeof value === 'object' && value !== null) {
    out.push(value as Container);
    for (const child of Object.values(value)) containers(child, out);
  }
  return out;
}

const ODD_VALUES: unknown[] = [null, 0, -1, 1.5, '', 'x'.repeat(300), true, [], {}, [[]], { __proto__: null }, '01', '01_0', 'bpf_root', 'Trigger', 'YesBranch', 2 ** 53, Number.MAX_VALUE];

function mutate(definition: unknown[], next: () => number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const all = containers(definition);
  const target = pick(all);
  const keys = Object.keys(target);
  const key = keys.length ? pick(keys) : undefined;
  const activities = definition.filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null && !Array.isArray(a));
  switch (Math.floor(next() * 10)) {
    case 0: // delete a key
      if (key !== undefined) {
        if (Array.isArray(target)) target.splice(Number(key), 1);
        else delete target[key];
      }
      break;
    case 1: // change a type
      if (key !== undefined) (target as Record<string, unknown>)[key] = pick(ODD_VALUES);
      break;
    case 2: // duplicate an id
      if (activities.length > 1) pick(activities).ActivityId = pick(activities).ActivityId;
      break;
    case 3: // re-parent
      if (activities.length > 1) pick(activities).ParentActivityId = pick(activities).ActivityId;
      break;
    case 4: // truncate strings
      for (const container of all) for (const [k, v] of Object.entries(container)) if (typeof v === 'string') (container as Record<string, unknown>)[k] = v.slice(0, Math.floor(next() * v.length));
      break;
    case 5: // insert __proto__ / constructor keys as own properties
      if (!Array.isArray(target)) Object.defineProperty(target, pick(['__proto__', 'constructor', 'prototype']), { value: { polluted: true, ActivityId: 'x' }, enumerable: true, configurable: true, writable: true });
      break;
    case 6: // duplicate an activity or item
      if (Array.isArray(target) && target.length) target.push(structuredClone(pick(target)));
      break;
    case 7: // change branch ids and relationship types
      if (activities.length) {
        const activity = pick(activities);
        activity.ParentBranchId = Math.floor(next() * 4) - 1;
        activity.ParentRelationshipType = pick(['Default', 'yesbranch', 'NoBranch', 'Sideways', 3]);
      }
      break;
    case 8: // swap types between activities
      if (activities.length > 1) pick(activities).ActivityTypeId = pick(['Trigger', 'Splitter', 'SplitterBranch', 'Email', 'Segment', 'empty', 'bpf_root', 'Custom_x']);
      break;
    default: // nest deeply
      if (key !== undefined && !Array.isArray(target)) target[key] = JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`);
  }
  return definition;
}

function checkShape(finding: Finding): void {
  expect(typeof finding.ruleId).toBe('string');
  expect(['error', 'warning', 'info']).toContain(finding.severity);
  expect(typeof finding.activityId).toBe('string');
  expect(typeof finding.message).toBe('string');
  expect(finding.message.length).toBeGreaterThan(0);
  expect(Array.isArray(finding.arguments)).toBe(true);
  expect(typeof finding.location.pointer).toBe('string');
}

describe('fuzzing the validator', () => {
  it(`survives ${ITERATIONS} random mutations of the samples`, () => {
    const samples = loadSamples();
    const next = seededRandom(20261124);
    const counts = { clean: 0, withFindings: 0, parseFailures: 0 };
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const definition = structuredClone(samples[iteration % samples.length]!);
      const rounds = 1 + Math.floor(next() * 4);
      let mutated: unknown = definition;
      for (let round = 0; round < rounds; round++) mutated = mutate(mutated as unknown[], next);
      let input: unknown = mutated;
      let truncatedText = false;
      const mode = next();
      if (mode < 0.25) {
        input = JSON.stringify(mutated);
      } else if (mode < 0.35) {
        const text = JSON.stringify(mutated);
        input = text.slice(0, Math.floor(next() * text.length));
        truncatedText = true;
      }
      const fields = next() < 0.3 ? { ...draftFields(), msdyncrm_isrecurring: next() < 0.5, msdyncrm_recurrencecount: pick(next), msdyncrm_startdatetime: pick(next) } : undefined;
      const findings = validateJourney({ definition: input, ...(fields ? { fields } : {}), designerState: next() < 0.3 ? '{"NextActivityID":1' : undefined, baseline: next() < 0.1 ? { definition: samples[0], fields: { statuscode: 192350001 } } : undefined });
      expect(Array.isArray(findings)).toBe(true);
      for (const finding of findings) checkShape(finding);
      expect(findings.filter((finding) => finding.ruleId === INTERNAL_ERROR_RULE_ID)).toEqual([]);
      if (truncatedText) {
        let parses = true;
        try {
          JSON.parse(input as string);
        } catch {
          parses = false;
        }
        if (!parses) {
          expect(findings.map((finding) => finding.ruleId)).toContain('definition-parse');
          counts.parseFailures++;
        }
      }
      expect(() => JSON.stringify(toValidationResult(findings))).not.toThrow();
      if (findings.length === 0) counts.clean++;
      else counts.withFindings++;
    }
    expect(counts.clean + counts.withFindings).toBe(ITERATIONS);
    expect(counts.withFindings).toBeGreaterThan(ITERATIONS / 2);
    expect(counts.parseFailures).toBeGreaterThan(100);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

function pick(next: () => number): unknown {
  return ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
}
