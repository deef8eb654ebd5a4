/**
 * Reading a stored workflow definition for the marketing semantics: a tolerant parse (the emulator
 * must never crash on a bad definition a client stored) and whether an update changes the tile
 * structure that the go-live lock matrix protects outside Draft (`src/definition/structure.ts`).
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/go-live (field lock matrix: "Pipeline")
 */
import { sameStructure as sameTileStructure } from '../../definition/structure.js';
import type { Activity, Item, WorkflowDefinition } from '../../definition/types.js';

/**
 * A JSON array stored in a text column (a workflow definition, segment member ids), or undefined
 * when the column is empty or does not hold a JSON array: stored data must never crash the emulator.
 */
export function parseStoredArray(raw: unknown): unknown[] | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The activities of a stored definition, or undefined when it is absent or not a JSON array of objects. */
export function parseStoredDefinition(raw: unknown): WorkflowDefinition | undefined {
  const parsed = parseStoredArray(raw);
  if (!parsed?.every((a) => typeof a === 'object' && a !== null && !Array.isArray(a))) return undefined;
  return parsed as WorkflowDefinition;
}

/** The items of an activity, tolerating a missing or malformed `Properties.Items`. */
export function itemsOf(activity: Activity): Item[] {
  const items = (activity.Properties as { Items?: unknown } | undefined)?.Items;
  return Array.isArray(items) ? items.filter((i): i is Item => typeof i === 'object' && i !== null) : [];
}

/**
 * Whether two stored definitions have the same tile graph. Two unparsable values are equal only
 * when identical strings; a parsable and an unparsable one always differ.
 */
export function sameStructure(before: unknown, after: unknown): boolean {
  const a = parseStoredDefinition(before);
  const b = parseStoredDefinition(after);
  if (a === undefined || b === undefined) return (before ?? null) === (after ?? null);
  return sameTileStructure(a, b);
}
