/**
 * Change rules: given the journey as it is stored (`--baseline`), what its status allows to
 * change. Source: the field lock matrix of the go-live documentation, encoded in
 * `JOURNEY_FIELD_LOCKS` and `STRUCTURE_EDITABLE_STATUSES`.
 */
import { JourneyStatus } from '../../model/optionSets.js';
import { tileShape } from '../../definition/structure.js';
import { describeJourneyStatus, JOURNEY_FIELD_LOCKS, STRUCTURE_EDITABLE_STATUSES } from '../../model/transitions.js';
import { childPointer, own, type ActivityNode, type JourneyModel } from '../journeyModel.js';
import type { Rule, RuleContext } from '../rule.js';
import { changed, draftFields, example, itemsOf, simpleDefinition, triggerDefinition } from './examples.js';
import { journeyTime } from './fields.js';

const GOLIVE = 'Go live and field locks by status (go-live.md, field lock matrix)';

/** Statuses in which tile settings (item properties) may still be edited. */
const SETTINGS_EDITABLE: readonly number[] = [JourneyStatus.Draft, JourneyStatus.LiveEditable, JourneyStatus.Stopped];

/** The stored status the locks depend on: the baseline's, else the edited record's. */
function storedStatus(context: RuleContext): number | undefined {
  const fromBaseline = context.baseline?.fields ? own(context.baseline.fields, 'statuscode') : undefined;
  if (typeof fromBaseline === 'number') return fromBaseline;
  const current = context.fields ? own(context.fields, 'statuscode') : undefined;
  return typeof current === 'number' ? current : undefined;
}

function byUniqueId(model: JourneyModel): Map<string, ActivityNode> {
  const result = new Map<string, ActivityNode>();
  for (const activity of model.activities) if (activity.id !== undefined && !result.has(activity.id)) result.set(activity.id, activity);
  return result;
}

/**
 * The tiles before and after the change, by ActivityId, when the stored status is known and not
 * one of `editable`; undefined when there is nothing to check.
 */
function lockedTiles(
  context: RuleContext,
  editable: readonly number[],
): { status: number; old: Map<string, ActivityNode>; now: Map<string, ActivityNode> } | undefined {
  const before = context.baseline?.definition.model;
  const status = storedStatus(context);
  if (!context.model || !before || status === undefined || editable.includes(status)) return undefined;
  return { status, old: byUniqueId(before), now: byUniqueId(context.model) };
}

function liveFields(): Record<string, unknown> {
  return { ...draftFields(), statuscode: JourneyStatus.LiveEditable };
}

export const structureLocked: Rule = {
  id: 'structure-locked-by-status',
  category: 'changes',
  defaultSeverity: 'error',
  summary: 'Unless the stored journey is a Draft, its tile structure (which tiles exist, their types, parents, branches and relationships) does not change.',
  rationale: 'The lock matrix allows editing the pipeline only in Draft: a Live-editable or Stopped journey allows settings changes only, and a Live journey nothing. Nested items (the segments of a group, an email and its page) are tile settings, not structure: the go-live page describes changing a live segment tile\'s segments. Needs a baseline (the stored journey with its statuscode).',
  sources: [GOLIVE],
  examples: {
    failing: example(triggerDefinition(), { fields: liveFields(), baseline: { definition: simpleDefinition(), fields: liveFields() } }),
    passing: example(changed(simpleDefinition(), (d) => void (itemsOf(d, 2)[0]!.Name = 'Renamed email')), { fields: liveFields(), baseline: { definition: simpleDefinition(), fields: liveFields() } }),
  },
  check(context) {
    const locked = lockedTiles(context, STRUCTURE_EDITABLE_STATUSES);
    if (!locked) return;
    const { status, old, now } = locked;
    const { report } = context;
    const why = `the journey is ${describeJourneyStatus(status)}, and only a Draft may change its tiles`;
    for (const [id, activity] of now) {
      const previous = old.get(id);
      if (!previous) {
        report({ activityId: id, message: `Tile '${id}' was added, but ${why}.`, arguments: [id], pointer: activity.pointer });
      } else if (tileShape(previous.raw) !== tileShape(activity.raw)) {
        report({ activityId: id, message: `Tile '${id}' changed its type, parent, branch or relationship, but ${why}.`, arguments: [id], pointer: activity.pointer });
      }
    }
    for (const [id, previous] of old) {
      if (!now.has(id)) report({ activityId: id, message: `Tile '${id}' was removed, but ${why}.`, arguments: [id], pointer: previous.pointer, target: 'baseline' });
    }
  },
};

