/**
 * The request of `msdyncrm_CustomerJourneyValidate` ("Check for errors"): its `FieldValue…`
 * parameters mirror journey attributes, and lookups pass the referenced id as a string (braces
 * allowed), not `@odata.bind`.
 * https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey#check-for-errors
 */
import { JourneyAttributes as A, JourneyLookups } from '../../model/names.js';
import { parseGuid } from '../../util/guid.js';
import type { Refusal } from './journeyRules.js';

type EdmType = 'Edm.String' | 'Edm.Int32' | 'Edm.Boolean' | 'Edm.DateTimeOffset' | 'Edm.Guid';

interface ParameterSpec {
  attribute: string;
  type: EdmType;
}

/** Every parameter of the action, the journey attribute it maps to and its Edm type. All are optional. */
export const VALIDATE_PARAMETERS: Readonly<Record<string, ParameterSpec>> = Object.freeze({
  FieldValueCustomerJourneyId: { attribute: A.id, type: 'Edm.Guid' },
  FieldValueStatusCode: { attribute: A.statusCode, type: 'Edm.Int32' },
  FieldValueName: { attribute: A.name, type: 'Edm.String' },
  FieldValueStartDateTime: { attribute: A.startDateTime, type: 'Edm.DateTimeOffset' },
  FieldValueEndDateTime: { attribute: A.endDateTime, type: 'Edm.DateTimeOffset' },
  FieldValueWorkflowDefinition: { attribute: A.workflowDefinition, type: 'Edm.String' },
  FieldValueIsRecurring: { attribute: A.isRecurring, type: 'Edm.Boolean' },
  FieldValueRecurrenceIntervalDays: { attribute: A.recurrenceIntervalDays, type: 'Edm.Int32' },
  FieldValueRecurrenceCount: { attribute: A.recurrenceCount, type: 'Edm.Int32' },
  FieldValueRequiredConsent: { attribute: A.requiredConsent, type: 'Edm.Int32' },
  FieldValueEntityTarget: { attribute: A.entityTarget, type: 'Edm.Int32' },
  FieldValueSuppressionSegmentId: { attribute: JourneyLookups.suppressionSegment.attribute, type: 'Edm.Guid' },
  FieldValueCustomerJourneyTimeZone: { attribute: A.timeZone, type: 'Edm.Int32' },
  FieldValueContentSettingsId: { attribute: JourneyLookups.contentSettings.attribute, type: 'Edm.Guid' },
});

/** The action's request converted to journey fields by logical name, plus the designer state if any. */
export interface ValidateInput {
  fields: Record<string, unknown>;
}

function badRequest(message: string): Refusal {
  return { status: 400, code: '0x0', message };
}

/**
 * Convert the request body to journey fields, or refuse it the way the OData layer does: an
 * unknown parameter or a value of the wrong type is a 400 before the action runs.
 */
export function parseValidateRequest(body: unknown): { ok: true; input: ValidateInput } | { ok: false; refusal: Refusal } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, refusal: badRequest('The request body of msdyncrm_CustomerJourneyValidate must be a JSON object of FieldValue… parameters.') };
  }
  const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name.startsWith('@')) continue; // OData annotations such as @odata.type are not parameters
    const spec = Object.prototype.hasOwnProperty.call(VALIDATE_PARAMETERS, name) ? VALIDATE_PARAMETERS[name] : undefined;
    if (spec === undefined) {
      return {
        ok: false,
        refusal: badRequest(
          `The parameter '${name}' in the request payload is not a valid parameter for the operation 'msdyncrm_CustomerJourneyValidate'. Valid parameters: ${Object.keys(VALIDATE_PARAMETERS).join(', ')}.`,
        ),
      };
    }
    if (value === null) {
      fields[spec.attribute] = null;
      continue;
    }
    const converted = convert(value, spec.type);
    if (converted === undefined) {
      return { ok: false, refusal: badRequest(`Cannot convert the value of parameter '${name}' (${JSON.stringify(value)}) to the expected type '${spec.type}'.`) };
    }
    fields[spec.attribute] = converted;
  }
  return { ok: true, input: { fields } };
}

function convert(value: unknown, type: EdmType): unknown {
  switch (type) {
    case 'Edm.String':
      return typeof value === 'string' ? value : undefined;
    case 'Edm.Int32':
      return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2 ** 31 ? value : undefined;
    case 'Edm.Boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'Edm.DateTimeOffset':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
    case 'Edm.Guid': {
      // Documented as strings holding a record id, braces allowed ("{6628BBF7-…}").
      return parseGuid(value);
    }
  }
}
