/**
 * The tile tree of a definition. Structure comes only from ParentActivityId, ParentBranchId and
 * ParentRelationshipType: real designer output has ActivityIds that no longer follow the tree
 * (an id records where a tile was first dropped), so ids are never split or compared by prefix.
 */
import type { Activity, WorkflowDefinition } from './types.js';

/** What a {@link DefinitionGraph.walk} visitor is told about each activity. */
export interface WalkContext {
  /** The parent activity, or undefined for the root and for activities whose parent does not resolve. */
  parent: Activity | undefined;
  /** 0 for the root (and other top-level activities), 1 for its children, … */
  depth: number;
  /** Position in the definition array. */
  index: number;
}

/**
 * Called once per activity, parents before children. Return `false` to skip the activity's
 * subtree.
 */
export type WalkVisitor = (activity: Activity, context: WalkContext) => void | boolean;

/** Lookups over one definition; built once, read many times. */
export interface DefinitionGraph {
  /** The first `bpf_root` activity, or else the first activity without a ParentActivityId. */
  readonly root: Activity | undefined;
  /** Activities by ActivityId; with duplicate ids the first in stored order wins. */
  readonly byId: ReadonlyMap<string, Activity>;
  /** The parent of an activity, or undefined (root, unknown id, dangling ParentActivityId). */
  parentOf(activityId: string): Activity | undefined;
  /** Children of an activity ordered by ParentBranchId, then by stored order. */
  childrenOf(activityId: string): readonly Activity[];
  /**
   * Depth-first walk, parents before children, children in {@link childrenOf} order. Starts at
   * the root, then visits any activity not reached from it (other roots, dangling parents,
   * duplicate ids) as a top-level activity, in stored order, so each activity is visited once.
   */
  walk(visitor: WalkVisitor): void;
}

const NO_CHILDREN: readonly Activity[] = Object.freeze([]);

/** Builds the lookups of a definition in one pass (plus a sort of each sibling group). */
export function buildGraph(def: WorkflowDefinition): DefinitionGraph {
  const byId = new Map<string, Activity>();
  const indexOf = new Map<Activity, number>();
  for (let i = 0; i < def.length; i++) {
    const activity = def[i]!;
    indexOf.set(activity, i);
    if (!byId.has(activity.ActivityId)) byId.set(activity.ActivityId, activity);
  }
  const children = new Map<string, Activity[]>();
  for (const activity of def) {
    const parentId = activity.ParentActivityId;
    if (parentId === undefined || !byId.has(parentId)) continue;
    let siblings = children.get(parentId);
    if (!siblings) children.set(parentId, (siblings = []));
    siblings.push(activity);
  }
  // Array.prototype.sort is stable, so equal branch ids keep their stored order.
  for (const siblings of children.values()) {
    if (siblings.length > 1) siblings.sort((a, b) => a.ParentBranchId - b.ParentBranchId);
  }
  const root = def.find((a) => a.ActivityTypeId === 'bpf_root') ?? def.find((a) => a.ParentActivityId === undefined);

  const parentOf = (activityId: string): Activity | undefined => {
    const parentId = byId.get(activityId)?.ParentActivityId;
    return parentId === undefined ? undefined : byId.get(parentId);
  };
  const childrenOf = (activityId: string): readonly Activity[] => children.get(activityId) ?? NO_CHILDREN;

  const walk = (visitor: WalkVisitor): void => {
    const visited = new Set<Activity>();
    // An explicit stack: a journey can be a chain of thousands of tiles.
    // Skipped subtrees are still traversed (without calling the visitor) so that the later passes
    // do not mistake them for unreachable activities.
    const stack: { activity: Activity; parent: Activity | undefined; depth: number; skip: boolean }[] = [];
    const run = (start: Activity): void => {
      stack.push({ activity: start, parent: undefined, depth: 0, skip: false });
      while (stack.length > 0) {
        const { activity, parent, depth, skip: skipped } = stack.pop()!;
        if (visited.has(activity)) continue;
        visited.add(activity);
        const skip = skipped || visitor(activity, { parent, depth, index: indexOf.get(activity)! }) === false;
        // Only the activity registered under its id owns the children of that id.
        if (byId.get(activity.ActivityId) !== activity) continue;
        const kids = childrenOf(activity.ActivityId);
        for (let k = kids.length - 1; k >= 0; k--) stack.push({ activity: kids[k]!, parent: activity, depth: depth + 1, skip });
      }
    };
    if (root) run(root);
    // Then subtrees whose top does not hang under a known activity, so parents still come first.
    for (const activity of def) {
      const parentId = activity.ParentActivityId;
      if (!visited.has(activity) && (parentId === undefined || !byId.has(parentId))) run(activity);
    }
    // Whatever is left sits on a ParentActivityId cycle (only possible in unparsed input).
    for (const activity of def) if (!visited.has(activity)) run(activity);
  };

  return { root, byId, parentOf, childrenOf, walk };
}
