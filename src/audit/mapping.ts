/**
 * How each outbound tile maps to real-time journeys, which risks a journey carries into the
 * migration, and the effort estimate derived from both.
 *
 * Sources (see docs/audit.md): the outbound removal notes and the transition guides for journeys,
 * channels, segments, emails, forms, events, consent and social posts (Microsoft's
 * customer-insights docs, `outbound-removal-notes.md`, `transition-walkthrough-*.md`, now
 * archived). Where a guide names no equivalent for a tile, the mapping says so and why.
 */

/** Whether real-time journeys have a counterpart for a tile or a journey. */
export type MappingLevel = 'equivalent' | 'partial' | 'none';

/** The mapping of one tile type. */
export interface TileMapping {
  level: MappingLevel;
  /** What to use in real-time journeys, or why nothing fits. */
  reason: string;
  /** Estimated hours to rebuild one tile of this type. */
  hours: number;
}

/** The date outbound marketing was removed from every environment (May 2026; removal notes). */
export const REMOVAL_DATE = '2026-05-01T00:00:00Z';

/** Segments the Segment Migration Solution migrates at most (transition FAQ). */
export const SEGMENT_MIGRATION_MAX_SEGMENTS = 2000;
/** Members a static segment may have for the Segment Migration Solution (transition FAQ). */
export const SEGMENT_MIGRATION_MAX_STATIC_MEMBERS = 100;

/** Hours per tile by mapping level: the estimate's building blocks. */
export const TILE_HOURS: Readonly<Record<MappingLevel, number>> = Object.freeze({ equivalent: 0.25, partial: 0.75, none: 2 });

const tile = (level: MappingLevel, reason: string): TileMapping => Object.freeze({ level, reason, hours: TILE_HOURS[level] });

/** The mapping of every documented tile type. Types not listed are custom channel or unknown tiles. */
export const TILE_MAPPINGS: Readonly<Record<string, TileMapping>> = Object.freeze({
  Segment: tile('partial', 'Segment-based journeys start from a real-time segment: migrate the outbound segments (Segment Migration Solution) or rebuild them; several segments or exclusions become one compound segment.'),
  Email: tile('partial', 'Import the email into the real-time editor ("Import emails") and recheck personalization, compliance and content-settings tokens.'),
  LandingPage: tile('none', 'Outbound marketing pages can no longer be managed; recreate them as real-time forms or preference centres.'),
  MarketingForm: tile('partial', 'Recreate the form as a real-time form; the outbound trigger is renamed "Marketing Form Submitted (Outbound)".'),
  Event: tile('partial', 'Events created by outbound stop working; recreate the event and its registration in real-time journeys.'),
  Survey: tile('none', 'The marketing survey tile was removed; no real-time equivalent.'),
  Trigger: tile('equivalent', 'Use an if/then branch (wait for a trigger or condition) in the real-time journey.'),
  Scheduler: tile('partial', 'Use a wait step; send-time windows ("smart scheduling") have no real-time equivalent.'),
  Splitter: tile('equivalent', 'Use a split (A/B or attribute branch) in the real-time journey.'),
  SplitterBranch: tile('equivalent', 'A branch of the real-time split.'),
  CreateCrmActivity: tile('partial', 'Create the phone call, task or appointment with a Power Automate flow triggered from the journey.'),
  InvokeWorkflow: tile('partial', 'Classic on-demand workflows are not started by real-time journeys; rebuild as a Power Automate flow on a custom trigger.'),
  CreateLead: tile('partial', 'Create the lead with a form setting or a Power Automate flow.'),
  RecordUpdate: tile('partial', 'Update the record with a Power Automate flow started from the journey.'),
  LinkedInCampaign: tile('none', 'LinkedIn and social posting were removed in December 2024; no equivalent.'),
});

/** The mapping of a custom channel tile (a type matched by a tile configuration). */
export const CUSTOM_CHANNEL_MAPPING: TileMapping = tile(
  'none',
  'Outbound custom channels stop working and have no migration tooling: reimplement the channel as a real-time custom channel.',
);

/** The mapping of a tile type nobody documents and no tile configuration names. */
export const UNKNOWN_TILE_MAPPING: TileMapping = tile('none', 'Unknown tile type: no documented behaviour to map; rebuild by hand after finding out what it did.');

/** Tile types that are structure only: not counted as tiles. */
export const STRUCTURAL_TYPES: ReadonlySet<string> = new Set(['bpf_root', 'empty']);

