/**
 * The `fetchXml` GET parameter: `GET accounts?fetchXml=<fetch>…</fetch>` (URL-encoded). Supported:
 * `attribute`, `all-attributes`, `filter` (and/or, nested) with `condition` (common operators and
 * the date operators), `link-entity` (inner/outer, nested, with its own attributes and filters,
 * columns answered as `alias.column`), `order`, `top`, paging (`count`, `page`, `paging-cookie`)
 * with the `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` and `morerecords` annotations,
 * `returntotalrecordcount`, and aggregates (`aggregate="true"` with count, countcolumn, sum, avg,
 * min, max and `groupby`). The XML is parsed without DTDs or entity declarations.
 * https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/overview
 * https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/page-results
 * https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/aggregate-data
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview#use-fetchxml
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WebApiError, notImplemented, unknownProperty } from '../errors.js';
import type { ResolvedEntity, ResolvedRegistry } from '../entities/registry.js';
import type { EmulatorStore } from '../store.js';
import type { RowValues, StoredRow } from '../types.js';
import { AGGREGATE_RECORD_LIMIT, aggregateLimitExceeded, runApply, type AggregateExpression, type ApplyPlan, type GroupProperty } from './apply.js';
import { likeToRegex, resolveProperty, type PropertyAccess } from './filter.js';
import { MAX_PAGE_SIZE } from './prefer.js';
import { compileQueryFunction, type QueryFunctionValue } from './queryFunctions.js';

type XmlNode = Record<string, unknown>;

/** 400 `0x80041103`-style FetchXML error naming the element. */
function fetchError(message: string): WebApiError {
  return new WebApiError(400, '0x80041103', `The fetchXml parameter is not valid: ${message}`);
}

const ARRAYS = new Set(['attribute', 'condition', 'filter', 'link-entity', 'order', 'value', 'entity']);