export const tileSettingsLocked: Rule = {
  id: 'tile-settings-locked-by-status',
  category: 'changes',
  defaultSeverity: 'error',
  summary: 'Tile settings do not change while the stored journey is Live (or Going live, Stopping, Error, Expired); Draft, Live-editable and Stopped journeys may change them.',
  rationale: 'The lock matrix locks tile settings in every status but Draft, Live-editable and Stopped; a Live journey must be switched to Live-editable (Edit) first.',
  sources: [GOLIVE],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (itemsOf(d, 2)[0]!.Name = 'Renamed email')), {
      fields: { ...draftFields(), statuscode: JourneyStatus.Live },
      baseline: { definition: simpleDefinition(), fields: { ...draftFields(), statuscode: JourneyStatus.Live } },
    }),
    passing: example(changed(simpleDefinition(), (d) => void (itemsOf(d, 2)[0]!.Name = 'Renamed email')), { fields: liveFields(), baseline: { definition: simpleDefinition(), fields: liveFields() } }),
  },
  check(context) {
    const locked = lockedTiles(context, SETTINGS_EDITABLE);
    if (!locked) return;
    const { status, old, now } = locked;
    const { report } = context;
    for (const [id, activity] of now) {
      const previous = old.get(id);
      if (previous && JSON.stringify(previous.raw) !== JSON.stringify(activity.raw)) {
        report({ activityId: id, message: `Settings of tile '${id}' changed, but the journey is ${describeJourneyStatus(status)}; switch it to Live, editable first.`, arguments: [id], pointer: childPointer(activity.pointer, 'Properties') });
      }
    }
  },
};

/** A field's value for comparison: lookups may come as `x` or `_x_value`; dates by instant. */
function fieldValue(fields: Record<string, unknown>, name: string): unknown {
  const value = own(fields, name) ?? own(fields, `_${name}_value`);
  if (name.endsWith('datetime')) {
    const time = journeyTime(value);
    return Number.isNaN(time) ? value : time;
  }
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function hasField(fields: Record<string, unknown>, name: string): boolean {
  return own(fields, name) !== undefined || own(fields, `_${name}_value`) !== undefined;
}

export const fieldLocked: Rule = {
  id: 'field-locked-by-status',
  category: 'changes',
  defaultSeverity: 'error',
  summary: 'Journey fields change only in statuses that allow it (e.g. time zone, content settings and suppression segment only in Draft; name and dates not while Live).',
  rationale: 'Encodes the lock matrix of the go-live documentation. The start date of a Live-editable or Stopped journey may change only if the journey has not started yet. Needs a baseline.',
  sources: [GOLIVE],
  examples: {
    failing: example(simpleDefinition(), { fields: { ...liveFields(), msdyncrm_customerjourneytimezone: 4 }, baseline: { definition: simpleDefinition(), fields: liveFields() } }),
    passing: example(simpleDefinition(), { fields: { ...liveFields(), msdyncrm_name: 'Spring newsletter (v2)' }, baseline: { definition: simpleDefinition(), fields: liveFields() } }),
  },
  check(context) {
    const { fields, baseline, report, now } = context;
    const before = baseline?.fields;
    const status = storedStatus(context);
    if (!fields || !before || status === undefined) return;
    for (const [name, allowed] of Object.entries(JOURNEY_FIELD_LOCKS)) {
      if (!hasField(fields, name)) continue;
      const value = fieldValue(fields, name);
      const previous = fieldValue(before, name);
      if (value === previous || JSON.stringify(value) === JSON.stringify(previous)) continue;
      let locked = !allowed.includes(status);
      if (!locked && name === 'msdyncrm_startdatetime' && status !== JourneyStatus.Draft) {
        // "Edit only if not yet started" for Live-editable and Stopped journeys.
        locked = typeof previous === 'number' && previous <= now;
      }
      if (locked) {
        report({ message: `${name} changed, but it is locked while the journey is ${describeJourneyStatus(status)}.`, arguments: [name, String(status)], pointer: own(fields, name) !== undefined ? `/${name}` : `/_${name}_value`, target: 'fields' });
      }
    }
  },
};

export const CHANGE_RULES: readonly Rule[] = [structureLocked, tileSettingsLocked, fieldLocked];
