/**
 * The rows and summaries of a migration audit. Per-journey and per-reference rows are written to
 * JSON-lines work files as the audit pages through the journeys; the summary is aggregated page
 * by page; reports are built by streaming the work files.
 */
import type { MappingLevel, RiskId } from './mapping.js';
import type { SegmentSummary } from './segments.js';

/** One journey of the inventory. */
export interface AuditJourneyRow {
  id: string;
  name: string;
  status: string;
  statusCode: number | null;
  createdOn: string | null;
  modifiedOn: string | null;
  startDate: string | null;
  endDate: string | null;
  isRecurring: boolean;
  recurrenceIntervalDays: number | null;
  recurrenceCount: number | null;
  ownerId: string | null;
  /** `systemuser` or `team`, when Dataverse says. */
  ownerType: string | null;
  ownerName: string | null;
  /** `active`, `disabled`, `missing`, or `unchecked` (team owners, no user table access). */
  ownerStatus: 'active' | 'disabled' | 'missing' | 'unchecked';
  owningBusinessUnitId: string | null;
  /** `Organization` or `Business unit` (`msdyncrm_scope`). */
  scope: string | null;
  templateId: string | null;
  templateName: string | null;
  contentSettingsId: string | null;
  contentSettingsName: string | null;
  suppressionSegmentId: string | null;
  /** Tiles by type (activities; the root and `empty` placeholders are not tiles). */
  tiles: Record<string, number>;
  tileCount: number;
  /** Tile types that are neither documented nor custom channel tiles. */
  unknownTileTypes: string[];
  /** Custom channel tile types used. */
  customChannelTileTypes: string[];
  swimlanes: number;
  referenceCount: number;
  /** `msdyncrm_customerjourneycustomchannelactivity` rows of the journey; null when not counted (no custom tiles). */
  customChannelActivities: number | null;
  findings: { error: number; warning: number; info: number };
  /** Rule ids of the offline validation findings, each once. */
  findingRules: string[];
  /** The definition could not be read: why. */
  definitionError: string | null;
  mapping: MappingLevel;
  /** Tiles by mapping level. */
  tileLevels: Record<MappingLevel, number>;
  risks: RiskId[];
  effortHours: number;
  /** Name of the real-time journey (`msdynmkt_journey`) with the same name, when one exists. */
  recreatedAs: string | null;
}

/** One record referenced by a journey. */
export interface AuditReferenceRow {
  journeyId: string;
  journeyName: string;
  /** A {@link import('../definition/index.js').ReferenceKind}, or `suppressionSegment`, `contentSettings`, `template`, `linkedInCampaign` for journey fields. */
  kind: string;
  id: string | null;
  name: string | null;
  /** Segments: the unique (internal) name. */
  dciSegmentName: string | null;
  tileType: string | null;
  activityId: string | null;
  /** JSON pointer inside the workflow definition; null for journey fields. */
  pointer: string | null;
  /** `found`, `missing`, `unset` (no id) or `unchecked` (the audit does not inventory that table). */
  resolution: 'found' | 'missing' | 'unset' | 'unchecked';
  /** Status of the referenced record when found. */
  recordStatus: string | null;
}

/** A custom channel tile configuration found among the web resources. */
export interface AuditCustomChannelTile {
  webResource: string;
  prefix: string;
  entityType: string | null;
  entitySetName: string | null;
  label: string | null;
  responseTypes: string[];
  /** Journeys using the tile. */
  journeys: number;
  problem: string | null;
}

/** Counts by key, in first-seen order (sorted when reported). */
export type Counts = Record<string, number>;

/** What the audit aggregates over all journeys and inventories. */
export interface AuditSummary {
  journeys: number;
  journeysByStatus: Counts;
  tilesByType: Counts;
  journeysByMapping: Record<MappingLevel, number>;
  risks: Counts;
  referencesByKind: Counts;
  unresolvedReferences: number;
  missingReferences: number;
  unknownTileTypes: Counts;
  customChannelActivities: number;
  findingsBySeverity: { error: number; warning: number; info: number };
  findingsByRule: Counts;
  effortHours: number;
  /** Journeys per effort bucket (see EFFORT_BUCKETS). */
  effortBuckets: number[];
  recreated: number;
  recurring: number;
  businessUnitScoped: number;
  owners: { active: number; disabled: number; missing: number; unchecked: number };
  segments: {
    total: number;
    byType: Counts;
    byStatus: Counts;
    byQueryKind: Counts;
    memberExport: number;
    outsideMigrationLimits: number;
    outsideMigrationLimitsByReason: Counts;
    overMigrationSolutionLimit: boolean;
  };
  emails: { total: number; byStatus: Counts };
  templates: { total: number; byStatus: Counts };
  contentSettings: { total: number; withSubscriptionCenter: number };
  events: { total: number; afterRemoval: number };
  customChannelTiles: number;
  realTimeJourneys: number;
}

export type { SegmentSummary };
