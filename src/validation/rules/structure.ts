/**
 * Structure rules: the definition is a tree of tiles hanging from one `bpf_root`, with ids,
 * branches and nested items as the workflow-definition documentation describes.
 * https://learn.microsoft.com/dynamics365/marketing/developer/customer-journey-workflow-definition
 */
import { TILE_TYPES } from '../../definition/types.js';
import { analyse } from '../analysis.js';
import { childPointer, isRecord, own, type ActivityNode } from '../journeyModel.js';
import type { Rule, RuleContext } from '../rule.js';
import { at, changed, example, itemsOf, simpleDefinition, splitterDefinition, triggerDefinition } from './examples.js';

const WD = 'Workflow definition reference (customer-journey-workflow-definition.md)';
const BLOG18 = 'Designer output observed in a 2018 journey (ActivityId/ParentActivityId/YesBranch/NoBranch)';
const BO = 'Customer journey API (basic-operations-on-customer-journey.md)';

const KNOWN_RELATIONSHIPS = new Set(['Default', 'YesBranch', 'NoBranch']);
const KNOWN_TYPES: ReadonlySet<string> = new Set(TILE_TYPES);

function label(activity: ActivityNode): string {
  return activity.id !== undefined ? `Activity '${activity.id}'` : `Activity at index ${activity.index}`;
}

function isNonNegativeInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export const definitionParse: Rule = {
  id: 'definition-parse',
  category: 'definition',
  defaultSeverity: 'error',
  summary: 'The workflow definition is JSON and holds an array of activities.',
  rationale:
    '`msdyncrm_workflowdefinition` is a JSON string of an array of activities; nothing else can be designed, validated or published. Reported instead of failing, so one broken file never hides the findings of the others.',
  sources: [WD],
  examples: {
    failing: example('[{"ActivityTypeId": "bpf_root",'),
    passing: example(JSON.stringify(simpleDefinition())),
  },
  check(context) {
    const problem = context.definition.problem;
    if (problem) context.report({ message: problem.message, arguments: problem.arguments, pointer: '' });
  },
};

