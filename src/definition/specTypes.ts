/**
 * Journey specs: a human-friendly YAML/JSON description of a whole journey (record fields plus
 * tiles by name) that `compileSpec` turns into a workflow definition through the builder.
 * The JSON Schema is `schemas/journey-spec.schema.json`; `test/unit/specSchema.test.ts` keeps the
 * two in step.
 *
 * ```yaml
 * name: Welcome
 * target: contact
 * tiles:
 *   - segment: { include: [New contacts], merge: union }
 *   - email: { name: Welcome email, page: { name: Welcome page, handle: welcome-page } }
 *   - trigger:
 *       when: [{ item: welcome-page, condition: UserRegistered }]
 *       timeout: 5d
 *       yes: [{ email: { name: Thanks } }]
 *       no: [{ wait: { for: 2d } }, { email: { name: Reminder } }]
 * ```
 */

/**
 * A referenced record: by id, by name, or both. A bare string is an id when it is a GUID and a
 * name otherwise. A name alone compiles to `ItemId: null` plus the name, and is reported as
 * unresolved until an environment resolves it.
 */
export type SpecRef = string | SpecRefObject;

/** The object form of {@link SpecRef}. */
export interface SpecRefObject {
  /** Record id (GUID). */
  id?: string;
  /** Record name (for segments: the display name). */
  name?: string;
  /** The tile title shown in the designer; defaults to the record name. */
  title?: string;
  /** A name other tiles (trigger conditions) use to point at this item. */
  handle?: string;
}

/** A segment in a segment group: a {@link SpecRef} that may also carry the segment's unique name. */
export type SpecSegmentRef = string | SpecSegmentRefObject;

/** The object form of {@link SpecSegmentRef}. */
export interface SpecSegmentRefObject extends SpecRefObject {
  /** The segment's internal unique name (`DciSegmentName`). */
  uniqueName?: string;
}

/** A duration: `30m`, `2h`, `5d`, `1w`, `1mo`, or a number of days. */
export type SpecDuration = string | number;

/** `- segment:` a segment group. */
export interface SegmentTileSpec {
  /** Tile title. @default "New Segment group" */
  title?: string;
  handle?: string;
  /** How included segments combine. @default "union" */
  merge?: 'union' | 'intersection';
  include?: SpecSegmentRef[];
  exclude?: SpecSegmentRef[];
}

/** `- email:` send a marketing email, with nested pages, events, forms and surveys. */
export interface EmailTileSpec extends SpecRefObject {
  page?: SpecRef;
  pages?: SpecRef[];
  event?: SpecRef;
  events?: SpecRef[];
  form?: SpecRef;
  forms?: SpecRef[];
  survey?: SpecRef;
  surveys?: SpecRef[];
}

/** One condition of a trigger: an earlier item (by handle) and what must have happened to it. */
export interface TriggerConditionSpec {
  /** Handle of an earlier tile or nested item. */
  item: string;
  /** The designer's condition name, e.g. `UserRegistered`, `EmailOpened`. */
  condition: string;
}

/** `- trigger:` an if/then with yes and no branches. */
export interface TriggerTileSpec {
  title?: string;
  handle?: string;
  when: TriggerConditionSpec[];
  /** How conditions combine. @default "and" */
  logic?: 'and' | 'or';
  /** How long to wait for the conditions before taking the no branch. @default "1d" */
  timeout?: SpecDuration;
  yes?: TileSpec[];
  no?: TileSpec[];
}

/** `- wait:` a scheduler: wait for a duration, or until a date-time. */
export interface WaitTileSpec {
  title?: string;
  handle?: string;
  /** Wait this long. */
  for?: SpecDuration;
  /** Wait until this ISO 8601 date-time. */
  until?: string;
}

/** `- split:` a splitter; each entry is one branch's tiles, or an object with a title. */
export type SplitTileSpec = SplitBranchSpec[] | { title?: string; handle?: string; branches: SplitBranchSpec[] };

/** One splitter branch: its tiles, or an object with a title and tiles. */
export type SplitBranchSpec = TileSpec[] | { title?: string; tiles: TileSpec[] };

/** `- activity:` create a phone call, task or appointment from an activity marketing template. */
export interface ActivityTileSpec extends SpecRefObject {
  /** The activity type. @default "phonecall" */
  type?: 'phonecall' | 'task' | 'appointment';
}

/** `- custom:` a tile of any other type (custom channel tiles), passed through. */
export interface CustomTileSpec extends SpecRefObject {
  /** The tile's `ActivityTypeId`. */
  type: string;
  /** Extra header item properties, written as given. */
  properties?: Record<string, unknown>;
}

/** One tile of a spec: an object with exactly one of these keys. */
export type TileSpec =
  | { segment: SegmentTileSpec }
  | { email: EmailTileSpec | string }
  | { trigger: TriggerTileSpec }
  | { wait: WaitTileSpec }
  | { split: SplitTileSpec }
  | { activity: ActivityTileSpec | string }
  | { workflow: SpecRef }
  | { lead: SpecRefObject | string }
  | { recordUpdate: SpecRefObject | string }
  | { linkedIn: SpecRef }
  | { page: SpecRef }
  | { event: SpecRef }
  | { form: SpecRef }
  | { survey: SpecRef }
  | { custom: CustomTileSpec };

/** The tile keys a spec may use, in documentation order. */
export const TILE_SPEC_KEYS = [
  'segment',
  'email',
  'trigger',
  'wait',
  'split',
  'activity',
  'workflow',
  'lead',
  'recordUpdate',
  'linkedIn',
  'page',
  'event',
  'form',
  'survey',
  'custom',
] as const;
export type TileSpecKey = (typeof TILE_SPEC_KEYS)[number];

/** A whole journey. */
export interface JourneySpec {
  /** `msdyncrm_name` (at most 100 characters). */
  name: string;
  description?: string;
  /** Whether the journey processes contacts or accounts. @default "contact" */
  target?: 'contact' | 'account';
  /** @default "automated" */
  type?: 'automated' | 'linkedin';
  /** @default "organization" */
  scope?: 'organization' | 'businessUnit';
  /** ISO 8601 date-time (UTC). */
  start?: string;
  /** ISO 8601 date-time (UTC). */
  end?: string;
  /** Dataverse time zone code (`timezonedefinitions.timezonecode`). */
  timeZone?: number;
  recurrence?: { intervalDays: number; count: number };
  /** Minimum consent. */
  consent?: 'consent' | 'transactional' | 'subscriptions' | 'marketing' | 'profiling';
  contentSettings?: SpecRef;
  suppressionSegment?: SpecRef;
  template?: SpecRef;
  /** The tiles, in order; each follows the previous one. */
  tiles?: TileSpec[];
  /** Parallel flows under the root, each a list of tiles (instead of `tiles`). */
  swimlanes?: TileSpec[][];
}

/** The top-level keys of a {@link JourneySpec}. */
export const JOURNEY_SPEC_KEYS = [
  'name',
  'description',
  'target',
  'type',
  'scope',
  'start',
  'end',
  'timeZone',
  'recurrence',
  'consent',
  'contentSettings',
  'suppressionSegment',
  'template',
  'tiles',
  'swimlanes',
] as const satisfies readonly (keyof JourneySpec)[];
