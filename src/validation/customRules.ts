/**
 * Custom rules: an organisation's own policies over the definition, written as JSONPath
 * selections with an assertion, and reported like built-in rules.
 *
 * JSONPath runs through jsonpath-plus with script evaluation disabled (`eval: false`): filter
 * expressions like `[?(@.x)]` would otherwise run code from the configuration file (on Node,
 * jsonpath-plus's "safe" mode is the same as native evaluation). Filtering is done instead by
 * `where`, a map of property values a selected node must have.
 */
import { JSONPath } from 'jsonpath-plus';
import { InputError, type InputLocation } from '../errors.js';
import type { Severity } from './finding.js';
import { isRecord, own } from './journeyModel.js';
import type { Report } from './rule.js';

/** Property values a selected node must have to count (compared with ===). */
export type WhereClause = Readonly<Record<string, string | number | boolean | null>>;

/** What must hold for the nodes a custom rule selects. */
export type CustomAssertion = 'match' | 'no-match' | { readonly min?: number; readonly max?: number };

/**
 * A custom rule from `.journeyctl.json`, e.g. "no journey uses the LinkedIn tile":
 * `{ "id": "no-linkedin", "message": "…", "selector": "$[*]", "where": { "ActivityTypeId": "LinkedInCampaign" }, "assert": "no-match" }`.
 */
export interface CustomRule {
  /** Kebab-case id; must not be a built-in rule's id. */
  readonly id: string;
  /** @default "error" */
  readonly severity?: Severity;
  /** What the finding says. */
  readonly message: string;
  /** JSONPath over the definition, or over each node `forEach` selects (`$` is that node). */
  readonly selector: string;
  readonly where?: WhereClause;
  /** Evaluate the assertion once per node this selects, instead of once per definition. */
  readonly forEach?: { readonly selector: string; readonly where?: WhereClause };
  /** `match`: at least one node; `no-match`: none (one finding per node); `{min,max}`: count within bounds. */
  readonly assert: CustomAssertion;
}

interface Selected {
  value: unknown;
  pointer: string;
}

function select(json: unknown, path: string, where: WhereClause | undefined, basePointer: string): Selected[] {
  const results = JSONPath({ path, json: json as object, eval: false, resultType: 'all', wrap: true }) as { value: unknown; pointer: string }[];
  const selected: Selected[] = [];
  for (const result of results) {
    if (where && !matchesWhere(result.value, where)) continue;
    selected.push({ value: result.value, pointer: basePointer + result.pointer });
  }
  return selected;
}

function matchesWhere(value: unknown, where: WhereClause): boolean {
  if (!isRecord(value)) return false;
  for (const key of Object.keys(where)) {
    if (own(value, key) !== where[key]) return false;
  }
  return true;
}

/** ActivityId of the activity a pointer into the definition falls in, or "". */
function activityAt(definition: unknown[], pointer: string): string {
  const match = /^\/(\d+)(?:\/|$)/.exec(pointer);
  const activity = match ? definition[Number(match[1])] : undefined;
  const id = isRecord(activity) ? own(activity, 'ActivityId') : undefined;
  return typeof id === 'string' ? id : '';
}

/** Run one custom rule over a parsed definition, reporting through `report`. */
export function runCustomRules(rule: CustomRule, definition: unknown[], report: (report: Report) => void): void {
  const scopes = rule.forEach ? select(definition, rule.forEach.selector, rule.forEach.where, '') : [{ value: definition, pointer: '' }];
  for (const scope of scopes) {
    const matches = select(scope.value, rule.selector, rule.where, scope.pointer);
    const assertion = rule.assert;
    if (assertion === 'no-match') {
      for (const match of matches) report({ activityId: activityAt(definition, match.pointer), message: rule.message, pointer: match.pointer });
    } else if (assertion === 'match') {
      if (matches.length === 0) report({ activityId: activityAt(definition, scope.pointer), message: rule.message, pointer: scope.pointer });
    } else {
      const count = matches.length;
      if ((assertion.min !== undefined && count < assertion.min) || (assertion.max !== undefined && count > assertion.max)) {
        const bounds = `${assertion.min ?? 0}..${assertion.max ?? '∞'}`;
        report({ activityId: activityAt(definition, scope.pointer), message: `${rule.message} (found ${count}, expected ${bounds})`, arguments: [String(count)], pointer: scope.pointer });
      }
    }
  }
}