export const definitionShape: Rule = {
  id: 'definition-shape',
  category: 'definition',
  defaultSeverity: 'error',
  summary:
    'Every activity is an object with a string ActivityId and ActivityTypeId, a 0-based integer ParentBranchId, a known ParentRelationshipType and Properties.Items; every item has an integer ActivityItemId and a string-or-null ItemId; no property is named __proto__, constructor or prototype.',
  rationale:
    'These are the properties the documentation lists for every activity and item; other rules and the designer rely on their types. Property names that rewire prototypes (`__proto__`, `constructor`, `prototype`) are rejected: the designer never writes them. ParentRelationshipType is compared case-insensitively because the documentation writes `yesBranch`/`default` while real payloads use `YesBranch`/`Default`.',
  sources: [WD, BLOG18],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (at(d, 1).ParentBranchId = '0'))),
    passing: example(simpleDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    const definition = model.activities;
    // Non-object entries are not in the model; find them by index gaps.
    let expected = 0;
    const nonObjects: number[] = [];
    for (const activity of definition) {
      for (; expected < activity.index; expected++) nonObjects.push(expected);
      expected = activity.index + 1;
    }
    for (const index of nonObjects) {
      report({ message: `Activity at index ${index} is not a JSON object.`, pointer: `/${index}` });
    }
    for (const activity of definition) {
      const { raw, pointer } = activity;
      const id = activity.id ?? '';
      reportReservedKeys(raw, pointer, id, report);
      const properties = raw.Properties;
      if (isRecord(properties)) reportReservedKeys(properties, () => childPointer(pointer, 'Properties'), id, report);
      if (activity.id === undefined || activity.id === '') {
        report({ activityId: id, message: `${label(activity)} has no ActivityId string; give every activity a unique, non-empty ActivityId.`, pointer: childPointer(pointer, 'ActivityId') });
      }
      if (activity.type === undefined || activity.type === '') {
        report({ activityId: id, message: `${label(activity)} has no ActivityTypeId string.`, pointer: childPointer(pointer, 'ActivityTypeId') });
      }
      if (!isNonNegativeInteger(raw.ParentBranchId)) {
        report({ activityId: id, message: `${label(activity)}: ParentBranchId must be a non-negative integer, found ${describe(raw.ParentBranchId)}.`, pointer: childPointer(pointer, 'ParentBranchId') });
      }
      const relationship = raw.ParentRelationshipType;
      if (typeof relationship !== 'string' || !KNOWN_RELATIONSHIPS.has(activity.relationship ?? '')) {
        report({ activityId: id, message: `${label(activity)}: ParentRelationshipType must be Default, YesBranch or NoBranch, found ${describe(relationship)}.`, pointer: childPointer(pointer, 'ParentRelationshipType') });
      }
      const parent = raw.ParentActivityId;
      if (parent !== undefined && typeof parent !== 'string') {
        report({ activityId: id, message: `${label(activity)}: ParentActivityId must be a string, found ${describe(parent)}.`, pointer: childPointer(pointer, 'ParentActivityId') });
      }
      if (!activity.hasItemsArray) {
        report({ activityId: id, message: `${label(activity)} has no Properties.Items array.`, pointer: childPointer(pointer, 'Properties') });
        continue;
      }
      const rawItems = (raw.Properties as Record<string, unknown>).Items as unknown[];
      for (let index = 0; index < rawItems.length; index++) {
        const rawItem = rawItems[index];
        // Built only when reporting: most items have no finding.
        const itemPointer = (...tokens: string[]): string => childPointer(pointer, 'Properties', 'Items', index, ...tokens);
        if (!isRecord(rawItem)) {
          report({ activityId: id, message: `${label(activity)}: item ${index} is not a JSON object.`, pointer: itemPointer() });
          continue;
        }
        reportReservedKeys(rawItem, itemPointer, id, report);
        const activityItemId = rawItem.ActivityItemId;
        if (!isNonNegativeInteger(activityItemId)) {
          report({ activityId: id, message: `${label(activity)}: item ${index} needs a non-negative integer ActivityItemId, found ${describe(activityItemId)}.`, pointer: itemPointer('ActivityItemId') });
        }
        if (typeof rawItem.ActivityTypeId !== 'string') {
          report({ activityId: id, message: `${label(activity)}: item ${index} has no ActivityTypeId string.`, pointer: itemPointer('ActivityTypeId') });
        }
        const itemId = rawItem.ItemId;
        if (itemId !== undefined && itemId !== null && typeof itemId !== 'string') {
          report({ activityId: id, message: `${label(activity)}: item ${index} has an ItemId that is neither a string nor null (${describe(itemId)}).`, pointer: itemPointer('ItemId') });
        }
      }
    }
  },
};

/**
 * Property names that rewire prototypes when a careless consumer copies the object; the designer
 * never writes them, so they are rejected rather than carried along.
 */
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];

function reportReservedKeys(object: Record<string, unknown>, pointer: string | (() => string), activityId: string, report: RuleContext['report']): void {
  for (const key of RESERVED_KEYS) {
    if (Object.prototype.hasOwnProperty.call(object, key)) {
      const base = typeof pointer === 'string' ? pointer : pointer();
      report({ activityId, message: `The property name "${key}" is not allowed in a workflow definition; remove it.`, arguments: [key], pointer: childPointer(base, key) });
    }
  }
}

