/**
 * Query options applied to the rows of one collection-valued navigation property (already found
 * through the foreign-key index): `$filter`, `$orderby`, `$top` and keyset paging with the same
 * `$skiptoken` format as entity set queries.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/join-tables#expand-collection-valued-navigation-properties
 */
import type { StoredRow } from '../types.js';
import { MAX_PAGE_SIZE } from './prefer.js';
import { compareKeys, decodeSkipToken, encodeSkipToken, sortValue, type QueryOptions } from './query.js';

/** One page of related rows. */
export interface RelatedPage {
  rows: StoredRow[];
  /** Present when paging applies and more rows follow. */
  nextSkipToken?: string;
}

/**
 * Filters, orders and pages `rows` (in id order). `pageSize` applies when paging applies (entity
 * set GETs of a navigation property, expands of a query with nested `$expand`); otherwise at most
 * `$top` or 5,000 rows are returned, as Dataverse does for a single-level `$expand`.
 */
export function queryRelated(rows: readonly StoredRow[], options: QueryOptions, paging: { pageSize?: number } | undefined): RelatedPage {
  const filter = options.filter;
  const matching = filter ? rows.filter((row) => filter(row.values)) : [...rows];
  const token = paging && options.skipToken !== undefined ? decodeSkipToken(options.skipToken, options.orderBy.length + 1) : undefined;
  const keyed = matching.map((row) => ({ row, keys: [...options.orderBy.map((key) => sortValue(key.access, row)), row.id] }));
  if (options.orderBy.length > 0) keyed.sort((a, b) => compareKeys(a.keys, b.keys, options.orderBy));
  let start = 0;
  if (token) while (start < keyed.length && compareKeys(keyed[start]!.keys, token.keys, options.orderBy) <= 0) start++;
  const pageSize = paging ? (paging.pageSize ?? token?.pageSize ?? MAX_PAGE_SIZE) : MAX_PAGE_SIZE;
  const limit = options.top !== undefined ? Math.min(options.top, MAX_PAGE_SIZE) : pageSize;
  const slice = keyed.slice(start, start + limit);
  const page: RelatedPage = { rows: slice.map((item) => item.row) };
  if (paging && options.top === undefined && start + limit < keyed.length) page.nextSkipToken = encodeSkipToken(slice[slice.length - 1]!.keys, pageSize);
  return page;
}
