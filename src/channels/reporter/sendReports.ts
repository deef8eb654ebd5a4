/**
 * Sending claimed reports: one `msdyncrm_CustomChannelActivityCreateInteraction` per response,
 * several per `$batch` request (a `$batch` counts as one request against service protection), with
 * continue-on-error so one refused response does not hold back the others.
 *
 * How an outcome maps to the ledger:
 * - 2xx → confirmed;
 * - an answered refusal (4xx other than 429) → dead-lettered with the service's message: sending it
 *   again would be refused again (unknown response type, missing journey/contact);
 * - 429 (the request was not run) → pending again, attempt counted;
 * - no answer, or a 5xx for a whole `$batch` → *ambiguous*: the action may have run, so the
 *   entries stay in flight and are reconciled with the server before anything is re-sent.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
 */
import { DataverseError, isDataverseError, isNotExecutedError, type BatchOperation, type DataverseClient } from '../../dataverse/index.js';
import { Actions } from '../../model/names.js';
import type { ReportEntry } from '../ledger/ReporterLedger.js';
import { createInteractionParameters } from './activityRows.js';

/** What happened to a group of claimed entries. */
export interface SendOutcome {
  confirmed: ReportEntry[];
  /** Refused for good, with the reason. */
  refused: { entry: ReportEntry; reason: string }[];
  /** Not run (throttled, not executed): send again later. */
  retry: { entry: ReportEntry; reason: string }[];
  /** May or may not have landed: reconcile before sending again. */
  ambiguous: ReportEntry[];
  /** HTTP requests made (a `$batch` is one). */
  requests: number;
}

function emptyOutcome(): SendOutcome {
  return { confirmed: [], refused: [], retry: [], ambiguous: [], requests: 0 };
}

function parametersOf(entry: ReportEntry): Record<string, unknown> {
  return createInteractionParameters(entry.activity, {
    responseType: entry.responseType,
    ...(entry.triggerKeyword === '' ? {} : { triggerKeyword: entry.triggerKeyword }),
  });
}

/** Sort one failure into refused / retry / ambiguous. */
function classify(outcome: SendOutcome, entry: ReportEntry, error: unknown): void {
  if (isDataverseError(error) && error.status === 429) outcome.retry.push({ entry, reason: error.message });
  else if (isDataverseError(error) && error.status >= 400 && error.status < 500) outcome.refused.push({ entry, reason: error.message });
  else if (isNotExecutedError(error)) outcome.retry.push({ entry, reason: error.message });
  else outcome.ambiguous.push(entry);
}

/** Send the entries: one action call for a single entry, else one `$batch` (continue-on-error). */
export async function sendReports(client: DataverseClient, entries: readonly ReportEntry[], abortSignal?: AbortSignal): Promise<SendOutcome> {
  const outcome = emptyOutcome();
  if (entries.length === 0) return outcome;
  outcome.requests = 1;
  if (entries.length === 1) {
    const entry = entries[0]!;
    try {
      await client.callAction(Actions.customChannelActivityCreateInteraction, parametersOf(entry), { ...(abortSignal ? { abortSignal } : {}) });
      outcome.confirmed.push(entry);
    } catch (error) {
      classify(outcome, entry, error);
    }
    return outcome;
  }
  const operations: BatchOperation[] = entries.map((entry) => ({ method: 'POST', path: Actions.customChannelActivityCreateInteraction, body: parametersOf(entry) }));
  let results;
  try {
    results = await client.batch(operations, { continueOnError: true, ...(abortSignal ? { abortSignal } : {}) });
  } catch (error) {
    // The whole request failed. A 429 or a 4xx answer means nothing ran; anything else may have run.
    for (const entry of entries) {
      if (isDataverseError(error) && error.status >= 400 && error.status < 500 && error.status !== 429) outcome.retry.push({ entry, reason: error.message });
      else classify(outcome, entry, error);
    }
    return outcome;
  }
  results.forEach((result, i) => {
    const entry = entries[i]!;
    if (result.ok) outcome.confirmed.push(entry);
    else classify(outcome, entry, result.error ?? new DataverseError(`HTTP ${result.status}`, { status: result.status }));
  });
  return outcome;
}
