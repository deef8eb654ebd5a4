/**
 * Import exported journey folders into an environment. Referenced records (segments, emails,
 * pages, forms, content settings, templates…) are found in the target **by name**, from the names
 * the export recorded, because their ids differ between environments. A journey is matched by id,
 * then by name; it is created (with the exported id, so ids stay stable across environments) or
 * its Draft is updated with only the fields that differ. Nothing is written when nothing differs,
 * and nothing at all is written when any reference cannot be resolved.
 */
import { randomUUID } from 'node:crypto';
import {
  parseDefinition,
  referenceKindOf,
  serializeDefinition,
  serializeDesignerState,
  type WorkflowDefinition,
} from '../definition/index.js';
import type { DataverseClient } from '../dataverse/index.js';
import { formatLiteral } from '../dataverse/odata.js';
import { InputError, pointer } from '../errors.js';
import { JourneyAttributes as A, Tables } from '../model/names.js';
import { JourneyStatus } from '../model/optionSets.js';
import { describeJourneyStatus } from '../model/transitions.js';
import { EXPORT_FILE_NAMES, PORTABLE_LOOKUPS, readJourneyExport, TABLE_OF_KIND, type ExportReference, type ReadExport } from './exportFormat.js';

/** How one referenced record maps to the target. */
export interface ReferenceMapping {
  kind: ExportReference['kind'];
  name?: string;
  sourceId: string;
  /** The target's id; `undefined` when not found (the import is refused). */
  targetId?: string;
  /** How it was found: by `name`, by `id` (no name known; the same id exists), or `kept` (a table journeyctl cannot look up). */
  via?: 'name' | 'id' | 'kept';
  /** Why it could not be resolved. */
  problem?: string;
}

/** What importing one folder does (or would do, with `dryRun`). */
export interface ImportPlan {
  folder: string;
  name: string;
  /** The target journey's id (existing, or the exported id for a create). */
  id: string;
  action: 'create' | 'update' | 'unchanged';
  /** Web API attributes the write sets (for `update`, only those that differ). */
  changes: string[];
  references: ReferenceMapping[];
}

/** Options of {@link importJourneys}. */
export interface ImportOptions {
  /** Plan only: read the target, write nothing. @default false */
  dryRun?: boolean;
}

/** Result of {@link importJourneys}: one plan per folder, in the order given. */
export interface ImportResult {
  plans: ImportPlan[];
  dryRun: boolean;
}

const JOURNEYS = Tables.customerJourney.entitySet;

/**
 * Plan every folder first, then (without `dryRun`) write them. Planning reads only, so a
 * missing reference in the last folder stops the import before the first write.
 * @throws InputError listing every reference that cannot be resolved, with the folder and pointer.
 */
export async function importJourneys(client: DataverseClient, folders: readonly string[], options: ImportOptions = {}): Promise<ImportResult> {
  const prepared: { plan: ImportPlan; body: Record<string, unknown> }[] = [];
  for (const folder of folders) prepared.push(await planImport(client, folder));
  const unresolved = prepared.flatMap(({ plan }) => plan.references.filter((r) => r.targetId === undefined).map((r) => ({ plan, r })));
  if (unresolved.length > 0 && !options.dryRun) {
    const first = unresolved[0]!;
    throw new InputError(
      `cannot import: ${unresolved.length} referenced record(s) not found in the target: ${unresolved.map(({ plan, r }) => `${plan.name}: ${r.kind} ${r.name !== undefined ? JSON.stringify(r.name) : r.sourceId} (${r.problem})`).join('; ')}`,
      { file: `${first.plan.folder}/${EXPORT_FILE_NAMES.record}`, pointer: pointer('@journeyctl.references') },
      { hint: 'create the missing records in the target (same names), or fix the names in journey.json; --dry-run shows the whole plan' },
    );
  }
  if (!options.dryRun) {
    for (const { plan, body } of prepared) {
      if (plan.action === 'create') await client.create(JOURNEYS, body, { id: plan.id });
      else if (plan.action === 'update') await client.update(JOURNEYS, plan.id, body);
    }
  }
  return { plans: prepared.map(({ plan }) => plan), dryRun: options.dryRun ?? false };
}