/** A short description of a value for messages, never more than a few dozen characters. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}

export const singleRoot: Rule = {
  id: 'single-root',
  category: 'structure',
  defaultSeverity: 'error',
  summary: 'The definition has exactly one activity of type bpf_root.',
  rationale: 'Every documented definition starts with one hidden `bpf_root` activity (ActivityId "01") from which all tiles hang; a definition without it, or with two, has no single entry point.',
  sources: [WD, BO],
  examples: {
    failing: example(simpleDefinition().slice(1)),
    passing: example(simpleDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    if (model.roots.length === 0) {
      report({ message: 'The definition has no bpf_root activity; add the root activity (ActivityTypeId "bpf_root", ActivityId "01") that every tile hangs from.', pointer: '' });
    }
    for (const extra of model.roots.slice(1)) {
      report({ activityId: extra.id ?? '', message: `${label(extra)} is a second bpf_root; a definition has exactly one root.`, arguments: [model.roots[0]!.id ?? ''], pointer: extra.pointer });
    }
  },
};

export const uniqueActivityId: Rule = {
  id: 'unique-activity-id',
  category: 'structure',
  defaultSeverity: 'error',
  summary: 'ActivityId values are unique within the definition.',
  rationale: 'The documentation states ActivityId is unique; parents, server results and custom-channel records refer to tiles by it.',
  sources: [WD],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (at(d, 2).ActivityId = '01_0'))),
    passing: example(simpleDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const activity of model.activities) {
      if (activity.id === undefined) continue;
      const first = model.byId.get(activity.id)!;
      if (first !== activity) {
        report({ activityId: activity.id, message: `ActivityId '${activity.id}' is used again (first at index ${first.index}); give each activity its own id.`, arguments: [String(first.index)], pointer: childPointer(activity.pointer, 'ActivityId') });
      }
    }
  },
};

export const uniqueActivityItemId: Rule = {
  id: 'unique-activity-item-id',
  category: 'structure',
  defaultSeverity: 'error',
  summary: 'ActivityItemId values are unique across the whole definition, not only within an activity.',
  rationale: 'Documented as unique across the whole definition; trigger conditions point at items by ActivityItemId, so a duplicate makes a condition ambiguous.',
  sources: [WD, BLOG18],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (itemsOf(d, 2)[0]!.ActivityItemId = 24))),
    passing: example(simpleDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const activity of model.activities) {
      for (const item of activity.items) {
        if (item.activityItemId === undefined) continue;
        const first = model.itemsById.get(item.activityItemId)!;
        if (first !== item) {
          report({ activityId: activity.id ?? '', itemId: item.activityItemId, message: `ActivityItemId ${item.activityItemId} is used again (first in activity '${first.activity.id ?? first.activity.index}'); ActivityItemIds must be unique across the definition.`, arguments: [String(item.activityItemId)], pointer: childPointer(item.pointer, 'ActivityItemId') });
        }
      }
    }
  },
};

export const parentResolves: Rule = {
  id: 'parent-resolves',
  category: 'structure',
  defaultSeverity: 'error',
  summary: 'Every activity except the root has a ParentActivityId naming an existing activity; the root has none.',
  rationale: 'ParentActivityId is documented as the ActivityId of the parent and absent on the root; structure comes only from these links (ActivityIds encode the creation path, not the tree).',
  sources: [WD, BLOG18],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (at(d, 2).ParentActivityId = '01_9'))),
    passing: example(simpleDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const activity of model.activities) {
      const pointer = (): string => childPointer(activity.pointer, 'ParentActivityId');
      if (activity.type === 'bpf_root') {
        if (activity.parentId !== undefined) {
          report({ activityId: activity.id ?? '', message: `The root activity has ParentActivityId '${activity.parentId}'; remove it, the root has no parent.`, pointer: pointer() });
        }
        continue;
      }
      if (activity.parentId === undefined) {
        if (own(activity.raw, 'ParentActivityId') === undefined) {
          report({ activityId: activity.id ?? '', message: `${label(activity)} has no ParentActivityId; every tile except the root needs a parent.`, pointer: activity.pointer });
        }
      } else if (!model.byId.has(activity.parentId)) {
        report({ activityId: activity.id ?? '', message: `${label(activity)} names parent '${activity.parentId}', which is not an ActivityId in this definition.`, arguments: [activity.parentId], pointer: pointer() });
      }
    }
  },
};

export const noCycles: Rule = {
  id: 'no-cycles',
  category: 'structure',
  defaultSeverity: 'error',
  summary: 'Following ParentActivityId links never loops back to the same activity.',
  rationale: 'A journey is a tree hanging from the root (documented parent/child model); a loop of parents can never be reached from the root and cannot be drawn or run.',
  sources: [WD],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (at(d, 1).ParentActivityId = '01_0_2'))),
    passing: example(simpleDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const cycle of analyse(model).cycles) {
      const first = cycle.reduce((a, b) => (a.index <= b.index ? a : b));
      const ids = cycle.map((member) => member.id ?? String(member.index));
      report({ activityId: first.id ?? '', message: `Activities ${ids.map((id) => `'${id}'`).join(' → ')} are each other's parents (a cycle); re-parent one of them under the tree.`, arguments: ids, pointer: childPointer(first.pointer, 'ParentActivityId') });
    }
  },
};

export const noOrphans: Rule = {
  id: 'no-orphans',
  category: 'structure',
  defaultSeverity: 'error',
  summary: 'Every activity is reachable from the root through its chain of parents.',
  rationale: 'A tile that does not hang from the root is never reached by contacts. Reported only for tiles whose own parent link is fine; the broken link above them is reported by parent-resolves or no-cycles.',
  sources: [WD],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (at(d, 1).ParentActivityId = '01_7'))),
    passing: example(simpleDefinition()),
  },
  check({ model, report }) {
    if (!model || model.roots.length === 0) return;
    const { reachable, inCycle } = analyse(model);
    for (const activity of model.activities) {
      if (reachable.has(activity) || activity.type === 'bpf_root' || inCycle.has(activity)) continue;
      if (activity.parentId === undefined || !model.byId.has(activity.parentId)) continue;
      if (activity.id !== undefined && model.byId.get(activity.id) !== activity) continue;
      report({ activityId: activity.id ?? '', message: `${label(activity)} is not connected to the root: its parent '${activity.parentId}' is itself detached.`, arguments: [activity.parentId], pointer: childPointer(activity.pointer, 'ParentActivityId') });
    }
  },
};

export const branchIdsContiguous: Rule = {
  id: 'branch-ids-contiguous',
  category: 'structure',
  defaultSeverity: 'error',
  summary: 'The children of each activity have ParentBranchId 0, 1, 2, … — one per child, no gaps, no repeats.',
  rationale: 'ParentBranchId is documented as the 0-based position among siblings (parallel flows, splitter branches, trigger yes/no).',
  sources: [WD, BLOG18],
  examples: {
    failing: example(changed(splitterDefinition(), (d) => void (at(d, 4).ParentBranchId = 2))),
    passing: example(splitterDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const [parentId, children] of model.childrenOf) {
      if (!model.byId.has(parentId)) continue;
      const branchIds = children.map((child) => child.branchId);
      const broken = children.find((child, position) => child.branchId !== position);
      if (broken && branchIds.every((branch) => typeof branch === 'number')) {
        report({ activityId: broken.id ?? '', message: `Children of '${parentId}' have ParentBranchId ${branchIds.join(', ')}; expected 0 to ${children.length - 1}, one per child.`, arguments: [parentId, ...branchIds.map(String)], pointer: childPointer(broken.pointer, 'ParentBranchId') });
      }
    }
  },
};

export const branchRelationship: Rule = {
  id: 'branch-relationship',
  category: 'structure',
  defaultSeverity: 'error',
  summary: 'Children of a Trigger are YesBranch (ParentBranchId 0) or NoBranch (ParentBranchId 1); children of any other tile are Default.',
  rationale: 'Documented: `default` is any parent other than a trigger and is not valid under a trigger; real payloads pair YesBranch with branch 0 and NoBranch with branch 1.',
  sources: [WD, BLOG18],
  examples: {
    failing: example(changed(triggerDefinition(), (d) => void (at(d, 4).ParentRelationshipType = 'Default'))),
    passing: example(triggerDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const activity of model.activities) {
      if (activity.parentId === undefined || activity.relationship === undefined || !KNOWN_RELATIONSHIPS.has(activity.relationship)) continue;
      const parent = model.byId.get(activity.parentId);
      if (!parent) continue;
      const pointer = (): string => childPointer(activity.pointer, 'ParentRelationshipType');
      if (parent.type === 'Trigger') {
        const expected = activity.branchId === 0 ? 'YesBranch' : activity.branchId === 1 ? 'NoBranch' : undefined;
        if (activity.relationship === 'Default' || (expected !== undefined && activity.relationship !== expected)) {
          report({ activityId: activity.id ?? '', message: `${label(activity)} hangs under trigger '${parent.id}' as ${activity.relationship} on branch ${activity.branchId}; use YesBranch on branch 0 and NoBranch on branch 1.`, arguments: [parent.id ?? '', activity.relationship], pointer: pointer() });
        } else if (expected === undefined) {
          report({ activityId: activity.id ?? '', message: `${label(activity)} hangs under trigger '${parent.id}' on branch ${activity.branchId}; a trigger has only branch 0 (yes) and 1 (no).`, arguments: [parent.id ?? '', String(activity.branchId)], pointer: childPointer(activity.pointer, 'ParentBranchId') });
        }
      } else if (activity.relationship !== 'Default') {
        report({ activityId: activity.id ?? '', message: `${label(activity)} is a ${activity.relationship} child of '${parent.id}', which is not a trigger; use Default.`, arguments: [parent.id ?? '', activity.relationship], pointer: pointer() });
      }
    }
  },
};

export const splitterBranches: Rule = {
  id: 'splitter-branches',
  category: 'structure',
  defaultSeverity: 'error',
  summary: 'The children of a Splitter are SplitterBranch activities, and a SplitterBranch hangs only under a Splitter.',
  rationale: 'Documented tile types: a splitter\'s branches are SplitterBranch tiles (ParentBranchId = branch index). The exact JSON of splitters is not published, so only this pairing is checked (INFERRED beyond that).',
  sources: [WD],
  examples: {
    failing: example(changed(splitterDefinition(), (d) => void (at(d, 4).ActivityTypeId = 'Email'))),
    passing: example(splitterDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const activity of model.activities) {
      if (activity.parentId === undefined) continue;
      const parent = model.byId.get(activity.parentId);
      if (!parent) continue;
      if (parent.type === 'Splitter' && activity.type !== 'SplitterBranch') {
        report({ activityId: activity.id ?? '', message: `${label(activity)} (${activity.type}) hangs directly under splitter '${parent.id}'; a splitter's children must be SplitterBranch tiles.`, arguments: [parent.id ?? ''], pointer: childPointer(activity.pointer, 'ActivityTypeId') });
      } else if (activity.type === 'SplitterBranch' && parent.type !== 'Splitter') {
        report({ activityId: activity.id ?? '', message: `${label(activity)} is a SplitterBranch under '${parent.id}' (${parent.type}); it must hang under a Splitter.`, arguments: [parent.id ?? ''], pointer: childPointer(activity.pointer, 'ParentActivityId') });
      }
    }
  },
};

export const headerItemType: Rule = {
  id: 'header-item-type',
  category: 'structure',
  defaultSeverity: 'error',
  summary: "Item 0 (the tile header) exists and has the activity's own ActivityTypeId; only `empty` placeholders have no items.",
  rationale: 'Documented: Items[0] is the tile header and has the same type as the activity. The `empty` placeholder with no items is observed in designer output.',
  sources: [WD, BLOG18],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (itemsOf(d, 2)[0]!.ActivityTypeId = 'LandingPage'))),
    passing: example(simpleDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const activity of model.activities) {
      if (!activity.hasItemsArray || activity.type === undefined) continue;
      const header = activity.items[0];
      if (!header || header.index !== 0) {
        if (activity.type !== 'empty') {
          report({ activityId: activity.id ?? '', message: `${label(activity)} (${activity.type}) has no header item; Items[0] must describe the tile itself.`, pointer: childPointer(activity.pointer, 'Properties', 'Items') });
        }
      } else if (header.type !== undefined && header.type !== activity.type) {
        report({ activityId: activity.id ?? '', itemId: header.activityItemId, message: `${label(activity)} is a ${activity.type} but its header item is a ${header.type}; Items[0] must have the activity's type.`, arguments: [activity.type, header.type], pointer: childPointer(header.pointer, 'ActivityTypeId') });
      }
    }
  },
};

/** Item types each container may nest after its header. */
const NESTABLE: Readonly<Record<string, readonly string[]>> = {
  bpf_root: ['bpf_root'],
  Segment: ['SegmentItem'],
  Email: ['LandingPage', 'Event', 'Survey', 'MarketingForm'],
};

