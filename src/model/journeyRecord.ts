/**
 * A typed `msdyncrm_customerjourney` record and its two-way mapping to the Web API shape.
 *
 * Lookups are read from the `_<attribute>_value` properties and written as
 * `<navigation property>@odata.bind: "/<entity set>(<id>)"`, with the navigation property's exact
 * casing (it differs from the attribute name, e.g. `msdyncrm_contentsettingsId`). Setting a bind
 * to null on update removes the reference.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api
 * https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey
 */
import { InputError, pointer as buildPointer } from '../errors.js';
import { parseGuid } from '../util/guid.js';
import { JourneyAttributes as A, JourneyLookups as L, type LookupNames } from './names.js';

/** Who owns a journey: a user or a team (`ownerid` is polymorphic). */
export type OwnerType = 'systemuser' | 'team';

/** A customer journey with camelCase fields. `undefined` = not read / not to be written. */
export interface JourneyRecord {
  /** `msdyncrm_customerjourneyid`; set it on create for an idempotent retried POST. */
  id?: string;
  /** `msdyncrm_name` (at most 100 characters; the only required field). */
  name?: string;
  /** `statuscode` (see `JourneyStatus`). */
  statusCode?: number;
  /** `statecode`: 0 Active, 1 Inactive. */
  stateCode?: number;
  /** `msdyncrm_workflowdefinition`: the definition as stored (a JSON string). */
  workflowDefinition?: string | null;
  /** `msdyncrm_customerjourneydesignerstate` as stored (a JSON string). */
  designerState?: string | null;
  /** `msdyncrm_startdatetime`, ISO 8601 UTC. */
  startDateTime?: string | null;
  /** `msdyncrm_enddatetime`, ISO 8601 UTC. */
  endDateTime?: string | null;
  /** `msdyncrm_customerjourneytimezone`: a Dataverse time zone code. */
  timeZone?: number | null;
  isRecurring?: boolean | null;
  recurrenceIntervalDays?: number | null;
  recurrenceCount?: number | null;
  /** `msgdpr_requiredconsent` (see `Consent`; -1 = unset). */
  requiredConsent?: number | null;
  /** `msdyncrm_entitytarget`: 0 Contact, 1 Account. */
  entityTarget?: number | null;
  /** `msdyncrm_type`: 192350000 Automated, 192350001 LinkedIn. */
  type?: number | null;
  /** `msdyncrm_scope`: 270100000 Organization, 270100001 Business unit. */
  scope?: number | null;
  /** Lookup `msdyncrm_contentsettingsid`. */
  contentSettingsId?: string | null;
  /** Lookup `msdyncrm_suppressionsegmentid`. */
  suppressionSegmentId?: string | null;
  /** Lookup `msdyncrm_customerjourneytemplate`. */
  templateId?: string | null;
  /** Lookup of the linked LinkedIn campaign. */
  linkedInCampaignId?: string | null;
  /** Lookup `ownerid`. */
  ownerId?: string | null;
  /** Whether `ownerId` is a user or a team. @default "systemuser" when writing */
  ownerType?: OwnerType;
  /** `msdyncrm_description`. */
  description?: string | null;
  /** `msdyncrm_purpose`. */
  purpose?: string | null;
  /** Read only: `msdyncrm_validationresults`, the last error check result. */
  validationResults?: string | null;
  /** Read only: lookup `msdyncrm_publishedby`. */
  publishedById?: string | null;
  /** Read only. */
  createdOn?: string;
  /** Read only. */
  modifiedOn?: string;
  /** Read only: `@odata.etag`, for optimistic concurrency (`If-Match`). */
  etag?: string;
  /** Read only: `versionnumber`. */
  versionNumber?: number | string;
}

/** The Web API shape of a journey (as read or as written). */
export type JourneyEntity = Record<string, unknown>;

type Kind = 'string' | 'number' | 'boolean';

/** Plain (non-lookup) fields: record key, Web API attribute, JSON type, writable. */
const FIELDS: readonly (readonly [keyof JourneyRecord, string, Kind, boolean])[] = [
  ['name', A.name, 'string', true],
  ['statusCode', A.statusCode, 'number', true],
  ['stateCode', A.stateCode, 'number', true],
  ['workflowDefinition', A.workflowDefinition, 'string', true],
  ['designerState', A.designerState, 'string', true],
  ['startDateTime', A.startDateTime, 'string', true],
  ['endDateTime', A.endDateTime, 'string', true],
  ['timeZone', A.timeZone, 'number', true],
  ['isRecurring', A.isRecurring, 'boolean', true],
  ['recurrenceIntervalDays', A.recurrenceIntervalDays, 'number', true],
  ['recurrenceCount', A.recurrenceCount, 'number', true],
  ['requiredConsent', A.requiredConsent, 'number', true],
  ['entityTarget', A.entityTarget, 'number', true],
  ['type', A.type, 'number', true],
  ['scope', A.scope, 'number', true],
  ['description', A.description, 'string', true],
  ['purpose', A.purpose, 'string', true],
  ['validationResults', A.validationResults, 'string', false],
  ['createdOn', A.createdOn, 'string', false],
  ['modifiedOn', A.modifiedOn, 'string', false],
];

