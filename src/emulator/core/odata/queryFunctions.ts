/**
 * The `Microsoft.Dynamics.CRM.*` query functions of `$filter`: the comparison family (Between,
 * NotBetween, In, NotIn) and the date family (Today, Yesterday, Tomorrow, LastXDays, NextXDays,
 * OlderThanXDays, On, OnOrAfter, OnOrBefore, NotOn, ThisMonth, …), e.g.
 * `$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)`, with
 * parameter aliases (`PropertyName=@p1&@p1='createdon'`).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#dataverse-query-functions
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/queryfunctions
 *
 * Dates are evaluated in UTC (Dataverse uses the caller's time zone) and weeks start on Sunday.
 * "Now" comes from {@link queryClock}, which tests replace with {@link setQueryClock}.
 */
import { badRequest, notImplemented } from '../errors.js';
import type { RowValues } from '../types.js';

export const QUERY_FUNCTION_PREFIX = 'Microsoft.Dynamics.CRM.';

/** A parsed call: the function name (without the namespace) and its named parameters. */
export interface QueryFunctionCall {
  name: string;
  parameters: Map<string, QueryFunctionValue>;
  position: number;
}

export type QueryFunctionValue = string | number | boolean | null | QueryFunctionValue[];

/** The current time in ms since the epoch; replaceable for tests. */
let queryClock: () => number = () => Date.now();

/** Replaces the clock the date functions use (tests); returns a function restoring the previous one. */
export function setQueryClock(now: () => number): () => void {
  const previous = queryClock;
  queryClock = now;
  return () => {
    queryClock = previous;
  };
}

function callError(call: { name: string; position: number }, message: string) {
  return badRequest(`Microsoft.Dynamics.CRM.${call.name} at position ${call.position} in $filter: ${message}`);
}

/** Length of a call `Microsoft.Dynamics.CRM.Name(...)` at the start of `text`, quotes respected; 0 when it is not one. */
export function queryFunctionCallLength(text: string): number {
  const match = /^Microsoft\.Dynamics\.CRM\.[A-Za-z]+\s*\(/.exec(text);
  if (!match) return 0;
  let depth = 0;
  let quoted = false;
  for (let i = match[0].length - 1; i < text.length; i++) {
    const char = text[i]!;
    if (char === "'") {
      if (quoted && text[i + 1] === "'") {
        i++;
        continue;
      }
      quoted = !quoted;
    } else if (!quoted && (char === '(' || char === '[')) depth++;
    else if (!quoted && (char === ')' || char === ']')) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return 0;
}

/** Parses one literal: `'text'` (with `''`), number, true/false/null, or `[a,b]`. */
function parseValue(text: string, call: { name: string; position: number }, aliases: ReadonlyMap<string, string>, depth = 0): QueryFunctionValue {
  const value = text.trim();
  if (value.startsWith('@')) {
    const assigned = aliases.get(value);
    if (assigned === undefined) return null;
    if (depth > 0) throw callError(call, `the parameter alias '${value}' cannot stand for another alias.`);
    return parseValue(assigned, call, aliases, depth + 1);
  }
  if (value.startsWith("'")) {
    if (!value.endsWith("'") || value.length < 2) throw callError(call, `the string ${value.slice(0, 50)} is not terminated.`);
    return value.slice(1, -1).replace(/''/g, "'");
  }
  if (value.startsWith('[')) {
    if (!value.endsWith(']')) throw callError(call, `the list ${value.slice(0, 50)} is not closed.`);
    const inner = value.slice(1, -1).trim();
    if (inner === '') return [];
    return splitArguments(inner, call).map((item) => {
      // Lists take JSON-style double-quoted strings as the docs show them: ["1","2"].
      const trimmed = item.trim();
      if (trimmed.startsWith('"')) {
        try {
          return JSON.parse(trimmed) as string;
        } catch {
          throw callError(call, `the list item ${trimmed.slice(0, 50)} is not a valid string.`);
        }
      }
      return parseValue(trimmed, call, aliases, depth + 1);
    });
  }
  if (value === 'null') return null;
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  // Unquoted dates and GUIDs are accepted as they are in other literals.
  if (/^\d{4}-\d{2}-\d{2}/.test(value) || /^[0-9a-fA-F]{8}-/.test(value)) return value;
  throw callError(call, `'${value.slice(0, 50)}' is not a valid parameter value.`);
}

/** Splits on commas outside quotes and brackets. */
function splitArguments(text: string, call: { name: string; position: number }): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      current += char;
      if (char === quote) {
        if (text[i + 1] === quote) {
          current += text[++i];
          continue;
        }
        quote = undefined;
      }
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === '[' || char === '(') depth++;
    else if (char === ']' || char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (quote || depth !== 0) throw callError(call, 'unbalanced quotes or brackets.');
  parts.push(current);
  return parts;
}

/** Parses the text of a call (as measured by {@link queryFunctionCallLength}). */
export function parseQueryFunctionCall(text: string, position: number, aliases: ReadonlyMap<string, string>): QueryFunctionCall {
  const open = text.indexOf('(');
  const name = text.slice(QUERY_FUNCTION_PREFIX.length, open).trim();
  const call: QueryFunctionCall = { name, parameters: new Map(), position };
  const inner = text.slice(open + 1, -1).trim();
  if (inner === '') return call;
  for (const part of splitArguments(inner, call)) {
    const equals = part.indexOf('=');
    if (equals < 0) throw callError(call, `the argument '${part.trim().slice(0, 50)}' must be written Name=value.`);
    const parameter = part.slice(0, equals).trim();
    if (call.parameters.has(parameter)) throw callError(call, `the parameter '${parameter}' is given twice.`);
    call.parameters.set(parameter, parseValue(part.slice(equals + 1), call, aliases));
  }
  return call;
}

/** How the compiler reads a property: its stored key and value kind. */
export interface QueryFunctionProperty {
  key: string;
  kind: string;
}

type Range = { from?: number; to?: number; fromInclusive?: boolean; toInclusive?: boolean };

const DAY = 86_400_000;

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
}