export const nestedItemType: Rule = {
  id: 'nested-item-type',
  category: 'structure',
  defaultSeverity: 'error',
  summary: 'Items after the header are of a type their tile may nest: SegmentItem in a Segment; LandingPage, Event, Survey or MarketingForm in an Email; nothing in other tiles.',
  rationale: 'Documented nesting: a segment group nests segments, an email nests pages, events, surveys and forms; every other tile has only its header in all published examples. The root may carry extra bpf_root items (observed). Tiles of unknown types are not checked.',
  sources: [WD, BLOG18],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (itemsOf(d, 1)[1]!.ActivityTypeId = 'LandingPage'))),
    passing: example(simpleDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const activity of model.activities) {
      if (activity.type === undefined || !KNOWN_TYPES.has(activity.type)) continue;
      const allowed = NESTABLE[activity.type] ?? [];
      for (const item of activity.items) {
        if (item.index === 0 || item.type === undefined || allowed.includes(item.type)) continue;
        report({ activityId: activity.id ?? '', itemId: item.activityItemId, message: `${label(activity)} (${activity.type}) nests a ${item.type} item; ${allowed.length ? `it may nest only ${allowed.join(', ')}` : 'it may not nest items'}.`, arguments: [activity.type, item.type], pointer: childPointer(item.pointer, 'ActivityTypeId') });
      }
    }
  },
};

