/**
 * Pairing `$batch` answers with the operations sent: per-operation results with their errors,
 * change-set rollback, and the splitting of work into requests of at most 1,000 operations.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
 */
import { isChangeSet, operationCount, type BatchItem, type BatchOperation, type BatchPartResponse, type BatchResponseEntry } from './batch.js';
import { DataverseError, errorFromResponse, NotExecutedError } from './errors.js';
import { idFromEntityUrl } from './odata.js';
import { createHeaders, type HeaderMap } from './pipeline.js';
import { parseJsonBody } from './responseBody.js';

/** The answer to one operation of a batch. */
export interface BatchOperationResult {
  /** Position in the flattened list of operations (change sets expanded). */
  index: number;
  contentId?: string;
  /** HTTP status; 0 when the operation was not executed (an earlier failure stopped the batch). */
  status: number;
  ok: boolean;
  headers: HeaderMap;
  /** Parsed JSON body, if any. */
  body?: unknown;
  /** Id from `OData-EntityId` (creates, upserts). */
  entityId?: string;
  error?: DataverseError;
  /** Attempts of the `$batch` request that carried the operation (more than 1 after a retry). */
  attempts: number;
}

/** Whether resending the operation is harmless (a create with a client id is). */
export function isIdempotent(op: BatchOperation): boolean {
  return op.idempotent ?? op.method !== 'POST';
}

/** Split items into requests of at most `max` operations; change sets stay whole. */
export function* chunkItems(items: readonly BatchItem[], max: number): Generator<BatchItem[]> {
  let chunk: BatchItem[] = [];
  let size = 0;
  for (const item of items) {
    const count = operationCount(item);
    if (count > max) throw new RangeError(`A change set of ${count} operations exceeds the ${max} operations allowed in one batch`);
    if (size + count > max) {
      yield chunk;
      chunk = [];
      size = 0;
    }
    chunk.push(item);
    size += count;
  }
  if (chunk.length > 0) yield chunk;
}

export function notExecuted(items: readonly BatchItem[], offset: number, why: string, attempts = 0): BatchOperationResult[] {
  const out: BatchOperationResult[] = [];
  for (const item of items) {
    for (const op of isChangeSet(item) ? item.changeSet : [item]) {
      out.push({
        index: offset + out.length,
        ...(op.contentId ? { contentId: op.contentId } : {}),
        status: 0,
        ok: false,
        headers: createHeaders(),
        error: new NotExecutedError(`Not executed: ${why}`, { status: 0, retryable: true, attempts, hint: 'Send the operation again.' }),
        attempts,
      });
    }
  }
  return out;
}

function partResult(index: number, part: BatchPartResponse, attempts: number, contentId: string | undefined): BatchOperationResult {
  const ok = part.status >= 200 && part.status < 300;
  const entityId = idFromEntityUrl(part.headers['odata-entityid'] ?? part.headers['location']);
  const body = parseJsonBody(part);
  return {
    index,
    ...(contentId ? { contentId } : {}),
    status: part.status,
    ok,
    headers: part.headers,
    ...(body === undefined ? {} : { body }),
    ...(entityId ? { entityId } : {}),
    ...(ok ? {} : { error: errorFromResponse({ status: part.status, bodyText: part.bodyText, attempts, ...(part.headers['req_id'] ? { requestId: part.headers['req_id'] } : {}) }) }),
    attempts,
  };
}

function isSuccess(part: BatchPartResponse): boolean {
  return part.status >= 200 && part.status < 300;
}

/**
 * Pair each operation with its answer, by the Content-ID the answer echoes (else by position
 * when every item was answered).
 * - A change set with a failed part failed as a whole: its other operations were rolled back.
 *   Dataverse may answer it with the single failed part (the OData 4.0 shape).
 * - Without continue-on-error a failed batch reports only the failed part: the operations
 *   before it succeeded (ok, status 0: no answer of their own), the ones after never ran.
 */
export function mapBatchResults(
  items: readonly BatchItem[],
  contentIds: readonly (readonly string[])[],
  offset: number,
  entries: readonly BatchResponseEntry[],
  attempts: number,
): BatchOperationResult[] {
  const partsOf = (entry: BatchResponseEntry): BatchPartResponse[] => (entry.kind === 'changeSet' ? entry.responses : [entry.response]);
  const entryById = new Map<string, BatchResponseEntry>();
  for (const entry of entries) for (const part of partsOf(entry)) if (part.contentId !== undefined) entryById.set(part.contentId, entry);
  const entryOf = (i: number): BatchResponseEntry | undefined => {
    for (const id of contentIds[i] ?? []) {
      const entry = entryById.get(id);
      if (entry) return entry;
    }
    return entries.length === items.length ? entries[i] : undefined;
  };
  const itemEntries = items.map((_, i) => entryOf(i));
  const firstFailed = itemEntries.findIndex((entry) => entry !== undefined && partsOf(entry).some((p) => !isSuccess(p)));

  const results: BatchOperationResult[] = [];
  items.forEach((item, i) => {
    const ops = isChangeSet(item) ? item.changeSet : [item];
    const ids = contentIds[i] ?? [];
    const start = offset + results.length;
    const entry = itemEntries[i];
    if (!entry) {
      ops.forEach((_, j) => {
        const executed = firstFailed >= 0 && i < firstFailed;
        results.push(
          executed
            ? { index: start + j, ...(ids[j] ? { contentId: ids[j] } : {}), status: 0, ok: true, headers: createHeaders(), attempts }
            : { ...notExecuted([ops[j]!], start + j, 'an earlier operation in the batch failed', attempts)[0]!, ...(ids[j] ? { contentId: ids[j] } : {}) },
        );
      });
      return;
    }
    const parts = partsOf(entry);
    const byId = new Map(parts.filter((p) => p.contentId !== undefined).map((p) => [p.contentId!, p]));
    const failed = parts.find((p) => !isSuccess(p));
    ops.forEach((_, j) => {
      const own = byId.get(ids[j] ?? '') ?? (byId.size === 0 && parts.length === ops.length ? parts[j] : undefined);
      if (own && (!failed || own === failed)) {
        results.push(partResult(start + j, own, attempts, ids[j]));
        return;
      }
      const cause = partResult(start + j, failed ?? parts[0]!, attempts, ids[j]);
      results.push({
        ...cause,
        ok: false,
        error: new DataverseError(`Rolled back: another operation of the change set failed (${cause.error?.message ?? `HTTP ${cause.status}`})`, {
          status: cause.status,
          code: cause.error?.code ?? '',
          attempts,
          hint: 'Fix the failed operation of the change set and send the change set again.',
        }),
      });
    });
  });
  return results;
}
