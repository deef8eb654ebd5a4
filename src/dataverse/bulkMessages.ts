/**
 * The bulk operation messages path of `createMany`/`updateMany`: a chunk goes as one
 * `CreateMultiple` or `UpdateMultiple` request (Microsoft's recommended bulk path, one transaction)
 * when the table has the message. Not every table has them, so the first refusal of the kind
 * "no such message here" (404 segment not found, 405, 501) is remembered per client and entity set
 * and later chunks go straight to `$batch`. A chunk the message fails for any other reason (one bad
 * row rolls back all) is handed back to the `$batch` path, which writes the good rows and reports
 * the bad ones one by one, as Microsoft advises.
 * https://learn.microsoft.com/power-apps/developer/data-platform/bulk-operations#on-error-behavior-with-standard-tables
 * https://learn.microsoft.com/power-apps/developer/data-platform/bulk-operations#availability-with-standard-tables
 */
import { Tables } from '../model/names.js';
import type { BulkResult, Work } from './bulk.js';
import type { DataverseClient, DataverseRecord } from './DataverseClient.js';
import { isDataverseError, SEGMENT_NOT_FOUND_CODES, type DataverseError } from './errors.js';
import { formatLiteral } from './odata.js';

/** Per client: entity set -> whether its bulk messages exist (absent = not known yet). */
const availability = new WeakMap<DataverseClient, Map<string, boolean>>();
/** Per client: entity set -> logical name (for `@odata.type`). */
const logicalNames = new WeakMap<DataverseClient, Map<string, Promise<string>>>();

const KNOWN_LOGICAL_NAMES: ReadonlyMap<string, string> = new Map(Object.values(Tables).map((t) => [t.entitySet, t.logicalName]));

function cacheOf<V>(map: WeakMap<DataverseClient, Map<string, V>>, client: DataverseClient): Map<string, V> {
  let cache = map.get(client);
  if (!cache) {
    cache = new Map();
    map.set(client, cache);
  }
  return cache;
}

/** Whether the client has found out that `entitySet` lacks (false) or has (true) the bulk messages. */
export function bulkMessagesKnown(client: DataverseClient, entitySet: string): boolean | undefined {
  return availability.get(client)?.get(entitySet);
}

/** The logical name of an entity set: known tables first, then `EntityDefinitions`. */
function logicalNameOf(client: DataverseClient, entitySet: string, abortSignal?: AbortSignal): Promise<string> {
  const known = KNOWN_LOGICAL_NAMES.get(entitySet);
  if (known) return Promise.resolve(known);
  const cache = cacheOf(logicalNames, client);
  let pending = cache.get(entitySet);
  if (!pending) {
    pending = (async () => {
      const page = await client
        .query('EntityDefinitions', { select: ['LogicalName'], filter: `EntitySetName eq ${formatLiteral(entitySet)}`, ...(abortSignal ? { abortSignal } : {}) })
        .byPage()
        .next();
      const name = page.done ? undefined : page.value.items[0]?.LogicalName;
      if (typeof name !== 'string') throw new RangeError(`Cannot find the table of the entity set '${entitySet}' in EntityDefinitions.`);
      return name;
    })();
    cache.set(entitySet, pending);
    pending.catch(() => cache.delete(entitySet));
  }
  return pending;
}

/** An answer that means "this message does not exist for this table", not "this data is wrong". */
function isMissingMessage(error: DataverseError): boolean {
  if (error.status === 501 || error.status === 405) return true;
  return (error.status === 404 || error.status === 400) && (SEGMENT_NOT_FOUND_CODES.has(error.code) || error.code === '');
}

/**
 * Writes a chunk with `CreateMultiple`/`UpdateMultiple`. Returns true when the chunk is done
 * (counted in `result`); false when the `$batch` path must write it (message missing or failed).
 */
export async function bulkMessageChunk(client: DataverseClient, entitySet: string, chunk: Work[], result: BulkResult, abortSignal?: AbortSignal): Promise<boolean> {
  const cache = cacheOf(availability, client);
  if (cache.get(entitySet) === false || chunk.length === 0) return false;
  const kind = chunk[0]!.kind;
  // UpdateMultiple has no per-row ETag: rows updated under optimistic concurrency go through $batch.
  if (kind === 'update' && chunk.some((work) => (work.op.headers?.['if-match'] ?? '*') !== '*')) return false;
  let type: string;
  let primaryKey: string;
  try {
    type = `Microsoft.Dynamics.CRM.${await logicalNameOf(client, entitySet, abortSignal)}`;
    primaryKey = await client.primaryKeyOf(entitySet, abortSignal);
  } catch {
    return false;
  }
  // Spread and computed keys define own properties: a `__proto__` key stays data.
  const targets = chunk.map((work): DataverseRecord => ({ ...work.sent, [primaryKey]: work.id, '@odata.type': type }));
  const message = kind === 'create' ? 'CreateMultiple' : 'UpdateMultiple';
  try {
    // Creates carry client-generated ids and updates are idempotent: a retry cannot double a row.
    await client.send('POST', `${entitySet}/Microsoft.Dynamics.CRM.${message}`, {
      body: { Targets: targets },
      idempotent: true,
      ...(abortSignal ? { abortSignal } : {}),
    });
  } catch (error) {
    if (!isDataverseError(error)) throw error;
    if (isMissingMessage(error)) {
      cache.set(entitySet, false);
      return false;
    }
    // The message may have been applied before its answer was lost: the $batch path then checks
    // duplicates and stale rows against what was sent.
    if (error.retryable || error.attempts > 1) for (const work of chunk) work.maybeApplied = true;
    return false;
  }
  cache.set(entitySet, true);
  result.succeeded += chunk.length;
  return true;
}
