/**
 * The outbound-marketing migration audit: a read-only, streaming, resumable inventory of every
 * customer journey and what it depends on, mapped to real-time journeys, with reports and an
 * archive of every definition.
 */
export { runAudit, WORK_FILES, type AuditOptions, type AuditOutcome, type AuditProgress } from './runAudit.js';
export { analyzeJourney, normalizeName, matchesTile, JOURNEY_SELECT, type AuditLookups, type JourneyAnalysis, type OwnerInfo, type TileMatcher } from './analyzeJourney.js';
export * from './mapping.js';
export { summarizeSegment, SEGMENT_LIMIT_LABELS, SEGMENT_SELECT, type SegmentSummary, type SegmentLimitReason } from './segments.js';
export { graphDirectory, OwnerBook, summarizeUser, type EntraDirectory, type EntraStatus, type GraphDirectoryOptions, type UserSummary } from './owners.js';
export { CHECKPOINT_FILE, readCheckpoint, type AuditCheckpoint } from './checkpoint.js';
export { MANIFEST_FILE, archiveJourney, type ArchivedJourney } from './archive.js';
export { emptySummary, addJourney, normalizeSummary } from './summary.js';
export { readInventory, type Inventory } from './inventory.js';
export * from './reports/index.js';
export type * from './types.js';
