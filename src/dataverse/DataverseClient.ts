/**
 * The Dataverse Web API client: records (create, retrieve, update, upsert, delete, count,
 * query), actions and functions, `$batch`, bulk writes and metadata probes, over a pipeline
 * that retries, paces itself by the server's limits and never logs secrets.
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from './clock.js';
import { resolveConnection, type ConnectionOptions, type ResolvedConnection } from './connection.js';
import {
  ActionNotAvailableError,
  DataverseError,
  DuplicateRecordError,
  errorFromResponse,
  isConcurrencyError,
  isDataverseError,
  isDuplicateRecordError,
  isNotFoundError,
  SEGMENT_NOT_FOUND_CODES,
  WriteOutcomeUnknownError,
} from './errors.js';
import { isChangeSet, MAX_BATCH_OPERATIONS, parseBatchResponse, serializeBatch, type BatchItem } from './batch.js';
import { chunkItems, isIdempotent, mapBatchResults, notExecuted, type BatchOperationResult } from './batchResults.js';
import { parseJsonBody } from './responseBody.js';
import { AdaptiveConcurrencyLimiter, type ConcurrencyOptions, type LimiterState } from './limiter.js';
import {
  buildQueryString,
  formatKey,
  functionPath,
  idFromEntityUrl,
  recordPath,
  type ExpandOption,
  type FunctionParameterValue,
  type QueryOptions,
  type RecordKey,
} from './odata.js';
import { decodeContinuationToken, encodeContinuationToken, pagedIterator, type Page, type PagedAsyncIterableIterator, type PageSettings } from './paging.js';
import { composePipeline, createHeaders, type HeaderMap, type PipelinePolicy, type PipelineRequest, type PipelineResponse, type SendRequest } from './pipeline.js';
import { affinityPolicy } from './policies/affinityPolicy.js';
import { authPolicy } from './policies/authPolicy.js';
import { concurrencyPolicy } from './policies/concurrencyPolicy.js';
import { headersPolicy } from './policies/headersPolicy.js';
import { loggingPolicy, type DataverseLogger } from './policies/loggingPolicy.js';
import { requestIdPolicy } from './policies/requestIdPolicy.js';
import { retryPolicy, type RetryInfo } from './policies/retryPolicy.js';
import { RetryStrategy, type RetryOptions } from './policies/retryStrategy.js';
import { defaultUserAgent, userAgentPolicy } from './policies/userAgentPolicy.js';
import { composePrefer, type PreferOptions } from './prefer.js';
import { createAxiosTransport, type ProxySetting, type Transport } from './transport.js';
import { findPrimaryKey, MetadataCache } from './metadata.js';
import { IdentityPool, type IdentityOptions, type IdentityStats } from './identityPool.js';
import { createMany, updateMany, type BulkResult, type CreateManyOptions, type UpdateManyOptions, type RecordUpdate } from './bulk.js';
import { ODATA_NAMESPACE } from '../model/names.js';
import { comparableColumns, firstDifference } from './storedValues.js';

/** A row as JSON: column values plus `@odata.*` annotations. */
export type DataverseRecord = Record<string, unknown>;

/** Options of {@link DataverseClient}. */
export interface DataverseClientOptions extends ConnectionOptions {
  /** Retry bounds and backoff. */
  retry?: RetryOptions;
  /** Concurrency limits (AIMD from `x-ms-dop-hint`). */
  concurrency?: ConcurrencyOptions;
  /** Per-attempt timeout. @default 150000 (Dataverse ends operations after about 2 minutes) */
  timeoutInMs?: number;
  /** Prepended to the `User-Agent`, e.g. `my-tool/1.0`. */
  userAgentPrefix?: string;
  /** Extra headers on every request (e.g. `MSCRM.SolutionUniqueName`). `Authorization` is ignored here. */
  headers?: Readonly<Record<string, string>>;
  /** Receives log lines (verbose request logs included); they never contain secrets. */
  logger?: DataverseLogger;
  /** Called before each retry. */
  onRetry?: (info: RetryInfo) => void;
  /** Keep the `ARRAffinity` cookie (stick to one web server). @default false */
  affinityCookie?: boolean;
  /** Proxy use; see {@link ProxySetting}. @default direct for loopback, environment variables otherwise */
  proxy?: ProxySetting;
  /** Time source (tests). @default the system clock */
  clock?: Clock;
  /** Jitter source (tests). @default Math.random */
  random?: () => number;
  /**
   * Several identities (application users) to spread requests over: each has its own token,
   * concurrency limiter and `x-ms-dop-hint`, and a throttled one's work fails over to the others.
   * Service-protection limits are per user, so n identities raise the ceiling about n times.
   * Replaces `auth`. https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
   */
  identities?: readonly IdentityOptions[];
}

