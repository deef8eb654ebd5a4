/**
 * Option sets (choices) of the outbound marketing tables, with their numeric values and labels.
 *
 * Values come from the generated Dataverse table references of `msdyncrm_customerjourney`,
 * `msdyncrm_segment` and `msdyncrm_marketingemail` and from the customer journey API page
 * (https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey).
 */

/** An option set: a frozen map from a symbolic name to its numeric value, plus labels. */
export interface OptionSet<K extends string> {
  readonly values: Readonly<Record<K, number>>;
  readonly labels: Readonly<Record<number, string>>;
}

function optionSet<K extends string>(entries: Record<K, readonly [number, string]>): OptionSet<K> {
  const values = {} as Record<K, number>;
  const labels: Record<number, string> = {};
  for (const key of Object.keys(entries) as K[]) {
    const [value, label] = entries[key];
    values[key] = value;
    labels[value] = label;
  }
  return { values: Object.freeze(values), labels: Object.freeze(labels) };
}

/** Label of a value in an option set, or undefined when the value is not part of it. */
export function labelOf(set: OptionSet<string>, value: number | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : set.labels[value];
}

/** Whether a value belongs to an option set. */
export function isOptionValue(set: OptionSet<string>, value: unknown): value is number {
  return typeof value === 'number' && Object.prototype.hasOwnProperty.call(set.labels, value);
}

/**
 * `statuscode` of `msdyncrm_customerjourney` (global `msdyncrm_customerjourney_statuscode`).
 * Expired (192350004) is the only status of statecode 1 (Inactive); the API page omits it.
 */
export const JourneyStatusSet = optionSet({
  Draft: [192350000, 'Draft'],
  Live: [192350001, 'Live'],
  Stopped: [192350002, 'Stopped'],
  LiveEditable: [192350003, 'Live, editable'],
  Expired: [192350004, 'Expired'],
  Error: [192350005, 'Error'],
  GoingLive: [192350006, 'Going live'],
  Stopping: [192350007, 'Stopping'],
} as const);
export const JourneyStatus = JourneyStatusSet.values;
export type JourneyStatusName = keyof typeof JourneyStatus;
export type JourneyStatusCode = (typeof JourneyStatus)[JourneyStatusName];

/** `statecode` of `msdyncrm_customerjourney`. */
export const JourneyStateSet = optionSet({
  Active: [0, 'Active'],
  Inactive: [1, 'Inactive'],
} as const);
export const JourneyState = JourneyStateSet.values;

/** The statecode each journey statuscode belongs to. */
export function journeyStateOf(statuscode: number): number {
  return statuscode === JourneyStatus.Expired ? JourneyState.Inactive : JourneyState.Active;
}

/** `msgdpr_requiredconsent` (global `msgdpr_gdpr_consent_option_set`); -1 means unset. */
export const ConsentSet = optionSet({
  Consent: [587030001, '(1) Consent'],
  Transactional: [587030002, '(2) Transactional'],
  Subscriptions: [587030003, '(3) Subscriptions'],
  Marketing: [587030004, '(4) Marketing'],
  Profiling: [587030005, '(5) Profiling'],
} as const);
export const Consent = ConsentSet.values;
/** The default of `msgdpr_requiredconsent` when nothing was chosen. */
export const CONSENT_UNSET = -1;

/** `msdyncrm_entitytarget`: whether the journey processes contacts or accounts. */
export const EntityTargetSet = optionSet({
  Contact: [0, 'Contact'],
  Account: [1, 'Account'],
} as const);
export const EntityTarget = EntityTargetSet.values;

/** The lower-case `EntityTarget` string tiles carry in the workflow definition, per option value. */
export const ENTITY_TARGET_TILE_VALUE: Readonly<Record<number, 'contact' | 'account'>> = Object.freeze({
  0: 'contact',
  1: 'account',
});

/** `msdyncrm_type`. */
export const JourneyTypeSet = optionSet({
  Automated: [192350000, 'Automated'],
  LinkedIn: [192350001, 'LinkedIn'],
} as const);
export const JourneyType = JourneyTypeSet.values;

/** `msdyncrm_scope` (global `msdyncrm_processscope`). */
export const ScopeSet = optionSet({
  Organization: [270100000, 'Organization'],
  BusinessUnit: [270100001, 'Business unit'],
} as const);
export const Scope = ScopeSet.values;

/** `statuscode` of `msdyncrm_segment` (same values as journeys); Draft -> Live is allowed directly, unlike journeys. */
export const SegmentStatusSet = JourneyStatusSet;
export const SegmentStatus = SegmentStatusSet.values;

/** `msdyncrm_segmenttype`. */
export const SegmentTypeSet = optionSet({
  Dynamic: [192350000, 'Dynamic'],
  Static: [192350001, 'Static'],
  Compound: [192350002, 'Compound'],
} as const);
export const SegmentType = SegmentTypeSet.values;

/** `msdyncrm_querytype` of a segment. */
export const SegmentQueryTypeSet = optionSet({
  InteractionBased: [192350000, 'Interaction based'],
  ProfileBased: [192350001, 'Profile based'],
} as const);
export const SegmentQueryType = SegmentQueryTypeSet.values;

/** `statuscode` of `msdyncrm_marketingemail` (same values as journeys). */
export const EmailStatusSet = JourneyStatusSet;
export const EmailStatus = JourneyStatus;

/** `statuscode` of `msdyncrm_contentsettings` (same values as journeys). */
export const ContentSettingsStatusSet = JourneyStatusSet;

/** `statuscode` of `msdyncrm_customerjourneytemplate`. */
export const TemplateStatusSet = optionSet({
  Draft: [192350000, 'Draft'],
  Live: [192350001, 'Live'],
  Inactive: [2, 'Inactive'],
} as const);
export const TemplateStatus = TemplateStatusSet.values;

/** `msdyncrm_runtimestate` of `msdyncrm_customerjourneyruntimestate`. */
export const RuntimeStateSet = optionSet({
  Inactive: [100230000, 'Inactive'],
  Scheduled: [100230001, 'Scheduled'],
  Stopped: [100230002, 'Stopped'],
  Running: [100230003, 'Running'],
  Archived: [100230004, 'Archived'],
  InconsistentStart: [100230005, 'Inconsistent start'],
  InconsistentStop: [100230006, 'Inconsistent stop'],
  InconsistentResume: [100230007, 'Inconsistent resume'],
  Scheduling: [100230008, 'Scheduling'],
  Error: [100230009, 'Error'],
} as const);

/** `statecode`/`statuscode` of simple Active/Inactive tables (custom channel activity, iteration…). */
export const ActiveStatusSet = optionSet({
  Active: [1, 'Active'],
  Inactive: [2, 'Inactive'],
} as const);
