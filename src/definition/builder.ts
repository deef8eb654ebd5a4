/**
 * A fluent, typed builder for workflow definitions that reads like the journey it makes:
 *
 * ```ts
 * const j = journey({ target: 'contact' });
 * const invite = j
 *   .segmentGroup({ include: [{ id: SEGMENT, name: 'Newsletter' }] })
 *   .email({ id: INVITE, name: 'Invitation' });
 * const registration = invite.addPage({ id: PAGE, name: 'Registration' });
 * const registered = invite.trigger({ when: [{ item: registration, condition: 'UserRegistered' }], timeout: { value: 5, unit: 'Day' } });
 * registered.yes.email({ id: THANKS, name: 'Thanks' });
 * registered.no.waitFor({ value: 2, unit: 'Day' }).email({ id: REMINDER, name: 'Reminder' });
 * const { definition, designerState } = j.build();
 * ```
 *
 * Each tile method adds a tile after the tile (or journey root) it is called on and returns the
 * new tile, so chains read top to bottom. Calling two tile methods on the root makes two
 * swimlanes. Trigger children go on `.yes` / `.no`; splitter branches come from `.branch()`.
 *
 * Ids follow the designer: ActivityId `01` for the root, then `<parentId>_<counter>` from one
 * counter; ActivityItemIds from one counter across the whole definition. Any tile or item can pin
 * its ids (`{ activityId, activityItemId }`) to reproduce an existing definition; automatic ids
 * then continue above the pinned ones and never collide with them.
 * https://learn.microsoft.com/dynamics365/marketing/developer/customer-journey-workflow-definition
 */
import { computeDesignerState, activityIdCounter } from './designerState.js';
import { DefinitionError } from './errors.js';
import { assertPlainJson } from './json.js';
import { itemKeyOrder } from './keyOrder.js';
import { TRIGGER_BRANCH_ID } from './relationship.js';
import type { Activity, DesignerState, Item, RelationshipType, WorkflowDefinition } from './types.js';

/** The root item's name as the designer writes it (a resource key it never resolved). */
export const ROOT_ITEM_NAME = 'New ActivityTypeName_bpf_root_TitleText';

/** Default tile names. `Segment` is documented; the others are INFERRED (no public payload). */
const DEFAULT_NAMES: Readonly<Record<string, string>> = Object.freeze({
  Segment: 'New Segment group',
  SegmentItem: 'Segment',
  Email: 'Email',
  LandingPage: 'Landing page',
  Event: 'Event',
  MarketingForm: 'Marketing form',
  Survey: 'Survey',
  Trigger: 'Trigger',
  Scheduler: 'Scheduler',
  Splitter: 'Splitter',
  SplitterBranch: 'Splitter branch',
  CreateCrmActivity: 'Activity',
  InvokeWorkflow: 'Launch workflow',
  CreateLead: 'Create lead',
  RecordUpdate: 'Record update',
  LinkedInCampaign: 'LinkedIn campaign',
});

// ---------------------------------------------------------------------------------------------
// Options

/** Ids to pin instead of allocating them (to reproduce an existing definition). */
export interface PinnedIds {
  /** The tile's ActivityId. @default `<parentId>_<next counter>` */
  activityId?: string;
  /** The header item's ActivityItemId. @default the next free ActivityItemId */
  activityItemId?: number;
}

/** A referenced record and how the item shows it. */
export interface RecordRef {
  /** Record id (GUID) written as `ItemId`. @default null (not configured yet) */
  id?: string | null;
  /** The record's name; the tile shows it and the designer keeps it in sync (`IsNameSystemDefined: true`). */
  name?: string;
  /** A title of your own for the tile instead of the record name (`IsNameSystemDefined: false`). */
  title?: string;
  /** `Description` of the item. @default not written */
  description?: string;
  /** Pin the item's ActivityItemId. */
  activityItemId?: number;
}

/** A segment of a segment group. */
export interface SegmentRef extends RecordRef {
  /** The segment's unique name (`DciSegmentName`). @default name */
  uniqueName?: string;
  /** `SegmentSourceType`. @default "Segment" */
  sourceType?: string;
}

/** Options of a tile that references one record (email, page, workflow…). */
export type RecordTileOptions = RecordRef & Omit<PinnedIds, 'activityItemId'>;

