/**
 * The request router and handlers of `/api/data/v9.x/`: entity sets (query, create, read, update,
 * upsert, delete, single property), `/$count`, operations, `EntityDefinitions`, `$metadata` and the
 * service document. Handlers of writes are synchronous so a `$batch` change set can run them in one
 * SQLite transaction.
 */
import {
  badRequest,
  concurrencyMismatch,
  duplicateRecord,
  noHttpResource,
  notImplemented,
  notSupported,
  recordNotFound,
  recordNotFoundByKey,
  segmentNotFound,
  unknownProperty,
  unsupportedMediaType,
} from './errors.js';
import type { ResolvedEntity, ResolvedRegistry } from './entities/registry.js';
import { BULK_MESSAGES, runBulkMessage } from './bulkMessages.js';
import { jsonResponse, noContent, textResponse } from './http.js';
import { decodeLiteral, parseKeyValues } from './odata/literals.js';
import { entityDefinitionsResponse } from './metadata/entityDefinitions.js';
import { csdlDocument, serviceDocument } from './metadata/csdl.js';
import { tableDefinitionsRoute } from './metadata/tableDefinitions.js';
import { parsePrefer, MAX_PAGE_SIZE, type Preferences } from './odata/prefer.js';
import { parseOptions, parseQueryString, runQuery, splitTopLevel, type ExpandOption, type QueryOptions, type QueryParameters } from './odata/query.js';
import { queryRelated } from './odata/related.js';
import { relatedRows } from './relationships.js';
import { chooseAnnotations, outputColumns, serializeRow, type OutputColumn, type SerializeContext } from './odata/serialize.js';
import { invokeOperation, parseFunctionSegment, type OperationRegistry } from './operations.js';
import type { EmulatorStore } from './store.js';
import type { CoreRequest, CoreResponse, EmulatorCore, StoredRow } from './types.js';
import { convertValue, isGuid, isJsonObject, parseReference, type ContentIdResolver } from './values.js';
import type { Writer, WriteSession } from './writes.js';

const API_PREFIX = /^\/api\/data\/(v9\.[0-2])\//;
const NAMESPACE = 'Microsoft.Dynamics.CRM.';

/** Everything a handler needs. */
export interface EngineParts {
  registry: ResolvedRegistry;
  store: EmulatorStore;
  writer: Writer;
  operations: OperationRegistry;
  loose: boolean;
  core: () => EmulatorCore;
}

/** One request being handled. */
export interface RequestScope {
  request: CoreRequest;
  /** `<origin>/api/data/v9.x/` as the client addressed it. */
  root: string;
  /** Path after the root (no query). */
  path: string;
  query: QueryParameters;
  prefer: Preferences;
  session: WriteSession;
  /** `$n` references inside a change set. */
  resolveContentId?: ContentIdResolver;
}

/** A parsed path segment: `name` or `name(key)`. */
interface Segment {
  name: string;
  key?: string;
}

function parseSegment(raw: string): Segment {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    throw badRequest(`The URL contains an invalid percent-encoding in '${raw.slice(0, 100)}'.`);
  }
  const open = text.indexOf('(');
  if (open < 0) return { name: text };
  if (!text.endsWith(')')) throw segmentNotFound(text);
  return { name: text.slice(0, open), key: text.slice(open + 1, -1) };
}

/** What rendering rows needs: serialization, the service root, and paging of expanded collections. */
interface RenderContext {
  serialize: SerializeContext;
  root: string;
  /** Set when the query nests `$expand`: expanded collections are paged (`pageSize` from odata.maxpagesize). */
  expandPaging?: { pageSize?: number };
}

/** Output columns of a parsed query, computed once per query rather than once per row. */
const columnsByQuery = new WeakMap<QueryOptions, OutputColumn[]>();

export class Engine {
  constructor(private readonly parts: EngineParts) {}

