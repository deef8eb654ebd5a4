/**
 * The lossless workflow-definition parser. It checks only what makes the model unusable (types of
 * the documented properties, required keys, ParentActivityId cycles); semantic rules such as
 * unique ids or branch contiguity belong to the validator. Unknown properties, unknown tile types
 * and the order of activities and items are kept as they are.
 * https://learn.microsoft.com/dynamics365/marketing/developer/customer-journey-workflow-definition
 */
import { pointer as buildPointer } from '../errors.js';
import { DefinitionError } from './errors.js';
import { errorLocation as at, parseJsonText, readJsonInput, type JsonInputOptions, type JsonSource } from './json.js';
import { normalizeRelationshipType } from './relationship.js';
import type { WorkflowDefinition } from './types.js';

/** Options of {@link parseDefinition}. */
export type ParseDefinitionOptions = JsonInputOptions;

type JsonObject = Record<string, unknown>;

/**
 * Reads a workflow definition: the JSON string stored in `msdyncrm_workflowdefinition`, or an
 * already-parsed array. A string that holds a JSON-encoded string (a definition serialized twice)
 * is decoded once more.
 *
 * The result is the caller's own copy: string input is parsed fresh, object input is cloned (unless
 * the caller hands it over with `owned`), so later edits never reach the input. `ParentRelationshipType` is normalised to `Default`,
 * `YesBranch` or `NoBranch`; nothing else changes.
 *
 * @throws DefinitionError with a JSON pointer for malformed input.
 */
export function parseDefinition(input: string | unknown, options: ParseDefinitionOptions = {}): WorkflowDefinition {
  const { data, source } = readJsonInput(input, 'workflow definition', options, decodeTwiceSerialized);
  checkDefinition(data, source);
  return data;
}

/** A stored definition serialized once more (as a JSON string literal) is decoded once more. */
function decodeTwiceSerialized(data: unknown, source: JsonSource): unknown {
  return typeof data === 'string' && data.trimStart().startsWith('[') ? parseJsonText(data, 'workflow definition', source) : data;
}

/** Checks the shape in place and normalises relationship types; `data` is the caller's copy. */
function checkDefinition(data: unknown, source: JsonSource): asserts data is WorkflowDefinition {
  const base = source.basePointer ?? '';
  if (!Array.isArray(data)) {
    throw new DefinitionError(`A workflow definition must be a JSON array of activities, not ${describeType(data)}`, at(source, base), {
      hint: 'The stored definition looks like [{"ActivityTypeId":"bpf_root",...}, ...].',
    });
  }
  for (let i = 0; i < data.length; i++) checkActivity(data[i], `${base}/${i}`, source);
  checkParentCycles(data as WorkflowDefinition, source);
}

function checkActivity(value: unknown, path: string, source: JsonSource): void {
  const activity = expectObject(value, path, 'activity', source);
  requireString(activity, 'ActivityTypeId', 'activity', path, source, true);
  requireString(activity, 'ActivityId', 'activity', path, source, true);
  if (activity.ParentActivityId !== undefined) requireString(activity, 'ParentActivityId', 'activity', path, source, true);
  const branch = activity.ParentBranchId;
  if (!Number.isInteger(branch) || (branch as number) < 0) {
    throw typeError(path, 'ParentBranchId', 'a non-negative integer', branch, source);
  }
  const relationship = normalizeRelationshipType(activity.ParentRelationshipType);
  if (relationship === undefined) {
    throw new DefinitionError(
      activity.ParentRelationshipType === undefined
        ? 'The activity has no ParentRelationshipType'
        : `ParentRelationshipType must be Default, YesBranch or NoBranch (any casing), not ${JSON.stringify(activity.ParentRelationshipType)}`,
      at(source, `${path}/ParentRelationshipType`),
      { hint: 'Use "Default", or "YesBranch"/"NoBranch" for the children of a trigger.' },
    );
  }
  if (activity.ParentRelationshipType !== relationship) activity.ParentRelationshipType = relationship;
  if (activity.EntityTarget !== undefined) requireString(activity, 'EntityTarget', 'activity', path, source, false);
  const propertiesPath = `${path}/Properties`;
  if (activity.Properties === undefined) {
    throw new DefinitionError('The activity has no Properties', at(source, propertiesPath), {
      hint: 'Every activity carries "Properties": {"Items": [...]}.',
    });
  }
  const properties = expectObject(activity.Properties, propertiesPath, 'Properties', source);
  const itemsPath = `${propertiesPath}/Items`;
  if (!Array.isArray(properties.Items)) {
    throw new DefinitionError(
      properties.Items === undefined ? 'Properties has no Items array' : `Properties.Items must be an array, not ${describeType(properties.Items)}`,
      at(source, itemsPath),
      { hint: 'Every activity carries "Properties": {"Items": [...]}; the first item is the tile header.' },
    );
  }
  const items = properties.Items as unknown[];
  for (let j = 0; j < items.length; j++) checkItem(items[j], `${itemsPath}/${j}`, source);
}

