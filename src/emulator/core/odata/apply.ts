/**
 * `$apply`: the subset of the OData aggregation extension Dataverse serves — `filter(...)`,
 * `groupby((a,b))`, `groupby((a),aggregate(...))` and `aggregate(...)` with `sum`, `average`,
 * `min`, `max`, `countdistinct` and `$count`, chained with `/`. Groups by a single-valued
 * navigation's column (`primarycontactid/fullname`) come back as `<table>_<column>`. Aggregates
 * run over at most 50,000 rows (AggregateQueryRecordLimit); grouping by a date and ordering by an
 * aggregate are refused as Dataverse refuses them.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/aggregate-data
 * https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/aggregate-data#per-query-limit
 */
import { WebApiError, badRequest, notImplemented, unknownProperty } from '../errors.js';
import type { ResolvedEntity, ResolvedRegistry } from '../entities/registry.js';
import type { EmulatorStore } from '../store.js';
import type { AttributeDefinition, RowValues } from '../types.js';
import { compileFilter, parseFilter, resolveProperty, type PropertyAccess, type RowPredicate } from './filter.js';
import { splitTopLevel } from './query.js';

/** Rows an aggregate may read (AggregateQueryRecordLimit). */
export const AGGREGATE_RECORD_LIMIT = 50_000;

/** 400 `0x8004e023`: the aggregate would read more than 50,000 rows. */
export function aggregateLimitExceeded(): WebApiError {
  return new WebApiError(400, '0x8004e023', `AggregateQueryRecordLimit exceeded. Cannot perform this operation. An aggregate reads at most ${AGGREGATE_RECORD_LIMIT.toLocaleString('en-US')} rows; add a filter.`);
}

export type AggregateMethod = 'sum' | 'average' | 'min' | 'max' | 'countdistinct' | 'countcolumn' | 'count';

export interface AggregateExpression {
  /** Undefined for `$count`. */
  access?: PropertyAccess;
  method: AggregateMethod;
  alias: string;
}

/** One grouping property: a column of the table, or a column of a single-valued navigation's table. */
export interface GroupProperty {
  /** Name in the output row. */
  output: string;
  /** The column read (for formatted values). */
  attribute?: AttributeDefinition;
  /** Reads the value from a row of the queried table. */
  read(values: RowValues): unknown;
  kind: string;
}

export interface ApplyPlan {
  filters: RowPredicate[];
  /** The `filter(...)` expressions as written. */
  filterTexts: string[];
  groupBy?: GroupProperty[];
  aggregates: AggregateExpression[];
}

/** `splitTopLevel` of the query options, naming `$apply` in its error. */
const splitApply = (text: string, separator: string): string[] => splitTopLevel(text, separator, '$apply');

/** `name(inner)` -> inner, or undefined when `text` is not a call of `name`. */
function callOf(text: string, name: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith(`${name}(`) || !trimmed.endsWith(')')) return undefined;
  return trimmed.slice(name.length + 1, -1);
}

const ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parseAggregates(text: string, entity: ResolvedEntity): AggregateExpression[] {
  return splitApply(text, ',').map((item) => {
    const words = item.trim().split(/\s+/);
    if (words.length === 3 && words[0] === '$count' && words[1] === 'as') {
      if (!ALIAS.test(words[2]!)) throw badRequest(`The alias '${words[2]}' in $apply is not a valid name.`);
      return { method: 'count' as const, alias: words[2]! };
    }
    if (words.length !== 5 || words[1] !== 'with' || words[3] !== 'as') {
      throw badRequest(`The aggregate expression '${item.trim()}' is not valid; write '<column> with <sum|average|min|max|countdistinct> as <alias>' or '$count as <alias>'.`);
    }
    const [name, , method, , alias] = words as [string, string, string, string, string];
    if (!['sum', 'average', 'min', 'max', 'countdistinct'].includes(method)) {
      throw badRequest(`The aggregate method '${method}' is not supported; Dataverse supports sum, average, min, max, countdistinct and $count.`);
    }
    if (!ALIAS.test(alias)) throw badRequest(`The alias '${alias}' in $apply is not a valid name.`);
    if (name.includes('/')) throw notImplemented(`aggregating a related table's column ('${name}') in $apply`);
    const access = resolveProperty(entity, name);
    if ((method === 'sum' || method === 'average') && access.kind !== 'number') {
      throw badRequest(`The aggregate method '${method}' needs a numeric column; '${name}' is not one.`);
    }
    return { access, method: method as AggregateMethod, alias };
  });
}

