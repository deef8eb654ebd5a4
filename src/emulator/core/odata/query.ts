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
import { lowerBound } from '../indexes.js';
import { expandState, parseExpand, type ExpandState } from './expand.js';
import { compileFilter, parseFilter, resolveProperty, type RowPredicate } from './filter.js';
import { equalityTerms, orderSpec, type EqualityTerm, type OrderKey } from './plan.js';
import { MAX_PAGE_SIZE } from './prefer.js';

export type { OrderKey } from './plan.js';
export { compareKeys, sortValue } from './plan.js';

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
  /** `column eq literal` terms of the filter an equality index can answer (the filter still applies). */
  equalities?: EqualityTerm[];
  orderBy: OrderKey[];
  top?: number;
  count: boolean;
  expand: ExpandOption[];
  /** The query nests `$expand` somewhere (paging then applies to expanded collections). */
  nestedExpand?: boolean;
  skipToken?: string;
}

/** Splits on `separator` outside parentheses and quotes; `option` names the query option in the error. */
export function splitTopLevel(text: string, separator: string, option?: string): string[] {
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
  if (depth !== 0 || quoted) throw badRequest(`Unbalanced parentheses or quotes in ${option === undefined ? '' : `${option} `}'${text.slice(0, 200)}'.`);
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
  if (filter !== undefined) {
    const tree = parseFilter(filter, aliases);
    options.filter = compileFilter(tree, entity, registry);
    const equalities = equalityTerms(tree, entity);
    if (equalities.length > 0) options.equalities = equalities;
  }
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

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Ordered queries whose equality candidates are fewer than 1/CANDIDATE_SHARE of the table sort
 * those candidates; others walk the table's sorted index from the skip token.
 */
const CANDIDATE_SHARE = 8;

/**
 * Runs a collection query against the store. `requestedPageSize` is `odata.maxpagesize`; when a
 * following page's request lacks it, the size of the first page (kept in the skiptoken) applies.
 *
 * Keyset paging over the store's indexes: the skip token carries the last row's sort keys and id,
 * a page starts by binary search after them and stops one row past the page, so a page costs the
 * same at any depth and rows written between pages neither repeat nor go missing (other than the
 * rows written themselves). A filter with `column eq literal` terms reads only the rows of the
 * smallest equality bucket.
 */
export function runQuery(store: EmulatorStore, entitySet: string, options: QueryOptions, requestedPageSize: number | undefined, rowFilter?: RowPredicate): QueryPage {
  const token = options.skipToken === undefined ? undefined : decodeSkipToken(options.skipToken, options.orderBy.length + 1);
  const pageSize = requestedPageSize ?? token?.pageSize ?? MAX_PAGE_SIZE;
  const limit = options.top !== undefined ? Math.min(options.top, MAX_PAGE_SIZE) : pageSize;
  const paged = options.top === undefined;
  const filters = [options.filter, rowFilter].filter((item): item is RowPredicate => item !== undefined);
  const matches = filters.length === 0 ? undefined : (row: StoredRow) => filters.every((filter) => filter(row.values));
  const page: QueryPage = { rows: [] };

  // The smallest equality bucket, when the filter has `column eq literal` terms.
  let candidates: readonly string[] | undefined;
  for (const term of options.equalities ?? []) {
    const ids = store.equal(entitySet, term.spec, term.key);
    if (candidates === undefined || ids.length < candidates.length) candidates = ids;
  }
  const countOf = (ids: readonly string[] | undefined): number => {
    if (!matches) return Math.min(ids === undefined ? store.count(entitySet) : ids.length, MAX_PAGE_SIZE);
    let count = 0;
    const rows = ids === undefined ? store.scan(entitySet) : rowsOf(store, entitySet, ids, 0);
    for (const row of rows) if (matches(row) && ++count >= MAX_PAGE_SIZE) break;
    return count;
  };

  if (options.orderBy.length === 0) {
    // Primary key order: the id index (or the bucket, already in id order), no sort.
    const afterId = token === undefined ? undefined : String(token.keys[0]);
    const rows =
      candidates !== undefined
        ? rowsOf(store, entitySet, candidates, afterId === undefined ? 0 : lowerBound(candidates, afterId, byString, true))
        : store.scan(entitySet, afterId === undefined ? {} : { afterId });
    for (const row of rows) {
      if (matches && !matches(row)) continue;
      if (page.rows.length === limit) {
        if (paged) page.nextSkipToken = encodeSkipToken([page.rows[page.rows.length - 1]!.id], pageSize);
        break;
      }
      page.rows.push(row);
    }
    if (options.count) page.count = countOf(candidates);
    return page;
  }

  const spec = orderSpec(options.orderBy);
  if (candidates !== undefined && candidates.length * CANDIDATE_SHARE < store.count(entitySet)) {
    // A few candidates: sort them.
    const all: { row: StoredRow; keys: unknown[] }[] = [];
    for (const row of rowsOf(store, entitySet, candidates, 0)) if (!matches || matches(row)) all.push({ row, keys: spec.keysOf(row) });
    all.sort((a, b) => spec.compare(a.keys, b.keys));
    const start = token === undefined ? 0 : lowerBound(all, token.keys, (item, keys) => spec.compare(item.keys, keys), true);
    const slice = all.slice(start, start + limit);
    page.rows = slice.map((item) => item.row);
    if (paged && start + limit < all.length) page.nextSkipToken = encodeSkipToken(slice[slice.length - 1]!.keys, pageSize);
    if (options.count) page.count = Math.min(all.length, MAX_PAGE_SIZE);
    return page;
  }

  // The table's sorted index, from the row after the skip token's keys.
  const index = store.ordered(entitySet, spec);
  const entries = index.entries;
  let lastKeys: unknown[] | undefined;
  for (let i = token === undefined ? 0 : index.after(token.keys); i < entries.length; i++) {
    const entry = entries[i]!;
    const row = store.get(entitySet, entry.id);
    if (!row || (matches && !matches(row))) continue;
    if (page.rows.length === limit) {
      if (paged && lastKeys) page.nextSkipToken = encodeSkipToken(lastKeys, pageSize);
      break;
    }
    page.rows.push(row);
    lastKeys = entry.keys;
  }
  if (options.count) page.count = countOf(candidates);
  return page;
}

/** The rows of `ids` from `start` on (ids of rows deleted meanwhile are skipped). */
function* rowsOf(store: EmulatorStore, entitySet: string, ids: readonly string[], start: number): Generator<StoredRow> {
  for (let i = start; i < ids.length; i++) {
    const row = store.get(entitySet, ids[i]!);
    if (row) yield row;
  }
}
