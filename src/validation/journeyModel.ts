/**
 * The validator's view of one journey, built in a single pass over the definition and shared by
 * every rule: activities and items with their JSON pointers, lookups by id, children in branch
 * order. It reads the raw JSON defensively (any value may have any type), so that malformed
 * input becomes findings instead of exceptions.
 */
import { escapePointerToken } from '../errors.js';

/** The shared, read-only model of a definition. */
export interface JourneyModel {
  /** Activities that are objects, in stored order. */
  readonly activities: ActivityNode[];
  /** First activity per ActivityId. */
  readonly byId: ReadonlyMap<string, ActivityNode>;
  /** First item per ActivityItemId. */
  readonly itemsById: ReadonlyMap<number, ItemNode>;
  /** Children per parent ActivityId, sorted by ParentBranchId (stored order breaks ties). */
  readonly childrenOf: ReadonlyMap<string, ActivityNode[]>;
  /** Activities whose ActivityTypeId is `bpf_root`. */
  readonly roots: ActivityNode[];
  /** Serialized length of the definition in characters, when known (string input). */
  readonly textLength: number | undefined;
  /**
   * Length of the JSON text the definition was parsed from when that was not its stored form
   * (a pretty-printed file): bounds the stored length, see `definition-size`.
   */
  readonly sourceLength?: number | undefined;
}

