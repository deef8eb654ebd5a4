/**
 * The error check the service ran on "Check for errors" and on go-live: the shared offline
 * validator, answered in the server's `ValidationResult` shape. One validator for the CLI, the
 * client and the emulator, so they can never disagree.
 */
import { JourneyAttributes as A } from '../../model/names.js';
import { validateJourney } from '../../validation/index.js';
import { toValidationResult } from '../../validation/serverResult.js';

/** The server-shaped result (`msdyncrm_CustomerJourneyValidateResponse.ValidationResult`, parsed). */
export type ServerValidationResult = ReturnType<typeof toValidationResult>;

/**
 * Validate journey fields (logical names; the workflow definition and designer state are taken
 * from them). Never throws: an unreadable definition is itself a finding of the validator.
 */
export function validateJourneyFields(fields: Readonly<Record<string, unknown>>): ServerValidationResult {
  const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(fields)) copy[k] = v;
  const findings = validateJourney({
    definition: copy[A.workflowDefinition] ?? null,
    fields: copy,
    designerState: copy[A.designerState] ?? undefined,
  });
  return toValidationResult(findings);
}

/** Whether a result blocks go-live (`Result: "Error"`). */
export function isBlocking(result: ServerValidationResult): boolean {
  return result.Result === 'Error';
}
