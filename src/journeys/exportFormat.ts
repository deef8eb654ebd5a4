/**
 * The on-disk export format of a journey: one folder per journey holding
 * - `journey.json`: the record's portable fields in Web API shape, in a stable key order, with an
 *   `@journeyctl.references` section naming every record the journey references (so an import
 *   can find the same records by name in another environment);
 * - `definition.json`: the workflow definition, pretty-printed by the lossless serializer;
 * - `designer-state.json`: the designer state.
 *
 * Environment-specific state (status, owner, created/modified, version, validation results) is
 * left out: it is not the journey's content, and keeping it would make every export of an
 * unchanged journey differ in git.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  collectReferences,
  computeDesignerState,
  parseDefinition,
  parseDesignerState,
  serializeDefinition,
  serializeDesignerState,
  type DesignerState,
  type ReferenceKind,
  type WorkflowDefinition,
} from '../definition/index.js';
import { DocumentError, isDocumentError } from '../io/documentError.js';
import { readDocument } from '../io/readInput.js';
import { InputError, pointer } from '../errors.js';
import { JourneyAttributes as A, JourneyLookups as L, Tables, type TableNames } from '../model/names.js';

/** File names inside an export folder. */
export const EXPORT_FILE_NAMES = Object.freeze({ record: 'journey.json', definition: 'definition.json', designerState: 'designer-state.json' });

/** The key of the references section in `journey.json` (an annotation-like name no attribute can have). */
export const REFERENCES_KEY = '@journeyctl.references';

/** Plain fields kept in `journey.json`, in the order they are written after id and name. */
const PORTABLE_FIELDS: readonly string[] = [
  A.description,
  A.purpose,
  A.type,
  A.scope,
  A.entityTarget,
  A.requiredConsent,
  A.startDateTime,
  A.endDateTime,
  A.timeZone,
  A.isRecurring,
  A.recurrenceIntervalDays,
  A.recurrenceCount,
];

/** Record lookups kept in `journey.json` (as `_x_value`), and the table each one points at. */
export const PORTABLE_LOOKUPS = Object.freeze([
  { lookup: L.contentSettings, kind: 'contentSettings', table: Tables.contentSettings },
  { lookup: L.suppressionSegment, kind: 'segment', table: Tables.segment },
  { lookup: L.template, kind: 'template', table: Tables.journeyTemplate },
  { lookup: L.linkedInCampaign, kind: 'linkedInCampaign', table: Tables.linkedInCampaign },
] as const);

/** What an exported reference points at. */
export type ExportReferenceKind = ReferenceKind | 'contentSettings' | 'template';

/** One referenced record in `journey.json`'s references section. */
export interface ExportReference {
  kind: ExportReferenceKind;
  /** Entity set of the record's table, when journeyctl knows it. */
  entitySet?: string;
  id: string;
  /** The record's primary name in the source environment, when it could be read. */
  name?: string;
}

/** The tables a definition reference kind can be looked up in by name. */
export const TABLE_OF_KIND: Readonly<Partial<Record<ExportReferenceKind, TableNames>>> = Object.freeze({
  segment: Tables.segment,
  email: Tables.marketingEmail,
  page: Tables.marketingPage,
  form: Tables.marketingForm,
  event: Tables.event,
  workflow: Tables.workflow,
  linkedInCampaign: Tables.linkedInCampaign,
  contentSettings: Tables.contentSettings,
  template: Tables.journeyTemplate,
});

/** Options of {@link writeJourneyExport}. */
export interface WriteJourneyExportOptions {
  /**
   * Names of referenced records by id (from the source environment). Without it the references
   * section still lists kinds and ids, with the names the definition's items carry.
   */
  referenceNames?: ReadonlyMap<string, string>;
}

/** What {@link writeJourneyExport} wrote. */
export interface WrittenExport {
  /** The journey's folder. */
  folder: string;
  files: { path: string; sha256: string; bytes: number }[];
}

/** An export folder read back. */
export interface ReadExport {
  /** `journey.json` without the references section. */
  entity: Record<string, unknown>;
  references: ExportReference[];
  definition: WorkflowDefinition;
  designerState: DesignerState;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
const MAX_NAME_LENGTH = 60;

/**
 * A safe folder name for a journey: its name reduced to `[A-Za-z0-9._-]` (runs of anything else
 * become `-`), runs of dots made one and no leading dot (so never `..` anywhere, nor a hidden
 * file), not a Windows reserved device name, at most 60 characters, plus the first 8 characters of
 * its id so two journeys with the same name never share a folder.
 */
export function journeyFolderName(record: Record<string, unknown>): string {
  const rawName = typeof record[A.name] === 'string' ? (record[A.name] as string) : '';
  const rawId = typeof record[A.id] === 'string' ? (record[A.id] as string) : '';
  let base = rawName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+/, '')
    .replace(/[.-]+$/, '')
    .slice(0, MAX_NAME_LENGTH)
    .replace(/[.-]+$/, '');
  if (base === '' || WINDOWS_RESERVED.test(base.split('.')[0]!)) base = `journey${base === '' ? '' : `-${base}`}`;
  const suffix = rawId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8).toLowerCase();
  return suffix ? `${base}-${suffix}` : base;
}