function parseGroupProperty(name: string, entity: ResolvedEntity, registry: ResolvedRegistry, read: (entitySet: string, id: string) => RowValues | undefined): GroupProperty {
  const slash = name.indexOf('/');
  if (slash < 0) {
    const access = resolveProperty(entity, name);
    if (access.kind === 'datetime') throw badRequest(`Grouping by the date and time column '${name}' is not supported in $apply.`);
    return { output: name, kind: access.kind, attribute: access.attribute, read: (values) => values[access.key] };
  }
  const navigation = name.slice(0, slash);
  const column = name.slice(slash + 1);
  const lookup = entity.navigation.get(navigation);
  if (!lookup) throw unknownProperty(navigation, entity.definition.logicalName);
  const targetSet = entity.navigationTargets.get(navigation) ?? lookup.targets?.[0];
  const target = targetSet === undefined ? undefined : registry.resolved(targetSet);
  if (!target || column.includes('/')) throw notImplemented(`grouping by '${name}' in $apply`);
  const access = resolveProperty(target, column);
  if (access.kind === 'datetime') throw badRequest(`Grouping by the date and time column '${name}' is not supported in $apply.`);
  return {
    output: `${target.definition.logicalName}_${column}`,
    kind: access.kind,
    attribute: access.attribute,
    read: (values) => {
      const id = values[lookup.name];
      if (typeof id !== 'string') return undefined;
      return read(target.definition.entitySet, id)?.[access.key];
    },
  };
}