export const unknownTileType: Rule = {
  id: 'unknown-tile-type',
  category: 'structure',
  defaultSeverity: 'warning',
  summary: 'ActivityTypeId of every activity and item is one of the documented tile types (or the observed `empty`).',
  rationale: 'Custom-channel tiles and newer designers may write types that are not documented; they are kept verbatim, but nothing about them can be checked offline, so they are flagged for review rather than rejected.',
  sources: [WD, BLOG18],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => {
      at(d, 2).ActivityTypeId = 'Custom_contoso_sms';
      itemsOf(d, 2)[0]!.ActivityTypeId = 'Custom_contoso_sms';
      itemsOf(d, 2).pop();
    })),
    passing: example(triggerDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const activity of model.activities) {
      if (activity.type !== undefined && !KNOWN_TYPES.has(activity.type)) {
        report({ activityId: activity.id ?? '', message: `${label(activity)} has the undocumented tile type '${activity.type}'; it is kept as is but cannot be checked offline.`, arguments: [activity.type], pointer: childPointer(activity.pointer, 'ActivityTypeId') });
      }
      for (const item of activity.items) {
        if (item.index === 0 && item.type === activity.type) continue;
        if (item.type !== undefined && !KNOWN_TYPES.has(item.type)) {
          report({ activityId: activity.id ?? '', itemId: item.activityItemId, message: `${label(activity)}: item ${item.index} has the undocumented type '${item.type}'.`, arguments: [item.type], pointer: childPointer(item.pointer, 'ActivityTypeId') });
        }
      }
    }
  },
};