/** Parses the XML, refusing DTDs and entity declarations. */
function parseXml(text: string): XmlNode {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw fetchError('DTDs and entity declarations are not allowed.');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw fetchError(`malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: false,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ARRAYS.has(name),
  });
  const document = parser.parse(text) as XmlNode;
  const fetch = document.fetch as XmlNode | undefined;
  if (!fetch || typeof fetch !== 'object') throw fetchError('the root element must be <fetch>.');
  return fetch;
}

function list(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => (typeof item === 'object' && item !== null ? (item as XmlNode) : {}));
}

function attr(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  return typeof value === 'string' ? value : undefined;
}

function positiveInt(node: XmlNode, name: string): number | undefined {
  const value = attr(node, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw fetchError(`the ${name} attribute must be a whole number of at least 1, not '${value}'.`);
  return Number(value);
}

/** A table in the query: the root entity or a link-entity, with its alias. */
interface Scope {
  alias: string;
  entity: ResolvedEntity;
}

/** A result row: the root row plus the rows joined under each link alias (null for an outer miss). */
interface Joined {
  root: StoredRow;
  links: Map<string, RowValues | null>;
}

type Predicate = (row: Joined) => boolean;

const DATE_OPERATORS: Record<string, string> = {
  today: 'Today', yesterday: 'Yesterday', tomorrow: 'Tomorrow', 'last-seven-days': 'Last7Days', 'next-seven-days': 'Next7Days',
  'this-week': 'ThisWeek', 'last-week': 'LastWeek', 'next-week': 'NextWeek', 'this-month': 'ThisMonth', 'last-month': 'LastMonth',
  'next-month': 'NextMonth', 'this-year': 'ThisYear', 'last-year': 'LastYear', 'next-year': 'NextYear',
  'last-x-hours': 'LastXHours', 'next-x-hours': 'NextXHours', 'last-x-days': 'LastXDays', 'next-x-days': 'NextXDays',
  'last-x-weeks': 'LastXWeeks', 'next-x-weeks': 'NextXWeeks', 'last-x-months': 'LastXMonths', 'next-x-months': 'NextXMonths',
  'last-x-years': 'LastXYears', 'next-x-years': 'NextXYears', 'olderthan-x-minutes': 'OlderThanXMinutes', 'olderthan-x-hours': 'OlderThanXHours',
  'olderthan-x-days': 'OlderThanXDays', 'olderthan-x-weeks': 'OlderThanXWeeks', 'olderthan-x-months': 'OlderThanXMonths',
  'olderthan-x-years': 'OlderThanXYears', on: 'On', 'on-or-after': 'OnOrAfter', 'on-or-before': 'OnOrBefore', 'not-on': 'NotOn',
};

/** Converts a condition value to the column's stored form for comparison. */
function comparable(access: PropertyAccess, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  switch (access.kind) {
    case 'string':
    case 'guid':
      return String(value).replace(/^\{|\}$/g, '').toLowerCase();
    case 'datetime': {
      const ms = Date.parse(String(value));
      return Number.isNaN(ms) ? null : ms;
    }
    case 'boolean':
      return value === true || value === 'true' || value === '1' || value === 1;
    case 'number': {
      const number = typeof value === 'number' ? value : Number(value);
      return Number.isNaN(number) ? null : number;
    }
    default:
      return null;
  }
}

function numeric(access: PropertyAccess, text: string, operator: string): string | number | boolean {
  const value = comparable(access, text);
  if (value === null) throw fetchError(`the value '${text}' of the ${operator} condition on '${access.attribute.name}' does not fit the column.`);
  return value;
}

class FetchCompiler {
  readonly scopes = new Map<string, Scope>();
  private linkCounter = 0;

  constructor(private readonly registry: ResolvedRegistry) {}

  resolve(scope: Scope, name: string | undefined): PropertyAccess {
    if (!name) throw fetchError('a condition, attribute or order needs its attribute name.');
    const entity = scope.entity;
    const attribute = entity.attributes.get(name);
    if (attribute && (attribute.type === 'lookup' || attribute.type === 'owner')) return { key: attribute.name, kind: 'guid', attribute };
    return resolveProperty(entity, name);
  }

  /** Reads a column of the scope from a joined row. */
  reader(scope: Scope, key: string): (row: Joined) => unknown {
    if (scope.alias === '') return (row) => row.root.values[key];
    return (row) => row.links.get(scope.alias)?.[key];
  }

  condition(scope: Scope, node: XmlNode): Predicate {
    const entityName = attr(node, 'entityname');
    let target = scope;
    if (entityName !== undefined) {
      const linked = this.scopes.get(entityName);
      if (!linked) throw fetchError(`the condition names the entity '${entityName}', which is not a link-entity alias of the query.`);
      target = linked;
    }
    const access = this.resolve(target, attr(node, 'attribute'));
    const read = this.reader(target, access.key);
    const operator = attr(node, 'operator') ?? '';
    const rawValues = node.value === undefined ? [] : (Array.isArray(node.value) ? node.value : [node.value]).map((item) => (typeof item === 'object' && item !== null ? String((item as XmlNode)['#text'] ?? '') : String(item)));
    const single = attr(node, 'value');
    const valueList = rawValues;

    if (operator in DATE_OPERATORS) {
      const name = DATE_OPERATORS[operator]!;
      const parameters = new Map<string, QueryFunctionValue>([['PropertyName', access.attribute.name]]);
      if (!['Today', 'Yesterday', 'Tomorrow', 'Last7Days', 'Next7Days'].includes(name) && !/^(This|Last|Next)(Week|Month|Year)$/.test(name)) {
        if (single === undefined) throw fetchError(`the ${operator} condition on '${access.attribute.name}' needs a value.`);
        parameters.set('PropertyValue', /^\d+$/.test(single) ? Number(single) : single);
      }
      const predicate = compileQueryFunction({ name, parameters, position: 0 }, () => ({ key: access.key, kind: access.kind }));
      return (row) => predicate({ [access.key]: read(row) });
    }
    const text = access.kind === 'string';
    switch (operator) {
      case 'null':
        return (row) => read(row) === null || read(row) === undefined;
      case 'not-null':
        return (row) => read(row) !== null && read(row) !== undefined;
      case 'eq':
      case 'ne':
      case 'neq':
      case 'gt':
      case 'ge':
      case 'lt':
      case 'le': {
        if (single === undefined) throw fetchError(`the ${operator} condition on '${access.attribute.name}' needs a value.`);
        const expected = numeric(access, single, operator);
        return (row) => {
          const actual = comparable(access, read(row));
          if (operator === 'ne' || operator === 'neq') return actual !== null && actual !== expected;
          if (actual === null) return false;
          if (operator === 'eq') return actual === expected;
          const order = actual < expected ? -1 : actual > expected ? 1 : 0;
          return operator === 'gt' ? order > 0 : operator === 'ge' ? order >= 0 : operator === 'lt' ? order < 0 : order <= 0;
        };
      }
      case 'in':
      case 'not-in': {
        if (valueList.length === 0) throw fetchError(`the ${operator} condition on '${access.attribute.name}' needs <value> elements.`);
        const set = new Set(valueList.map((value) => numeric(access, value, operator)));
        const negate = operator === 'not-in';
        return (row) => {
          const actual = comparable(access, read(row));
          return actual !== null && set.has(actual) !== negate;
        };
      }
      case 'between':
      case 'not-between': {
        if (valueList.length !== 2) throw fetchError(`the ${operator} condition on '${access.attribute.name}' needs exactly two <value> elements.`);
        const [low, high] = valueList.map((value) => numeric(access, value, operator)) as [string | number, string | number];
        const negate = operator === 'not-between';
        return (row) => {
          const actual = comparable(access, read(row));
          return actual !== null && (actual >= low && actual <= high) !== negate;
        };
      }
      case 'like':
      case 'not-like':
      case 'begins-with':
      case 'not-begin-with':
      case 'ends-with':
      case 'not-end-with': {
        if (!text) throw fetchError(`the ${operator} condition needs a text column; '${access.attribute.name}' is not one.`);
        if (single === undefined) throw fetchError(`the ${operator} condition on '${access.attribute.name}' needs a value.`);
        const pattern = operator.includes('like') ? single : operator.includes('begin') ? `${single}%` : `%${single}`;
        const regex = new RegExp(`^${likeToRegex(pattern)}$`, 'is');
        const negate = operator.startsWith('not-');
        return (row) => {
          const actual = read(row);
          return typeof actual === 'string' && regex.test(actual) !== negate;
        };
      }
      default:
        throw notImplemented(`the FetchXML condition operator '${operator}'`);
    }
  }

  filter(scope: Scope, node: XmlNode): Predicate {
    const type = attr(node, 'type') ?? 'and';
    if (type !== 'and' && type !== 'or') throw fetchError(`the filter type '${type}' is not valid; use and or or.`);
    const parts = [...list(node, 'condition').map((condition) => this.condition(scope, condition)), ...list(node, 'filter').map((child) => this.filter(scope, child))];
    if (parts.length === 0) return () => true;
    return type === 'and' ? (row) => parts.every((part) => part(row)) : (row) => parts.some((part) => part(row));
  }

  /** Registers a link-entity (and its children) and returns how to join it. */
  link(parent: Scope, node: XmlNode, joins: LinkJoin[]): void {
    const name = attr(node, 'name');
    const entity = name === undefined ? undefined : this.registry.resolvedByLogicalName(name);
    if (!entity || entity.definition.internal) throw fetchError(`the link-entity '${name ?? ''}' is not a table.`);
    const linkType = attr(node, 'link-type') ?? 'inner';
    if (linkType !== 'inner' && linkType !== 'outer') throw notImplemented(`the link-type '${linkType}'`);
    const alias = attr(node, 'alias') ?? `${entity.definition.logicalName}${++this.linkCounter}`;
    if (this.scopes.has(alias)) throw fetchError(`the alias '${alias}' is used twice.`);
    const scope: Scope = { alias, entity };
    this.scopes.set(alias, scope);
    const from = this.resolve(scope, attr(node, 'from'));
    const to = this.resolve(parent, attr(node, 'to'));
    const join: LinkJoin = {
      scope,
      outer: linkType === 'outer',
      fromKey: from.key,
      fromIsPrimary: from.key === entity.definition.primaryId,
      parentValue: this.reader(parent, to.key),
      columns: this.columns(scope, node),
      filters: [],
    };
    joins.push(join);
    for (const filter of list(node, 'filter')) join.filters.push(this.filter(scope, filter));
    for (const child of list(node, 'link-entity')) this.link(scope, child, joins);
    if (list(node, 'order').length > 0) throw notImplemented('<order> inside a link-entity');
  }

  /** The columns a table element asks for: undefined for all. */
  columns(scope: Scope, node: XmlNode): string[] | undefined {
    if (node['all-attributes'] !== undefined) return undefined;
    const attributes = list(node, 'attribute');
    if (attributes.length === 0) return scope.alias === '' ? undefined : [];
    return attributes.map((attribute) => {
      const name = attr(attribute, 'name');
      if (!name) throw fetchError('an <attribute> needs a name.');
      if (!scope.entity.attributes.has(name)) throw unknownProperty(name, scope.entity.definition.logicalName);
      return name;
    });
  }
}

interface LinkJoin {
  scope: Scope;
  outer: boolean;
  fromKey: string;
  fromIsPrimary: boolean;
  parentValue: (row: Joined) => unknown;
  columns: string[] | undefined;
  filters: Predicate[];
}

/** What the engine serializes: root rows with their linked columns, and the paging annotations. */
export interface FetchResult {
  /** Rows of an ordinary query. */
  rows?: { root: StoredRow; linked: Record<string, unknown> }[];
  /** Root columns to serialize (undefined = all). */
  columns?: string[];
  /** Rows of an aggregate query. */
  aggregated?: Record<string, unknown>[];
  annotations: Record<string, unknown>;
}

function encodeCookie(page: number, first: string | undefined, last: string | undefined, primaryId: string): string {
  const inner = `<cookie page="${page}"><${primaryId} last="{${(last ?? '').toUpperCase()}}" first="{${(first ?? '').toUpperCase()}}" /></cookie>`;
  // The cookie travels URL-encoded twice inside the annotation, as Dataverse sends it.
  const once = encodeURIComponent(inner).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  return `<cookie pagenumber="${page + 1}" pagingcookie="${encodeURIComponent(once)}" istracking="False" />`;
}

/** Runs a `fetchXml` query against the entity set it was sent to. */
export function runFetchXml(text: string, entity: ResolvedEntity, registry: ResolvedRegistry, store: EmulatorStore): FetchResult {
  if (text.length > 32_768) throw fetchError('the query is longer than 32,768 characters.');
  const fetch = parseXml(text);
  const entities = list(fetch, 'entity');
  if (entities.length !== 1) throw fetchError('<fetch> must contain exactly one <entity>.');
  const root = entities[0]!;
  const rootName = attr(root, 'name');
  if (rootName !== entity.definition.logicalName) {
    throw fetchError(`the entity '${rootName ?? ''}' does not match the entity set '${entity.definition.entitySet}' (table '${entity.definition.logicalName}').`);
  }
  const compiler = new FetchCompiler(registry);
  const rootScope: Scope = { alias: '', entity };
  const joins: LinkJoin[] = [];
  for (const link of list(root, 'link-entity')) compiler.link(rootScope, link, joins);
  const filters = list(root, 'filter').map((filter) => compiler.filter(rootScope, filter));
  const columns = compiler.columns(rootScope, root);

  const count = positiveInt(fetch, 'count');
  const page = positiveInt(fetch, 'page') ?? 1;
  const top = positiveInt(fetch, 'top');
  if (top !== undefined && (count !== undefined || attr(fetch, 'page') !== undefined)) throw fetchError('top cannot be used together with count or page.');
  if (count !== undefined && count > MAX_PAGE_SIZE) throw fetchError(`count must be at most ${MAX_PAGE_SIZE}.`);
  const aggregate = attr(fetch, 'aggregate') === 'true';
  const distinct = attr(fetch, 'distinct') === 'true';
  const annotations: Record<string, unknown> = {};

  // Join: each root row with every matching combination of its link-entities.
  const indexes = new Map<LinkJoin, Map<unknown, RowValues[]>>();
  const matchesOf = (join: LinkJoin, value: unknown): RowValues[] => {
    if (value === null || value === undefined) return [];
    if (join.fromIsPrimary) {
      const row = typeof value === 'string' ? store.get(join.scope.entity.definition.entitySet, value.toLowerCase()) : undefined;
      return row ? [row.values] : [];
    }
    let index = indexes.get(join);
    if (!index) {
      index = new Map();
      for (const row of store.scan(join.scope.entity.definition.entitySet)) {
        const key = row.values[join.fromKey];
        if (key === null || key === undefined) continue;
        const normalized = typeof key === 'string' ? key.toLowerCase() : key;
        const bucket = index.get(normalized);
        if (bucket) bucket.push(row.values);
        else index.set(normalized, [row.values]);
      }
      indexes.set(join, index);
    }
    return index.get(typeof value === 'string' ? value.toLowerCase() : value) ?? [];
  };
  const expand = (rows: Joined[], join: LinkJoin): Joined[] => {
    const out: Joined[] = [];
    for (const row of rows) {
      let matched = false;
      for (const linked of matchesOf(join, join.parentValue(row))) {
        const candidate: Joined = { root: row.root, links: new Map(row.links).set(join.scope.alias, linked) };
        if (join.filters.every((filter) => filter(candidate))) {
          out.push(candidate);
          matched = true;
        }
      }
      if (!matched && join.outer) out.push({ root: row.root, links: new Map(row.links).set(join.scope.alias, null) });
    }
    return out;
  };

  let joined: Joined[] = [];
  for (const row of store.scan(entity.definition.entitySet)) {
    let candidates: Joined[] = [{ root: row, links: new Map() }];
    for (const join of joins) candidates = expand(candidates, join);
    for (const candidate of candidates) if (filters.every((filter) => filter(candidate))) joined.push(candidate);
    if (aggregate && joined.length > AGGREGATE_RECORD_LIMIT) throw aggregateLimitExceeded();
  }

  if (aggregate) {
    if (joins.length > 0) throw notImplemented('aggregates over a link-entity');
    const plan: ApplyPlan = { filters: [], filterTexts: [], aggregates: [] };
    const groupBy: GroupProperty[] = [];
    for (const node of list(root, 'attribute')) {
      const name = attr(node, 'name');
      const alias = attr(node, 'alias');
      if (!name || !alias) throw fetchError('every <attribute> of an aggregate query needs a name and an alias.');
      const access = compiler.resolve(rootScope, name);
      if (attr(node, 'groupby') === 'true') {
        if (attr(node, 'dategrouping') !== undefined) throw notImplemented('dategrouping in FetchXML aggregates');
        groupBy.push({ output: alias, kind: access.kind, read: (values) => values[access.key] });
        continue;
      }
      const method = attr(node, 'aggregate');
      const methods: Record<string, AggregateExpression['method']> = { count: 'count', countcolumn: attr(node, 'distinct') === 'true' ? 'countdistinct' : 'countcolumn', sum: 'sum', avg: 'average', min: 'min', max: 'max' };
      if (!method || !(method in methods)) throw fetchError(`the aggregate '${method ?? ''}' of '${alias}' is not valid; use count, countcolumn, sum, avg, min or max.`);
      if ((method === 'sum' || method === 'avg') && access.kind !== 'number') throw fetchError(`the aggregate ${method} needs a numeric column; '${name}' is not one.`);
      plan.aggregates.push({ access, method: methods[method]!, alias });
    }
    if (groupBy.length > 0) plan.groupBy = groupBy;
    const allowed = new Set(joined.map((row) => row.root.id));
    const aggregated = runApply(store, entity.definition.entitySet, plan, (values) => allowed.has(values[entity.definition.primaryId] as string));
    return { aggregated, annotations };
  }

  // Order: <order attribute="x" descending="true"/>, then the primary key (stable pages).
  const orders = list(root, 'order').map((node) => {
    const access = compiler.resolve(rootScope, attr(node, 'attribute'));
    return { access, descending: attr(node, 'descending') === 'true' };
  });
  const sortValue = (access: PropertyAccess, row: Joined) => comparable(access, row.root.values[access.key]);
  joined.sort((a, b) => {
    for (const { access, descending } of orders) {
      const x = sortValue(access, a);
      const y = sortValue(access, b);
      if (x === y) continue;
      const order = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return descending ? -order : order;
    }
    return a.root.id < b.root.id ? -1 : a.root.id > b.root.id ? 1 : 0;
  });
  if (distinct) {
    const seen = new Set<string>();
    joined = joined.filter((row) => {
      const key = JSON.stringify([...(columns ?? []).map((name) => row.root.values[name]), ...[...row.links.values()]]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  if (attr(fetch, 'returntotalrecordcount') === 'true') {
    annotations['@Microsoft.Dynamics.CRM.totalrecordcount'] = Math.min(joined.length, 5000);
    annotations['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'] = joined.length > 5000;
  }
  let slice: Joined[];
  if (top !== undefined) slice = joined.slice(0, top);
  else {
    const size = count ?? MAX_PAGE_SIZE;
    const start = (page - 1) * size;
    slice = joined.slice(start, start + size);
    const more = joined.length > start + size;
    annotations['@Microsoft.Dynamics.CRM.morerecords'] = more;
    if (more || count !== undefined) {
      annotations['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'] = encodeCookie(page, slice[0]?.root.id, slice[slice.length - 1]?.root.id, entity.definition.primaryId);
    }
  }
  const rows = slice.map((row) => {
    const linked: Record<string, unknown> = {};
    for (const join of joins) {
      const values = row.links.get(join.scope.alias);
      const names = join.columns ?? [...join.scope.entity.attributes.keys()];
      for (const name of names) {
        const value = values?.[name];
        // Outer joins without a match leave the columns out, as Dataverse does.
        if (value !== undefined && value !== null) linked[`${join.scope.alias}.${name}`] = value;
      }
    }
    return { root: row.root, linked };
  });
  return { rows, ...(columns ? { columns } : {}), annotations };
}
