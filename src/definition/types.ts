/**
 * The workflow definition stored in `msdyncrm_workflowdefinition`: a JSON array of activities
 * (tiles). Each activity holds `Properties.Items`; item 0 is the tile header and later items are
 * nested tiles (segments of a segment group, pages/events/forms/surveys of an email).
 * https://learn.microsoft.com/dynamics365/marketing/developer/customer-journey-workflow-definition
 *
 * The types name every documented property but keep an index signature: unknown properties
 * written by the designer are preserved verbatim on round trip.
 */

/** Every documented `ActivityTypeId`, plus the observed `empty` branch placeholder. */
export const TILE_TYPES = [
  'bpf_root',
  'Segment',
  'SegmentItem',
  'Email',
  'LandingPage',
  'Event',
  'CreateCrmActivity',
  'InvokeWorkflow',
  'CreateLead',
  'Scheduler',
  'Trigger',
  'Splitter',
  'SplitterBranch',
  'Survey',
  'RecordUpdate',
  'LinkedInCampaign',
  'MarketingForm',
  'empty',
] as const;
export type KnownTileType = (typeof TILE_TYPES)[number];
/** A tile type: a documented one, or any other string (custom channel tiles, newer designers). */
export type TileType = KnownTileType | (string & {});

/** How an activity hangs under its parent. Parsers accept any casing; serializers write these. */
export type RelationshipType = 'Default' | 'YesBranch' | 'NoBranch';

/** One item of an activity's `Properties.Items`. */
export interface Item {
  /** Id of the referenced record (email, segment, page…), or null. */
  ItemId: string | null;
  ActivityTypeId: TileType;
  /** Unused by the designer; always "Undefined". */
  Title?: string;
  IsNameSystemDefined?: boolean;
  Name?: string;
  /** Unique across the whole definition, not per activity. */
  ActivityItemId: number;
  Description?: string;
  [property: string]: unknown;
}

/** One activity (tile) of the definition. */
export interface Activity {
  ActivityTypeId: TileType;
  /** Absent on the root (`bpf_root`). */
  ParentActivityId?: string;
  /** 0-based position among the parent's children (yes = 0, no = 1 under a trigger). */
  ParentBranchId: number;
  ParentRelationshipType: RelationshipType;
  /** Unique, opaque: structure comes only from the Parent* properties. */
  ActivityId: string;
  Properties: { Items: Item[]; [property: string]: unknown };
  /** `contact` or `account`; absent on the root and on `empty` placeholders. */
  EntityTarget?: string;
  [property: string]: unknown;
}

/** A whole definition: the activities in their stored order. */
export type WorkflowDefinition = Activity[];

/** `msdyncrm_customerjourneydesignerstate`: counters the designer allocates ids from. */
export interface DesignerState {
  NextActivityID: number;
  NextActivityItemID: number;
  [property: string]: unknown;
}
