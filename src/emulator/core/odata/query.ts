/**
 * Query options of a GET: parsing (`$select`, `$filter`, `$orderby`, `$top`, `$count`, `$expand`,
 * `$skiptoken`, parameter aliases) and execution over the store with keyset paging, so following
 * pages are stable while rows change. Options Dataverse refuses (`$skip`, `$search`, `$format`) are
 * refused here too, unless the emulator runs `loose`.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview
 */
import { badRequest, notImplemented, unknownProperty, unsupportedQueryOption } from '../errors.js';
import type { CollectionRelation, ResolvedEntity, ResolvedRegistry } from '../entities/registry.js';
import type { EmulatorStore } from '../store.js';
import type { AttributeDefinition, StoredRow } from '../types.js';
import { expandState, parseExpand, type ExpandState } from './expand.js';
import { compileFilter, parseFilter, resolveProperty, type PropertyAccess, type RowPredicate } from './filter.js';
import { MAX_PAGE_SIZE } from './prefer.js';

/** Raw query parameters in order, decoded. */
export interface QueryParameters {
  /** `$option` and `@alias` parameters by name. */
  values: Map<string, string>;
  /** The raw `name=value` pairs as received (for the nextLink). */
  raw: string[];
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw badRequest(`The query string contains an invalid percent-encoding: '${text.slice(0, 100)}'.`);
  }
}

/** Splits a query string; a repeated `$option` is a 400, as in Dataverse. */
export function parseQueryString(query: string): QueryParameters {
  const values = new Map<string, string>();
  const raw: string[] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    raw.push(pair);
    const equals = pair.indexOf('=');
    const name = decode(equals < 0 ? pair : pair.slice(0, equals)).trim();
    const value = equals < 0 ? '' : decode(pair.slice(equals + 1));
    if (values.has(name) && (name.startsWith('$') || name.startsWith('@'))) throw badRequest(`Query option '${name}' was specified more than once, but it must be specified at most once.`);
    values.set(name, value);
  }
  return { values, raw };
}

const SUPPORTED = new Set(['$select', '$filter', '$orderby', '$top', '$count', '$expand', '$skiptoken']);
const UNSUPPORTED = new Set(['$skip', '$search', '$format', '$apply', '$levels', '$compute', '$index', '$schemaversion', '$deltatoken', '$id']);
const NOT_IMPLEMENTED = new Set(['fetchXml', 'savedQuery', 'userQuery']);

export interface OrderKey {
  access: PropertyAccess;
  descending: boolean;
}

export interface ExpandOption {
  navigation: string;
  /** The nested options as written (`$select=a;$expand=b(...)`), for `<nav>@odata.nextLink`. */
  raw: string;
  /** `nav/$ref`: the reference (`@odata.id`) instead of the row. */
  ref?: boolean;
  /** Single-valued lookup or collection. */
  lookup?: AttributeDefinition;
  collection?: CollectionRelation;
  target?: ResolvedEntity;
  options: QueryOptions;
  /** Polymorphic lookups (ownerid): the nested options per target table that accepts them. */
  perTarget?: Map<string, { target: ResolvedEntity; options: QueryOptions }>;
}

export interface QueryOptions {
  select?: string[];
  filter?: RowPredicate;
  orderBy: OrderKey[];
  top?: number;
  count: boolean;
  expand: ExpandOption[];
  /** The query nests `$expand` somewhere (paging then applies to expanded collections). */
  nestedExpand?: boolean;
  skipToken?: string;
}