/** Options every operation accepts. */
export interface OperationOptions {
  abortSignal?: AbortSignal;
  /** Extra headers for this request. */
  headers?: Readonly<Record<string, string>>;
}

/** Options of a raw {@link DataverseClient.send}. */
export interface SendOptions extends OperationOptions {
  body?: unknown;
  prefer?: PreferOptions;
  /** @default true for GET/PUT/PATCH/DELETE, false for POST */
  idempotent?: boolean;
}

export interface CreateOptions extends OperationOptions {
  /** The new record's id. @default a random UUID, generated by the client so that a retried POST cannot create a second record */
  id?: string;
  /** Primary key column. @default from the known tables, else from metadata */
  primaryKey?: string;
  /** Answer with the created record (`return=representation`). @default false */
  returnRepresentation?: boolean;
  /** Columns of the returned record. */
  select?: readonly string[];
}

export interface CreateResult {
  id: string;
  /** The created record, with `returnRepresentation`. */
  record?: DataverseRecord;
}

export interface RetrieveOptions extends OperationOptions {
  select?: readonly string[];
  expand?: readonly (string | ExpandOption)[];
  /** `odata.include-annotations`, e.g. `'OData.Community.Display.V1.FormattedValue'` or `'*'`. */
  includeAnnotations?: string | readonly string[];
}

export interface UpdateOptions extends OperationOptions {
  /** `If-Match`: an ETag (`W/"123"`) for optimistic concurrency, or `'*'` (must exist). @default '*' */
  etag?: string;
  returnRepresentation?: boolean;
  select?: readonly string[];
}

export interface UpsertOptions extends OperationOptions {
  /** `'create'`: only create (`If-None-Match: *`); `'update'`: only update (`If-Match: *`). @default both */
  only?: 'create' | 'update';
}

export interface DeleteOptions extends OperationOptions {
  /** `If-Match` ETag: delete only this version. */
  etag?: string;
  /** Succeed when the record does not exist. @default false */
  ignoreMissing?: boolean;
}

export interface QueryPageOptions extends QueryOptions, OperationOptions {
  /** Rows per page (`Prefer: odata.maxpagesize`). @default 5000 (Dataverse's default) */
  maxPageSize?: number;
  includeAnnotations?: string | readonly string[];
}

export interface CountOptions extends OperationOptions {
  filter?: string;
}

/** Where a bound action or function runs: a record, or an entity set (collection-bound). */
export type BoundTarget = { entitySet: string; key?: RecordKey };

export interface ActionOptions extends OperationOptions {
  bound?: BoundTarget;
  /** Whether running the action twice is harmless; enables retries after a lost answer. @default false */
  idempotent?: boolean;
  /** Why the action may be missing, for the error when the environment does not have it. */
  unavailableExplanation?: string;
}

export interface FunctionOptions extends OperationOptions {
  bound?: BoundTarget;
  unavailableExplanation?: string;
}

export interface BatchOptions {
  abortSignal?: AbortSignal;
  /** `Prefer: odata.continue-on-error`: run every operation and report each failure. @default false */
  continueOnError?: boolean;
  /** Split into requests of at most this many operations (change sets are never split). @default 1000 */
  maxOperationsPerRequest?: number;
}

/** Who the caller is. */
export interface WhoAmIResult {
  UserId: string;
  BusinessUnitId: string;
  OrganizationId: string;
}