/** The references of a journey entity: its lookups and every record its definition names. */
export function exportReferences(entity: Record<string, unknown>, definition: WorkflowDefinition, names?: ReadonlyMap<string, string>): ExportReference[] {
  const seen = new Set<string>();
  const out: ExportReference[] = [];
  const add = (kind: ExportReferenceKind, id: string, itemName?: string) => {
    const key = `${kind}:${id.toLowerCase()}`;
    if (seen.has(key)) return;
    seen.add(key);
    const table = TABLE_OF_KIND[kind];
    const name = names?.get(id.toLowerCase()) ?? itemName;
    out.push({ kind, ...(table ? { entitySet: table.entitySet } : {}), id, ...(name !== undefined ? { name } : {}) });
  };
  for (const { lookup, kind } of PORTABLE_LOOKUPS) {
    const id = entity[lookup.valueProperty];
    if (typeof id === 'string' && id !== '') add(kind, id);
  }
  for (const reference of collectReferences(definition)) {
    if (reference.id !== null) add(reference.kind, reference.id, reference.kind === 'segment' ? undefined : reference.name);
  }
  return out.sort((a, b) => (a.kind === b.kind ? a.id.localeCompare(b.id) : a.kind.localeCompare(b.kind)));
}

/**
 * The portable part of a journey entity (Web API shape) in the order `journey.json` uses: id,
 * name, the plain fields, the lookups as `_x_value`; then the references section.
 */
export function journeyRecordFile(entity: Record<string, unknown>, definition: WorkflowDefinition, options: WriteJourneyExportOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  if (typeof entity[A.id] === 'string') put(A.id, entity[A.id]);
  if (entity[A.name] !== undefined) put(A.name, entity[A.name]);
  for (const field of PORTABLE_FIELDS) if (entity[field] !== undefined && entity[field] !== null) put(field, entity[field]);
  for (const { lookup } of PORTABLE_LOOKUPS) {
    const value = entity[lookup.valueProperty];
    if (typeof value === 'string' && value !== '') put(lookup.valueProperty, value);
  }
  put(REFERENCES_KEY, exportReferences(entity, definition, options.referenceNames));
  return out;
}

/** The definition and designer state stored on a journey entity (a missing state is computed). */
export function definitionOfEntity(entity: Record<string, unknown>, recordId?: string): { definition: WorkflowDefinition; designerState: DesignerState } {
  const stored = entity[A.workflowDefinition];
  if (typeof stored !== 'string' || stored === '') {
    throw new InputError('the journey has no workflow definition to export', { pointer: pointer(A.workflowDefinition), ...(recordId ? { recordId } : {}) }, {
      hint: 'select msdyncrm_workflowdefinition when reading the journey, or open it in the designer once',
    });
  }
  const definition = parseDefinition(stored, { basePointer: pointer(A.workflowDefinition) });
  const state = entity[A.designerState];
  const designerState =
    typeof state === 'string' && state !== ''
      ? parseDesignerState(state, { basePointer: pointer(A.designerState) })
      : computeDesignerState(definition);
  return { definition, designerState };
}

/**
 * Write one journey's export folder under `dir`. Each file is written to a temporary name and
 * renamed into place, so a crash never leaves a half-written file; rewriting an unchanged journey
 * gives byte-identical files.
 * @throws InputError when the entity has no id/name or an unreadable definition.
 */
export async function writeJourneyExport(dir: string, entity: Record<string, unknown>, options: WriteJourneyExportOptions = {}): Promise<WrittenExport> {
  const id = typeof entity[A.id] === 'string' ? (entity[A.id] as string) : undefined;
  if (id === undefined) throw new InputError('the journey to export has no msdyncrm_customerjourneyid', { pointer: pointer(A.id) });
  const { definition, designerState } = definitionOfEntity(entity, id);
  const folder = join(dir, journeyFolderName(entity));
  await mkdir(folder, { recursive: true });
  const contents: [string, string][] = [
    [EXPORT_FILE_NAMES.record, `${JSON.stringify(journeyRecordFile(entity, definition, options), null, 2)}\n`],
    [EXPORT_FILE_NAMES.definition, `${serializeDefinition(definition, { pretty: true })}\n`],
    [EXPORT_FILE_NAMES.designerState, `${JSON.stringify(JSON.parse(serializeDesignerState(designerState)), null, 2)}\n`],
  ];
  const files: WrittenExport['files'] = [];
  for (const [name, text] of contents) {
    const path = join(folder, name);
    await writeAtomically(path, text);
    files.push({ path, sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) });
  }
  return { folder, files };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Read an export folder back.
 * @throws InputError naming the file and pointer of anything missing or malformed.
 */
