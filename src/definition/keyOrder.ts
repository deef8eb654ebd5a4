/**
 * The key order the journey designer writes, as seen in the documented create request
 * (https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey)
 * and, for tiles the documentation shows no example of, in real designer output (BLOG18 in the
 * domain notes). Keys not listed here are written after the listed ones, in their original order.
 */

/** An order of known keys with a rank per key for fast lookups. */
export interface KeyOrder {
  readonly keys: readonly string[];
  readonly rank: ReadonlyMap<string, number>;
}

function keyOrder(keys: readonly string[]): KeyOrder {
  return Object.freeze({ keys: Object.freeze([...keys]), rank: new Map(keys.map((k, i) => [k, i])) });
}

/** Activity keys; `EntityTarget` follows `Properties` in designer output. */
export const ACTIVITY_KEY_ORDER = keyOrder([
  'ActivityTypeId',
  'ParentActivityId',
  'ParentBranchId',
  'ParentRelationshipType',
  'ActivityId',
  'Properties',
  'EntityTarget',
]);

/** `Properties` holds only `Items` in every known payload. */
export const PROPERTIES_KEY_ORDER = keyOrder(['Items']);

/** Keys every item starts with. */
export const ITEM_HEAD_KEYS = ['ItemId', 'ActivityTypeId', 'Title', 'IsNameSystemDefined', 'Name', 'ActivityItemId'] as const;

/**
 * Type-specific item keys, written between the head keys and `Description`.
 * Segment/SegmentItem: documented example. Trigger, Scheduler, CreateCrmActivity: BLOG18 (real
 * 2018 designer output). The date-based Scheduler keys (`ScheduledDateTime`) are INFERRED: no
 * public payload shows a "wait until" tile, so this is the shape the builder writes.
 */
export const ITEM_TYPE_KEYS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Segment: ['SegmentMergeMethod', 'ContainmentMethod'],
  SegmentItem: ['ContainmentMethod', 'SegmentSourceType', 'DciSegmentName', 'SegmentDisplayName'],
  Trigger: ['TimeoutValue', 'TimeoutUnit', 'RuleLogic', 'ConditionExpressions'],
  Scheduler: [
    'WaitUntilMonday',
    'WaitUntilTuesday',
    'WaitUntilWednesday',
    'WaitUntilThursday',
    'WaitUntilFriday',
    'WaitUntilSaturday',
    'WaitUntilSunday',
    'WaitUntilFromHour',
    'WaitUntilFromMinute',
    'WaitUntilToHour',
    'WaitUntilToMinute',
    'OffsetType',
    'ScheduledDurationUnit',
    'ScheduledDurationValue',
    'ScheduledHour',
    'ScheduledMinute',
    'ScheduledDateTime',
  ],
  CreateCrmActivity: ['TemplateEntityLogicalName', 'ActivityTypeName', 'Owner'],
});

const itemOrders = new Map<string, KeyOrder>();

/** The item key order for a tile type (unknown types: head keys, then `Description`). */
export function itemKeyOrder(type: unknown): KeyOrder {
  const key = typeof type === 'string' && Object.prototype.hasOwnProperty.call(ITEM_TYPE_KEYS, type) ? type : '';
  let order = itemOrders.get(key);
  if (!order) {
    order = keyOrder([...ITEM_HEAD_KEYS, ...(key ? ITEM_TYPE_KEYS[key]! : []), 'Description']);
    itemOrders.set(key, order);
  }
  return order;
}

/**
 * Whether an object's own keys are already in canonical order: known keys by rank, then unknown
 * keys (in any order, since their original order is what canonical means for them).
 */
export function isInKeyOrder(obj: object, order: KeyOrder): boolean {
  let last = -1;
  let seenUnknown = false;
  for (const key in obj) {
    const rank = order.rank.get(key);
    if (rank === undefined) {
      seenUnknown = true;
    } else {
      if (seenUnknown || rank < last) return false;
      last = rank;
    }
  }
  return true;
}

/**
 * A shallow copy of `obj` with known keys first (in `order`), then the others in their original
 * order. `replace` overrides values of known keys. `undefined` values are dropped, as JSON does.
 */
export function reorderKeys(obj: Record<string, unknown>, order: KeyOrder, replace?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of order.keys) {
    const value = replace && key in replace ? replace[key] : obj[key];
    if (value !== undefined && Object.prototype.hasOwnProperty.call(obj, key)) out[key] = value;
  }
  for (const key in obj) {
    if (order.rank.has(key)) continue;
    const value = obj[key];
    if (value === undefined) continue;
    // Defined, not assigned: an own "__proto__" key must stay data, never become the prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}