function addYears(ms: number, years: number): number {
  const date = new Date(ms);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.getTime();
}

function startOfWeek(ms: number): number {
  const day = startOfDay(ms);
  return day - new Date(day).getUTCDay() * DAY;
}

function startOfMonth(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function startOfYear(ms: number): number {
  return Date.UTC(new Date(ms).getUTCFullYear(), 0, 1);
}

/** Functions without a count parameter: the range they cover, relative to now. */
const FIXED_RANGES: Record<string, (now: number) => Range> = {
  Today: (now) => ({ from: startOfDay(now), to: startOfDay(now) + DAY }),
  Yesterday: (now) => ({ from: startOfDay(now) - DAY, to: startOfDay(now) }),
  Tomorrow: (now) => ({ from: startOfDay(now) + DAY, to: startOfDay(now) + 2 * DAY }),
  Last7Days: (now) => ({ from: startOfDay(now) - 7 * DAY, to: now, toInclusive: true }),
  Next7Days: (now) => ({ from: now, to: startOfDay(now) + 8 * DAY }),
  ThisWeek: (now) => ({ from: startOfWeek(now), to: startOfWeek(now) + 7 * DAY }),
  LastWeek: (now) => ({ from: startOfWeek(now) - 7 * DAY, to: startOfWeek(now) }),
  NextWeek: (now) => ({ from: startOfWeek(now) + 7 * DAY, to: startOfWeek(now) + 14 * DAY }),
  ThisMonth: (now) => ({ from: startOfMonth(now), to: addMonths(startOfMonth(now), 1) }),
  LastMonth: (now) => ({ from: addMonths(startOfMonth(now), -1), to: startOfMonth(now) }),
  NextMonth: (now) => ({ from: addMonths(startOfMonth(now), 1), to: addMonths(startOfMonth(now), 2) }),
  ThisYear: (now) => ({ from: startOfYear(now), to: addYears(startOfYear(now), 1) }),
  LastYear: (now) => ({ from: addYears(startOfYear(now), -1), to: startOfYear(now) }),
  NextYear: (now) => ({ from: addYears(startOfYear(now), 1), to: addYears(startOfYear(now), 2) }),
};

/**
 * Functions with a count X (`PropertyValue`): "last" ranges run from the start of the day X units
 * ago to now, "next" ranges from now to the end of the day X units ahead; hours are exact.
 * "Older than" is before now minus X (minutes, hours) or before the start of the day X units ago.
 */
const COUNTED_RANGES: Record<string, (now: number, x: number) => Range> = {
  LastXHours: (now, x) => ({ from: now - x * 3_600_000, to: now, toInclusive: true }),
  NextXHours: (now, x) => ({ from: now, to: now + x * 3_600_000, toInclusive: true }),
  LastXDays: (now, x) => ({ from: startOfDay(now) - x * DAY, to: now, toInclusive: true }),
  NextXDays: (now, x) => ({ from: now, to: startOfDay(now) + (x + 1) * DAY }),
  LastXWeeks: (now, x) => ({ from: startOfDay(now) - 7 * x * DAY, to: now, toInclusive: true }),
  NextXWeeks: (now, x) => ({ from: now, to: startOfDay(now) + (7 * x + 1) * DAY }),
  LastXMonths: (now, x) => ({ from: addMonths(startOfDay(now), -x), to: now, toInclusive: true }),
  NextXMonths: (now, x) => ({ from: now, to: addMonths(startOfDay(now), x) + DAY }),
  LastXYears: (now, x) => ({ from: addYears(startOfDay(now), -x), to: now, toInclusive: true }),
  NextXYears: (now, x) => ({ from: now, to: addYears(startOfDay(now), x) + DAY }),
  OlderThanXMinutes: (now, x) => ({ to: now - x * 60_000 }),
  OlderThanXHours: (now, x) => ({ to: now - x * 3_600_000 }),
  OlderThanXDays: (now, x) => ({ to: startOfDay(now) - x * DAY }),
  OlderThanXWeeks: (now, x) => ({ to: startOfDay(now) - 7 * x * DAY }),
  OlderThanXMonths: (now, x) => ({ to: addMonths(startOfDay(now), -x) }),
  OlderThanXYears: (now, x) => ({ to: addYears(startOfDay(now), -x) }),
};

/** Functions on a given date (`PropertyValue='2024-05-01'`). */
const ON_DATE = new Set(['On', 'NotOn', 'OnOrAfter', 'OnOrBefore']);

/**
 * Query functions Dataverse has that the emulator does not evaluate: they need the caller's
 * identity, the user and team hierarchy, the fiscal calendar or multi-select choices.
 */
const NOT_EVALUATED = new Set([
  'Above', 'AboveOrEqual', 'Under', 'UnderOrEqual', 'NotUnder', 'ContainValues', 'DoesNotContainValues',
  'EqualBusinessId', 'NotBusinessId', 'EqualRoleBusinessId', 'EqualUserId', 'NotUserId', 'EqualUserLanguage',
  'EqualUserOrUserHierarchy', 'EqualUserOrUserHierarchyAndTeams', 'EqualUserOrUserTeams', 'EqualUserTeams',
  'InFiscalPeriod', 'InFiscalPeriodAndYear', 'InFiscalYear', 'InOrAfterFiscalPeriodAndYear', 'InOrBeforeFiscalPeriodAndYear',
  'LastFiscalPeriod', 'LastFiscalYear', 'LastXFiscalPeriods', 'LastXFiscalYears', 'NextFiscalPeriod', 'NextFiscalYear',
  'NextXFiscalPeriods', 'NextXFiscalYears', 'ThisFiscalPeriod', 'ThisFiscalYear',
]);

function inRange(ms: number, range: Range): boolean {
  if (range.from !== undefined && (range.fromInclusive === false ? ms <= range.from : ms < range.from)) return false;
  if (range.to !== undefined && (range.toInclusive ? ms > range.to : ms >= range.to)) return false;
  return true;
}

function dateOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Normalizes a stored value or a literal for equality and order: lower-case text, epoch ms for dates. */
function comparable(kind: string, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (kind === 'string' || kind === 'guid') return String(value).toLowerCase();
  if (kind === 'datetime') return dateOf(String(value)) ?? null;
  if (kind === 'number') return typeof value === 'number' ? value : Number(value);
  return value as string | number | boolean;
}

/**
 * Compiles a call to a row predicate. `resolve` maps a property name to its stored key and kind
 * (the same resolution `$filter` uses, so unknown names are the same 400).
 */
export function compileQueryFunction(call: QueryFunctionCall, resolve: (name: string) => QueryFunctionProperty): (values: RowValues) => boolean {
  const { name } = call;
  if (NOT_EVALUATED.has(name)) throw notImplemented(`the query function 'Microsoft.Dynamics.CRM.${name}'`);
  const known = name in FIXED_RANGES || name in COUNTED_RANGES || ON_DATE.has(name) || ['Between', 'NotBetween', 'In', 'NotIn'].includes(name);
  if (!known) throw badRequest(`The query function 'Microsoft.Dynamics.CRM.${name}' does not exist. See https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/queryfunctions for the names (they are case-sensitive).`);
  const allowed = name in FIXED_RANGES ? ['PropertyName'] : ['Between', 'NotBetween', 'In', 'NotIn'].includes(name) ? ['PropertyName', 'PropertyValues'] : ['PropertyName', 'PropertyValue'];
  for (const parameter of call.parameters.keys()) {
    if (!allowed.includes(parameter)) throw callError(call, `'${parameter}' is not a parameter of this function; it takes ${allowed.join(' and ')}.`);
  }
  for (const parameter of allowed) if (!call.parameters.has(parameter)) throw callError(call, `the parameter '${parameter}' is missing.`);
  const propertyName = call.parameters.get('PropertyName');
  if (typeof propertyName !== 'string') throw callError(call, 'PropertyName must be a string naming a column.');
  const property = resolve(propertyName);
  const key = property.key;

  if (name in FIXED_RANGES || name in COUNTED_RANGES || ON_DATE.has(name)) {
    if (property.kind !== 'datetime') throw callError(call, `the column '${propertyName}' is not a date and time column.`);
    if (ON_DATE.has(name)) {
      const day = dateOf(call.parameters.get('PropertyValue'));
      if (day === undefined) throw callError(call, 'PropertyValue must be a date such as \'2024-05-01\'.');
      const start = startOfDay(day);
      const range: Range =
        name === 'OnOrAfter' ? { from: start } : name === 'OnOrBefore' ? { to: start + DAY } : { from: start, to: start + DAY };
      const negate = name === 'NotOn';
      return (values) => {
        const ms = dateOf(values[key]);
        if (ms === undefined) return false;
        return inRange(ms, range) !== negate;
      };
    }
    let rangeOf: (now: number) => Range;
    if (name in COUNTED_RANGES) {
      const x = call.parameters.get('PropertyValue');
      const count = typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : x;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw callError(call, 'PropertyValue must be a whole number of at least 0.');
      rangeOf = (now) => COUNTED_RANGES[name]!(now, count);
    } else rangeOf = FIXED_RANGES[name]!;
    // "Now" is read once per query, so every row of a page sees the same range.
    let cached: { at: number; range: Range } | undefined;
    return (values) => {
      const ms = dateOf(values[key]);
      if (ms === undefined) return false;
      const now = queryClock();
      if (!cached || cached.at !== now) cached = { at: now, range: rangeOf(now) };
      return inRange(ms, cached.range);
    };
  }

  const list = call.parameters.get('PropertyValues');
  if (!Array.isArray(list) || list.length === 0) throw callError(call, 'PropertyValues must be a non-empty list such as ["1","2"].');
  if (property.kind === 'other') throw callError(call, `the column '${propertyName}' cannot be compared.`);
  const literals = list.map((item) => {
    if (Array.isArray(item)) throw callError(call, 'PropertyValues cannot contain lists.');
    const normalized = comparable(property.kind, item);
    if (normalized === null || (typeof normalized === 'number' && Number.isNaN(normalized))) {
      throw callError(call, `the value ${JSON.stringify(item)} does not fit the column '${propertyName}'.`);
    }
    return normalized;
  });
  if (name === 'Between' || name === 'NotBetween') {
    if (literals.length !== 2) throw callError(call, 'PropertyValues must hold exactly two values, the lower and the upper bound.');
    const [low, high] = literals as [string | number, string | number];
    const negate = name === 'NotBetween';
    return (values) => {
      const value = comparable(property.kind, values[key]);
      if (value === null) return false;
      return (value >= low && value <= high) !== negate;
    };
  }
  const set = new Set(literals);
  const negate = name === 'NotIn';
  return (values) => {
    const value = comparable(property.kind, values[key]);
    if (value === null) return false;
    return set.has(value) !== negate;
  };
}
