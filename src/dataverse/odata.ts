/**
 * OData URL pieces for the Dataverse Web API: record keys, query options, function parameters
 * and record references. Pure functions, no I/O.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview
 */
import { ODATA_NAMESPACE } from '../model/names.js';
import { GUID_PATTERN, isGuid, parseGuid } from '../util/guid.js';

const ENTITY_URL_ID = new RegExp(`\\((${GUID_PATTERN})\\)\\s*$`);

/** A record key: a GUID, or alternate-key values (`{ accountnumber: 'A1' }`). */
export type RecordKey = string | Readonly<Record<string, string | number | boolean>>;

/** An OData literal in a URL: strings quoted with `''` escaping, GUIDs and numbers bare. */
export function formatLiteral(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isGuid(value)) return value;
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The key segment of a record URL: `(guid)` or `(key1='v',key2=3)`. Braces around a GUID are
 * dropped, as Dataverse wants them bare.
 * @throws RangeError for an empty key.
 */
export function formatKey(key: RecordKey): string {
  if (typeof key === 'string') {
    if (!key) throw new RangeError('A record id must not be empty');
    const id = parseGuid(key);
    return `(${id ?? encodeURIComponent(formatLiteral(key))})`;
  }
  const entries = Object.entries(key);
  if (entries.length === 0) throw new RangeError('An alternate key needs at least one value');
  return `(${entries.map(([name, value]) => `${name}=${encodeURIComponent(formatLiteral(value))}`).join(',')})`;
}

/** `accounts(<id>)`: the path of a record relative to the service root. */
export function recordPath(entitySet: string, key: RecordKey): string {
  return `${entitySet}${formatKey(key)}`;
}

/** One `$expand` entry with its nested options. */
export interface ExpandOption {
  property: string;
  select?: readonly string[];
  filter?: string;
  orderBy?: string | readonly string[];
  top?: number;
  expand?: readonly (string | ExpandOption)[];
}

/** Query options shared by retrieve and query. */
export interface QueryOptions {
  /** Columns to return (`$select`). Omitted: all columns (slow on wide tables). */
  select?: readonly string[];
  /** `$filter` expression, written as OData (`statecode eq 0 and contains(name,'x')`). */
  filter?: string;
  /** `$orderby`: `'name desc'` or `['createdon desc', 'name']`. */
  orderBy?: string | readonly string[];
  /** `$expand`: navigation properties, optionally with nested options. */
  expand?: readonly (string | ExpandOption)[];
  /** `$top`: at most this many rows (do not combine with paging). */
  top?: number;
  /** `$count=true`: ask for `@odata.count`. */
  count?: boolean;
  /** `$apply`: aggregation (`groupby((statuscode))`). */
  apply?: string;
}

function formatExpand(expand: string | ExpandOption): string {
  if (typeof expand === 'string') return expand;
  const inner: string[] = [];
  if (expand.select?.length) inner.push(`$select=${expand.select.join(',')}`);
  if (expand.filter) inner.push(`$filter=${expand.filter}`);
  if (expand.orderBy) inner.push(`$orderby=${typeof expand.orderBy === 'string' ? expand.orderBy : expand.orderBy.join(',')}`);
  if (expand.top !== undefined) inner.push(`$top=${expand.top}`);
  if (expand.expand?.length) inner.push(`$expand=${expand.expand.map(formatExpand).join(',')}`);
  return inner.length > 0 ? `${expand.property}(${inner.join(';')})` : expand.property;
}

/**
 * The query string for `options`, including the leading `?`, or `''` when empty. Values are
 * percent-encoded once; commas, parentheses and `$` stay readable.
 */
export function buildQueryString(options: QueryOptions): string {
  const params: string[] = [];
  const add = (name: string, value: string): void => {
    params.push(`${name}=${encodeQueryValue(value)}`);
  };
  if (options.select?.length) add('$select', options.select.join(','));
  if (options.filter) add('$filter', options.filter);
  if (options.orderBy) add('$orderby', typeof options.orderBy === 'string' ? options.orderBy : options.orderBy.join(','));
  if (options.expand?.length) add('$expand', options.expand.map(formatExpand).join(','));
  if (options.top !== undefined) {
    if (!Number.isInteger(options.top) || options.top < 1) throw new RangeError(`top must be a positive integer, got ${options.top}`);
    add('$top', String(options.top));
  }
  if (options.count) add('$count', 'true');
  if (options.apply) add('$apply', options.apply);
  return params.length > 0 ? `?${params.join('&')}` : '';
}

/** Percent-encode a query value, keeping the characters OData syntax uses readable. */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',').replace(/%24/g, '$').replace(/%28/g, '(').replace(/%29/g, ')').replace(/%3B/gi, ';');
}

/** A value for a function parameter: primitives, GUIDs, record references (`@odata.id`), arrays and objects. */
export type FunctionParameterValue = string | number | boolean | null | readonly unknown[] | Readonly<Record<string, unknown>>;

/**
 * A function call path with aliased parameters, as the docs recommend:
 * `Fn(A=@p1,B=@p2)?@p1='x'&@p2=3`. Alias values are percent-encoded (a `&` inside a string
 * must not end the value).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/use-web-api-functions#passing-parameters-to-a-function
 */
export function functionPath(name: string, parameters: Readonly<Record<string, FunctionParameterValue>> = {}): string {
  const names = Object.keys(parameters);
  if (names.length === 0) return `${name}()`;
  const aliases = names.map((param, i) => `${param}=@p${i + 1}`);
  const values = names.map((param, i) => `@p${i + 1}=${encodeQueryValue(formatFunctionValue(parameters[param]!))}`);
  return `${name}(${aliases.join(',')})?${values.join('&')}`;
}

function formatFunctionValue(value: FunctionParameterValue): string {
  if (value === null || typeof value !== 'object') {
    // Enum literals (Microsoft.Dynamics.CRM.EntityFilters'Entity') are written bare.
    if (typeof value === 'string' && value.startsWith(`${ODATA_NAMESPACE}.`)) return value;
    return formatLiteral(value);
  }
  return JSON.stringify(value);
}

/** The reference to a record as an action parameter: `{"@odata.type":"Microsoft.Dynamics.CRM.<logical>", "<pk>": id}`. */
export interface EntityReference {
  readonly '@odata.type': string;
  readonly [primaryKey: string]: string;
}

/**
 * A record reference for an action body. `primaryKey` defaults to `<logicalName>id`; pass it for
 * tables whose key differs (activities use `activityid`, principals `ownerid`).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/use-web-api-actions#passing-parameters-to-an-action
 */
export function entityReference(logicalName: string, id: string, primaryKey = `${logicalName}id`): EntityReference {
  const ref = Object.create(null) as Record<string, string>;
  ref['@odata.type'] = `${ODATA_NAMESPACE}.${logicalName}`;
  ref[primaryKey] = id.replace(/^\{|\}$/g, '');
  return ref as EntityReference;
}

/** The GUID at the end of an `OData-EntityId` URL (`…/accounts(<guid>)`), if any. */
export function idFromEntityUrl(url: string | undefined): string | undefined {
  return parseGuid(url === undefined ? undefined : ENTITY_URL_ID.exec(url)?.[1]);
}
