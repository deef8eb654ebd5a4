/**
 * Small builders for attribute definitions, so the table files read like the Dataverse table
 * references they come from.
 */
import type { OptionSet } from '../../../model/optionSets.js';
import type { AttributeDefinition } from '../types.js';

type Extra = Partial<Omit<AttributeDefinition, 'name' | 'type'>>;

/** A choice set built from `{ Name: [value, label] }` (for tables the model does not cover). */
export function choices(entries: Record<string, readonly [number, string]>): OptionSet<string> {
  const values: Record<string, number> = Object.create(null) as Record<string, number>;
  const labels: Record<number, string> = Object.create(null) as Record<number, string>;
  for (const [key, [value, label]] of Object.entries(entries)) {
    values[key] = value;
    labels[value] = label;
  }
  return { values: Object.freeze(values), labels: Object.freeze(labels) };
}

export const text = (name: string, maxLength = 100, extra: Extra = {}): AttributeDefinition => ({ name, type: 'string', maxLength, ...extra });
export const memo = (name: string, maxLength = 1_048_576, extra: Extra = {}): AttributeDefinition => ({ name, type: 'memo', maxLength, ...extra });
export const int = (name: string, min = -2_147_483_648, max = 2_147_483_647, extra: Extra = {}): AttributeDefinition => ({ name, type: 'integer', min, max, ...extra });
export const bigint = (name: string, extra: Extra = {}): AttributeDefinition => ({ name, type: 'bigint', ...extra });
export const decimal = (name: string, extra: Extra = {}): AttributeDefinition => ({ name, type: 'decimal', ...extra });
export const money = (name: string, extra: Extra = {}): AttributeDefinition => ({ name, type: 'money', ...extra });
export const bool = (name: string, extra: Extra = {}): AttributeDefinition => ({ name, type: 'boolean', ...extra });
export const datetime = (name: string, extra: Extra = {}): AttributeDefinition => ({ name, type: 'datetime', ...extra });
export const dateonly = (name: string, extra: Extra = {}): AttributeDefinition => ({ name, type: 'dateonly', ...extra });
export const guid = (name: string, extra: Extra = {}): AttributeDefinition => ({ name, type: 'uniqueidentifier', ...extra });
export const managed = (name: string, extra: Extra = {}): AttributeDefinition => ({ name, type: 'managedproperty', ...extra });
export const picklist = (name: string, options: OptionSet<string>, extra: Extra = {}): AttributeDefinition => ({ name, type: 'picklist', options, ...extra });
/** A lookup; `navigationProperty` is the `@odata.bind` name (SchemaName casing for custom lookups). */
export const lookup = (name: string, targets: string[], navigationProperty = name, extra: Extra = {}): AttributeDefinition => ({
  name,
  type: 'lookup',
  targets,
  navigationProperty,
  ...extra,
});
