/**
 * Turns journey input in its various shapes (a typed record, or Web API fields plus a definition
 * and designer state, as documents load them) into one `JourneyRecord`.
 *
 * Fields may name lookups either way the Web API does: read shape `_x_value` (as exported) or
 * write shape `nav@odata.bind: "/set(id)"` (as in Microsoft's create example and in specs).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api
 */
import { InputError, pointer } from '../errors.js';
import { computeDesignerState, parseDefinition, parseDesignerState, serializeDefinition, serializeDesignerState } from '../definition/index.js';
import type { DesignerState, WorkflowDefinition } from '../definition/types.js';
import { journeyAttributeOf, journeyFromWebApi, type JourneyRecord } from '../model/journeyRecord.js';
import { JourneyLookups, type LookupNames } from '../model/names.js';
import { BRACED_GUID_PATTERN, parseGuid } from '../util/guid.js';

/** A journey given as Web API fields with its definition and (optionally) designer state. */
export interface JourneyDraft {
  /** Journey attributes in Web API shape (`msdyncrm_name`, binds or `_x_value` lookups…). */
  fields?: Record<string, unknown>;
  /** The workflow definition: parsed, or the JSON string the Web API stores. */
  definition: WorkflowDefinition | string;
  /** The designer state; computed from the definition when absent. */
  designerState?: DesignerState | string;
}

/** Where input came from, for error locations. */
export interface InputOrigin {
  file?: string;
}

/** Whether input is a {@link JourneyDraft} rather than a {@link JourneyRecord}. */
export function isJourneyDraft(input: JourneyRecord | JourneyDraft): input is JourneyDraft {
  return Object.prototype.hasOwnProperty.call(input, 'definition');
}

/** Record keys of the lookups, paired with their names. */
const LOOKUP_KEYS: readonly (readonly [keyof JourneyRecord, LookupNames])[] = [
  ['contentSettingsId', JourneyLookups.contentSettings],
  ['suppressionSegmentId', JourneyLookups.suppressionSegment],
  ['templateId', JourneyLookups.template],
  ['linkedInCampaignId', JourneyLookups.linkedInCampaign],
  ['ownerId', JourneyLookups.owner],
];

const BIND_VALUE = new RegExp(`^/?([A-Za-z0-9_]+)\\((${BRACED_GUID_PATTERN})\\)$`);

/**
 * Journey fields in Web API shape as a record. Unknown attributes are ignored; the definition and
 * designer state attributes are read too when present.
 * @throws InputError with a pointer when a value has the wrong type or a bind is malformed
 */
export function fieldsToRecord(fields: Record<string, unknown>, origin: InputOrigin = {}): JourneyRecord {
  const record: JourneyRecord = journeyFromWebApi(fields, origin.file === undefined ? {} : { file: origin.file });
  for (const [key, names] of LOOKUP_KEYS) {
    const bindKey = `${names.navigationProperty}@odata.bind`;
    if (!Object.prototype.hasOwnProperty.call(fields, bindKey)) continue;
    const value = fields[bindKey];
    if (value === null) {
      (record as Record<string, unknown>)[key] = null;
      continue;
    }
    const match = typeof value === 'string' ? BIND_VALUE.exec(value) : null;
    if (!match || !names.targetEntitySets.includes(match[1]!)) {
      throw new InputError(`${bindKey} must be "/${names.targetEntitySets.join('|')}(<id>)", not ${JSON.stringify(value)}`, {
        ...(origin.file === undefined ? {} : { file: origin.file }),
        pointer: pointer(bindKey),
      }, { hint: `Bind the lookup as "/${names.targetEntitySets[0]}(<GUID>)".` });
    }
    (record as Record<string, unknown>)[key] = parseGuid(match[2]);
    if (key === 'ownerId') record.ownerType = match[1] === 'teams' ? 'team' : 'systemuser';
  }
  return record;
}

/** A draft as a record: fields, the definition serialized, the designer state given or computed. */
export function draftToRecord(draft: JourneyDraft, origin: InputOrigin = {}): JourneyRecord {
  const record = fieldsToRecord(draft.fields ?? {}, origin);
  const definition = parseDefinition(draft.definition, origin.file === undefined ? {} : { file: origin.file });
  record.workflowDefinition = serializeDefinition(definition);
  const state = draft.designerState === undefined ? computeDesignerState(definition) : parseDesignerState(draft.designerState);
  record.designerState = serializeDesignerState(state);
  return record;
}

/** A record's fields by Web API attribute name with lookups as bare ids (the validator's input shape). */
export function recordToValidatorFields(record: JourneyRecord): Record<string, unknown> {
  const fields = Object.create(null) as Record<string, unknown>;
  const plain = (
    ['id', 'name', 'statusCode', 'startDateTime', 'endDateTime', 'timeZone', 'isRecurring', 'recurrenceIntervalDays', 'recurrenceCount', 'requiredConsent', 'entityTarget', 'type'] as const
  ).map((key) => [key, journeyAttributeOf(key)!] as const);
  for (const [key, attribute] of plain) if (record[key] !== undefined) fields[attribute] = record[key];
  for (const [key, names] of LOOKUP_KEYS) if (record[key] !== undefined) fields[names.valueProperty] = record[key];
  return fields;
}