/** Lookup fields: record key, lookup names, writable. */
const LOOKUPS: readonly (readonly [keyof JourneyRecord, LookupNames, boolean])[] = [
  ['contentSettingsId', L.contentSettings, true],
  ['suppressionSegmentId', L.suppressionSegment, true],
  ['templateId', L.template, true],
  ['linkedInCampaignId', L.linkedInCampaign, true],
  ['ownerId', L.owner, true],
  ['publishedById', L.publishedBy, false],
];

/**
 * The Web API attribute behind a record key (`name` -> `msdyncrm_name`; lookups by their
 * attribute, e.g. `contentSettingsId` -> `msdyncrm_contentsettingsid`); undefined for `etag` and
 * other keys with no attribute of their own.
 */
export function journeyAttributeOf(key: keyof JourneyRecord): string | undefined {
  if (key === 'id') return A.id;
  return FIELDS.find(([k]) => k === key)?.[1] ?? LOOKUPS.find(([k]) => k === key)?.[1].attribute;
}

/** The annotation naming the table of a polymorphic lookup value (needs `Prefer: odata.include-annotations`). */
const LOOKUP_LOGICAL_NAME = '@Microsoft.Dynamics.CRM.lookuplogicalname';

/** Options of {@link journeyFromWebApi}. */
export interface JourneyFromWebApiOptions {
  /** File name for error locations, when the entity came from a file. */
  file?: string;
}

/**
 * Reads a journey from a Web API entity (a GET response or a file holding one). Attributes that
 * are absent stay `undefined`; nulls stay null.
 * @throws InputError with a JSON pointer when an attribute has the wrong type.
 */
export function journeyFromWebApi(entity: JourneyEntity, options: JourneyFromWebApiOptions = {}): JourneyRecord {
  if (entity === null || typeof entity !== 'object' || Array.isArray(entity)) {
    throw new InputError('A journey record must be a JSON object', { file: options.file, pointer: '' });
  }
  const record: Record<string, unknown> = {};
  const id = entity[A.id];
  if (id !== undefined) record.id = expectType(id, 'string', A.id, options);
  for (const [key, attribute, kind] of FIELDS) {
    const value = entity[attribute];
    if (value !== undefined) record[key] = value === null ? null : expectType(value, kind, attribute, options);
  }
  for (const [key, names] of LOOKUPS) {
    const value = entity[names.valueProperty];
    if (value !== undefined) record[key] = value === null ? null : expectType(value, 'string', names.valueProperty, options);
  }
  const ownerTable = entity[`${L.owner.valueProperty}${LOOKUP_LOGICAL_NAME}`];
  if (ownerTable === 'systemuser' || ownerTable === 'team') record.ownerType = ownerTable;
  const etag = entity['@odata.etag'];
  if (typeof etag === 'string') record.etag = etag;
  const version = entity[A.versionNumber];
  if (typeof version === 'number' || typeof version === 'string') record.versionNumber = version;
  return record as JourneyRecord;
}

/** Options of {@link journeyToWebApi}. */
export interface JourneyToWebApiOptions {
  /**
   * `create` writes the id and skips nulls (nothing to clear on a new row); `update` skips the
   * id (it is in the URL) and writes nulls, so a null lookup unbinds the reference.
   */
  mode: 'create' | 'update';
}

/**
 * Writes a journey as a Web API request body. Read-only fields (etag, created/modified on,
 * validation results, published by, version) are never written.
 * @throws InputError when a lookup id is not a GUID.
 */
export function journeyToWebApi(record: JourneyRecord, options: JourneyToWebApiOptions): JourneyEntity {
  const body: JourneyEntity = {};
  const create = options.mode === 'create';
  if (create && record.id !== undefined && record.id !== null) body[A.id] = bareGuid(record.id, 'id');
  for (const [key, attribute, , writable] of FIELDS) {
    if (!writable) continue;
    const value = record[key];
    if (value === undefined || (value === null && create)) continue;
    body[attribute] = value;
  }
  for (const [key, names, writable] of LOOKUPS) {
    if (!writable) continue;
    const value = record[key] as string | null | undefined;
    if (value === undefined || (value === null && create)) continue;
    const bind = `${names.navigationProperty}@odata.bind`;
    body[bind] = value === null ? null : `/${entitySetFor(key, names, record)}(${bareGuid(value, key)})`;
  }
  return body;
}

function entitySetFor(key: keyof JourneyRecord, names: LookupNames, record: JourneyRecord): string {
  // ownerid is polymorphic: systemusers or teams.
  if (key === 'ownerId') return record.ownerType === 'team' ? 'teams' : 'systemusers';
  return names.targetEntitySets[0]!;
}

/** A GUID without braces (the validate action's `{…}` form is accepted too). */
function bareGuid(value: unknown, field: string): string {
  const id = parseGuid(value);
  if (id === undefined) {
    throw new InputError(`${field} must be a GUID, not ${JSON.stringify(value)}`, { pointer: buildPointer(field) }, {
      hint: 'Use the record id, e.g. 1922b1d8-0523-e911-a9ba-000d3a1e689f.',
    });
  }
  return id;
}

function expectType(value: unknown, kind: Kind, attribute: string, options: JourneyFromWebApiOptions): unknown {
  if (typeof value === kind) return value;
  throw new InputError(`${attribute} must be a ${kind}, not ${JSON.stringify(value)}`, { file: options.file, pointer: buildPointer(attribute) }, {
    hint: 'Use the value as the Dataverse Web API returns it.',
  });
}