/** Parses a `$apply` value against a table. */
export function parseApply(
  text: string,
  entity: ResolvedEntity,
  registry: ResolvedRegistry,
  aliases: ReadonlyMap<string, string>,
  read: (entitySet: string, id: string) => RowValues | undefined,
): ApplyPlan {
  if (text.trim() === '') throw badRequest('The $apply query option is empty.');
  const plan: ApplyPlan = { filters: [], filterTexts: [], aggregates: [] };
  let aggregated = false;
  for (const step of splitApply(text, '/')) {
    if (aggregated) throw notImplemented(`a transformation after groupby or aggregate in $apply ('${step.trim().slice(0, 100)}')`);
    const filter = callOf(step, 'filter');
    if (filter !== undefined) {
      plan.filters.push(compileFilter(parseFilter(filter, aliases), entity));
      plan.filterTexts.push(filter);
      continue;
    }
    const aggregate = callOf(step, 'aggregate');
    if (aggregate !== undefined) {
      plan.aggregates = parseAggregates(aggregate, entity);
      aggregated = true;
      continue;
    }
    const groupBy = callOf(step, 'groupby');
    if (groupBy !== undefined) {
      const parts = splitApply(groupBy, ',');
      const properties = callOf(parts[0] ?? '', '');
      if (properties === undefined || parts.length > 2) throw badRequest(`The groupby transformation '${step.trim()}' is not valid; write groupby((col1,col2)) or groupby((col1),aggregate(...)).`);
      plan.groupBy = splitApply(properties, ',').map((name) => parseGroupProperty(name.trim(), entity, registry, read));
      if (parts.length === 2) {
        const inner = callOf(parts[1]!, 'aggregate');
        if (inner === undefined) throw notImplemented(`the transformation '${parts[1]!.trim().slice(0, 100)}' inside groupby`);
        plan.aggregates = parseAggregates(inner, entity);
      }
      aggregated = true;
      continue;
    }
    const name = /^\s*([A-Za-z]+)\s*\(/.exec(step)?.[1];
    if (name && ['compute', 'expand', 'search', 'topcount', 'bottomcount', 'concat', 'identity'].includes(name)) throw notImplemented(`the $apply transformation '${name}'`);
    throw badRequest(`The $apply transformation '${step.trim().slice(0, 100)}' is not valid; Dataverse supports filter, groupby and aggregate.`);
  }
  return plan;
}

type Sortable = string | number | boolean | null;

function sortable(kind: string, value: unknown): Sortable {
  if (value === null || value === undefined) return null;
  if (kind === 'string' || kind === 'guid') return String(value).toLowerCase();
  if (kind === 'datetime') return Date.parse(String(value));
  return value as number | boolean;
}

function compare(a: Sortable, b: Sortable): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** Runs a plan over the rows of a table (after `rowFilter`, the `$filter` of the request). */
export function runApply(store: EmulatorStore, entitySet: string, plan: ApplyPlan, rowFilter?: RowPredicate): Record<string, unknown>[] {
  const filters = rowFilter ? [rowFilter, ...plan.filters] : plan.filters;
  const rows: RowValues[] = [];
  for (const row of store.scan(entitySet)) {
    if (!filters.every((filter) => filter(row.values))) continue;
    rows.push(row.values);
    if (plan.aggregates.length > 0 && rows.length > AGGREGATE_RECORD_LIMIT) throw aggregateLimitExceeded();
  }
  if (!plan.groupBy && plan.aggregates.length === 0) return rows.map((values) => ({ ...values }));

  const groups = new Map<string, { keys: unknown[]; rows: RowValues[] }>();
  const groupBy = plan.groupBy ?? [];
  for (const values of rows) {
    const keys = groupBy.map((property) => property.read(values) ?? null);
    const id = JSON.stringify(keys.map((key, i) => sortable(groupBy[i]!.kind, key)));
    let group = groups.get(id);
    if (!group) {
      group = { keys, rows: [] };
      groups.set(id, group);
    }
    group.rows.push(values);
  }
  // An aggregate without groupby answers one row even over no rows.
  if (groupBy.length === 0 && groups.size === 0) groups.set('[]', { keys: [], rows: [] });

  const ordered = [...groups.values()].sort((x, y) => {
    for (let i = 0; i < groupBy.length; i++) {
      const order = compare(sortable(groupBy[i]!.kind, x.keys[i]), sortable(groupBy[i]!.kind, y.keys[i]));
      if (order !== 0) return order;
    }
    return 0;
  });
  return ordered.map((group) => {
    const out: Record<string, unknown> = {};
    // Null group values are left out of the row, as Dataverse does.
    groupBy.forEach((property, i) => {
      if (group.keys[i] !== null && group.keys[i] !== undefined) out[property.output] = group.keys[i];
    });
    for (const aggregate of plan.aggregates) out[aggregate.alias] = aggregateValue(aggregate, group.rows);
    return out;
  });
}

function aggregateValue(aggregate: AggregateExpression, rows: RowValues[]): unknown {
  if (aggregate.method === 'count') return rows.length;
  const access = aggregate.access!;
  const values = rows.map((row) => row[access.key]).filter((value) => value !== null && value !== undefined);
  switch (aggregate.method) {
    case 'countcolumn':
      return values.length;
    case 'countdistinct':
      return new Set(values.map((value) => sortable(access.kind, value))).size;
    case 'sum':
      return values.length === 0 ? null : values.reduce((total: number, value) => total + Number(value), 0);
    case 'average':
      return values.length === 0 ? null : values.reduce((total: number, value) => total + Number(value), 0) / values.length;
    default: {
      if (values.length === 0) return null;
      let best = values[0];
      for (const value of values) {
        const order = compare(sortable(access.kind, value), sortable(access.kind, best));
        if (aggregate.method === 'min' ? order < 0 : order > 0) best = value;
      }
      return best;
    }
  }
}

const FORMATTED = 'OData.Community.Display.V1.FormattedValue';
const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
const moneyFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

function formatted(attribute: AttributeDefinition | undefined, value: unknown, counted: boolean): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (counted || !attribute) return typeof value === 'number' ? numberFormat.format(value) : undefined;
  if (attribute.options && typeof value === 'number') return attribute.options.labels[value];
  if (attribute.type === 'boolean') return value === true ? 'Yes' : 'No';
  if (typeof value !== 'number') return undefined;
  return attribute.type === 'money' ? moneyFormat.format(value) : numberFormat.format(value);
}

/**
 * Adds `<name>@OData.Community.Display.V1.FormattedValue` before each group value and aggregate
 * that has one, as Dataverse does when the formatted values are asked for.
 */
