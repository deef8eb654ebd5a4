/**
 * `msdyncrm_customerjourneydesignerstate`: the counters the designer allocates new ids from,
 * e.g. `{"NextActivityID":8,"NextActivityItemID":42}`. It must be copied together with the
 * definition, and its counters must stay above every id in use, or the designer hands out an id
 * that already exists.
 * https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey
 */
import { pointer as buildPointer } from '../errors.js';
import { DefinitionError } from './errors.js';
import { errorLocation as location, readJsonInput } from './json.js';
import { describeType, type ParseDefinitionOptions } from './parse.js';
import type { DesignerState, WorkflowDefinition } from './types.js';

/** Options of {@link parseDesignerState}; same meaning as for `parseDefinition`. */
export type ParseDesignerStateOptions = ParseDefinitionOptions;

const COUNTERS = ['NextActivityID', 'NextActivityItemID'] as const;

/**
 * Reads a designer state from its stored JSON string or an already-parsed object. Unknown keys
 * are kept.
 * @throws DefinitionError when it is not JSON, not an object, or a counter is not a non-negative integer.
 */
export function parseDesignerState(input: string | unknown, options: ParseDesignerStateOptions = {}): DesignerState {
  const { data, source } = readJsonInput(input, 'designer state', options);
  const base = source.basePointer ?? '';
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new DefinitionError(`A designer state must be a JSON object, not ${describeType(data)}`, location(source, base), {
      hint: 'It looks like {"NextActivityID":8,"NextActivityItemID":42}.',
    });
  }
  const state = data as Record<string, unknown>;
  for (const key of COUNTERS) {
    const value = state[key];
    if (!Number.isInteger(value) || (value as number) < 0) {
      throw new DefinitionError(
        value === undefined ? `The designer state has no ${key}` : `${key} must be a non-negative integer, not ${describeType(value)}`,
        location(source, `${base}${buildPointer(key)}`),
        { hint: 'Recompute it from the definition (computeDesignerState) or copy it from the source journey.' },
      );
    }
  }
  return state as DesignerState;
}

/** Writes a designer state compactly, counters first, other keys after in their order. */
export function serializeDesignerState(state: DesignerState): string {
  const ordered: Record<string, unknown> = { NextActivityID: state.NextActivityID, NextActivityItemID: state.NextActivityItemID };
  for (const key of Object.keys(state)) {
    if (key === 'NextActivityID' || key === 'NextActivityItemID' || key === '__proto__') continue;
    ordered[key] = state[key];
  }
  return JSON.stringify(ordered);
}

/**
 * The numeric trailing counter of a designer-style ActivityId (`01_0_7` -> 7): digits separated by
 * underscores, at least two groups. Undefined for the root `01`, GUIDs and any other shape.
 */
export function activityIdCounter(activityId: string): number | undefined {
  // A hand-written scan rather than a regular expression: ids grow with tile depth and this runs
  // once per activity whenever a designer state is computed.
  const length = activityId.length;
  let lastUnderscore = -1;
  let groupLength = 0;
  for (let i = 0; i < length; i++) {
    const c = activityId.charCodeAt(i);
    if (c === 95 /* _ */) {
      if (groupLength === 0) return undefined;
      lastUnderscore = i;
      groupLength = 0;
    } else if (c >= 48 && c <= 57) {
      groupLength++;
    } else {
      return undefined;
    }
  }
  if (lastUnderscore < 0 || groupLength === 0) return undefined;
  return Number(activityId.slice(lastUnderscore + 1));
}

/**
 * The designer state for a definition: `NextActivityID` above the largest trailing counter of a
 * designer-style ActivityId, `NextActivityItemID` above the largest ActivityItemId. Larger values
 * of `existing` are kept (the designer never reuses a counter, even after deleting a tile), and
 * so are its other keys.
 */
export function computeDesignerState(def: WorkflowDefinition, existing?: DesignerState): DesignerState {
  let nextActivity = 0;
  let nextItem = 0;
  for (const activity of def) {
    const counter = activityIdCounter(activity.ActivityId);
    if (counter !== undefined && counter >= nextActivity) nextActivity = counter + 1;
    for (const item of activity.Properties.Items) {
      if (item.ActivityItemId >= nextItem) nextItem = item.ActivityItemId + 1;
    }
  }
  const state: DesignerState = {
    NextActivityID: Math.max(nextActivity, existing?.NextActivityID ?? 0),
    NextActivityItemID: Math.max(nextItem, existing?.NextActivityItemID ?? 0),
  };
  if (existing) {
    for (const key of Object.keys(existing)) {
      if (key in state || key === '__proto__') continue;
      state[key] = existing[key];
    }
  }
  return state;
}
