/**
 * Reference rules: tiles that stand for a record carry its id, and trigger conditions watch
 * items that contacts pass before they reach the trigger.
 */
import { childPointer, isRecord, isUpstream, own } from '../journeyModel.js';
import type { Rule } from '../rule.js';
import { isGuid } from '../../util/guid.js';
import { describe } from './structure.js';
import { changed, example, itemsOf, simpleDefinition, triggerDefinition } from './examples.js';

const WD = 'Workflow definition reference (customer-journey-workflow-definition.md)';
const BLOG18 = 'Designer output observed in a 2018 journey (Trigger ConditionExpressions)';
const CJAUTO = 'Check for errors covers unassigned content (customer-journeys-create-automated-campaigns.md)';

/**
 * Item types whose ItemId is the id of a record: marketing email, segment, marketing page (all
 * documented); event, survey, marketing form and LinkedIn campaign are INFERRED by analogy.
 */
const RECORD_ITEM_TYPES: ReadonlySet<string> = new Set([
  'Email',
  'SegmentItem',
  'LandingPage',
  'Event',
  'Survey',
  'MarketingForm',
  'LinkedInCampaign',
]);

export const itemIdGuid: Rule = {
  id: 'item-id-guid',
  category: 'references',
  defaultSeverity: 'error',
  summary: 'Where an item refers to a record (email, segment, page, event, survey, form, LinkedIn campaign), a non-null ItemId is a GUID.',
  rationale: 'ItemId is documented as the id of the referenced record (a GUID) for lookup-style tiles; anything else can never resolve. Which types beyond email, segment and page refer to records is INFERRED.',
  sources: [WD],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (itemsOf(d, 2)[0]!.ItemId = 'Spring newsletter'))),
    passing: example(simpleDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const activity of model.activities) {
      for (const item of activity.items) {
        if (item.type === undefined || !RECORD_ITEM_TYPES.has(item.type)) continue;
        if (typeof item.recordId !== 'string' || item.recordId === '' || isGuid(item.recordId)) continue;
        report({ activityId: activity.id ?? '', itemId: item.activityItemId, message: `The ${item.type} item's ItemId '${item.recordId.slice(0, 60)}' is not a GUID; it must be the id of the ${item.type} record.`, arguments: [item.recordId.slice(0, 200)], pointer: childPointer(item.pointer, 'ItemId') });
      }
    }
  },
};

export const requiredReference: Rule = {
  id: 'required-reference',
  category: 'references',
  defaultSeverity: 'error',
  summary: 'Tiles and nested items that stand for a record have one (an email tile has an email, a segment item has a segment), and a segment group holds at least one segment.',
  rationale: 'Check for errors reports missing content such as unassigned emails and pages before go-live; an unconfigured item (ItemId null) is what the designer writes before a record is chosen. Items a journey spec names by record name are resolved when the spec is applied, so they are not reported.',
  sources: [CJAUTO, WD],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (itemsOf(d, 2)[0]!.ItemId = null))),
    passing: example(simpleDefinition()),
  },
  check({ model, unresolvedItemIds, report }) {
    if (!model) return;
    for (const activity of model.activities) {
      if (activity.type === 'Segment' && activity.hasItemsArray && !activity.items.some((item) => item.type === 'SegmentItem')) {
        report({ activityId: activity.id ?? '', message: `Segment group '${activity.id}' holds no segment; add a SegmentItem with the segment's id.`, pointer: childPointer(activity.pointer, 'Properties', 'Items') });
      }
      for (const item of activity.items) {
        if (item.type === undefined || !RECORD_ITEM_TYPES.has(item.type)) continue;
        const pending = item.activityItemId !== undefined && unresolvedItemIds.has(item.activityItemId);
        if (!pending && (item.recordId === null || item.recordId === undefined || item.recordId === '')) {
          report({ activityId: activity.id ?? '', itemId: item.activityItemId, message: `The ${item.type} ${item.index === 0 ? 'tile' : 'item'} in '${activity.id}' has no ${item.type} chosen (ItemId is empty); choose the record it should use.`, arguments: [item.type], pointer: childPointer(item.pointer, 'ItemId') });
        }
      }
    }
  },
};

export const triggerConditionSource: Rule = {
  id: 'trigger-condition-source',
  category: 'references',
  defaultSeverity: 'error',
  summary: "Each trigger condition's SourceActivityItemId is the ActivityItemId of an item in a tile upstream of the trigger.",
  rationale: 'Trigger conditions reference the watched item by its ActivityItemId (as a string); a condition on an item that does not exist, or that contacts only reach after the trigger, can never be met. The upstream requirement is INFERRED from how conditions are evaluated.',
  sources: [BLOG18],
  examples: {
    failing: example(changed(triggerDefinition(), (d) => {
      ((itemsOf(d, 3)[0]!.ConditionExpressions as Record<string, unknown>[])[0]!).SourceActivityItemId = '41';
    })),
    passing: example(triggerDefinition()),
  },
  check({ model, report }) {
    if (!model) return;
    for (const trigger of model.activities) {
      if (trigger.type !== 'Trigger') continue;
      const header = trigger.items[0];
      const conditions = header ? own(header.raw, 'ConditionExpressions') : undefined;
      if (!Array.isArray(conditions)) continue;
      for (let index = 0; index < conditions.length; index++) {
        const condition = conditions[index];
        if (!isRecord(condition)) continue;
        const source = own(condition, 'SourceActivityItemId');
        const pointer = (): string => childPointer(header!.pointer, 'ConditionExpressions', index, 'SourceActivityItemId');
        const id = typeof source === 'number' ? source : typeof source === 'string' && /^\d+$/.test(source) ? Number(source) : undefined;
        const item = id === undefined ? undefined : model.itemsById.get(id);
        if (!item) {
          report({ activityId: trigger.id ?? '', itemId: header!.activityItemId, message: `Trigger '${trigger.id}' watches SourceActivityItemId ${describe(source)}, which is not an ActivityItemId in this definition.`, arguments: [describe(source)], pointer: pointer() });
          continue;
        }
        if (!isUpstream(model, item.activity, trigger)) {
          report({ activityId: trigger.id ?? '', itemId: header!.activityItemId, message: `Trigger '${trigger.id}' watches item ${id} in '${item.activity.id}', which contacts do not pass before the trigger; watch an item upstream of it.`, arguments: [String(id), item.activity.id ?? ''], pointer: pointer() });
        }
      }
    }
  },
};

export const REFERENCE_RULES: readonly Rule[] = [itemIdGuid, requiredReference, triggerConditionSource];
