/**
 * Reconciling in-flight reports with the server: an intent whose answer was never recorded may or
 * may not have landed. `msdyncrm_LoadInteractionsPublic` lists a contact's `CustomChannelResponse`
 * interactions; a report landed when one has its ActivityId, journey, iteration, ResponseType (and
 * keyword). Landed → confirmed; not found → pending again (sent once more).
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/developer/retrieve-interactions-contact
 */
import type { DataverseClient } from '../../dataverse/index.js';
import { Actions } from '../../model/names.js';
import type { ReportEntry, ReporterLedger } from '../ledger/ReporterLedger.js';
import { parseGuid } from '../../util/guid.js';

/** Interaction type of a custom channel response. */
export const CUSTOM_CHANNEL_RESPONSE_INTERACTION = 'CustomChannelResponse';
/** Largest page the action serves. */
const INTERACTIONS_PAGE = 5000;

interface InteractionLike {
  ActivityId?: unknown;
  CustomerJourneyId?: unknown;
  CustomerJourneyIterationId?: unknown;
  ResponseType?: unknown;
  TriggerKeyword?: unknown;
}

const lower = (value: unknown): string => parseGuid(value) ?? '';

/** The key an interaction and a report share. */
function interactionKey(i: InteractionLike): string {
  return [String(i.ActivityId ?? ''), lower(i.CustomerJourneyId), lower(i.CustomerJourneyIterationId), String(i.ResponseType ?? ''), String(i.TriggerKeyword ?? '')].join('\u0000');
}

function reportKey(e: ReportEntry): string {
  return [e.activity.activityId, e.activity.journeyId, e.activity.iterationId, e.responseType, e.triggerKeyword].join('\u0000');
}

/** Keys of a contact's custom channel responses on the server (every page). */
export async function landedResponses(client: DataverseClient, contactId: string, abortSignal?: AbortSignal): Promise<Set<string>> {
  const keys = new Set<string>();
  let skipToken: string | undefined;
  do {
    const answer = await client.callAction<{ Data?: string; NextSkipToken?: string | null }>(
      Actions.loadInteractionsPublic,
      { ContactId: contactId, InteractionType: CUSTOM_CHANNEL_RESPONSE_INTERACTION, Top: INTERACTIONS_PAGE, ...(skipToken ? { SkipToken: skipToken } : {}) },
      // Reading interactions changes nothing: safe to resend after a lost answer.
      { idempotent: true, ...(abortSignal ? { abortSignal } : {}) },
    );
    // `Data` is a JSON array serialized into a string property.
    const data: unknown = typeof answer?.Data === 'string' && answer.Data !== '' ? JSON.parse(answer.Data) : [];
    if (Array.isArray(data)) for (const item of data) keys.add(interactionKey(item as InteractionLike));
    skipToken = typeof answer?.NextSkipToken === 'string' && answer.NextSkipToken !== '' ? answer.NextSkipToken : undefined;
  } while (skipToken !== undefined);
  return keys;
}

/** What reconciliation decided. */
export interface ReconcileResult {
  /** Found on the server: confirmed without sending. */
  landed: number;
  /** Not found: pending again. */
  reopened: number;
}

/** Reconcile in-flight entries (one `LoadInteractionsPublic` pass per contact) and update the ledger. */
export async function reconcileInFlight(
  client: DataverseClient,
  ledger: ReporterLedger,
  entries: readonly ReportEntry[],
  abortSignal?: AbortSignal,
): Promise<ReconcileResult> {
  const byContact = new Map<string, ReportEntry[]>();
  for (const e of entries) {
    const list = byContact.get(e.activity.contactId) ?? [];
    list.push(e);
    byContact.set(e.activity.contactId, list);
  }
  const result: ReconcileResult = { landed: 0, reopened: 0 };
  for (const [contactId, list] of byContact) {
    const landed = await landedResponses(client, contactId, abortSignal);
    const found = list.filter((e) => landed.has(reportKey(e)));
    const missing = list.filter((e) => !landed.has(reportKey(e)));
    ledger.confirm(found);
    ledger.reopen(missing);
    result.landed += found.length;
    result.reopened += missing.length;
  }
  return result;
}
