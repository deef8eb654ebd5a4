/**
 * A workflow definition drawn as text: a chain of tiles at one indentation level, each branch
 * (trigger yes/no, splitter branches, swimlanes) drawn below its tile, with names and the
 * records each tile points at.
 */
import { buildGraph } from './graph.js';
import { REFERENCE_KIND_BY_TYPE } from './references.js';
import type { Activity, Item, WorkflowDefinition } from './types.js';

const NESTED_LABEL: Readonly<Record<string, string>> = Object.freeze({
  SegmentItem: 'segment',
  LandingPage: 'page',
  Event: 'event',
  Survey: 'survey',
  MarketingForm: 'form',
});

function quoted(text: unknown): string {
  return typeof text === 'string' && text !== '' ? ` "${text}"` : '';
}

/** One line describing an activity: type, name, id, and what it points at. */
function describeActivity(activity: Activity, itemNames: ReadonlyMap<string, string>): string {
  const header: Item | undefined = activity.Properties?.Items?.[0];
  const name = quoted(header?.Name);
  const id = `[${activity.ActivityId}]`;
  const record = header ? recordOf(header) : '';
  switch (activity.ActivityTypeId) {
    case 'Segment':
      return `Segment group${name} ${id} ${String(header?.SegmentMergeMethod ?? 'Union').toLowerCase()}`;
    case 'Trigger': {
      const conditions = Array.isArray(header?.ConditionExpressions) ? (header.ConditionExpressions as Record<string, unknown>[]) : [];
      const when = conditions
        .map((c) => {
          const source = String(c.SourceActivityItemId ?? '');
          return `${String(c.Condition ?? '?')} on #${source}${quoted(itemNames.get(source))}`;
        })
        .join(` ${String(header?.RuleLogic ?? 'AND').toLowerCase()} `);
      const timeout = header?.TimeoutValue !== undefined ? `, timeout ${String(header.TimeoutValue)} ${String(header.TimeoutUnit ?? '')}`.trimEnd() : '';
      return `Trigger${name} ${id}${when ? ` when ${when}` : ''}${timeout}`;
    }
    case 'Scheduler': {
      const until = header?.ScheduledDateTime;
      const wait =
        typeof until === 'string'
          ? ` until ${until}`
          : header?.ScheduledDurationValue !== undefined
            ? ` for ${String(header.ScheduledDurationValue)} ${String(header.ScheduledDurationUnit ?? '')}`.trimEnd()
            : '';
      return `Wait${name} ${id}${wait}`;
    }
    case 'empty':
      return `(empty) ${id}`;
    default:
      return `${activity.ActivityTypeId}${name} ${id}${record}`;
  }
}

/** ` -> <id>` for an item pointing at a record; a note when a record-type item has none yet. */
function recordOf(item: Item): string {
  if (item.ItemId) return ` -> ${item.ItemId}`;
  return Object.prototype.hasOwnProperty.call(REFERENCE_KIND_BY_TYPE, item.ActivityTypeId) ? ' (no record id)' : '';
}

/** Lines for the nested items of an activity (segments of a group, pages of an email, …). */
function describeNestedItems(activity: Activity): string[] {
  const items = activity.Properties?.Items ?? [];
  return items.slice(1).map((item) => {
    const label = NESTED_LABEL[item.ActivityTypeId] ?? item.ActivityTypeId;
    const containment =
      item.ActivityTypeId === 'SegmentItem' ? (item.ContainmentMethod === 'Exclusion' ? 'exclude ' : 'include ') : '';
    const unique = typeof item.DciSegmentName === 'string' && item.DciSegmentName !== item.Name ? ` (${item.DciSegmentName})` : '';
    const target = recordOf(item);
    return `${containment}${label}${quoted(item.Name)} #${item.ActivityItemId}${target}${unique}`;
  });
}

/** Label of each child when a tile has branches. */
function branchLabel(parent: Activity, child: Activity, index: number): string {
  if (parent.ActivityTypeId === 'Trigger') {
    return child.ParentRelationshipType === 'NoBranch' ? 'no' : child.ParentRelationshipType === 'YesBranch' ? 'yes' : `branch ${index + 1}`;
  }
  if (parent.ActivityTypeId === 'bpf_root') return `lane ${index + 1}`;
  return `branch ${index + 1}`;
}

/**
 * The journey as text: a chain of tiles stays at one indentation level; where a tile has
 * branches (trigger yes/no, splitter branches, swimlanes), each branch is drawn below it.
 */
export function renderDefinitionTree(definition: WorkflowDefinition, title: string): string {
  const graph = buildGraph(definition);
  const itemNames = new Map<string, string>();
  for (const activity of definition) {
    for (const item of activity.Properties?.Items ?? []) {
      if (typeof item.Name === 'string') itemNames.set(String(item.ActivityItemId), item.Name);
    }
  }
  const lines: string[] = [title];
  const drawn = new Set<Activity>();
  const drawChain = (first: Activity | undefined, prefix: string): void => {
    let current = first;
    while (current && !drawn.has(current)) {
      drawn.add(current);
      if (current.ActivityTypeId !== 'bpf_root') {
        lines.push(`${prefix}${describeActivity(current, itemNames)}`);
        for (const nested of describeNestedItems(current)) lines.push(`${prefix}  ${nested}`);
      }
      const children = graph.childrenOf(current.ActivityId);
      const branches = current.ActivityTypeId === 'Trigger' || children.length > 1;
      if (!branches) {
        current = children[0];
        continue;
      }
      children.forEach((child, i) => {
        const last = i === children.length - 1;
        lines.push(`${prefix}${last ? '└─ ' : '├─ '}${branchLabel(current!, child, i)}`);
        // A splitter branch tile carries only its title: draw what follows it in the branch.
        drawChain(child, `${prefix}${last ? '   ' : '│  '}`);
      });
      current = undefined;
    }
  };
  drawChain(graph.root, '');
  // Activities not reachable from the root (dangling parents) are still shown.
  for (const activity of definition) {
    if (!drawn.has(activity)) {
      lines.push(`(not under the root) ${describeActivity(activity, itemNames)}`);
      drawn.add(activity);
    }
  }
  return `${lines.join('\n')}\n`;
}