/** Options of {@link Flow.segmentGroup}. */
export interface SegmentGroupOptions extends PinnedIds {
  /** Tile title. @default "New Segment group" */
  title?: string;
  /** How included segments combine. @default "Union" */
  merge?: 'Union' | 'Intersection';
  include?: SegmentRef[];
  exclude?: SegmentRef[];
}

/** Options of {@link Flow.email}: the email and the items nested in it, in this order. */
export interface EmailOptions extends RecordTileOptions {
  pages?: RecordRef[];
  events?: RecordRef[];
  forms?: RecordRef[];
  surveys?: RecordRef[];
}

/** A trigger condition: an earlier item and what must have happened to it. */
export interface TriggerCondition {
  /** The watched item: a tile (its header item) or a nested item, as returned by the builder. */
  item: ItemHandle | Tile;
  /** The designer's condition name, e.g. `UserRegistered`, `EmailOpened`. */
  condition: string;
}

/** Options of {@link Flow.trigger}. */
export interface TriggerOptions extends PinnedIds {
  title?: string;
  when: TriggerCondition[];
  /** How conditions combine (`RuleLogic`). @default "AND" */
  logic?: 'AND' | 'OR';
  /** How long to wait before taking the no branch. @default { value: 1, unit: "Day" } */
  timeout?: { value: number; unit: 'Hour' | 'Day' };
}

/** A duration unit of a scheduler (`ScheduledDurationUnit`). */
export type DurationUnit = 'Minute' | 'Hour' | 'Day' | 'Week' | 'Month';

/** Options of {@link Flow.waitFor}. */
export interface WaitForOptions extends PinnedIds {
  title?: string;
  value: number;
  unit: DurationUnit;
}

/** Options of {@link Flow.waitUntil}. */
export interface WaitUntilOptions extends PinnedIds {
  title?: string;
  /** ISO 8601 date-time (UTC). */
  until: string;
}

/** Options of {@link Flow.splitter}. */
export interface SplitterOptions extends PinnedIds {
  title?: string;
}

/** Options of {@link Flow.createActivity}. */
export interface CreateActivityOptions extends RecordTileOptions {
  /** The activity to create; selects the template table. @default "phonecall" */
  activityType?: 'phonecall' | 'task' | 'appointment';
  /** Who owns the created activity. @default "msdyncrm_customerjourney.ownerid" */
  owner?: string;
}

/** Options of {@link Flow.custom}: any tile type, e.g. a custom channel tile. */
export interface CustomTileOptions extends RecordTileOptions {
  /** The tile's `ActivityTypeId`. */
  type: string;
  /** Extra header item properties, written after the known ones in this order. */
  properties?: Record<string, unknown>;
}

/** Options of {@link journey}. */
export interface JourneyOptions {
  /** Whether the journey processes contacts or accounts (`EntityTarget` of every tile). @default "contact" */
  target?: 'contact' | 'account';
  /** Pin the root's ActivityId. @default "01" */
  rootActivityId?: string;
  /** Pin the root item's ActivityItemId. @default 0 */
  rootActivityItemId?: number;
  /**
   * The designer state to keep (e.g. of the journey being edited); `build()` keeps its counters
   * when they are larger.
   */
  designerState?: DesignerState;
}

// ---------------------------------------------------------------------------------------------
// Handles

/** An item created by the builder, for trigger conditions. */
export interface ItemHandle {
  readonly activityId: string;
  readonly activityItemId: number;
  readonly type: string;
}

/** What a built journey consists of. */
export interface BuiltJourney {
  definition: WorkflowDefinition;
  designerState: DesignerState;
}

/** Shared state of one builder: activities in creation order, used ids, counters. */
class BuildState {
  readonly activities: Activity[] = [];
  /** ActivityIds pinned by the caller for tiles (the root's is `activities[0]`). */
  readonly pinnedActivityIds = new Set<string>();
  readonly itemIds = new Set<number>();
  readonly items = new Map<number, ItemHandle>();
  readonly triggers: TriggerTile[] = [];
  nextCounter = 0;
  nextItemId = 0;
  built = false;

  constructor(readonly target: 'contact' | 'account') {}

