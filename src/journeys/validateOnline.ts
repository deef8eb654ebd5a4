/**
 * The server's error check: `msdyncrm_CustomerJourneyValidate`, an unbound action whose
 * `FieldValue…` parameters mirror the journey's fields (lookups as the referenced record's id, not
 * `@odata.bind`) and whose `ValidationResult` is a JSON document serialized as a string.
 * https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey#check-for-errors
 */
import type { DataverseClient, OperationOptions } from '../dataverse/DataverseClient.js';
import { DataverseError } from '../dataverse/errors.js';
import type { JourneyRecord } from '../model/journeyRecord.js';
import { Actions } from '../model/names.js';
import type { Finding } from '../validation/finding.js';
import { parseValidationResult, type ServerResult } from '../validation/serverResult.js';

/** The outcome of the server's check. */
export interface OnlineValidationResult {
  /** The overall `Result`: `Valid`, `Warning` (passes with non-blocking issues) or `Error`. */
  result: ServerResult;
  findings: Finding[];
}

/** Record keys and the action parameters they fill. */
const PARAMETERS: readonly (readonly [keyof JourneyRecord, string])[] = [
  ['id', 'FieldValueCustomerJourneyId'],
  ['statusCode', 'FieldValueStatusCode'],
  ['name', 'FieldValueName'],
  ['startDateTime', 'FieldValueStartDateTime'],
  ['endDateTime', 'FieldValueEndDateTime'],
  ['workflowDefinition', 'FieldValueWorkflowDefinition'],
  ['isRecurring', 'FieldValueIsRecurring'],
  ['recurrenceIntervalDays', 'FieldValueRecurrenceIntervalDays'],
  ['recurrenceCount', 'FieldValueRecurrenceCount'],
  ['requiredConsent', 'FieldValueRequiredConsent'],
  ['entityTarget', 'FieldValueEntityTarget'],
  ['suppressionSegmentId', 'FieldValueSuppressionSegmentId'],
  ['timeZone', 'FieldValueCustomerJourneyTimeZone'],
  ['contentSettingsId', 'FieldValueContentSettingsId'],
];

/** The action's request body for a journey: every known field that has a value. */
export function buildValidateRequest(record: JourneyRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, parameter] of PARAMETERS) {
    const value = record[key];
    if (value !== undefined && value !== null) body[parameter] = value;
  }
  return body;
}

/** Call the action for a journey and read its answer. */
export async function validateOnline(client: DataverseClient, record: JourneyRecord, options: OperationOptions = {}): Promise<OnlineValidationResult> {
  const answer = await client.callAction<{ ValidationResult?: unknown }>(Actions.customerJourneyValidate, buildValidateRequest(record), {
    // A check changes nothing: retrying it after a lost answer is harmless.
    idempotent: true,
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
  const raw = answer?.ValidationResult;
  const location = record.id ? { recordId: record.id } : {};
  if (typeof raw !== 'string') {
    throw new DataverseError(`${Actions.customerJourneyValidate} answered without a ValidationResult string`, {
      status: 200,
      hint: 'The environment answered the error check in an unexpected shape; check that the outbound marketing solution is intact.',
    });
  }
  try {
    return { result: overallResult(raw), findings: parseValidationResult(raw, location) };
  } catch (error) {
    // A malformed answer is the service's fault, not the user's input.
    throw new DataverseError(`${Actions.customerJourneyValidate} answered with an unreadable ValidationResult: ${(error as Error).message}`, { status: 200, cause: error });
  }
}

function overallResult(raw: string): ServerResult {
  const value = (JSON.parse(raw) as { Result?: unknown }).Result;
  return value === 'Warning' || value === 'Error' ? value : 'Valid';
}