const RELATIONSHIPS = new Map([
  ['Default', 'Default'],
  ['YesBranch', 'YesBranch'],
  ['NoBranch', 'NoBranch'],
  ['default', 'Default'],
  ['yesbranch', 'YesBranch'],
  ['nobranch', 'NoBranch'],
]);

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property read that never reaches the prototype chain (input may hold `__proto__` keys). */
export function own(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** Read a property that the prototype chain cannot answer: the names read here are not on Object.prototype. */
function field(object: Record<string, unknown>, key: string): unknown {
  return object[key];
}

/** One item of an activity's `Properties.Items`, as far as it could be read. */
class ItemNode {
  /** `ActivityTypeId`, when it is a string. */
  readonly type: string | undefined;
  /** `ActivityItemId`, when it is a number. */
  readonly activityItemId: number | undefined;
  /** `ItemId` as written (string, null or anything else). */
  readonly recordId: unknown;
  constructor(
    /** Position in the activity's `Items`. */
    readonly index: number,
    readonly raw: Record<string, unknown>,
    readonly activity: ActivityNode,
  ) {
    const type = field(raw, 'ActivityTypeId');
    const activityItemId = field(raw, 'ActivityItemId');
    this.type = typeof type === 'string' ? type : undefined;
    this.activityItemId = typeof activityItemId === 'number' ? activityItemId : undefined;
    this.recordId = field(raw, 'ItemId');
  }
  // Pointers are built only for the few nodes that get a finding.
  /** JSON pointer of the item, relative to the definition document. */
  get pointer(): string {
    return `/${this.activity.index}/Properties/Items/${this.index}`;
  }
}

/** One activity (tile) of the definition, as far as it could be read. */
class ActivityNode {
  /** `ActivityId`, when it is a string. */
  readonly id: string | undefined;
  readonly type: string | undefined;
  /** `ParentActivityId`, when it is a string. */
  readonly parentId: string | undefined;
  readonly branchId: number | undefined;
  /** `ParentRelationshipType`, normalised to PascalCase when it is one of the known spellings. */
  readonly relationship: string | undefined;
  readonly entityTarget: unknown;
  /** Readable items; empty when `Properties.Items` is missing or not an array. */
  readonly items: ItemNode[] = [];
  /** Whether `Properties.Items` is an array. */
  readonly hasItemsArray: boolean;
  constructor(
    /** Position in the definition array. */
    readonly index: number,
    /** Position in {@link JourneyModel.activities} (skips entries that are not objects). */
    readonly ordinal: number,
    readonly raw: Record<string, unknown>,
    itemsById: Map<number, ItemNode>,
  ) {
    const id = field(raw, 'ActivityId');
    const type = field(raw, 'ActivityTypeId');
    const parentId = field(raw, 'ParentActivityId');
    const branchId = field(raw, 'ParentBranchId');
    const relationship = field(raw, 'ParentRelationshipType');
    this.id = typeof id === 'string' ? id : undefined;
    this.type = typeof type === 'string' ? type : undefined;
    this.parentId = typeof parentId === 'string' ? parentId : undefined;
    this.branchId = typeof branchId === 'number' ? branchId : undefined;
    this.relationship =
      typeof relationship === 'string' ? (RELATIONSHIPS.get(relationship) ?? RELATIONSHIPS.get(relationship.toLowerCase()) ?? relationship) : undefined;
    this.entityTarget = field(raw, 'EntityTarget');
    const properties = field(raw, 'Properties');
    const rawItems = isRecord(properties) ? field(properties, 'Items') : undefined;
    this.hasItemsArray = Array.isArray(rawItems);
    if (Array.isArray(rawItems)) {
      for (let itemIndex = 0; itemIndex < rawItems.length; itemIndex++) {
        const rawItem: unknown = rawItems[itemIndex];
        if (!isRecord(rawItem)) continue;
        const item = new ItemNode(itemIndex, rawItem, this);
        this.items.push(item);
        if (item.activityItemId !== undefined && !itemsById.has(item.activityItemId)) itemsById.set(item.activityItemId, item);
      }
    }
  }
  /** JSON pointer of the activity, relative to the definition document. */
  get pointer(): string {
    return `/${this.index}`;
  }
}

// The nodes are classes (their pointers are getters on a shared prototype); only their types are exported.
export type { ActivityNode, ItemNode };

/** Build the model of a definition that is already a JSON value (an array of activities). */
export function buildJourneyModel(definition: unknown[], textLength?: number, sourceLength?: number): JourneyModel {
  const activities: ActivityNode[] = [];
  const byId = new Map<string, ActivityNode>();
  const itemsById = new Map<number, ItemNode>();
  const childrenOf = new Map<string, ActivityNode[]>();
  const roots: ActivityNode[] = [];

  for (let index = 0; index < definition.length; index++) {
    const raw: unknown = definition[index];
    if (!isRecord(raw)) continue;
    const activity = new ActivityNode(index, activities.length, raw, itemsById);
    activities.push(activity);
    if (activity.id !== undefined && !byId.has(activity.id)) byId.set(activity.id, activity);
    if (activity.type === 'bpf_root') roots.push(activity);
    if (activity.parentId !== undefined) {
      const siblings = childrenOf.get(activity.parentId);
      if (siblings) siblings.push(activity);
      else childrenOf.set(activity.parentId, [activity]);
    }
  }
  for (const siblings of childrenOf.values()) {
    if (siblings.length > 1) siblings.sort(byBranch);
  }
  return { activities, byId, itemsById, childrenOf, roots, textLength, sourceLength };
}

function byBranch(a: ActivityNode, b: ActivityNode): number {
  return (a.branchId ?? Number.MAX_SAFE_INTEGER) - (b.branchId ?? Number.MAX_SAFE_INTEGER) || a.index - b.index;
}

/** Append tokens to a JSON pointer. */
export function childPointer(base: string, ...tokens: (string | number)[]): string {
  let result = base;
  for (const token of tokens) result += `/${escapePointerToken(token)}`;
  return result;
}

/**
 * Whether `ancestor` is above `activity` in the tree (contacts pass it first). Walks the parent
 * chain, at most once around the definition, so cycles end the walk.
 */
export function isUpstream(model: JourneyModel, ancestor: ActivityNode, activity: ActivityNode): boolean {
  let current = activity.parentId === undefined ? undefined : model.byId.get(activity.parentId);
  for (let steps = 0; current && steps < model.activities.length; steps++) {
    if (current === ancestor) return true;
    current = current.parentId === undefined ? undefined : model.byId.get(current.parentId);
  }
  return false;
}