  assertOpen(): void {
    if (this.built) throw new DefinitionError('The journey was already built; start a new journey() to change it');
  }

  allocateActivityId(parentId: string, pinned: string | undefined): string {
    if (pinned === undefined) {
      // Automatic ids can only collide with pinned ones (counters only grow, and a pin pushes the
      // counter past its own), so only pinned ids are kept in a set; this keeps the common path
      // free of hashing ids that grow with tile depth.
      let id = `${parentId}_${this.nextCounter++}`;
      while (this.collidesWithPinned(id)) id = `${parentId}_${this.nextCounter++}`;
      return id;
    }
    if (typeof pinned !== 'string' || pinned === '') throw new DefinitionError(`A pinned ActivityId must be a non-empty string, not ${JSON.stringify(pinned)}`);
    if (this.pinnedActivityIds.has(pinned) || this.activities.some((a) => a.ActivityId === pinned)) {
      throw new DefinitionError(`ActivityId "${pinned}" is already used in this journey`);
    }
    this.pinnedActivityIds.add(pinned);
    const counter = activityIdCounter(pinned);
    if (counter !== undefined && counter >= this.nextCounter) this.nextCounter = counter + 1;
    return pinned;
  }

  /** Whether an automatic id equals a pinned one (the root's id counts as pinned). */
  private collidesWithPinned(id: string): boolean {
    return (this.pinnedActivityIds.size > 0 && this.pinnedActivityIds.has(id)) || id === this.activities[0]?.ActivityId;
  }

  allocateItemId(pinned: number | undefined): number {
    let id: number;
    if (pinned !== undefined) {
      if (!Number.isInteger(pinned) || pinned < 0) throw new DefinitionError(`A pinned ActivityItemId must be a non-negative integer, not ${String(pinned)}`);
      id = pinned;
      if (this.itemIds.has(id)) throw new DefinitionError(`ActivityItemId ${id} is already used in this journey`);
    } else {
      while (this.itemIds.has(this.nextItemId)) this.nextItemId++;
      id = this.nextItemId;
    }
    this.itemIds.add(id);
    if (id >= this.nextItemId) this.nextItemId = id + 1;
    return id;
  }

  addItem(activity: Activity, item: Item): ItemHandle {
    activity.Properties.Items.push(item);
    const handle: ItemHandle = { activityId: activity.ActivityId, activityItemId: item.ActivityItemId, type: item.ActivityTypeId };
    this.items.set(item.ActivityItemId, handle);
    return handle;
  }
}

/** An item in the designer's key order; type-specific properties go between the head and `Description`. */
function makeItem(state: BuildState, type: string, ref: RecordRef, extra?: Record<string, unknown>, description?: string): Item {
  const item: Item = {
    ItemId: ref.id ?? null,
    ActivityTypeId: type,
    Title: 'Undefined',
    IsNameSystemDefined: ref.title === undefined,
    Name: ref.title ?? ref.name ?? (Object.hasOwn(DEFAULT_NAMES, type) ? DEFAULT_NAMES[type] : undefined) ?? type,
    ActivityItemId: state.allocateItemId(ref.activityItemId),
  };
  // Known type-specific keys, then Description, then any others: the serializer's order, so
  // built definitions are written without reordering.
  let unknownKeys: string[] | undefined;
  if (extra) {
    const rank = itemKeyOrder(type).rank;
    for (const key of Object.keys(extra)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        throw new DefinitionError(`The item property "${key}" is not allowed`);
      }
      if (extra[key] === undefined) continue;
      if (rank.has(key)) item[key] = extra[key];
      else (unknownKeys ??= []).push(key);
    }
  }
  const text = ref.description ?? description;
  if (text !== undefined) item.Description = text;
  if (unknownKeys) for (const key of unknownKeys) item[key] = extra![key];
  return item;
}

/** A place tiles can be added: after a tile, on a trigger branch, or under the root. */
abstract class Flow {
  // Fields are `declare`d and assigned in constructors: with define semantics for class fields,
  // declared-and-initialized fields cost a noticeable share of building thousands of tiles.
  /** @internal */
  declare protected readonly state: BuildState;

  /** @internal */
  protected constructor(state: BuildState) {
    this.state = state;
  }

