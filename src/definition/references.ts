/**
 * The records a definition references, for audits, `definition refs` and reference checks.
 *
 * How items map to reference kinds (domain notes §2.4 and §7):
 * - `SegmentItem` -> `segment` (`msdyncrm_segment`): documented; `DciSegmentName` is the
 *   segment's unique name, `ContainmentMethod` says inclusion or exclusion.
 * - `Email` -> `email` (`msdyncrm_marketingemail`): documented.
 * - `LandingPage` -> `page` (`msdyncrm_marketingpage`): documented.
 * - `MarketingForm` -> `form` (`msdyncrm_marketingform`): INFERRED, no public payload.
 * - `Event` -> `event` (`msevtmgt_event`): INFERRED from the tile's meaning; nested in an email or
 *   a tile of its own (both seen in real designer output).
 * - `Survey` -> `survey`: INFERRED, no public payload; the survey table is not documented.
 * - `InvokeWorkflow` -> `workflow` (`workflow`): INFERRED, no public payload.
 * - `CreateCrmActivity` -> `activityTemplate`: INFERRED; the table is the item's
 *   `TemplateEntityLogicalName` (e.g. `msdyncrm_phonecallactivitymarketingtemplate`); real output
 *   shows `ItemId: null`, reported as an unset reference.
 * - `LinkedInCampaign` -> `linkedInCampaign` (`msdyncrm_linkedincampaign`): INFERRED.
 * - Any tile type not documented whose item carries an `ItemId` -> `customChannelEntity`: custom
 *   channel tiles point at a record of the partner's entity (tile XML `EntityType`); their
 *   ActivityTypeId values are not documented, so every unknown type with a record id counts.
 * - `bpf_root`, `Segment` (group header), `Trigger`, `Scheduler`, `Splitter`, `SplitterBranch`,
 *   `empty`: no record. `CreateLead`, `RecordUpdate`: the shape is UNCERTAIN (no public payload);
 *   they are not reported as references.
 *
 * Items of a referencing type are reported even when `ItemId` is null (an unconfigured tile, or
 * a spec that named a record without its id), so that audits can list what is unresolved.
 */
import { pointer as buildPointer } from '../errors.js';
import { TILE_TYPES, type Item, type WorkflowDefinition } from './types.js';

/** The kinds of record a definition can reference. */
export type ReferenceKind =
  | 'segment'
  | 'email'
  | 'page'
  | 'form'
  | 'event'
  | 'survey'
  | 'workflow'
  | 'activityTemplate'
  | 'linkedInCampaign'
  | 'customChannelEntity';

/** One record referenced by one item of a definition. */
export interface DefinitionReference {
  kind: ReferenceKind;
  /** The record id (`ItemId`), or null when the item does not name one yet. */
  id: string | null;
  /** The item's `Name` (for segments, `SegmentDisplayName` when present). */
  name?: string;
  /** Segments only: the segment's unique name. */
  dciSegmentName?: string;
  /** Segments only: whether the group includes or excludes the segment. */
  containment?: 'Inclusion' | 'Exclusion';
  /** Logical name of the referenced table, when the item says it (activity templates). */
  table?: string;
  /** ActivityId of the tile holding the item. */
  activityId: string;
  activityItemId: number;
  /** The item's `ActivityTypeId` (for custom channel tiles, the custom tile type). */
  tileType: string;
  /** JSON pointer of the item inside the definition array. */
  pointer: string;
}

/** Options of {@link collectReferences}. */
export interface CollectReferencesOptions {
  /** Prefix of every `pointer` (e.g. `/msdyncrm_workflowdefinition`). @default "" */
  basePointer?: string;
}

/** The reference kind of each documented item type that references a record. */
export const REFERENCE_KIND_BY_TYPE: Readonly<Record<string, ReferenceKind>> = Object.freeze({
  SegmentItem: 'segment',
  Email: 'email',
  LandingPage: 'page',
  MarketingForm: 'form',
  Event: 'event',
  Survey: 'survey',
  InvokeWorkflow: 'workflow',
  CreateCrmActivity: 'activityTemplate',
  LinkedInCampaign: 'linkedInCampaign',
});

const KNOWN_TYPES: ReadonlySet<string> = new Set(TILE_TYPES);

/** The reference kind of an item, or undefined when it references no record. */
export function referenceKindOf(item: Pick<Item, 'ActivityTypeId' | 'ItemId'>): ReferenceKind | undefined {
  const type = item.ActivityTypeId;
  if (Object.prototype.hasOwnProperty.call(REFERENCE_KIND_BY_TYPE, type)) return REFERENCE_KIND_BY_TYPE[type];
  if (!KNOWN_TYPES.has(type) && typeof item.ItemId === 'string' && item.ItemId !== '') return 'customChannelEntity';
  return undefined;
}

/** Every record the definition references, in stored order of activities and items. */
export function collectReferences(def: WorkflowDefinition, options: CollectReferencesOptions = {}): DefinitionReference[] {
  const base = options.basePointer ?? '';
  const references: DefinitionReference[] = [];
  for (let i = 0; i < def.length; i++) {
    const activity = def[i]!;
    const items = activity.Properties.Items;
    for (let j = 0; j < items.length; j++) {
      const item = items[j]!;
      const kind = referenceKindOf(item);
      if (!kind) continue;
      const reference: DefinitionReference = {
        kind,
        id: typeof item.ItemId === 'string' && item.ItemId !== '' ? item.ItemId : null,
        activityId: activity.ActivityId,
        activityItemId: item.ActivityItemId,
        tileType: item.ActivityTypeId,
        pointer: `${base}${buildPointer(i, 'Properties', 'Items', j)}`,
      };
      const name = kind === 'segment' ? stringOr(item.SegmentDisplayName, item.Name) : stringOr(item.Name);
      if (name !== undefined) reference.name = name;
      if (kind === 'segment') {
        const dci = stringOr(item.DciSegmentName);
        if (dci !== undefined) reference.dciSegmentName = dci;
        const containment = containmentOf(item.ContainmentMethod);
        if (containment) reference.containment = containment;
      }
      if (kind === 'activityTemplate') {
        const table = stringOr(item.TemplateEntityLogicalName);
        if (table !== undefined) reference.table = table;
      }
      references.push(reference);
    }
  }
  return references;
}

function stringOr(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

function containmentOf(value: unknown): 'Inclusion' | 'Exclusion' | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return lower === 'inclusion' ? 'Inclusion' : lower === 'exclusion' ? 'Exclusion' : undefined;
}