export function withFormattedValues(rows: Record<string, unknown>[], plan: ApplyPlan): Record<string, unknown>[] {
  const groups = new Map((plan.groupBy ?? []).map((property) => [property.output, property.attribute]));
  const aggregates = new Map(plan.aggregates.map((aggregate) => [aggregate.alias, aggregate]));
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      const aggregate = aggregates.get(key);
      const text = aggregate
        ? formatted(aggregate.access?.attribute, value, aggregate.method === 'count' || aggregate.method === 'countcolumn' || aggregate.method === 'countdistinct')
        : formatted(groups.get(key), value, false);
      if (text !== undefined) out[`${key}@${FORMATTED}`] = text;
      out[key] = value;
    }
    return out;
  });
}

/** Output names of a plan (for `$orderby` checks). */
export function applyOutputs(plan: ApplyPlan): { groups: Map<string, GroupProperty>; aggregates: Set<string> } {
  return { groups: new Map((plan.groupBy ?? []).map((property) => [property.output, property])), aggregates: new Set(plan.aggregates.map((a) => a.alias)) };
}

/** Sorts aggregated rows by group properties; ordering by an aggregate is Dataverse's error. */
export function orderApplied(rows: Record<string, unknown>[], orderBy: string, plan: ApplyPlan): Record<string, unknown>[] {
  const { groups, aggregates } = applyOutputs(plan);
  const keys = orderBy.split(',').map((part) => {
    const [name = '', direction] = part.trim().split(/\s+/);
    if (aggregates.has(name)) throw badRequest('The query node SingleValueOpenPropertyAccess is not supported. Ordering by an aggregate value is not supported in $apply.');
    const group = groups.get(name);
    if (!group) throw badRequest(`$orderby with $apply can name only the groupby properties; '${name}' is not one.`);
    if (direction !== undefined && direction !== 'asc' && direction !== 'desc') throw badRequest(`The $orderby direction '${direction}' is not valid; use asc or desc.`);
    return { name, kind: group.kind, descending: direction === 'desc' };
  });
  return [...rows].sort((x, y) => {
    for (const key of keys) {
      const order = compare(sortable(key.kind, x[key.name]), sortable(key.kind, y[key.name]));
      if (order !== 0) return key.descending ? -order : order;
    }
    return 0;
  });
}

/** Query options that may accompany an aggregating `$apply`. */
const WITH_AGGREGATES = new Set(['$apply', '$filter', '$orderby', '$top']);

/**
 * Answers a GET with `$apply`. A plan of filters only is the same query with those filters added
 * to `$filter` (`asQuery`); a grouping or aggregating plan answers the aggregated rows.
 */
export function answerApply(
  parameters: ReadonlyMap<string, string>,
  entity: ResolvedEntity,
  registry: ResolvedRegistry,
  store: EmulatorStore,
  contextUrl: string,
  asQuery: (values: Map<string, string>) => unknown,
  formattedValues = false,
): unknown {
  const aliases = new Map<string, string>();
  for (const [name, value] of parameters) if (name.startsWith('@')) aliases.set(name, value);
  const plan = parseApply(parameters.get('$apply')!, entity, registry, aliases, (set, id) => store.get(set, id)?.values);
  if (!plan.groupBy && plan.aggregates.length === 0) {
    const values = new Map(parameters);
    values.delete('$apply');
    const existing = values.get('$filter');
    values.set('$filter', [...(existing === undefined ? [] : [existing]), ...plan.filterTexts].map((text) => `(${text})`).join(' and '));
    return asQuery(values);
  }
  for (const name of parameters.keys()) {
    if (!name.startsWith('@') && !WITH_AGGREGATES.has(name)) throw notImplemented(`'${name}' together with an aggregating $apply`);
  }
  const filterText = parameters.get('$filter');
  const rowFilter = filterText === undefined ? undefined : compileFilter(parseFilter(filterText, aliases), entity);
  let rows = runApply(store, entity.definition.entitySet, plan, rowFilter);
  const orderBy = parameters.get('$orderby');
  if (orderBy !== undefined) rows = orderApplied(rows, orderBy, plan);
  const top = parameters.get('$top');
  if (top !== undefined) {
    if (!/^\d+$/.test(top.trim())) throw badRequest(`Invalid value '${top}' for $top query option found. The $top query option requires a non-negative integer value.`);
    rows = rows.slice(0, Number(top));
  }
  return { '@odata.context': contextUrl, value: formattedValues ? withFormattedValues(rows, plan) : rows };
}