export async function readJourneyExport(folder: string): Promise<ReadExport> {
  const recordFile = join(folder, EXPORT_FILE_NAMES.record);
  const definitionFile = join(folder, EXPORT_FILE_NAMES.definition);
  const stateFile = join(folder, EXPORT_FILE_NAMES.designerState);
  const record = await readJson(recordFile);
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new InputError('must be a JSON object of journey fields', { file: recordFile, pointer: '' }, { hint: 'export the journey again with journeyctl journeys export' });
  }
  const entity = Object.create(null) as Record<string, unknown>;
  let references: ExportReference[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key === REFERENCES_KEY) references = parseReferences(value, recordFile);
    else Object.defineProperty(entity, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (typeof entity[A.name] !== 'string' || entity[A.name] === '') {
    throw new InputError('the journey has no msdyncrm_name', { file: recordFile, pointer: pointer(A.name) }, { hint: 'every journey needs a name' });
  }
  const definition = parseDefinition(await readJson(definitionFile), { file: definitionFile, basePointer: '' });
  const designerState = parseDesignerState(await readJson(stateFile), { file: stateFile, basePointer: '' });
  return { entity, references, definition, designerState };
}

function parseReferences(value: unknown, file: string): ExportReference[] {
  if (!Array.isArray(value)) throw new InputError('must be an array of references', { file, pointer: pointer(REFERENCES_KEY) });
  return value.map((raw, i) => {
    const at = { file, pointer: pointer(REFERENCES_KEY, i) };
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('a reference must be an object', at);
    const r = raw as Record<string, unknown>;
    if (typeof r.kind !== 'string' || typeof r.id !== 'string') throw new InputError('a reference needs a string kind and id', at, { hint: 'e.g. { "kind": "email", "id": "…", "name": "Welcome email" }' });
    return {
      kind: r.kind as ExportReferenceKind,
      id: r.id,
      ...(typeof r.entitySet === 'string' ? { entitySet: r.entitySet } : {}),
      ...(typeof r.name === 'string' ? { name: r.name } : {}),
    };
  });
}

/** Read a JSON file of an export folder with the one document reader (limits, typed errors). */
async function readJson(file: string): Promise<unknown> {
  try {
    return (await readDocument(file, { syntax: 'json' })).value;
  } catch (error) {
    if (!isDocumentError(error) || error.failure !== 'unreadable') throw error;
    throw new DocumentError(error.reason, error.message, error.location, { cause: error, hint: 'pass a folder written by journeyctl journeys export' });
  }
}

/** The columns an export reads from a journey. */
export const EXPORT_SELECT: readonly string[] = [
  A.id,
  A.name,
  A.workflowDefinition,
  A.designerState,
  ...PORTABLE_FIELDS,
  ...PORTABLE_LOOKUPS.map(({ lookup }) => lookup.valueProperty),
];

/** Something that can read one record (a `DataverseClient` is one). */
export interface RecordReader {
  retrieve(entitySet: string, key: string, options?: { select?: readonly string[] }): Promise<Record<string, unknown>>;
}

/**
 * The primary names of the records a journey references, read from the source environment by
 * id (lower-cased). A record that cannot be read (deleted, no privilege) is left out: its
 * reference is exported with the id and the item's own name only.
 */
export async function readReferenceNames(reader: RecordReader, entity: Record<string, unknown>, definition: WorkflowDefinition): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const reference of exportReferences(entity, definition)) {
    const table = TABLE_OF_KIND[reference.kind];
    if (!table || names.has(reference.id.toLowerCase())) continue;
    try {
      const row = await reader.retrieve(table.entitySet, reference.id, { select: [table.primaryName] });
      const name = row[table.primaryName];
      if (typeof name === 'string' && name !== '') names.set(reference.id.toLowerCase(), name);
    } catch (error) {
      // Deleted, unreadable, or a table this environment lacks: export the id without a name.
      const name = (error as { name?: unknown }).name;
      if (name !== 'NotFoundError' && name !== 'AccessDeniedError') throw error;
    }
  }
  return names;
}

/** Read a journey with the names of what it references, and write its export folder under `dir`. */
export async function exportJourney(reader: RecordReader, id: string, dir: string): Promise<WrittenExport> {
  const entity = await reader.retrieve(Tables.customerJourney.entitySet, id, { select: EXPORT_SELECT });
  const { definition } = definitionOfEntity(entity, id);
  const referenceNames = await readReferenceNames(reader, entity, definition);
  return writeJourneyExport(dir, entity, { referenceNames });
}