/** Splits on `separator` outside parentheses and quotes. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const char of text) {
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === '(') depth++;
    else if (!quoted && char === ')') depth--;
    if (char === separator && depth === 0 && !quoted) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (depth !== 0 || quoted) throw badRequest(`Unbalanced parentheses or quotes in '${text.slice(0, 200)}'.`);
  parts.push(current);
  return parts;
}

function parseSelect(value: string, entity: ResolvedEntity): string[] {
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) {
    if (name === '') throw badRequest('The $select query option contains an empty property name.');
    if (name === '*') continue;
    if (!entity.lookupValues.has(name) && !entity.attributes.has(name)) throw unknownProperty(name, entity.definition.logicalName);
  }
  return names.includes('*') ? [...entity.attributes.keys()] : names;
}

function parseOrderBy(value: string, entity: ResolvedEntity, aliases: ReadonlyMap<string, string>): OrderKey[] {
  return value.split(',').map((part) => {
    const words = part.trim().split(/\s+/);
    if (words.length === 0 || words.length > 2 || words[0] === '') throw badRequest(`The $orderby item '${part.trim()}' is not valid; use 'property [asc|desc]'.`);
    let name = words[0]!;
    if (name.startsWith('@')) name = aliases.get(name) ?? name;
    const direction = words[1]?.toLowerCase();
    if (direction !== undefined && direction !== 'asc' && direction !== 'desc') throw badRequest(`The $orderby direction '${words[1]}' is not valid; use asc or desc.`);
    const access = resolveProperty(entity, name);
    if (access.kind === 'other') throw badRequest(`The property '${name}' cannot be used in $orderby.`);
    return { access, descending: direction === 'desc' };
  });
}

function parseTop(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw badRequest(`Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`);
  const top = Number(value);
  if (!Number.isSafeInteger(top)) throw badRequest(`The $top value '${value}' is too large.`);
  return top;
}

/** Parses the query options of a collection or entity GET. */
export function parseOptions(
  parameters: QueryParameters,
  entity: ResolvedEntity,
  registry: ResolvedRegistry,
  settings: { loose: boolean; nested?: boolean; expandState?: ExpandState },
): QueryOptions {
  const aliases = new Map<string, string>();
  for (const [name, value] of parameters.values) if (name.startsWith('@')) aliases.set(name, value);
  for (const name of parameters.values.keys()) {
    if (name.startsWith('@') || SUPPORTED.has(name)) continue;
    if (NOT_IMPLEMENTED.has(name)) {
      if (settings.loose) continue;
      throw notImplemented(`the '${name}' query parameter`);
    }
    if (UNSUPPORTED.has(name) || name.startsWith('$')) {
      if (settings.loose) continue;
      throw unsupportedQueryOption(name);
    }
    // Other names are custom query options, which OData services ignore.
  }
  const options: QueryOptions = { orderBy: [], count: false, expand: [] };
  const select = parameters.values.get('$select');
  if (select !== undefined) options.select = parseSelect(select, entity);
  const filter = parameters.values.get('$filter');
  if (filter !== undefined) options.filter = compileFilter(parseFilter(filter, aliases), entity, registry);
  const orderBy = parameters.values.get('$orderby');
  if (orderBy !== undefined) options.orderBy = parseOrderBy(orderBy, entity, aliases);
  const top = parameters.values.get('$top');
  if (top !== undefined) options.top = parseTop(top);
  const count = parameters.values.get('$count');
  if (count !== undefined) {
    if (count !== 'true' && count !== 'false') throw badRequest(`'${count}' is not a valid count option; use true or false.`);
    options.count = count === 'true';
  }
  const expand = parameters.values.get('$expand');
  if (expand !== undefined) {
    const state = settings.expandState ?? expandState(expand);
    options.expand = parseExpand(expand, entity, registry, state);
    options.nestedExpand = state.nested;
  }
  const skipToken = parameters.values.get('$skiptoken');
  if (skipToken !== undefined) options.skipToken = skipToken;
  return options;
}

/** Sort value of a column: lower-case strings and GUIDs, epoch ms for dates. */
export function sortValue(access: PropertyAccess, row: StoredRow): string | number | boolean | null {
  const value = row.values[access.key];
  if (value === null || value === undefined) return null;
  if (access.kind === 'string' || access.kind === 'guid') return String(value).toLowerCase();
  if (access.kind === 'datetime') return Date.parse(String(value));
  return value as number | boolean;
}

/** Compares two sort keys; nulls first ascending (SQL Server order), ties broken by id. */
export function compareKeys(a: unknown[], b: unknown[], orderBy: OrderKey[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number | boolean | null;
    const y = b[i] as string | number | boolean | null;
    let order = 0;
    if (x === y) order = 0;
    else if (x === null) order = -1;
    else if (y === null) order = 1;
    else order = x < y ? -1 : 1;
    if (order !== 0) return i < orderBy.length && orderBy[i]!.descending ? -order : order;
  }
  return 0;
}