/** Read one folder and the target, and work out the write (reads only). */
export async function planImport(client: DataverseClient, folder: string): Promise<{ plan: ImportPlan; body: Record<string, unknown> }> {
  const exported = await readJourneyExport(folder);
  const name = exported.entity[A.name] as string;
  const references = await resolveReferences(client, exported.references);
  const idMap = new Map(references.filter((r) => r.targetId !== undefined).map((r) => [r.sourceId.toLowerCase(), r.targetId!]));
  const desired = desiredValues(exported, idMap);
  const existing = await findExisting(client, exported);
  if (!existing) {
    const id = typeof exported.entity[A.id] === 'string' ? (exported.entity[A.id] as string) : randomUUID();
    return { plan: { folder, name, id, action: 'create', changes: Object.keys(desired).map(attributeOf), references }, body: desired };
  }
  const id = existing[A.id] as string;
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(desired)) {
    if (!sameStored(key, existing, value)) Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
  }
  const changes = Object.keys(body).map(attributeOf);
  const status = existing[A.statusCode];
  if (changes.length > 0 && typeof status === 'number' && status !== JourneyStatus.Draft) {
    throw new InputError(`journey ${JSON.stringify(name)} (${id}) is ${describeJourneyStatus(status)} in the target; an import only updates Draft journeys`, { file: folder, recordId: id }, {
      hint: 'stop it (journeyctl journeys stop), or import under another name',
    });
  }
  return { plan: { folder, name, id, action: changes.length > 0 ? 'update' : 'unchanged', changes, references }, body };
}

/** `x@odata.bind` -> `x`, for plan output. */
function attributeOf(key: string): string {
  return key.endsWith('@odata.bind') ? key.slice(0, -'@odata.bind'.length) : key;
}

async function resolveReferences(client: DataverseClient, references: readonly ExportReference[]): Promise<ReferenceMapping[]> {
  const out: ReferenceMapping[] = [];
  for (const reference of references) {
    const base: ReferenceMapping = { kind: reference.kind, sourceId: reference.id, ...(reference.name !== undefined ? { name: reference.name } : {}) };
    const table = TABLE_OF_KIND[reference.kind];
    if (!table) {
      // A custom channel record or an activity template: journeyctl does not know its table.
      out.push({ ...base, targetId: reference.id, via: 'kept' });
      continue;
    }
    if (reference.name === undefined) {
      const exists = await existsById(client, table.entitySet, reference.id);
      out.push(exists ? { ...base, targetId: reference.id, via: 'id' } : { ...base, problem: 'no name was exported and the id does not exist in the target' });
      continue;
    }
    const matches: string[] = [];
    for await (const row of client.query(table.entitySet, { select: [table.primaryId], filter: `${table.primaryName} eq ${formatLiteral(reference.name)}`, top: 2 })) {
      if (typeof row[table.primaryId] === 'string') matches.push(row[table.primaryId] as string);
    }
    if (matches.length === 1) out.push({ ...base, targetId: matches[0]!, via: 'name' });
    else out.push({ ...base, problem: matches.length === 0 ? `no ${table.logicalName} with this name` : `several ${table.logicalName} records have this name` });
  }
  return out;
}

async function existsById(client: DataverseClient, entitySet: string, id: string): Promise<boolean> {
  try {
    await client.retrieve(entitySet, id, { select: [] });
    return true;
  } catch (error) {
    if ((error as { name?: unknown }).name === 'NotFoundError') return false;
    throw error;
  }
}

