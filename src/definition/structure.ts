/**
 * The "pipeline" of a journey in the go-live field lock matrix: which tiles exist and where each
 * hangs (ActivityId, type, parent, branch, relationship). Items are not part of it: the records a
 * tile uses (the segments of a group, an email and its page) and every other item property are
 * tile settings, which Live-editable and Stopped journeys may still change; the go-live page
 * describes changing a live segment tile's segments. Outside Draft the pipeline is locked.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/go-live
 *
 * The validator (change rules), the emulator (field locks) and `journeys apply` all use this one
 * definition, so they agree on what "changing the structure" means.
 */

/** The properties of an activity that place it in the tile graph (any input shape is tolerated). */
export interface TilePlacement {
  ActivityId?: unknown;
  ActivityTypeId?: unknown;
  ParentActivityId?: unknown;
  ParentBranchId?: unknown;
  ParentRelationshipType?: unknown;
}

/**
 * One tile's place in the graph as a comparable string. The relationship type compares
 * case-insensitively, as parsers accept any casing.
 */
export function tileShape(activity: TilePlacement): string {
  return JSON.stringify([
    activity.ActivityId === undefined ? null : String(activity.ActivityId),
    activity.ActivityTypeId === undefined ? null : String(activity.ActivityTypeId),
    activity.ParentActivityId === undefined ? null : String(activity.ParentActivityId),
    activity.ParentBranchId ?? null,
    typeof activity.ParentRelationshipType === 'string' ? activity.ParentRelationshipType.toLowerCase() : null,
  ]);
}

/** One line per tile, sorted: the tile graph without settings. */
export function structureSignature(definition: readonly TilePlacement[]): string[] {
  return definition.map(tileShape).sort();
}

/** Whether two definitions have the same tile graph. */
export function sameStructure(a: readonly TilePlacement[], b: readonly TilePlacement[]): boolean {
  const sa = structureSignature(a);
  const sb = structureSignature(b);
  return sa.length === sb.length && sa.every((line, i) => line === sb[i]);
}
