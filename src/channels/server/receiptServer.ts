/**
 * `channel receive`: an HTTP endpoint for a provider's late delivery receipts (and keyword
 * replies). A receipt is written to the reporter's ledger before it is acknowledged, then reported
 * through the same exactly-once path as the reporter's own responses.
 *
 * `POST /receipts` with `Content-Type: application/json`, one receipt or an array:
 * `{ "activityId": "<custom channel activity row id>", "responseType": "delivered", "keyword": "STOP" }`
 * (`activityId` is the row id the provider got as `idempotencyKey`; `rowId` is accepted too;
 * `keyword` only for the tile's `custom="True"` response type).
 * Answers `202 { accepted, duplicates }`; `400` with the reason for a receipt the tile refuses or
 * an unknown activity (nothing of that request is stored); `GET /health` → `{ ok, pending }`.
 */
import type { IncomingMessage } from 'node:http';
import { isNotFoundError, type DataverseClient } from '../../dataverse/index.js';
import { Tables } from '../../model/names.js';
import { parseGuid } from '../../util/guid.js';
import { checkResponseType, type TileConfig } from '../tile/index.js';
import type { ReporterLedger } from '../ledger/ReporterLedger.js';
import { ACTIVITY_SELECT, activityFromRow } from '../reporter/activityRows.js';
import { InteractionReporter, type ReporterOptions, type ReporterSummary } from '../reporter/InteractionReporter.js';
import { loadChannelTiles } from '../reporter/tiles.js';
import type { ChannelActivity, ProviderResponse } from '../reporter/types.js';
import { HttpRefusal, listen, readJsonBody, type ListenOptions, type ListeningServer } from './http.js';

/** One receipt as posted. */
export interface Receipt {
  activityId: string;
  responseType: string;
  keyword?: string;
}

/** Options of {@link startReceiptServer}. */
export interface ReceiptServerOptions extends ListenOptions {
  client: DataverseClient;
  ledger: ReporterLedger;
  /** Reporting options (batch size, concurrency…). */
  reporter?: Pick<ReporterOptions, 'batchSize' | 'concurrency' | 'maxReportAttempts' | 'log' | 'environment' | 'ledgerFile'>;
  /** Tiles by channel entity; loaded from the environment when absent. */
  tiles?: ReadonlyMap<string, TileConfig>;
  /** Called after each reporting round. */
  onReported?: (summary: ReporterSummary) => void;
}

/** A running receipt server. */
export interface ReceiptServer extends ListeningServer {
  /** Resolves when everything received so far has been reported (or dead-lettered). */
  idle(): Promise<void>;
}

/** Validate posted receipts; throws an {@link HttpRefusal} naming the JSON pointer of the problem. */
export function parseReceipts(body: unknown): Receipt[] {
  const list = Array.isArray(body) ? body : [body];
  const prefix = Array.isArray(body) ? (i: number) => `/${i}` : () => '';
  if (list.length === 0) throw new HttpRefusal(400, 'no receipt in the body');
  return list.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new HttpRefusal(400, 'a receipt must be a JSON object', prefix(i) || '/');
    const r = item as Record<string, unknown>;
    const id = parseGuid(typeof r.activityId === 'string' ? r.activityId : r.rowId);
    if (id === undefined) throw new HttpRefusal(400, 'activityId must be the custom channel activity row id (a GUID)', `${prefix(i)}/activityId`);
    if (typeof r.responseType !== 'string' || r.responseType === '') throw new HttpRefusal(400, 'responseType must be a non-empty string', `${prefix(i)}/responseType`);
    if (r.keyword !== undefined && typeof r.keyword !== 'string') throw new HttpRefusal(400, 'keyword must be a string', `${prefix(i)}/keyword`);
    return { activityId: id, responseType: r.responseType, ...(typeof r.keyword === 'string' && r.keyword !== '' ? { keyword: r.keyword } : {}) };
  });
}

/** Start the receipt endpoint. */
export async function startReceiptServer(options: ReceiptServerOptions): Promise<ReceiptServer> {
  const { client, ledger } = options;
  const tiles = options.tiles ?? (await loadChannelTiles(client));
  let draining: Promise<void> | undefined;
  let again = false;

  const reportRound = async (): Promise<void> => {
    const summary = await new InteractionReporter({
      client,
      ledger,
      tiles,
      provider: { name: 'receipts', send: () => Promise.reject(new Error('receipts only')) },
      ...options.reporter,
    }).drain();
    options.onReported?.(summary);
  };
  /** One drain loop at a time; receipts arriving meanwhile trigger one more round. */
  const scheduleDrain = (): Promise<void> => {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      try {
        do {
          again = false;
          await reportRound();
        } while (again);
      } catch (error) {
        options.reporter?.log?.(`reporting failed; receipts stay in the ledger: ${(error as Error).message}`);
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  };

  const activityFor = async (rowId: string, pointer: string): Promise<ChannelActivity> => {
    const known = ledger.activity(rowId);
    if (known) return known;
    let row: Record<string, unknown>;
    try {
      row = await client.retrieve(Tables.customChannelActivity.entitySet, rowId, { select: ACTIVITY_SELECT });
    } catch (error) {
      if (isNotFoundError(error)) throw new HttpRefusal(404, `no custom channel activity ${rowId}`, pointer);
      throw error;
    }
    const parsed = activityFromRow(row);
    if ('missing' in parsed) throw new HttpRefusal(422, `custom channel activity ${rowId} has no ${parsed.missing}`, pointer);
    return parsed.activity;
  };

  const receive = async (request: IncomingMessage): Promise<{ status: number; body: unknown }> => {
    const receipts = parseReceipts(await readJsonBody(request));
    // Check every receipt first: a request is stored whole or not at all.
    const checked: { activity: ChannelActivity; response: ProviderResponse }[] = [];
    for (const [i, receipt] of receipts.entries()) {
      const pointer = Array.isArray(receipts) && receipts.length > 1 ? `/${i}` : '';
      const activity = await activityFor(receipt.activityId, `${pointer}/activityId`);
      const tile = tiles.get(activity.entityType);
      if (!tile) throw new HttpRefusal(422, `no channel tile declares EntityType ${activity.entityType}`, `${pointer}/activityId`);
      try {
        checkResponseType(tile, receipt.responseType, receipt.keyword);
      } catch (error) {
        throw new HttpRefusal(400, (error as Error).message, `${pointer}/responseType`);
      }
      checked.push({ activity, response: { responseType: receipt.responseType, ...(receipt.keyword ? { triggerKeyword: receipt.keyword } : {}) } });
    }
    let accepted = 0;
    for (const { activity, response } of checked) accepted += ledger.recordReceipt(activity, response);
    void scheduleDrain();
    return { status: 202, body: { accepted, duplicates: checked.length - accepted } };
  };

  const server = await listen(
    {
      'POST /receipts': receive,
      'GET /health': () => Promise.resolve({ status: 200, body: { ok: true, pending: ledger.pendingCount() } }),
    },
    options,
  );
  // Receipts stored by an earlier run but not yet reported.
  void scheduleDrain();
  return {
    ...server,
    async idle() {
      while (draining) await draining;
    },
    async close() {
      await server.close();
      while (draining) await draining;
    },
  };
}
