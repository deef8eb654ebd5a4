/**
 * The emulator's rule for which contacts reach which tiles of a live journey (the real service's
 * runtime is not documented in enough detail to copy, and is gone). Deterministic:
 *
 * - A segment group tile (`Segment`) admits the contacts of its segments: the members of its
 *   `Inclusion` items, merged by `SegmentMergeMethod` (`Union`, or intersection when the method
 *   starts with `Intersect`), minus the members of its `Exclusion` items.
 * - Contacts flow from a segment group to every tile below it, without waiting (Scheduler tiles
 *   pass at once). Under a Trigger they take only the NoBranch: the emulator records no
 *   behaviour that could meet a condition, so every trigger times out. Splitter branches are all
 *   reached by every contact.
 * - Contacts in the journey's suppression segment reach nothing.
 * https://learn.microsoft.com/dynamics365/marketing/developer/customer-journey-workflow-definition
 */
import type { Activity, WorkflowDefinition } from '../../definition/types.js';
import { parseGuid } from '../../util/guid.js';
import { itemsOf, parseStoredArray } from './definitionStructure.js';

/** Members of a segment by id (ids lower case), or undefined when the segment does not exist. */
export type SegmentMembers = (segmentId: string) => readonly string[] | undefined;

/** Contacts (ids) that reach each activity, by ActivityId. */
export type ContactFlow = Map<string, Set<string>>;

/** The contacts a segment group tile admits. */
export function segmentGroupContacts(activity: Activity, members: SegmentMembers): Set<string> {
  const items = itemsOf(activity);
  const header = items[0];
  const merge = typeof header?.SegmentMergeMethod === 'string' ? header.SegmentMergeMethod.toLowerCase() : 'union';
  const included: Set<string>[] = [];
  const excluded = new Set<string>();
  for (const item of items.slice(1)) {
    const id = parseGuid(item.ItemId);
    if (id === undefined) continue;
    const ids = members(id) ?? [];
    const method = typeof item.ContainmentMethod === 'string' ? item.ContainmentMethod.toLowerCase() : 'inclusion';
    if (method === 'exclusion') for (const c of ids) excluded.add(c);
    else included.push(new Set(ids));
  }
  let result: Set<string>;
  if (included.length === 0) result = new Set();
  else if (merge.startsWith('intersect')) {
    result = new Set([...included[0]!].filter((c) => included.every((s) => s.has(c))));
  } else {
    result = new Set(included.flatMap((s) => [...s]));
  }
  for (const c of excluded) result.delete(c);
  return result;
}

/** Compute which contacts reach which activity. */
export function contactFlow(definition: WorkflowDefinition, members: SegmentMembers, suppressed: ReadonlySet<string> = new Set()): ContactFlow {
  const children = new Map<string, Activity[]>();
  for (const activity of definition) {
    if (activity.ParentActivityId === undefined || activity.ParentActivityId === null) continue;
    const key = String(activity.ParentActivityId);
    const list = children.get(key) ?? [];
    list.push(activity);
    children.set(key, list);
  }
  const flow: ContactFlow = new Map();
  // Each visit passes on only the contacts new to an activity, so a tile reached by several
  // paths is walked again only for the contacts that arrive late.
  const visit = (activity: Activity, incoming: ReadonlySet<string>, path: Set<string>, entry: boolean): void => {
    const id = String(activity.ActivityId);
    if (path.has(id)) return; // a cycle in a broken definition: stop
    const contacts = new Set(incoming);
    if (activity.ActivityTypeId === 'Segment') {
      for (const c of segmentGroupContacts(activity, members)) contacts.add(c);
    }
    for (const c of suppressed) contacts.delete(c);
    const reached = flow.get(id) ?? new Set<string>();
    flow.set(id, reached);
    const fresh = new Set([...contacts].filter((c) => !reached.has(c)));
    for (const c of fresh) reached.add(c);
    if (fresh.size === 0 && !entry) return;
    path.add(id);
    for (const child of children.get(id) ?? []) {
      if (activity.ActivityTypeId === 'Trigger' && String(child.ParentRelationshipType ?? '').toLowerCase() !== 'nobranch') continue;
      visit(child, fresh, path, false);
    }
    path.delete(id);
  };
  for (const root of definition.filter((a) => a.ParentActivityId === undefined || a.ParentActivityId === null)) {
    visit(root, new Set(), new Set(), true);
  }
  // Segment groups whose parent chain is broken still admit their contacts.
  for (const activity of definition) {
    if (activity.ActivityTypeId === 'Segment' && !flow.has(String(activity.ActivityId))) visit(activity, new Set(), new Set(), true);
  }
  for (const [key, set] of flow) if (set.size === 0) flow.delete(key);
  return flow;
}

/**
 * Static segment members: `msdyncrm_segmentmemberids` is a JSON array string of contact ids
 * prefixed `crm` (per the segment API). Returns undefined when the attribute is unset or unreadable.
 * https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-segments
 */
export function parseSegmentMemberIds(raw: unknown): string[] | undefined {
  const parsed = parseStoredArray(raw);
  if (!parsed) return undefined;
  const ids: string[] = [];
  for (const entry of parsed) {
    if (typeof entry !== 'string') continue;
    const id = parseGuid(entry.trim().replace(/^crm/i, ''));
    if (id !== undefined) ids.push(id);
  }
  return ids;
}