function checkItem(value: unknown, path: string, source: JsonSource): void {
  const item = expectObject(value, path, 'item', source);
  requireString(item, 'ActivityTypeId', 'item', path, source, true);
  const itemId = item.ItemId;
  if (itemId !== undefined && itemId !== null && typeof itemId !== 'string') {
    throw typeError(path, 'ItemId', 'a record id string or null', itemId, source);
  }
  const activityItemId = item.ActivityItemId;
  if (!Number.isInteger(activityItemId)) {
    throw activityItemId === undefined
      ? new DefinitionError('The item has no ActivityItemId', at(source, `${path}/ActivityItemId`), {
          hint: 'Every item needs a numeric ActivityItemId, unique across the whole definition.',
        })
      : typeError(path, 'ActivityItemId', 'an integer', activityItemId, source);
  }
  for (const key of ['Title', 'Name', 'Description'] as const) {
    if (item[key] !== undefined && typeof item[key] !== 'string') throw typeError(path, key, 'a string', item[key], source);
  }
  if (item.IsNameSystemDefined !== undefined && typeof item.IsNameSystemDefined !== 'boolean') {
    throw typeError(path, 'IsNameSystemDefined', 'true or false', item.IsNameSystemDefined, source);
  }
}

/**
 * ParentActivityId chains must end (at the root or at an id that does not resolve, which the
 * validator reports). A cycle would make every tree walk loop forever, so it is a parse error.
 * With duplicate ActivityIds the first activity wins, as in the validator.
 */
function checkParentCycles(definition: WorkflowDefinition, source: JsonSource): void {
  const indexById = new Map<string, number>();
  for (let i = 0; i < definition.length; i++) {
    const id = definition[i]!.ActivityId;
    if (!indexById.has(id)) indexById.set(id, i);
  }
  // 0 = unvisited, 1 = on the current chain, 2 = known to end.
  const state = new Uint8Array(definition.length);
  const chain: number[] = [];
  for (let start = 0; start < definition.length; start++) {
    let current: number | undefined = start;
    while (current !== undefined && state[current] === 0) {
      state[current] = 1;
      chain.push(current);
      const parentId: string | undefined = definition[current]!.ParentActivityId;
      current = parentId === undefined ? undefined : indexById.get(parentId);
    }
    if (current !== undefined && state[current] === 1) {
      const cycleStart = chain.indexOf(current);
      const ids = chain.slice(cycleStart).map((i) => definition[i]!.ActivityId);
      const first = Math.min(...chain.slice(cycleStart));
      throw new DefinitionError(
        ids.length === 1
          ? `Activity "${ids[0]}" is its own parent`
          : `ParentActivityId forms a cycle: ${[...ids, ids[0]].map((id) => `"${id}"`).join(' -> ')}`,
        at(source, `${source.basePointer ?? ''}/${first}/ParentActivityId`),
        { hint: 'Every chain of ParentActivityId must lead up to the bpf_root activity.' },
      );
    }
    for (const i of chain) state[i] = 2;
    chain.length = 0;
  }
}

function expectObject(value: unknown, path: string, what: string, source: JsonSource): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DefinitionError(`Each ${what} must be a JSON object, not ${describeType(value)}`, at(source, path), {
      hint: what === 'activity' ? 'The definition is an array of activity objects.' : undefined,
    });
  }
  return value as JsonObject;
}

function requireString(
  obj: JsonObject,
  key: string,
  owner: 'activity' | 'item',
  path: string,
  source: JsonSource,
  nonEmpty: boolean,
): void {
  const value = obj[key];
  if (typeof value === 'string' && (!nonEmpty || value !== '')) return;
  if (value === undefined) {
    throw new DefinitionError(`The ${owner} has no ${key}`, at(source, `${path}${buildPointer(key)}`), {
      hint: `Add "${key}" (a string).`,
    });
  }
  throw typeError(path, key, nonEmpty ? 'a non-empty string' : 'a string', value, source);
}

function typeError(path: string, key: string, expected: string, actual: unknown, source: JsonSource): DefinitionError {
  return new DefinitionError(`${key} must be ${expected}, not ${describeType(actual)}`, at(source, `${path}${buildPointer(key)}`));
}

/** "an array", "null", "the string \"x\"", "the number 3" — for messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value === '' ? 'an empty string' : `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value === 'number' ? 'the number' : ''} ${String(value)}`.trim();
    case 'undefined':
      return 'nothing';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