/** The target journey: the one with the exported id, else the only one with the same name. */
async function findExisting(client: DataverseClient, exported: ReadExport): Promise<Record<string, unknown> | undefined> {
  const select = [A.id, A.name, A.statusCode, A.workflowDefinition, A.designerState, ...Object.keys(exported.entity).filter((k) => k !== A.id)];
  const id = exported.entity[A.id];
  if (typeof id === 'string') {
    try {
      return await client.retrieve(JOURNEYS, id, { select: [...new Set(select)] });
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'NotFoundError') throw error;
    }
  }
  const matches: Record<string, unknown>[] = [];
  for await (const row of client.query(JOURNEYS, { select: [...new Set(select)], filter: `${A.name} eq ${formatLiteral(exported.entity[A.name] as string)}`, top: 2 })) matches.push(row);
  if (matches.length > 1) {
    throw new InputError(`several journeys in the target are named ${JSON.stringify(exported.entity[A.name])}`, { pointer: pointer(A.name) }, {
      hint: 'rename one of them, or keep the exported msdyncrm_customerjourneyid so the import matches by id',
    });
  }
  return matches[0];
}

/** The values to write, in Web API write shape, with every reference remapped to the target's ids. */
function desiredValues(exported: ReadExport, idMap: ReadonlyMap<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
  const lookupByValueProperty = new Map<string, (typeof PORTABLE_LOOKUPS)[number]>(PORTABLE_LOOKUPS.map((l) => [l.lookup.valueProperty, l]));
  for (const [key, value] of Object.entries(exported.entity)) {
    if (key === A.id) continue;
    const lookup = lookupByValueProperty.get(key);
    if (lookup) {
      if (typeof value === 'string') put(`${lookup.lookup.navigationProperty}@odata.bind`, `/${lookup.table.entitySet}(${idMap.get(value.toLowerCase()) ?? value})`);
      continue;
    }
    if (key.startsWith('_') || key.includes('@')) continue;
    put(key, value);
  }
  put(A.workflowDefinition, serializeDefinition(remapDefinition(exported.definition, idMap)));
  put(A.designerState, serializeDesignerState(exported.designerState));
  return body;
}

/** The definition with every referenced record's `ItemId` replaced by the target's id. */
export function remapDefinition(definition: WorkflowDefinition, idMap: ReadonlyMap<string, string>): WorkflowDefinition {
  return definition.map((activity) => {
    const items = activity.Properties.Items;
    if (!items.some((item) => referenceKindOf(item) && typeof item.ItemId === 'string' && idMap.has(item.ItemId.toLowerCase()))) return activity;
    return {
      ...activity,
      Properties: {
        ...activity.Properties,
        Items: items.map((item) => {
          const target = referenceKindOf(item) && typeof item.ItemId === 'string' ? idMap.get(item.ItemId.toLowerCase()) : undefined;
          return target === undefined ? item : { ...item, ItemId: target };
        }),
      },
    };
  });
}

/** Whether the target already holds `value` for a write key (lookups compare ids; definitions compare canonically). */
function sameStored(key: string, existing: Record<string, unknown>, value: unknown): boolean {
  if (key.endsWith('@odata.bind')) {
    const lookup = PORTABLE_LOOKUPS.find((l) => `${l.lookup.navigationProperty}@odata.bind` === key);
    const stored = lookup ? existing[lookup.lookup.valueProperty] : undefined;
    const id = typeof value === 'string' ? /\(([^)]+)\)$/.exec(value)?.[1] : undefined;
    return typeof stored === 'string' && id !== undefined && stored.toLowerCase() === id.toLowerCase();
  }
  const stored = existing[key];
  if (key === A.workflowDefinition && typeof stored === 'string') {
    try {
      return serializeDefinition(parseDefinition(stored)) === value;
    } catch {
      return false;
    }
  }
  if (key === A.designerState && typeof stored === 'string') {
    try {
      return JSON.stringify(JSON.parse(stored)) === JSON.stringify(JSON.parse(value as string));
    } catch {
      return false;
    }
  }
  return stored === value;
}
