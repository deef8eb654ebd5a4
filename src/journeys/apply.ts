/**
 * Apply a journey document (a spec, a Web API record file or an export folder) to an environment:
 * create it, or update the journey with the same id or name so that it matches. Idempotent: when
 * the stored journey already matches, nothing is written and the result is "unchanged".
 */
import type { OperationOptions } from '../dataverse/DataverseClient.js';
import { isNotFoundError } from '../dataverse/errors.js';
import { computeDesignerState, parseDefinition, parseDesignerState, serializeDefinition, serializeDesignerState } from '../definition/index.js';
import type { UnresolvedReference } from '../definition/spec.js';
import type { DesignerState, WorkflowDefinition } from '../definition/types.js';
import { journeyAttributeOf, journeyToWebApi, type JourneyRecord } from '../model/journeyRecord.js';
import { JourneyAttributes as A, JourneyLookups as L } from '../model/names.js';
import { JourneyStatus } from '../model/optionSets.js';
import { describeJourneyStatus } from '../model/transitions.js';
import { JourneyLockedError } from './errors.js';
import { fieldsToRecord } from './journeyInput.js';
import { normalizeId, type JourneyClient } from './JourneyClient.js';
import { resolveNames } from './resolveNames.js';
import { sameStructure } from '../definition/structure.js';

/** What apply needs of a loaded journey document (`loadJourneyDocument`'s result fits). */
export interface ApplyDocument {
  /** The file or folder it came from, for error locations. */
  file?: string;
  definition: WorkflowDefinition;
  designerState?: DesignerState;
  /** Journey fields in Web API shape (binds or `_x_value` lookups). */
  fields?: Record<string, unknown>;
  /** For specs: references by name, resolved against the target before writing. */
  unresolved?: readonly UnresolvedReference[];
}

/** Options of {@link applyJourney}. */
export interface ApplyJourneyOptions extends OperationOptions {
  /** Update this journey (created with this id when it does not exist). @default the document's id, else its name */
  id?: string;
  /**
   * Allow changing a Live journey: stop it, wait, edit, go live again and wait. The tile
   * structure stays locked (see {@link JourneyLockedError}). @default false
   */
  restartLive?: boolean;
  /** Limit of each wait of a restart (stop, go live). @default no limit */
  timeoutInMs?: number;
  /** Time between polls of a restart. @default the client's */
  pollIntervalInMs?: number;
  /** Work out the action and changes, write nothing. @default false */
  dryRun?: boolean;
}

/** What apply did (or, with `dryRun`, would do). */
export interface ApplyJourneyResult {
  action: 'created' | 'updated' | 'unchanged' | 'restarted';
  id: string;
  /** Web API attributes written (for `created`: every attribute set). */
  changes: string[];
}

/** Fields never applied: identity, status and what the service maintains. */
const NOT_APPLIED: readonly (keyof JourneyRecord)[] = ['id', 'statusCode', 'stateCode', 'validationResults', 'publishedById', 'createdOn', 'modifiedOn', 'etag', 'versionNumber'];

/** Record keys compared with the stored journey, and their Web API names. */
const COMPARED: readonly (readonly [keyof JourneyRecord, string])[] = (
  [
    'name', 'startDateTime', 'endDateTime', 'timeZone', 'isRecurring', 'recurrenceIntervalDays', 'recurrenceCount',
    'requiredConsent', 'entityTarget', 'type', 'scope', 'description', 'purpose',
    'contentSettingsId', 'suppressionSegmentId', 'templateId', 'linkedInCampaignId', 'ownerId',
  ] as const
).map((key) => [key, journeyAttributeOf(key)!] as const);

const DATE_KEYS: ReadonlySet<keyof JourneyRecord> = new Set(['startDateTime', 'endDateTime']);

/**
 * Create or update a journey so that it matches `document`.
 * @throws InputError when a name in a spec does not resolve (naming it and its spec location)
 * @throws JourneyLockedError when the stored journey's status does not allow the change
 */