  /** Builds the scope of an API request, or undefined when the path is not under `/api/data/v9.x/`. */
  scope(request: CoreRequest, session: WriteSession, originFallback: string, resolveContentId?: ContentIdResolver): RequestScope | undefined {
    const queryStart = request.url.indexOf('?');
    const pathname = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
    const match = API_PREFIX.exec(/^\/api\/data\/v9\.[0-2]$/.test(pathname) ? `${pathname}/` : pathname);
    if (!match) return undefined;
    const host = request.headers.host;
    const proto = request.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
    const origin = host && /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? `${proto}://${host.toLowerCase()}` : originFallback;
    return {
      request,
      root: `${origin}/api/data/${match[1]}/`,
      path: pathname.length > match[0].length ? pathname.slice(match[0].length) : '',
      query: parseQueryString(queryStart < 0 ? '' : request.url.slice(queryStart + 1)),
      prefer: parsePrefer(request.headers.prefer),
      session,
      ...(resolveContentId ? { resolveContentId } : {}),
    };
  }

  /** Routes an API request. Throws `WebApiError` for Dataverse-shaped failures. */
  handle(scope: RequestScope): CoreResponse | Promise<CoreResponse> {
    const method = scope.request.method;
    if (scope.path === '') {
      if (method !== 'GET') throw notSupported();
      return jsonResponse(200, serviceDocument(scope.root, this.parts.registry));
    }
    const segments = scope.path.split('/').map(parseSegment);
    const first = segments[0]!;
    if (first.name === '$metadata' && segments.length === 1) {
      if (method !== 'GET') throw notSupported();
      return { status: 200, headers: { 'Content-Type': 'application/xml', 'OData-Version': '4.0' }, body: csdlDocument(this.parts.registry, this.parts.operations) };
    }
    if (first.name === '$batch') throw badRequest('$batch must be sent as POST multipart/mixed to the service root.');
    if (first.name === 'EntityDefinitions') {
      // Tables and columns created at run time (POST), and the reads of what was created.
      const created = tableDefinitionsRoute({ root: scope.root, method, key: first.key, rest: segments.slice(1), query: scope.query.values, readBody: () => this.readJson(scope), registry: this.parts.registry, store: this.parts.store, core: this.parts.core() });
      if (created) return created;
      if (method !== 'GET') throw notSupported('The emulator serves EntityDefinitions read-only.');
      return entityDefinitionsResponse(scope.root, this.parts.registry, first.key, segments.slice(1).map((s) => s.name), scope.query, this.parts.loose);
    }
    const entity = this.parts.registry.resolved(first.name);
    if (entity && !entity.definition.internal) return this.entityRoute(scope, entity, first, segments.slice(1));
    const operation = this.parts.operations.get(first.name);
    if (operation && segments.length === 1) {
      if (operation.binding && operation.binding !== 'none') throw segmentNotFound(first.name);
      const parameters = this.operationParameters(scope, operation.kind, first);
      return invokeOperation(first.name, operation, parameters, undefined, scope, this.parts.core());
    }
    throw segmentNotFound(first.name);
  }