const DEFAULT_TIMEOUT_MS = 150_000;

/**
 * A Dataverse Web API client.
 * @example
 * const client = new DataverseClient({ url: 'https://contoso.crm4.dynamics.com' });
 * for await (const journey of client.query('msdyncrm_customerjourneys', { select: ['msdyncrm_name'] })) { … }
 */
export class DataverseClient {
  readonly connection: ResolvedConnection;
  /** The (first) identity's concurrency limiter. */
  readonly limiter: AdaptiveConcurrencyLimiter;
  private readonly pool: IdentityPool | undefined;
  /** The time source every wait of this client (and of the pollers and reporters built on it) goes through. */
  readonly clock: Clock;
  /** The retry strategy of the pipeline; other retry loops derive theirs from it. */
  readonly retryStrategy: RetryStrategy;
  private readonly pipeline: SendRequest;
  private readonly transport: Transport;
  private readonly timeoutInMs: number;
  private readonly metadata: MetadataCache;

  constructor(options: DataverseClientOptions = {}) {
    const firstIdentity = options.identities?.[0];
    this.connection = resolveConnection(firstIdentity ? { ...options, auth: firstIdentity.auth } : options);
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    this.retryStrategy = new RetryStrategy(options.retry, options.random);
    this.timeoutInMs = options.timeoutInMs ?? DEFAULT_TIMEOUT_MS;
    this.transport = createAxiosTransport(options.proxy === undefined ? {} : { proxy: options.proxy });
    const pool = options.identities && options.identities.length > 0
      ? new IdentityPool(options.identities, options, options.concurrency, clock, { policies: options.logger ? [loggingPolicy(options.logger, clock)] : [], transport: this.transport.send })
      : undefined;
    this.pool = pool;
    this.limiter = pool ? pool.primaryLimiter : new AdaptiveConcurrencyLimiter(options.concurrency, clock);
    const policies: PipelinePolicy[] = [
      requestIdPolicy(),
      userAgentPolicy(defaultUserAgent(options.userAgentPrefix)),
      headersPolicy(options.headers),
      retryPolicy({
        strategy: this.retryStrategy,
        clock,
        // With several identities a 429 is retried at once on one that is not paused.
        ...(pool && pool.size > 1 ? { failover: () => pool.hasAvailable() } : {}),
        ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      }),
    ];
    if (pool) policies.push(pool.policy());
    else {
      policies.push(concurrencyPolicy(this.limiter, clock));
      if (this.connection.tokens) policies.push(authPolicy(this.connection.tokens));
      if (options.affinityCookie) policies.push(affinityPolicy());
      if (options.logger) policies.push(loggingPolicy(options.logger, clock));
    }
    this.pipeline = composePipeline(policies, this.transport.send);
    this.metadata = new MetadataCache(this);
  }

  /** `https://org.crm.dynamics.com/api/data/v9.2/` */
  get serviceRoot(): string {
    return this.connection.serviceRoot;
  }

  /** Per identity of the pool (one entry without `identities`): requests, 429s and limiter state. */
  identityStats(): IdentityStats[] {
    return this.pool ? this.pool.stats() : [{ name: 'identity 1', requests: Number.NaN, throttled: Number.NaN, limiter: this.limiter.state() }];
  }

  /** The concurrency limiter's state (limit, in flight, queued, pause). */
  limiterState(): LimiterState {
    return this.limiter.state();
  }

  /** Close keep-alive connections. */
  close(): void {
    this.transport.close();
  }

  /**
   * Send a request through the pipeline and return the raw answer. Non-2xx answers throw the
   * matching {@link DataverseError}.
   * @param path relative to the service root, or an absolute URL on the same origin
   */
  async send(method: PipelineRequest['method'], path: string, options: SendOptions = {}): Promise<PipelineResponse> {
    const response = await this.sendRaw(method, path, options);
    if (response.status >= 200 && response.status < 300) return response;
    throw this.errorFor(response);
  }