const SEVERITIES = new Set(['error', 'warning', 'info']);
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function fail(message: string, location: InputLocation): never {
  throw new InputError(message, location, { hint: 'see docs/rules.md, "Custom rules"' });
}

function readWhere(value: unknown, location: InputLocation): WhereClause | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail('"where" must be an object of property values', location);
  const where = Object.create(null) as Record<string, string | number | boolean | null>;
  for (const key of Object.keys(value)) {
    const entry = value[key];
    if (entry !== null && !['string', 'number', 'boolean'].includes(typeof entry)) {
      fail(`"where.${key}" must be a string, number, boolean or null`, location);
    }
    Object.defineProperty(where, key, { value: entry, enumerable: true });
  }
  return where;
}

function readSelector(value: unknown, location: InputLocation): string {
  if (typeof value !== 'string' || !value.startsWith('$')) fail('a selector must be a JSONPath string starting with "$"', location);
  try {
    JSONPath({ path: value, json: [], eval: false, wrap: true });
  } catch (error) {
    fail(`selector ${JSON.stringify(value)} is not usable: ${(error as Error).message} (filter expressions are disabled; use "where")`, location);
  }
  return value;
}

/**
 * Check and copy a custom rule from configuration. Throws an `InputError` naming the file and
 * pointer of the first problem.
 */
export function parseCustomRule(value: unknown, location: InputLocation, builtInIds: ReadonlySet<string>): CustomRule {
  const at = (key: string): InputLocation => ({ ...location, pointer: `${location.pointer ?? ''}/${key}` });
  if (!isRecord(value)) fail('a custom rule must be an object', location);
  const id = own(value, 'id');
  if (typeof id !== 'string' || !KEBAB.test(id)) fail('a custom rule needs a kebab-case "id", e.g. "no-linkedin-tiles"', at('id'));
  if (builtInIds.has(id)) fail(`custom rule id "${id}" is a built-in rule's id; choose another`, at('id'));
  const severity = own(value, 'severity');
  if (severity !== undefined && (typeof severity !== 'string' || !SEVERITIES.has(severity))) fail('"severity" must be error, warning or info', at('severity'));
  const message = own(value, 'message');
  if (typeof message !== 'string' || message.trim() === '') fail('a custom rule needs a "message"', at('message'));
  const selector = readSelector(own(value, 'selector'), at('selector'));
  const where = readWhere(own(value, 'where'), at('where'));
  const rawForEach = own(value, 'forEach');
  let forEach: CustomRule['forEach'];
  if (rawForEach !== undefined) {
    if (!isRecord(rawForEach)) fail('"forEach" must be an object with a "selector"', at('forEach'));
    forEach = { selector: readSelector(own(rawForEach, 'selector'), at('forEach/selector')), where: readWhere(own(rawForEach, 'where'), at('forEach/where')) };
  }
  const rawAssert = own(value, 'assert');
  let assert: CustomAssertion;
  if (rawAssert === 'match' || rawAssert === 'no-match') assert = rawAssert;
  else if (isRecord(rawAssert)) {
    const min = own(rawAssert, 'min');
    const max = own(rawAssert, 'max');
    for (const [key, bound] of [['min', min], ['max', max]] as const) {
      if (bound !== undefined && (typeof bound !== 'number' || !Number.isInteger(bound) || bound < 0)) fail(`"assert.${key}" must be a non-negative integer`, at(`assert/${key}`));
    }
    if (min === undefined && max === undefined) fail('"assert" needs "min" and/or "max"', at('assert'));
    assert = { min: min as number | undefined, max: max as number | undefined };
  } else {
    fail('"assert" must be "match", "no-match" or {"min": n, "max": m}', at('assert'));
  }
  return { id, severity: severity as Severity | undefined, message, selector, where, forEach, assert };
}
