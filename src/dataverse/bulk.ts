/**
 * Bulk writes: many creates or updates sent as `CreateMultiple`/`UpdateMultiple` where the table
 * has these messages (one transaction per chunk; a chunk they refuse is sent again as `$batch`),
 * else as `$batch` requests (continue-on-error, no change
 * sets, so one bad row does not sink its neighbours), several requests in flight under the
 * client's concurrency limiter and retry policy. Nothing is lost or doubled: creates carry
 * client-generated ids, and a duplicate (or stale ETag) met after a lost answer is checked
 * against the stored record before it counts as success.
 */
import { randomUUID } from 'node:crypto';
import { abortReason } from './clock.js';
import type { BatchOperation } from './batch.js';
import type { BatchOperationResult } from './batchResults.js';
import type { DataverseClient, DataverseRecord } from './DataverseClient.js';
import { ConcurrencyError, DataverseError, DuplicateRecordError, isConcurrencyError, isDataverseError, isDuplicateRecordError } from './errors.js';
import { bulkMessageChunk } from './bulkMessages.js';
import { buildQueryString, recordPath } from './odata.js';
/** Backoff between rounds of a bulk write (rounds retry what the pipeline's own retries left). */
const BULK_ROUND_BACKOFF = { baseDelayInMs: 200, maxDelayInMs: 5000 } as const;
import { comparableColumns, firstDifference } from './storedValues.js';

/** Options shared by {@link createMany} and {@link updateMany}. */
export interface BulkOptions {
  /** Operations per `$batch` request (1–1000). Microsoft suggests small batches plus concurrency. @default 100 */
  batchSize?: number;
  /** `$batch` requests prepared at once; the client's concurrency limiter decides how many are in flight. @default 32 */
  maxParallelBatches?: number;
  /** Rounds for operations that failed with a retryable error inside a batch. @default 5 */
  maxRounds?: number;
  abortSignal?: AbortSignal;
  /** Called after each batch with the running totals. */
  onProgress?: (progress: BulkProgress) => void;
  /**
   * Send chunks as `CreateMultiple`/`UpdateMultiple` where the table has them (found out on the
   * first chunk and remembered per client); `false` always sends `$batch`. @default true
   */
  bulkMessages?: boolean;
  /**
   * Rows per `CreateMultiple`/`UpdateMultiple` request (1–5000). Microsoft sets no count but suggests
   * starting near 1,000 for small rows; a chunk that falls back is sent as `$batch` requests of
   * `batchSize`. @default 500
   */
  bulkMessageSize?: number;
}

export interface BulkProgress {
  succeeded: number;
  failed: number;
}

export interface CreateManyOptions extends BulkOptions {
  /** Primary key column. @default from the known tables, else from metadata */
  primaryKey?: string;
}

export type UpdateManyOptions = BulkOptions;

/** One row to update: its id, the columns to set, and optionally the ETag it must still have. */
export interface RecordUpdate {
  id: string;
  values: DataverseRecord;
  /** `If-Match` ETag for optimistic concurrency. @default '*' (the row must exist) */
  etag?: string;
}

export interface BulkFailure {
  /** Position in the input. */
  index: number;
  id: string;
  error: DataverseError;
}

export interface BulkResult {
  succeeded: number;
  /** Failed rows, in no particular order. Empty when everything was written. */
  failed: BulkFailure[];
  /** Record ids by input position. */
  ids: string[];
}

export interface Work {
  index: number;
  id: string;
  op: BatchOperation;
  sent: DataverseRecord;
  /** A duplicate on this id can only be our own earlier attempt. */
  generatedId: boolean;
  /** An earlier attempt may have been applied (its answer was lost). */
  maybeApplied: boolean;
  kind: 'create' | 'update';
  lastError?: DataverseError;
}

/** Create records in bulk. Each record gets a client-generated id unless it carries its primary key. */
export async function createMany(
  client: DataverseClient,
  entitySet: string,
  records: Iterable<DataverseRecord> | AsyncIterable<DataverseRecord>,
  options: CreateManyOptions = {},
): Promise<BulkResult> {
  const primaryKey = options.primaryKey ?? (await client.primaryKeyOf(entitySet, options.abortSignal));
  return runBulk(client, entitySet, records, options, (record, index): Work => {
    const given = record[primaryKey];
    const id = typeof given === 'string' ? given : randomUUID();
    // Spread and computed keys define own properties: a `__proto__` key stays data.
    const sent: DataverseRecord = { ...record, [primaryKey]: id };
    return { index, id, sent, kind: 'create', generatedId: typeof given !== 'string', maybeApplied: false, op: { method: 'POST', path: entitySet, body: sent, idempotent: true } };
  });
}

/** Update records in bulk (`PATCH` with `If-Match: *` or the row's ETag). */
export function updateMany(
  client: DataverseClient,
  entitySet: string,
  updates: Iterable<RecordUpdate> | AsyncIterable<RecordUpdate>,
  options: UpdateManyOptions = {},
): Promise<BulkResult> {
  return runBulk(client, entitySet, updates, options, (update, index): Work => ({
    index,
    id: update.id,
    sent: update.values,
    kind: 'update',
    generatedId: false,
    maybeApplied: false,
    op: { method: 'PATCH', path: recordPath(entitySet, update.id), body: update.values, headers: { 'if-match': update.etag ?? '*' } },
  }));
}