  /** Like {@link send}, but answers of every status are returned. */
  async sendRaw(method: PipelineRequest['method'], path: string, options: SendOptions = {}): Promise<PipelineResponse> {
    const url = this.resolveUrl(path);
    const headers = createHeaders(options.headers);
    const prefer = options.prefer ? composePrefer(options.prefer) : undefined;
    if (prefer) headers['prefer'] = prefer;
    const request: PipelineRequest = {
      method,
      url,
      headers,
      ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
      idempotent: options.idempotent ?? method !== 'POST',
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      timeoutInMs: this.timeoutInMs,
      attempt: 1,
    };
    return this.pipeline(request);
  }

  private errorFor(response: PipelineResponse): DataverseError {
    const { request } = response;
    const path = request.url.split('?')[0]!;
    return errorFromResponse({
      status: response.status,
      bodyText: response.bodyText,
      requestId: serviceRequestId(response.headers) ?? request.requestId,
      attempts: response.attempts,
      ...(request.answerLost ? { answerLost: true } : {}),
      operation: `${request.method} ${path.startsWith(this.connection.serviceRoot) ? path.slice(this.connection.serviceRoot.length) : path}`,
    });
  }

  /** Create a record with a client-generated id; a retry after a lost answer never duplicates it. */
  async create(entitySet: string, data: DataverseRecord, options: CreateOptions = {}): Promise<CreateResult> {
    const primaryKey = options.primaryKey ?? (await this.primaryKeyOf(entitySet, options.abortSignal));
    const given = data[primaryKey];
    const id = options.id ?? (typeof given === 'string' ? given : randomUUID());
    const generated = options.id === undefined && typeof given !== 'string';
    const body = withKey(data, primaryKey, id);
    const query = options.select?.length ? buildQueryString({ select: options.select }) : '';
    try {
      const response = await this.send('POST', `${entitySet}${query}`, {
        body,
        idempotent: true,
        prefer: { returnRepresentation: options.returnRepresentation ?? false },
        ...operationOptions(options),
      });
      const record = parseJsonBody(response) as DataverseRecord | undefined;
      return { id: idFromEntityUrl(response.headers['odata-entityid']) ?? id, ...(record ? { record } : {}) };
    } catch (error) {
      // A duplicate after a retry (or for an id we generated) is our own earlier attempt whose
      // answer was lost: succeed if the stored record holds what we sent.
      if (isDuplicateRecordError(error) && (generated || error.attempts > 1)) {
        const mismatch = await this.storedDiffers(entitySet, id, body, options.abortSignal);
        if (mismatch === undefined) return { id };
        throw new DuplicateRecordError(`${error.message}; the existing record differs in ${mismatch}`, {
          status: error.status,
          code: error.code,
          ...(error.requestId ? { requestId: error.requestId } : {}),
          attempts: error.attempts,
          hint: 'Another record already uses this id: pick another id, or update the existing record.',
        });
      }
      if (answerMayHaveBeenLost(error)) {
        // The write may have run although the answer was lost and the retry failed: look it up by id.
        const outcome = await this.checkWrite(entitySet, id, body, `POST ${entitySet}`, error, options.abortSignal);
        // A generated id is ours alone: a record holding it is our create, changed since.
        if (outcome === 'applied' || (outcome === 'differs' && generated)) return { id };
        if (outcome === 'differs') throw writeOutcomeUnknown(id, `POST ${entitySet}`, error, 'a record with this id exists with other values');
      }
      throw error;
    }
  }

  /** Read one record. */
  async retrieve(entitySet: string, key: RecordKey, options: RetrieveOptions = {}): Promise<DataverseRecord> {
    const query = buildQueryString({ ...(options.select ? { select: options.select } : {}), ...(options.expand ? { expand: options.expand } : {}) });
    const response = await this.send('GET', `${recordPath(entitySet, key)}${query}`, {
      ...(options.includeAnnotations ? { prefer: { includeAnnotations: options.includeAnnotations } } : {}),
      ...operationOptions(options),
    });
    return (parseJsonBody(response) ?? {}) as DataverseRecord;
  }