  /** The ActivityId new tiles hang under. @internal */
  protected abstract get parentActivityId(): string;

  /** Relationship and branch id for the next child; throws when the place is full. @internal */
  protected abstract nextPlacement(): { relationship: RelationshipType; branchId: number };

  /** Adds an activity under this flow's parent. @internal */
  protected addActivity(type: string, pinned: PinnedIds | undefined, withTarget = true): Activity {
    this.state.assertOpen();
    const { relationship, branchId } = this.nextPlacement();
    const activity: Activity = {
      ActivityTypeId: type,
      ParentActivityId: this.parentActivityId,
      ParentBranchId: branchId,
      ParentRelationshipType: relationship,
      ActivityId: this.state.allocateActivityId(this.parentActivityId, pinned?.activityId),
      Properties: { Items: [] },
    };
    if (withTarget) activity.EntityTarget = this.state.target;
    this.state.activities.push(activity);
    return activity;
  }

  private recordTile(type: string, options: RecordTileOptions, extra?: Record<string, unknown>): Tile {
    const activity = this.addActivity(type, options);
    const header = this.state.addItem(activity, makeItem(this.state, type, options, extra));
    return new Tile(this.state, activity, header);
  }

  /** A segment group: who enters the journey. Add segments with the options or `include`/`exclude`. */
  segmentGroup(options: SegmentGroupOptions = {}): SegmentGroupTile {
    const activity = this.addActivity('Segment', options);
    const header = this.state.addItem(
      activity,
      makeItem(this.state, 'Segment', { title: options.title, name: DEFAULT_NAMES.Segment, activityItemId: options.activityItemId }, { SegmentMergeMethod: options.merge ?? 'Union' }),
    );
    const tile = new SegmentGroupTile(this.state, activity, header);
    for (const segment of options.include ?? []) tile.include(segment);
    for (const segment of options.exclude ?? []) tile.exclude(segment);
    return tile;
  }

  /** Sends a marketing email, with pages, events, forms and surveys nested in it. */
  email(options: EmailOptions = {}): EmailTile {
    const activity = this.addActivity('Email', options);
    const header = this.state.addItem(activity, makeItem(this.state, 'Email', options));
    const tile = new EmailTile(this.state, activity, header);
    for (const page of options.pages ?? []) tile.addPage(page);
    for (const event of options.events ?? []) tile.addEvent(event);
    for (const form of options.forms ?? []) tile.addForm(form);
    for (const survey of options.surveys ?? []) tile.addSurvey(survey);
    return tile;
  }

  /** An if/then: waits for conditions on earlier items, then continues on `.yes` or `.no`. */
  trigger(options: TriggerOptions): TriggerTile {
    if (!Array.isArray(options.when) || options.when.length === 0) {
      throw new DefinitionError('A trigger needs at least one condition (when: [{ item, condition }])');
    }
    const conditions = options.when.map((c, i) => {
      const handle = c.item instanceof Tile ? c.item.header : c.item;
      if (!handle || this.state.items.get(handle.activityItemId) !== handle) {
        throw new DefinitionError(`Trigger condition ${i} does not point at an item of this journey; pass a handle the builder returned`);
      }
      if (typeof c.condition !== 'string' || c.condition === '') throw new DefinitionError(`Trigger condition ${i} has no condition name`);
      // SourceActivityItemId is a string holding the watched item's ActivityItemId (real designer output).
      return { SourceActivityItemId: String(handle.activityItemId), Condition: c.condition };
    });
    const timeout = options.timeout ?? { value: 1, unit: 'Day' };
    const activity = this.addActivity('Trigger', options);
    const header = this.state.addItem(
      activity,
      makeItem(this.state, 'Trigger', { title: options.title, activityItemId: options.activityItemId }, {
        TimeoutValue: timeout.value,
        TimeoutUnit: timeout.unit,
        RuleLogic: options.logic ?? 'AND',
        ConditionExpressions: conditions,
      }),
    );
    const tile = new TriggerTile(this.state, activity, header);
    this.state.triggers.push(tile);
    return tile;
  }