async function runBulk<T>(
  client: DataverseClient,
  entitySet: string,
  input: Iterable<T> | AsyncIterable<T>,
  options: BulkOptions,
  toWork: (item: T, index: number) => Work,
): Promise<BulkResult> {
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw new RangeError(`batchSize must be 1–1000, got ${batchSize}`);
  const parallel = options.maxParallelBatches ?? 32;
  const maxRounds = options.maxRounds ?? 5;
  const messageSize = options.bulkMessageSize ?? 500;
  if (!Number.isInteger(messageSize) || messageSize < 1 || messageSize > 5000) throw new RangeError(`bulkMessageSize must be 1–5000, got ${messageSize}`);
  const result: BulkResult = { succeeded: 0, failed: [], ids: [] };
  // Chunks are as large as a bulk message; where the messages are missing, each goes as $batch requests of batchSize.
  const chunks = chunked(input, options.bulkMessages === false ? batchSize : messageSize, toWork);

  const worker = async (): Promise<void> => {
    for (;;) {
      if (options.abortSignal?.aborted) throw abortReason(options.abortSignal);
      const next = await chunks.next();
      if (next.done) return;
      for (const work of next.value) result.ids[work.index] = work.id;
      if (options.bulkMessages !== false && (await bulkMessageChunk(client, entitySet, next.value, result, options.abortSignal))) {
        options.onProgress?.({ succeeded: result.succeeded, failed: result.failed.length });
        continue;
      }
      await runChunk(client, entitySet, next.value, { batchSize, maxRounds, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) }, result);
      options.onProgress?.({ succeeded: result.succeeded, failed: result.failed.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return result;
}

/** Async generators queue concurrent `next()` calls, so workers can share one. */
async function* chunked<T>(input: Iterable<T> | AsyncIterable<T>, size: number, toWork: (item: T, index: number) => Work): AsyncGenerator<Work[]> {
  let chunk: Work[] = [];
  let index = 0;
  for await (const item of input) {
    chunk.push(toWork(item, index++));
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

async function runChunk(
  client: DataverseClient,
  entitySet: string,
  chunk: Work[],
  options: { batchSize: number; maxRounds: number; abortSignal?: AbortSignal },
  result: BulkResult,
): Promise<void> {
  let pending = chunk;
  for (let round = 1; pending.length > 0 && round <= options.maxRounds; round++) {
    if (round > 1) await client.clock.sleep(client.retryStrategy.with(BULK_ROUND_BACKOFF).delayInMs(round - 1), options.abortSignal);
    let answers: BatchOperationResult[];
    try {
      answers = await client.batch(
        pending.map((w) => w.op),
        { continueOnError: true, maxOperationsPerRequest: options.batchSize, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) },
      );
    } catch (error) {
      if (!isDataverseError(error) || !error.retryable) {
        if (!isDataverseError(error)) throw error;
        for (const work of pending) result.failed.push({ index: work.index, id: work.id, error });
        return;
      }
      // The whole request failed after its own retries; it may have been applied before the answer was lost.
      for (const work of pending) {
        work.lastError = error;
        work.maybeApplied = true;
      }
      continue;
    }
    const next: Work[] = [];
    const toVerify: Work[] = [];
    answers.forEach((answer, i) => {
      const work = pending[i]!;
      if (answer.ok) {
        result.succeeded++;
        return;
      }
      const error = answer.error!;
      const retried = work.maybeApplied || answer.attempts > 1;
      if (work.kind === 'create' && isDuplicateRecordError(error) && (work.generatedId || retried)) toVerify.push(work);
      else if (work.kind === 'update' && isConcurrencyError(error) && retried) toVerify.push(work);
      else if (error.retryable) {
        work.lastError = error;
        work.maybeApplied ||= answer.attempts > 1;
        next.push(work);
      } else result.failed.push({ index: work.index, id: work.id, error });
    });
    if (toVerify.length > 0) await verifyApplied(client, entitySet, toVerify, options, result);
    pending = next;
  }
  for (const work of pending) {
    result.failed.push({ index: work.index, id: work.id, error: work.lastError ?? new DataverseError('Gave up after the maximum number of rounds', { status: 0, retryable: true }) });
  }
}

/** Read back rows whose write met a duplicate or stale-ETag answer after a retry; matching rows succeeded. */
async function verifyApplied(client: DataverseClient, entitySet: string, works: Work[], options: { abortSignal?: AbortSignal }, result: BulkResult): Promise<void> {
  const answers = await client.batch(
    works.map((w) => {
      const columns = comparableColumns(w.sent);
      return { method: 'GET' as const, path: `${recordPath(entitySet, w.id)}${buildQueryString(columns.length ? { select: columns } : {})}` };
    }),
    { continueOnError: true, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) },
  );
  answers.forEach((answer, i) => {
    const work = works[i]!;
    const stored = answer.ok && answer.body && typeof answer.body === 'object' ? (answer.body as DataverseRecord) : undefined;
    const differs = stored ? firstDifference(work.sent, stored, comparableColumns(work.sent)) : '(record could not be read)';
    if (differs === undefined) {
      result.succeeded++;
      return;
    }
    const message = `${work.kind === 'create' ? 'A different record already has id' : 'The record changed since it was read:'} ${work.id} (${differs})`;
    const error =
      work.kind === 'create'
        ? new DuplicateRecordError(message, { status: 412, code: '0x80040237', hint: 'Use another id, or update the existing record.' })
        : new ConcurrencyError(message, { status: 412, code: '0x80060882', hint: 'Read the record again and reapply the change.' });
    result.failed.push({ index: work.index, id: work.id, error });
  });
}