  /**
   * Update a record (`PATCH` with `If-Match`: `*` by default, so a missing record is a 404 and
   * never a create). A stale ETag throws a ConcurrencyError — unless the retry found our own
   * earlier attempt already applied.
   */
  async update(entitySet: string, key: RecordKey, data: DataverseRecord, options: UpdateOptions = {}): Promise<DataverseRecord | undefined> {
    const etag = options.etag ?? '*';
    const query = options.select?.length ? buildQueryString({ select: options.select }) : '';
    try {
      const response = await this.send('PATCH', `${recordPath(entitySet, key)}${query}`, {
        body: data,
        headers: { ...options.headers, 'if-match': etag },
        prefer: { returnRepresentation: options.returnRepresentation ?? false },
        ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      });
      return parseJsonBody(response) as DataverseRecord | undefined;
    } catch (error) {
      if (isConcurrencyError(error) && error.attempts > 1 && etag !== '*' && typeof key === 'string') {
        if ((await this.storedDiffers(entitySet, key, data, options.abortSignal)) === undefined) return undefined;
      }
      if (answerMayHaveBeenLost(error) && typeof key === 'string') {
        // The update may have run although the answer was lost and the retry failed: read it back.
        const outcome = await this.checkWrite(entitySet, key, data, `PATCH ${recordPath(entitySet, key)}`, error, options.abortSignal);
        if (outcome === 'applied') return undefined;
        if (outcome === 'differs') throw writeOutcomeUnknown(key, `PATCH ${recordPath(entitySet, key)}`, error, 'the record now holds other values');
      }
      throw error;
    }
  }