  /** Parameters of an operation: the JSON body of an action, or the URL parameters of a function. */
  private operationParameters(scope: RequestScope, kind: 'action' | 'function', segment: Segment): Record<string, unknown> {
    const method = scope.request.method;
    if ((kind === 'action' && method !== 'POST') || (kind === 'function' && method !== 'GET')) {
      throw noHttpResource(`${scope.root}${scope.path}`);
    }
    if (kind === 'action') {
      if (segment.key !== undefined) throw segmentNotFound(`${segment.name}(${segment.key})`);
      const body = scope.request.body.length === 0 ? {} : this.readJson(scope);
      if (!isJsonObject(body)) throw badRequest('The action parameters must be a JSON object.');
      const parameters: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const key of Object.keys(body)) parameters[key] = body[key];
      return parameters;
    }
    return parseFunctionSegment(segment.key, scope.query.values);
  }

  /** Parses the JSON body of a request. */
  readJson(scope: RequestScope): unknown {
    const contentType = scope.request.headers['content-type'];
    if (contentType !== undefined && !/^application\/json\b/i.test(contentType) && !/^text\/plain\b/i.test(contentType)) {
      throw unsupportedMediaType(contentType.slice(0, 100));
    }
    if (scope.request.body.length === 0) throw badRequest('The request body is empty; send a JSON object.');
    try {
      return JSON.parse(scope.request.body.toString('utf8')) as unknown;
    } catch (error) {
      throw badRequest(`The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private serializeContext(scope: RequestScope): SerializeContext {
    const registry = this.parts.registry;
    const store = this.parts.store;
    return {
      annotations: chooseAnnotations(scope.prefer.includeAnnotations),
      primaryName(logicalName, id) {
        const target = registry.resolvedByLogicalName(logicalName);
        if (!target) return undefined;
        const row = store.get(target.definition.entitySet, id);
        const name = row?.values[target.definition.primaryName];
        return typeof name === 'string' ? name : undefined;
      },
      logicalNameOf: (entitySet) => registry.bySet(entitySet)?.logicalName,
    };
  }

  private renderContext(scope: RequestScope, options?: QueryOptions): RenderContext {
    return {
      serialize: this.serializeContext(scope),
      root: scope.root,
      // With a nested $expand anywhere, odata.maxpagesize pages every expanded collection too.
      ...(options?.nestedExpand ? { expandPaging: { ...(scope.prefer.maxPageSize === undefined ? {} : { pageSize: scope.prefer.maxPageSize }) } } : {}),
    };
  }

  /** Serializes a row with `$select` and `$expand` applied. */
  private render(entity: ResolvedEntity, row: StoredRow, options: QueryOptions, context: RenderContext, odataContext?: string): Record<string, unknown> {
    let columns = columnsByQuery.get(options);
    if (!columns) {
      columns = outputColumns(entity, options.select);
      columnsByQuery.set(options, columns);
    }
    const out = serializeRow(row.values, row.version, columns, context.serialize, odataContext);
    for (const expand of options.expand) {
      if (expand.collection) this.expandCollection(out, entity, row, expand, context);
      else out[expand.navigation] = this.expandLookup(row, expand, context);
    }
    return out;
  }

  /** A single-valued navigation property: the related row (or its reference), or null. */
  private expandLookup(row: StoredRow, expand: ExpandOption, context: RenderContext): unknown {
    const target = expand.target!;
    const lookup = expand.lookup!;
    const id = row.values[lookup.name];
    if (typeof id !== 'string') return null;
    const logicalName = row.values[`${lookup.name}@type`];
    // A target-specific navigation (parentcustomerid_contact) expands only rows pointing to its table.
    if (typeof logicalName === 'string' && logicalName !== target.definition.logicalName && lookup.targetNavigation && !expand.perTarget) return null;
    let table = target;
    let options = expand.options;
    if (expand.perTarget) {
      const choice = typeof logicalName === 'string' ? expand.perTarget.get(logicalName) : expand.perTarget.values().next().value;
      if (!choice) return null;
      table = choice.target;
      options = choice.options;
    } else if (typeof logicalName === 'string') {
      table = this.parts.registry.resolvedByLogicalName(logicalName) ?? target;
    }
    const related = this.parts.store.get(table.definition.entitySet, id);
    if (!related) return null;
    if (expand.ref) return { '@odata.id': this.entityUrl({ root: context.root }, table.definition.entitySet, id) };
    if (options.filter && !options.filter(related.values)) return null;
    return this.render(table, related, options, context);
  }

  /**
   * A collection-valued navigation property: the related rows through the foreign-key index, and
   * `<nav>@odata.nextLink`, the URL of the same rows (with paging information when paging applies).
   * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/join-tables#expand-collection-valued-navigation-properties
   */
  private expandCollection(out: Record<string, unknown>, entity: ResolvedEntity, row: StoredRow, expand: ExpandOption, context: RenderContext): void {
    const relation = expand.collection!;
    const target = expand.target!;
    const page = queryRelated(relatedRows(this.parts.store, entity, relation, row.id), expand.options, context.expandPaging);
    out[expand.navigation] = page.rows.map((child) => this.render(target, child, expand.options, context));
    const query = expand.raw === '' ? [] : splitTopLevel(expand.raw, ';').map((option) => {
      const equals = option.indexOf('=');
      return `${option.slice(0, equals).trim()}=${encodeURIComponent(option.slice(equals + 1))}`;
    });
    if (page.nextSkipToken !== undefined) query.push(`$skiptoken=${encodeURIComponent(page.nextSkipToken)}`);
    out[`${expand.navigation}@odata.nextLink`] = `${this.entityUrl({ root: context.root }, entity.definition.entitySet, row.id)}/${expand.navigation}${query.length > 0 ? `?${query.join('&')}` : ''}`;
  }

  private contextUrl(scope: RequestScope, entitySet: string, options: QueryOptions, suffix = ''): string {
    const describe = (item: QueryOptions): string[] => {
      const select = item.select ? [...item.select] : [];
      for (const expand of item.expand) select.push(expand.ref ? `${expand.navigation}/$ref()` : `${expand.navigation}(${describe(expand.options).join(',')})`);
      return select;
    };
    const select = describe(options);
    return `${scope.root}$metadata#${entitySet}${select.length > 0 ? `(${select.join(',')})` : ''}${suffix}`;
  }

  private entityUrl(scope: { root: string }, entitySet: string, id: string): string {
    return `${scope.root}${entitySet}(${id})`;
  }

  /** Finds the id addressed by a key segment (GUID or alternate key); undefined when no row matches. */
  private resolveKey(entity: ResolvedEntity, key: string): { id?: string; alternate?: Map<string, unknown> } {
    const trimmed = key.replace(/^\{|\}$/g, '');
    if (isGuid(trimmed)) return { id: trimmed.toLowerCase() };
    if (key.startsWith('$')) throw badRequest(`Content-ID Reference: '${key}' does not exist in the batch context.`);
    const pairs = parseKeyValues(key);
    if (pairs.size === 0) throw badRequest('The key segment is empty.');
    const alternate = new Map<string, unknown>();
    for (const [name, literal] of pairs) {
      const lookup = entity.lookupValues.get(name);
      const attribute = lookup ?? entity.attributes.get(name);
      if (!attribute) throw unknownProperty(name, entity.definition.logicalName);
      alternate.set(attribute.name, decodeLiteral(literal));
    }
    for (const row of this.parts.store.scan(entity.definition.entitySet)) {
      let matches = true;
      for (const [name, value] of alternate) {
        const stored = row.values[name];
        const same = typeof stored === 'string' && typeof value === 'string' ? stored.toLowerCase() === value.toLowerCase() : stored === value;
        if (!same) {
          matches = false;
          break;
        }
      }
      if (matches) return { id: row.id, alternate };
    }
    return { alternate };
  }

  private entityRoute(scope: RequestScope, entity: ResolvedEntity, first: Segment, rest: Segment[]): CoreResponse | Promise<CoreResponse> {
    const method = scope.request.method;
    const entitySet = entity.definition.entitySet;
    if (first.key === undefined) {
      if (rest.length === 0) {
        if (method === 'GET') return this.query(scope, entity);
        if (method === 'POST') return this.create(scope, entity);
        throw notSupported();
      }
      const next = rest[0]!;
      if (rest.length === 1 && next.name === '$count' && next.key === undefined) {
        if (method !== 'GET') throw notSupported();
        // `/$count` is capped at 5,000 like `$count=true`. https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/count-rows
        const options = parseOptions(scope.query, entity, this.parts.registry, { loose: this.parts.loose });
        const page = runQuery(this.parts.store, entitySet, { ...options, count: true, top: 0 }, MAX_PAGE_SIZE);
        return textResponse(200, String(page.count ?? 0));
      }
      if (rest.length === 1 && next.name.startsWith(NAMESPACE)) return this.boundOperation(scope, entity, next, undefined, 'collection');
      throw segmentNotFound(next.name);
    }

    const key = this.resolveKey(entity, first.key);
    if (rest.length === 0) {
      switch (method) {
        case 'GET':
          return this.read(scope, entity, key.id);
        case 'PATCH':
          return this.patch(scope, entity, key.id, key.alternate);
        case 'DELETE':
          return this.remove(scope, entity, key.id);
        default:
          throw notSupported();
      }
    }
    const next = rest[0]!;
    if (rest.length === 1 && next.name.startsWith(NAMESPACE)) return this.boundOperation(scope, entity, next, key.id, 'entity');
    if (key.id === undefined) throw recordNotFound(entity.definition.logicalName, first.key);
    if (rest.length === 1 && next.key === undefined) return this.property(scope, entity, key.id, next.name);
    if (rest.length === 2 && rest[1]!.name === '$ref' && rest[1]!.key === undefined) return this.reference(scope, entity, key.id, rest[0]!);
    throw segmentNotFound(rest.map((segment) => segment.name).join('/'));
  }

  private query(scope: RequestScope, entity: ResolvedEntity): CoreResponse {
    const options = parseOptions(scope.query, entity, this.parts.registry, { loose: this.parts.loose });
    const page = runQuery(this.parts.store, entity.definition.entitySet, options, scope.prefer.maxPageSize);
    const context = this.renderContext(scope, options);
    const body: Record<string, unknown> = { '@odata.context': this.contextUrl(scope, entity.definition.entitySet, options) };
    if (page.count !== undefined) body['@odata.count'] = page.count;
    body.value = page.rows.map((row) => this.render(entity, row, options, context));
    if (page.nextSkipToken !== undefined) {
      const kept = scope.query.raw.filter((pair) => !/^(%24|\$)skiptoken=/i.test(pair));
      kept.push(`$skiptoken=${encodeURIComponent(page.nextSkipToken)}`);
      body['@odata.nextLink'] = `${scope.root}${entity.definition.entitySet}?${kept.join('&')}`;
    }
    return jsonResponse(200, body, this.preferenceApplied(scope, true));
  }

  private preferenceApplied(scope: RequestScope, collection: boolean): Record<string, string> {
    const applied: string[] = [];
    if (collection && scope.prefer.maxPageSize !== undefined) applied.push(`odata.maxpagesize=${scope.prefer.maxPageSize}`);
    // Echo only well-formed annotation names: the header value comes from the client.
    const annotations = scope.prefer.includeAnnotations.filter((name) => /^[A-Za-z0-9_.*]+$/.test(name));
    if (annotations.length > 0) applied.push(`odata.include-annotations="${annotations.join(',')}"`);
    if (!collection && scope.prefer.returnRepresentation) applied.push('return=representation');
    return applied.length > 0 ? { 'Preference-Applied': applied.join(',') } : {};
  }

  private read(scope: RequestScope, entity: ResolvedEntity, id: string | undefined): CoreResponse {
    const options = parseOptions(scope.query, entity, this.parts.registry, { loose: this.parts.loose });
    const row = id === undefined ? undefined : this.parts.store.get(entity.definition.entitySet, id);
    if (!row) throw id === undefined ? keyNotFound(entity) : recordNotFound(entity.definition.logicalName, id);
    const etag = `W/"${row.version}"`;
    const ifNoneMatch = scope.request.headers['if-none-match'];
    // 304 is never returned with $expand or annotations. https://learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api
    if (ifNoneMatch !== undefined && ifNoneMatch !== 'null' && options.expand.length === 0 && scope.prefer.includeAnnotations.length === 0) {
      if (ifNoneMatch === '*' || ifNoneMatch.split(',').map((tag) => tag.trim()).includes(etag)) return { status: 304, headers: { 'OData-Version': '4.0', ETag: etag }, body: '' };
    }
    const body = this.render(entity, row, options, this.renderContext(scope, options), this.contextUrl(scope, entity.definition.entitySet, options, '/$entity'));
    return jsonResponse(200, body, { ETag: etag, ...this.preferenceApplied(scope, false) });
  }

  /** The body of a write response: 201/200 with the row, or 204 with `OData-EntityId`. */
  private writeResponse(scope: RequestScope, entity: ResolvedEntity, id: string, created: boolean): CoreResponse {
    const url = this.entityUrl(scope, entity.definition.entitySet, id);
    if (!scope.prefer.returnRepresentation) return noContent({ 'OData-EntityId': url });
    const row = this.parts.store.get(entity.definition.entitySet, id)!;
    const options = parseOptions(scope.query, entity, this.parts.registry, { loose: this.parts.loose });
    const body = this.render(entity, row, options, this.renderContext(scope, options), this.contextUrl(scope, entity.definition.entitySet, options, '/$entity'));
    return jsonResponse(created ? 201 : 200, body, { ETag: `W/"${row.version}"`, 'Preference-Applied': 'return=representation' });
  }

  private create(scope: RequestScope, entity: ResolvedEntity): CoreResponse {
    const body = this.readJson(scope);
    // Validate query options before writing so a bad $select does not leave a row behind.
    if (scope.prefer.returnRepresentation) parseOptions(scope.query, entity, this.parts.registry, { loose: this.parts.loose });
    const { id } = this.parts.store.transaction(() =>
      this.parts.writer.createFromBody(entity.definition.entitySet, body, scope.session, scope.resolveContentId ? { resolveContentId: scope.resolveContentId } : {}),
    );
    return this.writeResponse(scope, entity, id, true);
  }

  private patch(scope: RequestScope, entity: ResolvedEntity, id: string | undefined, alternate?: Map<string, unknown>): CoreResponse {
    const body = this.readJson(scope);
    if (scope.prefer.returnRepresentation) parseOptions(scope.query, entity, this.parts.registry, { loose: this.parts.loose });
    const ifMatch = scope.request.headers['if-match'];
    const ifNoneMatch = scope.request.headers['if-none-match'];
    const entitySet = entity.definition.entitySet;
    return this.parts.store.transaction(() => {
      const existing = id === undefined ? undefined : this.parts.store.get(entitySet, id);
      if (ifMatch !== undefined) {
        if (!existing) throw id === undefined ? keyNotFound(entity) : recordNotFound(entity.definition.logicalName, id);
        if (ifMatch !== '*' && !ifMatch.split(',').map((tag) => tag.trim()).includes(`W/"${existing.version}"`)) throw concurrencyMismatch();
      }
      if (ifNoneMatch === '*' && existing) throw duplicateRecord();
      if (existing) {
        this.parts.writer.updateFromBody(entitySet, existing.id, body, scope.session, scope.resolveContentId);
        return this.writeResponse(scope, entity, existing.id, false);
      }
      // Upsert: create with the id (or alternate key values) from the URL.
      let createBody = body;
      if (alternate && isJsonObject(body)) {
        const merged: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const key of Object.keys(body)) merged[key] = body[key];
        for (const [name, value] of alternate) {
          const attribute = entity.attributes.get(name)!;
          if (attribute.type === 'lookup' || attribute.type === 'owner') throw notImplemented('upsert by an alternate key that contains a lookup');
          merged[name] = convertValue(entity, attribute, value);
        }
        createBody = merged;
      }
      const created = this.parts.writer.createFromBody(entitySet, createBody, scope.session, {
        ...(id === undefined ? {} : { id }),
        ...(scope.resolveContentId ? { resolveContentId: scope.resolveContentId } : {}),
      });
      return this.writeResponse(scope, entity, created.id, true);
    });
  }

  private remove(scope: RequestScope, entity: ResolvedEntity, id: string | undefined): CoreResponse {
    if (id === undefined) throw keyNotFound(entity);
    const ifMatch = scope.request.headers['if-match'];
    this.parts.store.transaction(() => {
      const existing = this.parts.store.get(entity.definition.entitySet, id);
      if (existing && ifMatch !== undefined && ifMatch !== '*' && !ifMatch.split(',').map((tag) => tag.trim()).includes(`W/"${existing.version}"`)) {
        throw concurrencyMismatch();
      }
      this.parts.writer.delete(entity.definition.entitySet, id, scope.session);
    });
    return noContent();
  }

  /**
   * References through `$ref`: `GET` the reference(s) of a navigation property; `PUT|DELETE` a
   * single-valued one; `POST <set>(<id>)/<collection>/$ref` and `DELETE <set>(<id>)/<collection>(<child>)/$ref`
   * (or `…/$ref?$id=<url>`) for one-to-many and many-to-many ones.
   * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api
   */
  private reference(scope: RequestScope, entity: ResolvedEntity, id: string, navigation: Segment): CoreResponse {
    const method = scope.request.method;
    const readTarget = (): string => {
      const body = this.readJson(scope);
      const target = isJsonObject(body) ? body['@odata.id'] : undefined;
      if (typeof target !== 'string') throw badRequest('A $ref request needs a body like {"@odata.id": "<entity set>(<guid>)"}.');
      return target;
    };
    const row = this.parts.store.get(entity.definition.entitySet, id);
    if (!row) throw recordNotFound(entity.definition.logicalName, id);
    const lookup = entity.navigation.get(navigation.name);
    if (lookup && navigation.key === undefined) {
      const bind = `${navigation.name}@odata.bind`;
      if (method === 'GET') {
        const targetId = row.values[lookup.name];
        const logicalName = row.values[`${lookup.name}@type`];
        const targetSet =
          (typeof logicalName === 'string' ? this.parts.registry.byLogicalName(logicalName)?.entitySet : undefined) ?? entity.navigationTargets.get(navigation.name) ?? lookup.targets?.[0];
        if (typeof targetId !== 'string' || targetSet === undefined) return noContent();
        if (entity.navigationTargets.has(navigation.name) && entity.navigationTargets.get(navigation.name) !== targetSet) return noContent();
        return jsonResponse(200, { '@odata.context': `${scope.root}$metadata#$ref`, '@odata.id': this.entityUrl(scope, targetSet, targetId) });
      }
      if (method === 'PUT') {
        const target = readTarget();
        this.parts.store.transaction(() => this.parts.writer.updateFromBody(entity.definition.entitySet, id, { [bind]: target }, scope.session, scope.resolveContentId));
        return noContent();
      }
      if (method === 'DELETE') {
        this.parts.store.transaction(() => this.parts.writer.updateFromBody(entity.definition.entitySet, id, { [bind]: null }, scope.session));
        return noContent();
      }
      throw notSupported();
    }
    const collection = entity.collections.get(navigation.name);
    if (!collection) throw segmentNotFound(navigation.name);
    if (method === 'GET' && navigation.key === undefined) {
      const options = parseOptions(scope.query, this.parts.registry.resolved(collection.entitySet)!, this.parts.registry, { loose: this.parts.loose });
      const page = queryRelated(relatedRows(this.parts.store, entity, collection, id), options, {});
      return jsonResponse(200, {
        '@odata.context': `${scope.root}$metadata#Collection($ref)`,
        value: page.rows.map((item) => ({ '@odata.id': this.entityUrl(scope, collection.entitySet, item.id) })),
      });
    }
    if (method === 'POST' && navigation.key === undefined) {
      const reference = parseReference(readTarget(), scope.resolveContentId);
      if (!reference || reference.entitySet !== collection.entitySet) throw badRequest(`The @odata.id must refer to a row of ${collection.entitySet}.`);
      this.parts.store.transaction(() => this.parts.writer.associate(entity, id, collection, reference, scope.session));
      return noContent();
    }
    if (method === 'DELETE') {
      const childId = navigation.key ?? parseReference(scope.query.values.get('$id') ?? '')?.id;
      if (childId === undefined || !isGuid(childId.replace(/^\{|\}$/g, ''))) throw badRequest('Name the row to disassociate: <collection>(<guid>)/$ref or $ref?$id=<url>.');
      const child = childId.replace(/^\{|\}$/g, '').toLowerCase();
      this.parts.store.transaction(() => this.parts.writer.disassociate(entity, id, collection, child, scope.session));
      return noContent();
    }
    throw notSupported();
  }

  /** `GET|PUT|DELETE <set>(<id>)/<property>` and `GET <set>(<id>)/<lookup nav>`. */
  private property(scope: RequestScope, entity: ResolvedEntity, id: string, name: string): CoreResponse {
    const method = scope.request.method;
    const entitySet = entity.definition.entitySet;
    const row = this.parts.store.get(entitySet, id);
    if (!row) throw recordNotFound(entity.definition.logicalName, id);
    const lookup = entity.navigation.get(name);
    if (lookup && method === 'GET') {
      const targetId = row.values[lookup.name];
      const logicalName = row.values[`${lookup.name}@type`];
      const target =
        (typeof logicalName === 'string' ? this.parts.registry.resolvedByLogicalName(logicalName) : undefined) ??
        (lookup.targets?.[0] === undefined ? undefined : this.parts.registry.resolved(lookup.targets[0]));
      if (typeof targetId !== 'string' || !target) return noContent();
      return this.read({ ...scope }, target, targetId);
    }
    const collection = entity.collections.get(name);
    if (collection && method === 'GET') {
      // The filtered collection of a navigation property, paged like an entity set.
      // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview#filtered-collections
      const child = this.parts.registry.resolved(collection.entitySet)!;
      const options = parseOptions(scope.query, child, this.parts.registry, { loose: this.parts.loose });
      const page = queryRelated(relatedRows(this.parts.store, entity, collection, id), options, { ...(scope.prefer.maxPageSize === undefined ? {} : { pageSize: scope.prefer.maxPageSize }) });
      const context = this.renderContext(scope, options);
      const body: Record<string, unknown> = {
        '@odata.context': this.contextUrl(scope, collection.entitySet, options),
        value: page.rows.map((item) => this.render(child, item, options, context)),
      };
      if (page.nextSkipToken !== undefined) {
        const kept = scope.query.raw.filter((pair) => !/^(%24|\$)skiptoken=/i.test(pair));
        kept.push(`$skiptoken=${encodeURIComponent(page.nextSkipToken)}`);
        body['@odata.nextLink'] = `${scope.root}${entity.definition.entitySet}(${id})/${name}?${kept.join('&')}`;
      }
      return jsonResponse(200, body, this.preferenceApplied(scope, true));
    }
    const attribute = entity.attributes.get(name) ?? entity.lookupValues.get(name);
    if (!attribute) throw segmentNotFound(name);
    const property = attribute.type === 'lookup' || attribute.type === 'owner' ? `_${attribute.name}_value` : attribute.name;
    if (method === 'GET') {
      const value = row.values[attribute.name] ?? null;
      if (value === null) return noContent();
      return jsonResponse(200, { '@odata.context': `${scope.root}$metadata#${entitySet}(${id})/${property}`, value });
    }
    if (method === 'PUT' || method === 'DELETE') {
      if (attribute.type === 'lookup' || attribute.type === 'owner') throw badRequest(`The lookup '${name}' cannot be changed through its value; PATCH '${attribute.navigationProperty ?? name}@odata.bind' instead.`);
      let value: unknown = null;
      if (method === 'PUT') {
        const body = this.readJson(scope);
        if (!isJsonObject(body) || !('value' in body)) throw badRequest('A single-property PUT needs a body like {"value": ...}.');
        value = body.value;
      }
      this.parts.store.transaction(() => this.parts.writer.updateFromBody(entitySet, id, { [attribute.name]: value }, scope.session));
      return noContent();
    }
    throw notSupported();
  }

  private boundOperation(scope: RequestScope, entity: ResolvedEntity, segment: Segment, id: string | undefined, binding: 'entity' | 'collection'): CoreResponse | Promise<CoreResponse> {
    const name = segment.name.slice(NAMESPACE.length);
    if (binding === 'collection' && BULK_MESSAGES.has(name) && !this.parts.operations.has(name)) {
      if (scope.request.method !== 'POST' || segment.key !== undefined) throw noHttpResource(`${scope.root}${scope.path}`);
      return runBulkMessage(name, entity, this.readJson(scope), { store: this.parts.store, writer: this.parts.writer, session: scope.session, root: scope.root });
    }
    const operation = this.parts.operations.get(name);
    if (!operation || (operation.binding ?? 'none') !== binding || (operation.boundEntitySets && !operation.boundEntitySets.includes(entity.definition.entitySet))) {
      throw segmentNotFound(segment.name);
    }
    if (binding === 'entity') {
      if (id === undefined || !this.parts.store.get(entity.definition.entitySet, id)) throw recordNotFound(entity.definition.logicalName, id ?? '');
    }
    const parameters = this.operationParameters(scope, operation.kind, segment);
    const target = binding === 'entity' && id !== undefined ? { entitySet: entity.definition.entitySet, id } : undefined;
    return invokeOperation(name, operation, parameters, target, scope, this.parts.core());
  }
}

function keyNotFound(entity: ResolvedEntity) {
  return recordNotFoundByKey(entity.definition.logicalName);
}
