/**
 * Rows to Web API JSON: `@odata.etag`, lookups as `_x_value` (with their annotations), formatted
 * values emitted before the raw value (as Dataverse does) when the client asked for them.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/select-columns#formatted-values
 */
import type { ResolvedEntity } from '../entities/registry.js';
import type { AttributeDefinition, RowValues } from '../types.js';
import { includesAnnotation } from './prefer.js';

export const FORMATTED = 'OData.Community.Display.V1.FormattedValue';
export const LOOKUP_LOGICAL_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname';
export const ASSOCIATED_NAVIGATION = 'Microsoft.Dynamics.CRM.associatednavigationproperty';

/** Which annotations to emit, decided once per request. */
export interface AnnotationChoice {
  formatted: boolean;
  lookupLogicalName: boolean;
  associatedNavigation: boolean;
}

export function chooseAnnotations(patterns: readonly string[]): AnnotationChoice {
  return {
    formatted: includesAnnotation(patterns, FORMATTED),
    lookupLogicalName: includesAnnotation(patterns, LOOKUP_LOGICAL_NAME),
    associatedNavigation: includesAnnotation(patterns, ASSOCIATED_NAVIGATION),
  };
}

/** What serialization needs besides the row. */
export interface SerializeContext {
  annotations: AnnotationChoice;
  /** Primary name of a referenced row (formatted value of a lookup). */
  primaryName(logicalName: string, id: string): string | undefined;
  /** Logical name of the table behind an entity set. */
  logicalNameOf(entitySet: string): string | undefined;
}

/** One output property: the attribute and the JSON name it is written under. */
export interface OutputColumn {
  attribute: AttributeDefinition;
  property: string;
}

const allColumns = new WeakMap<ResolvedEntity, OutputColumn[]>();

function propertyOf(attribute: AttributeDefinition): string {
  return attribute.type === 'lookup' || attribute.type === 'owner' ? `_${attribute.name}_value` : attribute.name;
}

/** The columns of a table in output order (all, or the `$select`ed ones plus the primary key). */
export function outputColumns(entity: ResolvedEntity, select?: readonly string[]): OutputColumn[] {
  if (!select) {
    let columns = allColumns.get(entity);
    if (!columns) {
      columns = [...entity.attributes.values()].map((attribute) => ({ attribute, property: propertyOf(attribute) }));
      allColumns.set(entity, columns);
    }
    return columns;
  }
  const columns: OutputColumn[] = [];
  const seen = new Set<string>();
  for (const name of select) {
    const attribute = entity.lookupValues.get(name) ?? entity.attributes.get(name);
    if (!attribute || seen.has(attribute.name)) continue;
    seen.add(attribute.name);
    columns.push({ attribute, property: propertyOf(attribute) });
  }
  const primary = entity.attributes.get(entity.definition.primaryId)!;
  if (!seen.has(primary.name)) columns.push({ attribute: primary, property: primary.name });
  return columns;
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

/** The formatted value Dataverse shows for a column value (user locale en-US, UTC). */
function formatValue(attribute: AttributeDefinition, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (attribute.type) {
    case 'picklist':
    case 'state':
    case 'status':
      return attribute.options?.labels[value as number];
    case 'boolean':
      return value ? 'Yes' : 'No';
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'double':
      return attribute.options?.labels[value as number] ?? numberFormat.format(value as number);
    case 'money':
      return `$${(value as number).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    case 'datetime': {
      const date = new Date(String(value));
      if (Number.isNaN(date.getTime())) return undefined;
      const hours = date.getUTCHours();
      const minutes = String(date.getUTCMinutes()).padStart(2, '0');
      return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${hours % 12 === 0 ? 12 : hours % 12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`;
    }
    case 'dateonly': {
      const [year, month, day] = String(value).split('-');
      return `${Number(month)}/${Number(day)}/${year}`;
    }
    default:
      return undefined;
  }
}

/**
 * The single-valued navigation property behind a lookup value: for a polymorphic lookup, the one of
 * the referenced table (`parentcustomerid_account` or `parentcustomerid_contact`).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-navigation-properties#multi-table-lookups
 */
function associatedNavigation(attribute: AttributeDefinition, logicalName: string | undefined, context: SerializeContext): string {
  if (attribute.targetNavigation && logicalName !== undefined) {
    for (const [entitySet, navigation] of Object.entries(attribute.targetNavigation)) if (context.logicalNameOf(entitySet) === logicalName) return navigation;
  }
  return attribute.navigationProperty ?? attribute.name;
}

/** Serializes a stored row into a JSON object (keys in insertion order). */
export function serializeRow(values: RowValues, version: number, columns: readonly OutputColumn[], context: SerializeContext, odataContext?: string): Record<string, unknown> {
  const annotations = context.annotations;
  const out: Record<string, unknown> = odataContext === undefined ? {} : { '@odata.context': odataContext };
  out['@odata.etag'] = `W/"${version}"`;
  for (const { attribute, property } of columns) {
    const value = values[attribute.name] ?? null;
    if (attribute.type === 'lookup' || attribute.type === 'owner') {
      if (value !== null && (annotations.formatted || annotations.associatedNavigation || annotations.lookupLogicalName)) {
        const firstTarget = attribute.targets?.[0];
        const logicalName =
          (values[`${attribute.name}@type`] as string | undefined) ?? (firstTarget === undefined ? undefined : context.logicalNameOf(firstTarget));
        if (annotations.formatted && logicalName !== undefined) {
          const name = context.primaryName(logicalName, value as string);
          if (name !== undefined) out[`${property}@${FORMATTED}`] = name;
        }
        if (annotations.associatedNavigation) out[`${property}@${ASSOCIATED_NAVIGATION}`] = associatedNavigation(attribute, logicalName, context);
        if (annotations.lookupLogicalName && logicalName !== undefined) out[`${property}@${LOOKUP_LOGICAL_NAME}`] = logicalName;
      }
      out[property] = value;
      continue;
    }
    if (annotations.formatted) {
      const formatted = formatValue(attribute, value);
      if (formatted !== undefined) out[`${property}@${FORMATTED}`] = formatted;
    }
    out[property] = value;
  }
  return out;
}