export async function applyJourney(journeys: JourneyClient, document: ApplyDocument, options: ApplyJourneyOptions = {}): Promise<ApplyJourneyResult> {
  const op: OperationOptions = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  const resolved = await resolveNames(journeys.client, { ...document, ...(document.file === undefined ? {} : { file: document.file }) }, op);
  const desired = desiredRecord(resolved.fields, document.file);
  const documentId = typeof resolved.fields[A.id] === 'string' ? normalizeId(resolved.fields[A.id] as string) : undefined;
  const definition = parseDefinition(resolved.definition);

  const existing = await findTarget(journeys, options.id === undefined ? undefined : normalizeId(options.id), documentId, desired.name, op);
  if (!existing) {
    const id = options.id === undefined ? documentId : normalizeId(options.id);
    const designerState = document.designerState ?? computeDesignerState(definition);
    const record: JourneyRecord = {
      ...desired,
      ...(id === undefined ? {} : { id }),
      workflowDefinition: serializeDefinition(definition),
      designerState: serializeDesignerState(designerState),
    };
    const changes = Object.keys(journeyToWebApi(record, { mode: 'create' })).filter((k) => k !== A.id);
    if (options.dryRun) return { action: 'created', id: id ?? '', changes };
    const created = await journeys.create(record, op);
    return { action: 'created', id: created.id!, changes };
  }

  const id = existing.id!;
  const patch: JourneyRecord = {};
  const changes: string[] = [];
  for (const [key, attribute] of COMPARED) {
    const want = desired[key];
    if (want === undefined || sameValue(key, want, existing[key])) continue;
    (patch as Record<string, unknown>)[key] = want;
    if (key === 'ownerId') patch.ownerType = desired.ownerType ?? 'systemuser';
    changes.push(attribute);
  }
  const storedDefinition = readStored(existing.workflowDefinition, parseDefinition);
  const wantDefinition = serializeDefinition(definition);
  const definitionChanged = storedDefinition === undefined || serializeDefinition(storedDefinition) !== wantDefinition;
  if (definitionChanged) {
    patch.workflowDefinition = wantDefinition;
    changes.push(A.workflowDefinition);
  }
  const storedState = readStored(existing.designerState, parseDesignerState);
  const wantState = serializeDesignerState(computeDesignerState(definition, neverLower(document.designerState, storedState)));
  if (storedState === undefined || serializeDesignerState(storedState) !== wantState) {
    patch.designerState = wantState;
    changes.push(A.designerState);
  }
  if (changes.length === 0) return { action: 'unchanged', id, changes };

  const status = existing.statusCode ?? JourneyStatus.Draft;
  const structureChanged = definitionChanged && (storedDefinition === undefined || !sameStructure(storedDefinition, definition));
  if (status === JourneyStatus.Draft || status === JourneyStatus.Error) {
    if (!options.dryRun) await journeys.update(id, patch, op);
    return { action: 'updated', id, changes };
  }
  if (structureChanged) {
    throw new JourneyLockedError(
      `Journey ${id} is ${describeJourneyStatus(status)}: its tile structure can no longer change (tiles added, removed or moved), not even after stopping it`,
      id,
      changes,
      'Outbound journeys lock their pipeline once they have gone live (go-live lock matrix). Apply the new design as a new journey (another name), and stop this one.',
    );
  }
  if (status === JourneyStatus.Stopped) {
    if (!options.dryRun) await journeys.update(id, patch, op);
    return { action: 'updated', id, changes };
  }
  if (status !== JourneyStatus.Live) {
    throw new JourneyLockedError(`Journey ${id} is ${describeJourneyStatus(status)}: it cannot be changed now (${changes.join(', ')})`, id, changes, 'Wait until it is Live, Stopped or Draft, then apply again.');
  }
  if (!options.restartLive) {
    throw new JourneyLockedError(
      `Journey ${id} is Live: changing it (${changes.join(', ')}) means stopping it, editing it and taking it live again`,
      id,
      changes,
      'Ask for that explicitly (restartLive / --restart-live), or leave the live journey as it is.',
    );
  }
  if (options.dryRun) return { action: 'restarted', id, changes };
  const wait = { ...op, ...(options.timeoutInMs === undefined ? {} : { timeoutInMs: options.timeoutInMs }) };
  const polling = options.pollIntervalInMs === undefined ? {} : { pollIntervalInMs: options.pollIntervalInMs };
  await (await journeys.beginStop(id, { ...op, ...polling })).pollUntilDone(wait);
  await journeys.update(id, patch, op);
  await (await journeys.beginGoLive(id, { ...op, ...polling })).pollUntilDone(wait);
  return { action: 'restarted', id, changes };
}

/** The fields apply manages: the document's, without identity, status and service-maintained ones. */
function desiredRecord(fields: Record<string, unknown>, file: string | undefined): JourneyRecord {
  const record = fieldsToRecord(fields, file === undefined ? {} : { file });
  for (const key of NOT_APPLIED) delete record[key];
  // An owner read from another environment (`_ownerid_value` of an export) means nothing here;
  // only an owner the document binds explicitly is applied.
  if (!Object.prototype.hasOwnProperty.call(fields, `${L.owner.navigationProperty}@odata.bind`)) {
    delete record.ownerId;
    delete record.ownerType;
  }
  delete record.workflowDefinition;
  delete record.designerState;
  return record;
}

async function findTarget(
  journeys: JourneyClient,
  explicitId: string | undefined,
  documentId: string | undefined,
  name: string | null | undefined,
  op: OperationOptions,
): Promise<JourneyRecord | undefined> {
  for (const id of [explicitId, documentId]) {
    if (id === undefined) continue;
    try {
      return await journeys.get(id, op);
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
      // An explicit id that does not exist yet is created with that id.
      if (id === explicitId) return undefined;
    }
  }
  if (typeof name !== 'string' || name === '') return undefined;
  const found = await journeys.findByName(name, op);
  return found ? journeys.get(found.id!, op) : undefined;
}

function sameValue(key: keyof JourneyRecord, want: unknown, stored: unknown): boolean {
  if (want === null || stored === null || stored === undefined) return (want ?? null) === (stored ?? null);
  if (DATE_KEYS.has(key) && typeof want === 'string' && typeof stored === 'string') return Date.parse(want) === Date.parse(stored);
  if (typeof want === 'string' && typeof stored === 'string' && key.endsWith('Id')) return want.toLowerCase() === stored.toLowerCase();
  return want === stored;
}

/**
 * The designer state to keep: the document's, with counters never below the stored ones (the
 * designer never reuses an ActivityId or ActivityItemId, even of a deleted tile).
 */
function neverLower(wanted: DesignerState | undefined, stored: DesignerState | undefined): DesignerState | undefined {
  if (!wanted || !stored) return wanted ?? stored;
  return {
    ...wanted,
    NextActivityID: Math.max(wanted.NextActivityID, stored.NextActivityID),
    NextActivityItemID: Math.max(wanted.NextActivityItemID, stored.NextActivityItemID),
  };
}

/** A stored JSON column read by `parse`, or undefined when it is empty or `parse` refuses it. */
function readStored<T>(raw: string | null | undefined, parse: (text: string) => T): T | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    return parse(raw);
  } catch {
    return undefined;
  }
}