  /** A scheduler that waits for a duration. */
  waitFor(options: WaitForOptions): Tile {
    return this.schedulerTile(options, { OffsetType: 'Duration', ScheduledDurationUnit: options.unit, ScheduledDurationValue: options.value });
  }

  /**
   * A scheduler that waits until a date-time. INFERRED shape: no public payload shows a
   * date-based scheduler, so this writes `OffsetType: "DateTime"` and `ScheduledDateTime`.
   */
  waitUntil(options: WaitUntilOptions): Tile {
    if (typeof options.until !== 'string' || Number.isNaN(Date.parse(options.until))) {
      throw new DefinitionError(`waitUntil needs an ISO 8601 date-time, not ${JSON.stringify(options.until)}`);
    }
    return this.schedulerTile(options, { OffsetType: 'DateTime', ScheduledDateTime: options.until });
  }

  private schedulerTile(options: PinnedIds & { title?: string }, extra: Record<string, unknown>): Tile {
    const activity = this.addActivity('Scheduler', options);
    const header = this.state.addItem(activity, makeItem(this.state, 'Scheduler', { title: options.title, activityItemId: options.activityItemId }, extra));
    return new Tile(this.state, activity, header);
  }

  /** A splitter; add its branches with `.branch()`. */
  splitter(options: SplitterOptions = {}): SplitterTile {
    const activity = this.addActivity('Splitter', options);
    const header = this.state.addItem(activity, makeItem(this.state, 'Splitter', { title: options.title, activityItemId: options.activityItemId }));
    return new SplitterTile(this.state, activity, header);
  }

  /** Creates a phone call, task or appointment from an activity marketing template. */
  createActivity(options: CreateActivityOptions = {}): Tile {
    const activityType = options.activityType ?? 'phonecall';
    return this.recordTile('CreateCrmActivity', options, {
      TemplateEntityLogicalName: `msdyncrm_${activityType}activitymarketingtemplate`,
      ActivityTypeName: activityType,
      Owner: options.owner ?? 'msdyncrm_customerjourney.ownerid',
    });
  }

  /** Runs an on-demand workflow (`InvokeWorkflow`). */
  launchWorkflow(options: RecordTileOptions = {}): Tile {
    return this.recordTile('InvokeWorkflow', options);
  }

  /** Creates a lead (`CreateLead`). */
  createLead(options: RecordTileOptions = {}): Tile {
    return this.recordTile('CreateLead', options);
  }

  /** Waits for a record update (`RecordUpdate`). */
  recordUpdate(options: RecordTileOptions = {}): Tile {
    return this.recordTile('RecordUpdate', options);
  }

  /** Adds contacts to a LinkedIn campaign (`LinkedInCampaign`). */
  linkedInCampaign(options: RecordTileOptions = {}): Tile {
    return this.recordTile('LinkedInCampaign', options);
  }

  /** A marketing page tile of its own (`LandingPage`). */
  page(options: RecordTileOptions = {}): Tile {
    return this.recordTile('LandingPage', options);
  }

  /** An event tile of its own (`Event`). */
  event(options: RecordTileOptions = {}): Tile {
    return this.recordTile('Event', options);
  }

  /** A marketing form tile (`MarketingForm`). */
  form(options: RecordTileOptions = {}): Tile {
    return this.recordTile('MarketingForm', options);
  }

  /** A survey tile (`Survey`). */
  survey(options: RecordTileOptions = {}): Tile {
    return this.recordTile('Survey', options);
  }

  /** A tile of any other type, e.g. a custom channel tile pointing at a record of the partner's entity. */
  custom(options: CustomTileOptions): Tile {
    if (typeof options.type !== 'string' || options.type === '') throw new DefinitionError('A custom tile needs its ActivityTypeId (type)');
    // Whatever the builder writes, the parser must read back: same rules for extra properties.
    if (options.properties !== undefined) assertPlainJson(options.properties, '/properties', {});
    return this.recordTile(options.type, options, options.properties);
  }
}

/** A tile of the journey; tile methods on it add the tiles that follow it. */
export class Tile extends Flow {
  /** @internal */
  declare protected readonly activity: Activity;
  /** The tile's header item, for trigger conditions. */
  declare readonly header: ItemHandle;
  declare private defaultChildren: number;