/** How one tile type maps, given whether it is a custom channel tile. */
export function mappingOfTile(type: string, isCustomChannel: boolean): TileMapping {
  if (Object.prototype.hasOwnProperty.call(TILE_MAPPINGS, type)) return TILE_MAPPINGS[type]!;
  return isCustomChannel ? CUSTOM_CHANNEL_MAPPING : UNKNOWN_TILE_MAPPING;
}

/** The journey's overall level: the weakest level of its tiles (`equivalent` with no tiles). */
export function journeyLevel(levels: Iterable<MappingLevel>): MappingLevel {
  let result: MappingLevel = 'equivalent';
  for (const level of levels) {
    if (level === 'none') return 'none';
    if (level === 'partial') result = 'partial';
  }
  return result;
}

/** The risks a journey can carry into the migration. */
export const RISKS = Object.freeze({
  'live-at-removal': { hours: 2, description: 'Live, live-editable, going live, stopping or in error: it was running (or about to) when outbound was removed; contacts in flight were dropped.' },
  swimlanes: { hours: 2, description: 'Several swimlanes under the root: rebuild as nested or compound segments plus branches.' },
  'smart-scheduling': { hours: 1, description: 'A scheduler restricts sending to days or hours ("send at the right time"); real-time journeys have no equivalent.' },
  'end-date-semantics': { hours: 0.5, description: 'Has an end date: outbound stops every contact at the end; a real-time journey end date only stops new entrants.' },
  'custom-channel': { hours: 8, description: 'Uses a custom channel tile: the channel must be reimplemented as a real-time custom channel.' },
  'segment-member-export': { hours: 1, description: 'References a static segment: its members lived in an internal table that was removed; export them.' },
  'segment-outside-migration-limits': { hours: 2, description: 'References a segment the Segment Migration Solution does not migrate (interaction-based, no query, expired, static over 100 members, nested or traversing).' },
  'subscription-center': { hours: 1, description: 'Sends email with content settings that have a subscription centre: unsubscribe links in sent emails break; set up a compliance profile and preference centre.' },
  'event-after-removal': { hours: 1, description: 'References an event that starts after outbound was removed (2026-05-01): recreate it in real-time journeys.' },
  'owner-disabled': { hours: 0.5, description: 'The owner is disabled (in Dataverse or Entra ID): assign a new owner.' },
  'owner-missing': { hours: 0.5, description: 'The owner no longer exists (no system user or no Entra account): assign a new owner.' },
  'linkedin-campaign': { hours: 0.5, description: 'Linked to a LinkedIn campaign: LinkedIn integration was removed in December 2024.' },
  'unknown-tile': { hours: 1, description: 'Has a tile type that is neither documented nor a known custom channel tile.' },
} as const);

/** A risk id. */
export type RiskId = keyof typeof RISKS;
/** Every risk id, in report order. */
export const RISK_IDS = Object.freeze(Object.keys(RISKS) as RiskId[]);

/** Base hours of every journey (review, recreate settings, test). */
export const BASE_HOURS = 1;

/**
 * The effort estimate in hours: {@link BASE_HOURS} + the hours of each tile by its mapping level
 * ({@link TILE_HOURS}) + the hours of each risk ({@link RISKS}), rounded up to a quarter hour.
 * An estimate, not a quote: it ranks journeys and sizes the whole migration.
 */
export function estimateEffort(tileLevels: Readonly<Record<MappingLevel, number>>, risks: readonly RiskId[]): number {
  let hours = BASE_HOURS;
  for (const level of ['equivalent', 'partial', 'none'] as const) hours += tileLevels[level] * TILE_HOURS[level];
  for (const risk of risks) hours += RISKS[risk].hours;
  return Math.ceil(hours * 4) / 4;
}

/** Buckets of the effort chart (upper bounds in hours; the last is open). */
export const EFFORT_BUCKETS = Object.freeze([
  { label: '≤ 2 h', max: 2 },
  { label: '2–4 h', max: 4 },
  { label: '4–8 h', max: 8 },
  { label: '8–16 h', max: 16 },
  { label: '> 16 h', max: Number.POSITIVE_INFINITY },
]);

/** The index of the effort bucket of `hours`. */
export function effortBucket(hours: number): number {
  return EFFORT_BUCKETS.findIndex((bucket) => hours <= bucket.max);
}