interface SkipToken {
  /** Sort keys of the last row of the previous page, its id last. */
  keys: unknown[];
  /** The page size of the first request, so following pages keep it. */
  pageSize: number;
}

/** The opaque `$skiptoken`: base64url JSON of the page size and the last row's sort keys and id. */
export function encodeSkipToken(keys: unknown[], pageSize: number): string {
  return Buffer.from(JSON.stringify({ p: pageSize, k: keys })).toString('base64url');
}

export function decodeSkipToken(token: string, length: number): SkipToken {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { p?: unknown; k?: unknown };
    const keys = decoded.k;
    const pageSize = decoded.p;
    if (
      Array.isArray(keys) &&
      keys.length === length &&
      keys.every((key) => key === null || ['string', 'number', 'boolean'].includes(typeof key)) &&
      typeof pageSize === 'number' &&
      Number.isInteger(pageSize) &&
      pageSize >= 1 &&
      pageSize <= MAX_PAGE_SIZE
    ) {
      return { keys, pageSize };
    }
  } catch {
    // fall through
  }
  throw badRequest('The $skiptoken is not valid; use the @odata.nextLink of the previous page unchanged.');
}

/** One page of a collection query. */
export interface QueryPage {
  rows: StoredRow[];
  /** Present when more rows follow. */
  nextSkipToken?: string;
  /** Matching rows, capped at 5,000 (`$count=true`). */
  count?: number;
}

/**
 * Runs a collection query against the store. `requestedPageSize` is `odata.maxpagesize`; when a
 * following page's request lacks it, the size of the first page (kept in the skiptoken) applies.
 */
export function runQuery(store: EmulatorStore, entitySet: string, options: QueryOptions, requestedPageSize: number | undefined, rowFilter?: RowPredicate): QueryPage {
  const token = options.skipToken === undefined ? undefined : decodeSkipToken(options.skipToken, options.orderBy.length + 1);
  const pageSize = requestedPageSize ?? token?.pageSize ?? MAX_PAGE_SIZE;
  const limit = options.top !== undefined ? Math.min(options.top, MAX_PAGE_SIZE) : pageSize;
  const paged = options.top === undefined;
  const filters = [options.filter, rowFilter].filter((item): item is RowPredicate => item !== undefined);
  const matches = (row: StoredRow) => filters.every((filter) => filter(row.values));
  const page: QueryPage = { rows: [] };

  if (options.orderBy.length === 0) {
    // Primary key order straight from the index: no sort, stops after one page.
    const afterId = token === undefined ? undefined : String(token.keys[0]);
    for (const row of store.scan(entitySet, afterId === undefined ? {} : { afterId })) {
      if (!matches(row)) continue;
      if (page.rows.length === limit) {
        if (paged) page.nextSkipToken = encodeSkipToken([page.rows[page.rows.length - 1]!.id], pageSize);
        break;
      }
      page.rows.push(row);
    }
    if (options.count) page.count = countMatches(store, entitySet, filters.length === 0 ? undefined : matches);
    return page;
  }

  const keyOf = (row: StoredRow) => [...options.orderBy.map((key) => sortValue(key.access, row)), row.id];
  const all: { row: StoredRow; keys: unknown[] }[] = [];
  for (const row of store.scan(entitySet)) if (matches(row)) all.push({ row, keys: keyOf(row) });
  all.sort((a, b) => compareKeys(a.keys, b.keys, options.orderBy));
  let start = 0;
  if (token !== undefined) {
    while (start < all.length && compareKeys(all[start]!.keys, token.keys, options.orderBy) <= 0) start++;
  }
  const slice = all.slice(start, start + limit);
  page.rows = slice.map((item) => item.row);
  if (paged && start + limit < all.length) page.nextSkipToken = encodeSkipToken(slice[slice.length - 1]!.keys, pageSize);
  if (options.count) page.count = Math.min(all.length, MAX_PAGE_SIZE);
  return page;
}

function countMatches(store: EmulatorStore, entitySet: string, matches?: (row: StoredRow) => boolean): number {
  if (!matches) return Math.min(store.count(entitySet), MAX_PAGE_SIZE);
  let count = 0;
  for (const row of store.scan(entitySet)) if (matches(row) && ++count >= MAX_PAGE_SIZE) break;
  return count;
}