  /** Create or update by key (`PATCH` without `If-Match`). Returns the record id. */
  async upsert(entitySet: string, key: RecordKey, data: DataverseRecord, options: UpsertOptions = {}): Promise<{ id: string | undefined }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.only === 'create') headers['if-none-match'] = '*';
    if (options.only === 'update') headers['if-match'] = '*';
    const response = await this.send('PATCH', recordPath(entitySet, key), { body: data, headers, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) });
    return { id: idFromEntityUrl(response.headers['odata-entityid']) ?? (typeof key === 'string' ? key : undefined) };
  }

  /** Delete a record. A retry that finds it gone counts as success (our earlier attempt deleted it). */
  async delete(entitySet: string, key: RecordKey, options: DeleteOptions = {}): Promise<void> {
    try {
      await this.send('DELETE', recordPath(entitySet, key), {
        ...(options.etag ? { headers: { ...options.headers, 'if-match': options.etag } } : operationOptions(options)),
        ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      });
    } catch (error) {
      if (isNotFoundError(error) && (options.ignoreMissing || error.attempts > 1)) return;
      throw error;
    }
  }

  /**
   * Count rows: `GET <set>/$count` without a filter, `@odata.count` with one. Dataverse caps both at 5000.
   * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/count-rows
   */
  async count(entitySet: string, options: CountOptions = {}): Promise<number> {
    if (!options.filter) {
      const response = await this.send('GET', `${entitySet}/$count`, { headers: { ...options.headers, accept: 'text/plain' }, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) });
      return Number(response.bodyText.replace(/^\uFEFF/, '').trim());
    }
    const response = await this.send('GET', `${entitySet}${buildQueryString({ filter: options.filter, count: true })}`, {
      prefer: { maxPageSize: 1 },
      ...operationOptions(options),
    });
    return Number((parseJsonBody(response) as { '@odata.count'?: number } | undefined)?.['@odata.count'] ?? 0);
  }

  /**
   * Query rows page by page: `for await (const row of client.query(...))`, or
   * `.byPage({ maxPageSize })`. Follows `@odata.nextLink` unmodified with the same `Prefer`, and
   * holds one page at a time; the next page is requested only when the current one is consumed.
   */
  query(entitySet: string, options: QueryPageOptions = {}): PagedAsyncIterableIterator<DataverseRecord> {
    const firstPath = `${entitySet}${buildQueryString(options)}`;
    const client = this;
    return pagedIterator<DataverseRecord>(async function* pages(settings: PageSettings): AsyncIterableIterator<Page<DataverseRecord>> {
      const prefer: PreferOptions = {
        maxPageSize: settings.maxPageSize ?? options.maxPageSize ?? 5000,
        ...(options.includeAnnotations ? { includeAnnotations: options.includeAnnotations } : {}),
      };
      let next: string | undefined = settings.continuationToken ? decodeContinuationToken(settings.continuationToken) : firstPath;
      while (next !== undefined) {
        const response = await client.send('GET', next, { prefer, ...operationOptions(options) });
        const body = (parseJsonBody(response) ?? {}) as { value?: DataverseRecord[]; '@odata.nextLink'?: string; '@odata.count'?: number };
        next = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
        yield {
          items: Array.isArray(body.value) ? body.value : [],
          ...(next ? { continuationToken: encodeContinuationToken(next) } : {}),
          ...(typeof body['@odata.count'] === 'number' ? { count: body['@odata.count'] } : {}),
        };
      }
    });
  }

  /**
   * Call an action (`POST`). Unbound: `POST <name>`; bound: `POST <set>(<id>)/Microsoft.Dynamics.CRM.<name>`.
   * A missing action throws {@link ActionNotAvailableError}. Returns the JSON answer, or
   * `undefined` for 204.
   */
  async callAction<T = unknown>(name: string, parameters: Readonly<Record<string, unknown>> = {}, options: ActionOptions = {}): Promise<T | undefined> {
    try {
      const response = await this.send('POST', operationUrl(name, options.bound), {
        body: parameters,
        idempotent: options.idempotent ?? false,
        ...operationOptions(options),
      });
      return parseJsonBody(response) as T | undefined;
    } catch (error) {
      throw asActionNotAvailable(error, name, options.unavailableExplanation);
    }
  }

  /** Call a function (`GET`) with aliased parameters. A missing function throws {@link ActionNotAvailableError}. */
  async callFunction<T = unknown>(name: string, parameters: Readonly<Record<string, FunctionParameterValue>> = {}, options: FunctionOptions = {}): Promise<T> {
    try {
      const response = await this.send('GET', operationUrl(functionPath(name, parameters), options.bound), operationOptions(options));
      return parseJsonBody(response) as T;
    } catch (error) {
      throw asActionNotAvailable(error, name, options.unavailableExplanation);
    }
  }

  /** `WhoAmI`: the caller's user, business unit and organization ids. */
  whoAmI(options: OperationOptions = {}): Promise<WhoAmIResult> {
    return this.callFunction<WhoAmIResult>('WhoAmI', {}, options);
  }

  /**
   * Run operations in `$batch` requests of at most 1,000 operations (change sets are kept whole
   * and are atomic). Returns one result per operation, in order, with its error if it failed.
   * Without `continueOnError` a failure stops the batch: later operations come back with status 0.
   */
  async batch(items: readonly BatchItem[], options: BatchOptions = {}): Promise<BatchOperationResult[]> {
    const max = options.maxOperationsPerRequest ?? MAX_BATCH_OPERATIONS;
    if (!Number.isInteger(max) || max < 1 || max > MAX_BATCH_OPERATIONS) throw new RangeError(`maxOperationsPerRequest must be 1–${MAX_BATCH_OPERATIONS}, got ${max}`);
    const results: BatchOperationResult[] = [];
    let stopped = false;
    for (const chunk of chunkItems(items, max)) {
      const offset = results.length;
      if (stopped) {
        results.push(...notExecuted(chunk, offset, 'an earlier operation in the batch failed'));
        continue;
      }
      const chunkResults = await this.sendBatch(chunk, offset, options);
      results.push(...chunkResults);
      if (!options.continueOnError && chunkResults.some((r) => !r.ok)) stopped = true;
    }
    return results;
  }

  /** Create many records with `$batch` requests sent concurrently under the throttling policies. */
  createMany(entitySet: string, records: Iterable<DataverseRecord> | AsyncIterable<DataverseRecord>, options: CreateManyOptions = {}): Promise<BulkResult> {
    return createMany(this, entitySet, records, options);
  }

  /** Update many records with `$batch` requests sent concurrently under the throttling policies. */
  updateMany(entitySet: string, updates: Iterable<RecordUpdate> | AsyncIterable<RecordUpdate>, options: UpdateManyOptions = {}): Promise<BulkResult> {
    return updateMany(this, entitySet, updates, options);
  }

  /** The entity set name of a table (`contact` → `contacts`), cached. */
  entitySetName(logicalName: string, options: OperationOptions = {}): Promise<string> {
    return this.metadata.entitySetName(logicalName, options.abortSignal);
  }

  /** Whether the environment has an action or function of this name (cached). */
  hasAction(name: string, options: OperationOptions = {}): Promise<boolean> {
    return this.metadata.hasAction(name, options.abortSignal);
  }

  /**
   * Throw {@link ActionNotAvailableError} with `explanation` when the environment lacks the action,
   * e.g. `requireAction('msdyncrm_CustomerJourneyValidate', 'outbound marketing was removed from this environment')`.
   */
  async requireAction(name: string, explanation?: string, options: OperationOptions = {}): Promise<void> {
    if (!(await this.hasAction(name, options))) throw actionNotAvailable(name, explanation);
  }

  /** The primary key column of an entity set: known tables first, then metadata. */
  primaryKeyOf(entitySet: string, abortSignal?: AbortSignal): Promise<string> {
    const known = findPrimaryKey(entitySet);
    return known ? Promise.resolve(known) : this.metadata.primaryKey(entitySet, abortSignal);
  }

  /**
   * Compare a stored record with values we sent. Returns `undefined` when every sent column
   * holds the sent value, else the name of the first column that differs.
   * @internal used to recognise our own earlier attempt after a lost answer
   */
  async storedDiffers(entitySet: string, id: string, sent: DataverseRecord, abortSignal?: AbortSignal): Promise<string | undefined> {
    const columns = comparableColumns(sent);
    let stored: DataverseRecord;
    try {
      stored = await this.retrieve(entitySet, id, { ...(columns.length ? { select: columns } : {}), ...(abortSignal ? { abortSignal } : {}) });
    } catch (error) {
      if (isNotFoundError(error)) return NOT_FOUND_MARK;
      throw error;
    }
    return firstDifference(sent, stored, columns);
  }

  /**
   * After a write whose answer was lost and whose retry failed: read the record back by id.
   * `applied` when it holds what was sent, `missing` when it does not exist (the write did not
   * run), `differs` when it exists with other values. Throws {@link WriteOutcomeUnknownError}
   * when the record cannot be read.
   */
  private async checkWrite(entitySet: string, id: string, sent: DataverseRecord, operation: string, failure: DataverseError, abortSignal?: AbortSignal): Promise<'applied' | 'missing' | 'differs'> {
    let mismatch: string | undefined;
    try {
      mismatch = await this.storedDiffers(entitySet, id, sent, abortSignal);
    } catch (checkError) {
      if (abortSignal?.aborted) throw checkError;
      throw writeOutcomeUnknown(id, operation, failure, `reading it back failed too (${checkError instanceof Error ? checkError.message : String(checkError)})`, checkError);
    }
    if (mismatch === undefined) return 'applied';
    return mismatch === NOT_FOUND_MARK ? 'missing' : 'differs';
  }

  private async sendBatch(items: readonly BatchItem[], offset: number, options: BatchOptions): Promise<BatchOperationResult[]> {
    const serialized = serializeBatch(items, this.connection.serviceRoot);
    const idempotent = items.every((item) => (isChangeSet(item) ? item.changeSet.every(isIdempotent) : isIdempotent(item)));
    const response = await this.sendRaw('POST', '$batch', {
      body: serialized.body,
      headers: { 'content-type': serialized.contentType },
      prefer: { continueOnError: options.continueOnError ?? false },
      idempotent,
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    });
    // Without continue-on-error Dataverse answers a failed batch with 400 and a multipart body
    // holding the failed part; any other failure (throttling, a malformed batch) fails it whole.
    const multipart = /^multipart\/mixed/i.test(response.headers['content-type'] ?? '');
    if (!multipart || (response.status >= 300 && response.status !== 400)) throw this.errorFor(response);
    return mapBatchResults(items, serialized.contentIds, offset, parseBatchResponse(response.headers['content-type'], response.bodyText), response.attempts);
  }

  private resolveUrl(path: string): string {
    if (/^https?:\/\//i.test(path)) {
      // Never send our credentials to another origin (a nextLink or token from elsewhere).
      if (new URL(path).origin !== new URL(this.connection.serviceRoot).origin) {
        throw new RangeError(`Refusing to send a request to ${new URL(path).origin}: it is not the Dataverse environment ${this.connection.origin}`);
      }
      return path;
    }
    return `${this.connection.serviceRoot}${path.replace(/^\//, '')}`;
  }
}

