/**
 * The workflow-definition serializer: the designer's shape and key order, compact as stored or
 * pretty for files. One pass: objects already in canonical order are written as they are, the
 * others are copied shallowly with their keys reordered, and `JSON.stringify` runs once.
 */
import { ACTIVITY_KEY_ORDER, PROPERTIES_KEY_ORDER, isInKeyOrder, itemKeyOrder, reorderKeys } from './keyOrder.js';
import { normalizeRelationshipType } from './relationship.js';
import type { Activity, Item, WorkflowDefinition } from './types.js';

/** Options of {@link serializeDefinition}. */
export interface SerializeDefinitionOptions {
  /**
   * Indent with two spaces (for files under version control) instead of the compact form the
   * designer stores.
   * @default false
   */
  pretty?: boolean;
}

/**
 * Writes a definition as the designer does: activity keys `ActivityTypeId, ParentActivityId,
 * ParentBranchId, ParentRelationshipType, ActivityId, Properties, EntityTarget`, item keys
 * `ItemId, ActivityTypeId, Title, IsNameSystemDefined, Name, ActivityItemId, <type-specific>,
 * Description`, unknown keys after the known ones in their original order, and
 * `ParentRelationshipType` in PascalCase. Parsing the output and serializing again gives the same
 * bytes.
 */
export function serializeDefinition(def: WorkflowDefinition, options: SerializeDefinitionOptions = {}): string {
  const canonical = canonicalDefinition(def);
  return options.pretty ? JSON.stringify(canonical, null, 2) : JSON.stringify(canonical);
}

/**
 * The definition with every object in canonical key order, sharing every object that already is.
 * Useful to compare definitions by their serialized form without serializing twice.
 */
export function canonicalDefinition(def: WorkflowDefinition): WorkflowDefinition {
  let out: WorkflowDefinition | undefined;
  for (let i = 0; i < def.length; i++) {
    const activity = def[i]!;
    const canonical = canonicalActivity(activity);
    if (canonical !== activity) (out ??= def.slice())[i] = canonical;
  }
  return out ?? def;
}

function canonicalActivity(activity: Activity): Activity {
  const properties = activity.Properties;
  const canonicalProps = properties && typeof properties === 'object' ? canonicalProperties(properties) : properties;
  const relationship = normalizeRelationshipType(activity.ParentRelationshipType) ?? activity.ParentRelationshipType;
  if (canonicalProps === properties && relationship === activity.ParentRelationshipType && isInKeyOrder(activity, ACTIVITY_KEY_ORDER)) {
    return activity;
  }
  return reorderKeys(activity, ACTIVITY_KEY_ORDER, { Properties: canonicalProps, ParentRelationshipType: relationship }) as Activity;
}

function canonicalProperties(properties: Activity['Properties']): Activity['Properties'] {
  const items = properties.Items;
  let outItems: Item[] | undefined;
  if (Array.isArray(items)) {
    for (let j = 0; j < items.length; j++) {
      const item = items[j]!;
      if (item === null || typeof item !== 'object') continue;
      const order = itemKeyOrder(item.ActivityTypeId);
      if (!isInKeyOrder(item, order)) (outItems ??= items.slice())[j] = reorderKeys(item, order) as Item;
    }
  }
  if (!outItems && isInKeyOrder(properties, PROPERTIES_KEY_ORDER)) return properties;
  return reorderKeys(properties, PROPERTIES_KEY_ORDER, outItems ? { Items: outItems } : undefined) as Activity['Properties'];
}