  /** @internal */
  constructor(state: BuildState, activity: Activity, header: ItemHandle) {
    super(state);
    this.activity = activity;
    this.header = header;
    this.defaultChildren = 0;
  }

  /** The tile's ActivityId. */
  get activityId(): string {
    return this.activity.ActivityId;
  }

  /** The tile's `ActivityTypeId`. */
  get type(): string {
    return this.activity.ActivityTypeId;
  }

  protected get parentActivityId(): string {
    return this.activity.ActivityId;
  }

  protected nextPlacement(): { relationship: RelationshipType; branchId: number } {
    // Several children of one tile are parallel flows, numbered by ParentBranchId.
    return { relationship: 'Default', branchId: this.defaultChildren++ };
  }
}

/** A segment group tile. */
export class SegmentGroupTile extends Tile {
  /** Segments whose members enter the journey. Returns the segment's item. */
  include(segment: SegmentRef): ItemHandle {
    return this.addSegment(segment, 'Inclusion');
  }

  /** Segments whose members are kept out. Returns the segment's item. */
  exclude(segment: SegmentRef): ItemHandle {
    return this.addSegment(segment, 'Exclusion');
  }

  private addSegment(segment: SegmentRef, containment: 'Inclusion' | 'Exclusion'): ItemHandle {
    this.state.assertOpen();
    const extra = {
      ContainmentMethod: containment,
      SegmentSourceType: segment.sourceType ?? 'Segment',
      DciSegmentName: segment.uniqueName ?? segment.name,
      SegmentDisplayName: segment.name,
    };
    // The documented example writes an empty Description on segment items.
    return this.state.addItem(this.activity, makeItem(this.state, 'SegmentItem', segment, extra, ''));
  }
}

/** An email tile; nested pages, events, forms and surveys become items of the tile. */
export class EmailTile extends Tile {
  /** A marketing page linked from the email (`LandingPage` item). */
  addPage(ref: RecordRef = {}): ItemHandle {
    return this.addNested('LandingPage', ref);
  }

  /** An event linked from the email. */
  addEvent(ref: RecordRef = {}): ItemHandle {
    return this.addNested('Event', ref);
  }

  /** A marketing form linked from the email. */
  addForm(ref: RecordRef = {}): ItemHandle {
    return this.addNested('MarketingForm', ref);
  }

  /** A survey linked from the email. */
  addSurvey(ref: RecordRef = {}): ItemHandle {
    return this.addNested('Survey', ref);
  }

  private addNested(type: string, ref: RecordRef): ItemHandle {
    this.state.assertOpen();
    return this.state.addItem(this.activity, makeItem(this.state, type, ref));
  }
}

/** One branch of a trigger: it holds a single tile (or the `empty` placeholder). */
export class TriggerBranch extends Flow {
  private taken = false;

  /** @internal */
  constructor(
    state: BuildState,
    private readonly owner: Activity,
    /** `YesBranch` or `NoBranch`. */
    readonly relationship: 'YesBranch' | 'NoBranch',
  ) {
    super(state);
  }

  protected get parentActivityId(): string {
    return this.owner.ActivityId;
  }

  protected nextPlacement(): { relationship: RelationshipType; branchId: number } {
    if (this.taken) {
      throw new DefinitionError(
        `The ${this.relationship === 'YesBranch' ? 'yes' : 'no'} branch of trigger "${this.owner.ActivityId}" already has a tile; chain the next tile from that one`,
      );
    }
    this.taken = true;
    return { relationship: this.relationship, branchId: TRIGGER_BRANCH_ID[this.relationship] };
  }

  /** Whether a tile (or placeholder) was added to this branch. */
  get isEmpty(): boolean {
    return !this.taken;
  }

  /**
   * The designer's `empty` placeholder (no items, no EntityTarget). `build()` adds one to every
   * branch left empty; call this to pin its ActivityId.
   */
  empty(options: Pick<PinnedIds, 'activityId'> = {}): void {
    this.addActivity('empty', options, false);
  }
}

/** A trigger tile: continue on `.yes` (conditions met) or `.no` (timeout). */
export class TriggerTile extends Tile {
  /** Where contacts go when the conditions are met (`YesBranch`, ParentBranchId 0). */
  readonly yes: TriggerBranch;
  /** Where contacts go on timeout (`NoBranch`, ParentBranchId 1). */
  readonly no: TriggerBranch;