/** What {@link DataverseClient.storedDiffers} answers for a record that does not exist. */
const NOT_FOUND_MARK = '(record not found)';

/**
 * Whether a failed write may nevertheless have run: an attempt lost its answer (dropped
 * connection, timeout, 502/504) and the last attempt failed with a server error or no answer.
 * A 4xx other than 429 is the service's verdict on the last attempt, which still says nothing of
 * the lost one, but then the write conflicted (duplicate, stale ETag) and is handled by its caller.
 */
function answerMayHaveBeenLost(error: unknown): error is DataverseError {
  return isDataverseError(error) && error.answerLost && (error.status === 0 || error.status === 429 || error.status >= 500);
}

function writeOutcomeUnknown(id: string, operation: string, failure: DataverseError, why: string, cause?: unknown): WriteOutcomeUnknownError {
  return new WriteOutcomeUnknownError(
    `${operation} for record ${id}: the answer was lost and the retry failed (${failure.message}); ${why}, so the write may have been applied`,
    id,
    operation,
    {
      status: failure.status,
      code: failure.code,
      ...(failure.requestId ? { requestId: failure.requestId } : {}),
      attempts: failure.attempts,
      answerLost: true,
      cause: cause ?? failure,
      hint: `Read record ${id} before writing it again: the write may have been applied.`,
    },
  );
}

