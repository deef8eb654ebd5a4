/**
 * Choice values of the custom API tables.
 * https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables
 */

/** `customapifieldtype`: the type of a request parameter or response property. */
export const CUSTOM_API_FIELD_TYPES = Object.freeze({
  Boolean: 0,
  DateTime: 1,
  Decimal: 2,
  Entity: 3,
  EntityCollection: 4,
  EntityReference: 5,
  Float: 6,
  Integer: 7,
  Money: 8,
  Picklist: 9,
  String: 10,
  StringArray: 11,
  Guid: 12,
});

/** A field type by label. */
export type CustomApiFieldType = keyof typeof CUSTOM_API_FIELD_TYPES;

/** `customapi.bindingtype`. */
export const BINDING_TYPES = Object.freeze({ Global: 0, Entity: 1, EntityCollection: 2 });
/** A binding type by label. */
export type BindingType = keyof typeof BINDING_TYPES;

/** `customapi.allowedcustomprocessingsteptype`. */
export const PROCESSING_STEP_TYPES = Object.freeze({ None: 0, AsyncOnly: 1, SyncAndAsync: 2 });
/** A custom processing step type by label. */
export type ProcessingStepType = keyof typeof PROCESSING_STEP_TYPES;

const FIELD_TYPE_LABELS = Object.keys(CUSTOM_API_FIELD_TYPES) as CustomApiFieldType[];

/** The label of a field type given by label or by value (0–12). */
export function fieldTypeLabel(type: CustomApiFieldType | number): CustomApiFieldType {
  if (typeof type === 'number') {
    const label = FIELD_TYPE_LABELS.find((l) => CUSTOM_API_FIELD_TYPES[l] === type);
    if (!label) throw new RangeError(`unknown custom API field type ${type}`);
    return label;
  }
  return type;
}

/** Types a workflow-enabled custom API may use (EntityReference only when bound to an entity). */
export const WORKFLOW_FIELD_TYPES: ReadonlySet<CustomApiFieldType> = new Set<CustomApiFieldType>([
  'Boolean',
  'DateTime',
  'Decimal',
  'EntityReference',
  'Float',
  'Integer',
  'Money',
  'Picklist',
  'String',
  'Guid',
]);

/** Types that name a table in `logicalentityname`. */
export const ENTITY_FIELD_TYPES: ReadonlySet<CustomApiFieldType> = new Set<CustomApiFieldType>(['Entity', 'EntityReference']);