  /** @internal */
  constructor(state: BuildState, activity: Activity, header: ItemHandle) {
    super(state, activity, header);
    this.yes = new TriggerBranch(state, activity, 'YesBranch');
    this.no = new TriggerBranch(state, activity, 'NoBranch');
  }

  protected override nextPlacement(): never {
    throw new DefinitionError(`Tiles after trigger "${this.activity.ActivityId}" go on its .yes or .no branch`);
  }
}

/** A splitter tile: each `.branch()` is a `SplitterBranch` tile that tiles follow. */
export class SplitterTile extends Tile {
  private branches = 0;
  private addingBranch = false;

  /** Adds a branch (a `SplitterBranch` child, ParentBranchId = its index); chain its tiles from it. */
  branch(options: SplitterOptions = {}): Tile {
    this.addingBranch = true;
    try {
      const activity = this.addActivity('SplitterBranch', options);
      const header = this.state.addItem(
        activity,
        makeItem(this.state, 'SplitterBranch', { title: options.title, activityItemId: options.activityItemId }),
      );
      return new Tile(this.state, activity, header);
    } finally {
      this.addingBranch = false;
    }
  }

  protected override nextPlacement(): { relationship: RelationshipType; branchId: number } {
    if (!this.addingBranch) {
      throw new DefinitionError(`Tiles after splitter "${this.activity.ActivityId}" go on its branches: splitter.branch().email(…)`);
    }
    return { relationship: 'Default', branchId: this.branches++ };
  }
}

/** The journey under construction: tile methods on it add swimlanes under the root. */
export class JourneyBuilder extends Flow {
  private readonly root: Activity;
  private rootChildren = 0;
  private readonly keepState: DesignerState | undefined;

  /** The root's header item. */
  readonly header: ItemHandle;

  constructor(options: JourneyOptions = {}) {
    const target = options.target ?? 'contact';
    if (target !== 'contact' && target !== 'account') throw new DefinitionError(`target must be "contact" or "account", not ${JSON.stringify(target)}`);
    super(new BuildState(target));
    this.keepState = options.designerState;
    const rootId = options.rootActivityId ?? '01';
    this.root = {
      ActivityTypeId: 'bpf_root',
      ParentBranchId: 0,
      ParentRelationshipType: 'Default',
      ActivityId: rootId,
      Properties: { Items: [] },
    };
    this.state.activities.push(this.root);
    this.header = this.state.addItem(
      this.root,
      makeItem(this.state, 'bpf_root', { name: ROOT_ITEM_NAME, activityItemId: options.rootActivityItemId }),
    );
  }

  /** The root's ActivityId. */
  get activityId(): string {
    return this.root.ActivityId;
  }

  protected get parentActivityId(): string {
    return this.root.ActivityId;
  }

  protected nextPlacement(): { relationship: RelationshipType; branchId: number } {
    // Each child of the root is a swimlane, numbered by ParentBranchId.
    return { relationship: 'Default', branchId: this.rootChildren++ };
  }

  /**
   * Finishes the journey: adds `empty` placeholders to trigger branches left empty and computes
   * the designer state (counters above every id in use, larger values of `designerState` kept).
   * The builder cannot be changed afterwards.
   */
  build(): BuiltJourney {
    this.state.assertOpen();
    for (const trigger of this.state.triggers) {
      if (trigger.yes.isEmpty) trigger.yes.empty();
      if (trigger.no.isEmpty) trigger.no.empty();
    }
    this.state.built = true;
    // The counters already sit above every id allocated or pinned (what computeDesignerState
    // would find, without another pass over the definition).
    const designerState = computeDesignerState([], this.keepState);
    designerState.NextActivityID = Math.max(designerState.NextActivityID, this.state.nextCounter);
    designerState.NextActivityItemID = Math.max(designerState.NextActivityItemID, this.state.nextItemId);
    return { definition: this.state.activities, designerState };
  }
}

/** Starts a journey. See {@link JourneyBuilder}. */
export function journey(options: JourneyOptions = {}): JourneyBuilder {
  return new JourneyBuilder(options);
}

export { Flow };