function operationOptions(options: OperationOptions): OperationOptions {
  return { ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}), ...(options.headers ? { headers: options.headers } : {}) };
}

function serviceRequestId(headers: HeaderMap): string | undefined {
  return headers['x-ms-service-request-id'] ?? headers['req_id'];
}

function withKey(data: DataverseRecord, primaryKey: string, id: string): DataverseRecord {
  // Copy own keys into a fresh object with defineProperty: input keys such as __proto__ stay data.
  const body: DataverseRecord = {};
  for (const key of Object.keys(data)) Object.defineProperty(body, key, { value: data[key], enumerable: true, writable: true, configurable: true });
  Object.defineProperty(body, primaryKey, { value: id, enumerable: true, writable: true, configurable: true });
  return body;
}

function operationUrl(operation: string, bound: BoundTarget | undefined): string {
  if (!bound) return operation;
  const qualified = operation.startsWith(`${ODATA_NAMESPACE}.`) ? operation : `${ODATA_NAMESPACE}.${operation}`;
  return `${bound.entitySet}${bound.key === undefined ? '' : formatKey(bound.key)}/${qualified}`;
}

function actionNotAvailable(name: string, explanation: string | undefined, cause?: DataverseError): ActionNotAvailableError {
  return new ActionNotAvailableError(name, `This environment has no action or function '${name}'${explanation ? ` (${explanation})` : ''}`, {
    status: cause?.status ?? 404,
    code: cause?.code ?? '',
    ...(cause?.requestId ? { requestId: cause.requestId } : {}),
    hint: explanation
      ? `The operation needs '${name}', which this environment no longer provides.`
      : `Check the name (it is case-sensitive) and that the solution providing '${name}' is installed.`,
    ...(cause ? { cause } : {}),
  });
}

function asActionNotAvailable(error: unknown, name: string, explanation: string | undefined): unknown {
  if (isNotFoundError(error) && (SEGMENT_NOT_FOUND_CODES.has(error.code) || error.code === '')) return actionNotAvailable(name, explanation, error);
  return error;
}

