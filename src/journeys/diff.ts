/**
 * Compare two journeys tile by tile. Activities are matched by `ActivityId` (the designer keeps
 * it for the life of a tile), so a tile that was edited or moved is reported as such, not as a
 * removal plus an addition. Record fields are compared by Web API attribute.
 */
import { canonicalDefinition, type Activity, type WorkflowDefinition } from '../definition/index.js';
import { JourneyAttributes as A } from '../model/names.js';

/** One side of a comparison. */
export interface DiffSide {
  /** Journey record fields in Web API shape (definition and designer state left out); absent for a bare definition. */
  fields?: Readonly<Record<string, unknown>> | undefined;
  definition: WorkflowDefinition;
}

/** How a tile differs. */
export type TileChangeKind = 'added' | 'removed' | 'moved' | 'changed';

/** A tile that differs between the two journeys. */
export interface TileChange {
  change: TileChangeKind;
  activityId: string;
  /** The tile type (`Email`, `Trigger`…), from the side that has it (the new one when both do). */
  tileType: string;
  /** The names of the tile's items (`Welcome email`), for people. */
  label?: string;
  /** For `moved`: old and new parent, as `ParentActivityId/branch`. */
  from?: string;
  to?: string;
  /** For `changed`: the properties that differ (`Properties.Items[0].ItemId`, `EntityTarget`…). */
  properties?: string[];
}

/** A record field that differs. */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** Everything that differs between two journeys. */
export interface JourneyDiff {
  fields: FieldChange[];
  tiles: TileChange[];
}

/** Fields that differ between any two copies of a journey without its content changing. */
const IGNORED_FIELDS: ReadonlySet<string> = new Set([
  A.id,
  A.workflowDefinition,
  A.designerState,
  A.createdOn,
  A.modifiedOn,
  A.versionNumber,
  A.validationResults,
  '@journeyctl.references',
]);

/** Whether two journeys are the same (no field or tile differences). */
export function isSameJourney(diff: JourneyDiff): boolean {
  return diff.fields.length === 0 && diff.tiles.length === 0;
}

/**
 * The differences from `before` to `after`. Fields are compared only when both sides have them
 * (a bare definition file has none, which is not a difference).
 */
export function diffJourneys(before: DiffSide, after: DiffSide): JourneyDiff {
  const fields = before.fields && after.fields ? diffFields(before.fields, after.fields) : [];
  return { fields, tiles: diffTiles(before.definition, after.definition) };
}

function diffFields(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !IGNORED_FIELDS.has(k) && !k.startsWith('@odata.') && !k.includes('@OData.') && !k.includes('@Microsoft.'));
  const changes: FieldChange[] = [];
  for (const field of keys.sort()) {
    const a = Object.prototype.hasOwnProperty.call(before, field) ? before[field] : undefined;
    const b = Object.prototype.hasOwnProperty.call(after, field) ? after[field] : undefined;
    if (!sameValue(a ?? null, b ?? null)) changes.push({ field, before: a, after: b });
  }
  return changes;
}

function diffTiles(beforeDef: WorkflowDefinition, afterDef: WorkflowDefinition): TileChange[] {
  const before = byId(canonicalDefinition(beforeDef));
  const after = byId(canonicalDefinition(afterDef));
  const changes: TileChange[] = [];
  for (const [id, old] of before) {
    const current = after.get(id);
    if (!current) {
      changes.push(withLabel({ change: 'removed', activityId: id, tileType: old.ActivityTypeId }, old));
      continue;
    }
    const from = placeOf(old);
    const to = placeOf(current);
    if (from !== to) changes.push(withLabel({ change: 'moved', activityId: id, tileType: current.ActivityTypeId, from, to }, current));
    const properties = differingPaths(stripPlace(old), stripPlace(current), '');
    if (properties.length > 0) changes.push(withLabel({ change: 'changed', activityId: id, tileType: current.ActivityTypeId, properties }, current));
  }
  for (const [id, added] of after) {
    if (!before.has(id)) changes.push(withLabel({ change: 'added', activityId: id, tileType: added.ActivityTypeId, to: placeOf(added) }, added));
  }
  return changes;
}

function byId(def: WorkflowDefinition): Map<string, Activity> {
  const map = new Map<string, Activity>();
  for (const activity of def) map.set(activity.ActivityId, activity);
  return map;
}

function placeOf(activity: Activity): string {
  return activity.ParentActivityId === undefined ? '(root)' : `${activity.ParentActivityId}/${activity.ParentBranchId}`;
}

/** The activity without where it sits (that is "moved", not "changed"). */
function stripPlace(activity: Activity): Record<string, unknown> {
  const out = new Map<string, unknown>(Object.entries(activity));
  for (const key of ['ParentActivityId', 'ParentBranchId', 'ParentRelationshipType', 'ActivityId']) out.delete(key);
  return Object.fromEntries(out);
}

function withLabel(change: TileChange, activity: Activity): TileChange {
  const names = (activity.Properties?.Items ?? []).map((item) => item.Name).filter((n): n is string => typeof n === 'string' && n !== '');
  return names.length > 0 ? { ...change, label: names.join(', ') } : change;
}

/** The paths (`Properties.Items[0].ItemId`) at which two JSON values differ, outermost first. */
function differingPaths(a: unknown, b: unknown, path: string): string[] {
  if (sameValue(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [path || '(value)'];
    return a.flatMap((value, i) => differingPaths(value, b[i], `${path}[${i}]`));
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => differingPaths(a[key], b[key], path ? `${path}.${key}` : key));
  }
  return [path || '(value)'];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k], b[k]));
  }
  return false;
}

/** The diff as lines for people: `~ field`, `+ tile`, `- tile`, `> moved tile`, `* changed tile`. */
export function formatJourneyDiff(diff: JourneyDiff): string[] {
  const lines: string[] = [];
  for (const f of diff.fields) lines.push(`~ field ${f.field}: ${JSON.stringify(f.before) ?? '(unset)'} -> ${JSON.stringify(f.after) ?? '(unset)'}`);
  for (const t of diff.tiles) {
    const name = `${t.tileType} ${t.activityId}${t.label ? ` (${t.label})` : ''}`;
    if (t.change === 'added') lines.push(`+ tile ${name} under ${t.to}`);
    else if (t.change === 'removed') lines.push(`- tile ${name}`);
    else if (t.change === 'moved') lines.push(`> tile ${name} moved from ${t.from} to ${t.to}`);
    else lines.push(`* tile ${name} changed: ${(t.properties ?? []).join(', ')}`);
  }
  return lines;
}