const TRAILING_COUNTER = /_(\d+)$/;

export const designerStateCounters: Rule = {
  id: 'designer-state-counters',
  category: 'structure',
  defaultSeverity: 'error',
  summary: 'The designer state is a JSON object whose NextActivityItemID is above every ActivityItemId in use and whose NextActivityID is above every ActivityId counter in use.',
  rationale: 'The designer allocates new ids from these counters (the documented create example has NextActivityItemID 42 above the highest ActivityItemId 32); a counter at or below an id in use makes the designer hand out a duplicate. The counter/ActivityId link is INFERRED from designer output.',
  sources: [BO, BLOG18],
  examples: {
    failing: example(simpleDefinition(), { designerState: '{"NextActivityID":3,"NextActivityItemID":30}' }),
    passing: example(simpleDefinition(), { designerState: '{"NextActivityID":8,"NextActivityItemID":42}' }),
  },
  check({ model, designerState, report }) {
    if (designerState === undefined || designerState === null) return;
    let state: unknown = designerState;
    if (typeof designerState === 'string') {
      try {
        state = JSON.parse(designerState);
      } catch (error) {
        report({ message: `The designer state is not valid JSON (${(error as Error).message}).`, pointer: '', target: 'designerState' });
        return;
      }
    }
    if (!isRecord(state)) {
      report({ message: 'The designer state must be a JSON object like {"NextActivityID":8,"NextActivityItemID":42}.', pointer: '', target: 'designerState' });
      return;
    }
    const nextItem = own(state, 'NextActivityItemID');
    const nextActivity = own(state, 'NextActivityID');
    for (const [name, value] of [['NextActivityID', nextActivity], ['NextActivityItemID', nextItem]] as const) {
      if (!isNonNegativeInteger(value)) {
        report({ message: `The designer state's ${name} must be a non-negative integer, found ${describe(value)}.`, pointer: `/${name}`, target: 'designerState' });
      }
    }
    if (!model) return;
    let maxItem = -1;
    let maxCounter = -1;
    for (const activity of model.activities) {
      const counter = activity.id === undefined ? null : TRAILING_COUNTER.exec(activity.id);
      if (counter) maxCounter = Math.max(maxCounter, Number(counter[1]));
      for (const item of activity.items) if (item.activityItemId !== undefined) maxItem = Math.max(maxItem, item.activityItemId);
    }
    if (typeof nextItem === 'number' && isNonNegativeInteger(nextItem) && nextItem <= maxItem) {
      report({ message: `The designer state's NextActivityItemID is ${nextItem} but ActivityItemId ${maxItem} is in use; set it to ${maxItem + 1} or more.`, arguments: [String(nextItem), String(maxItem)], pointer: '/NextActivityItemID', target: 'designerState' });
    }
    if (typeof nextActivity === 'number' && isNonNegativeInteger(nextActivity) && nextActivity <= maxCounter) {
      report({ message: `The designer state's NextActivityID is ${nextActivity} but an ActivityId ends in _${maxCounter}; set it to ${maxCounter + 1} or more.`, arguments: [String(nextActivity), String(maxCounter)], pointer: '/NextActivityID', target: 'designerState' });
    }
  },
};

export const STRUCTURE_RULES: readonly Rule[] = [
  definitionParse,
  definitionShape,
  singleRoot,
  uniqueActivityId,
  uniqueActivityItemId,
  parentResolves,
  noCycles,
  noOrphans,
  branchIdsContiguous,
  branchRelationship,
  splitterBranches,
  headerItemType,
  nestedItemType,
  unknownTileType,
  designerStateCounters,
];

