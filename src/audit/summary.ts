/**
 * The audit summary, aggregated journey by journey so that no step needs every journey at once.
 * It is plain JSON: the checkpoint stores it between pages.
 */
import { EFFORT_BUCKETS, effortBucket, SEGMENT_MIGRATION_MAX_SEGMENTS } from './mapping.js';
import type { SegmentSummary } from './segments.js';
import type { AuditJourneyRow, AuditReferenceRow, AuditSummary, Counts } from './types.js';

/** An empty summary. */
export function emptySummary(): AuditSummary {
  return {
    journeys: 0,
    journeysByStatus: {},
    tilesByType: {},
    journeysByMapping: { equivalent: 0, partial: 0, none: 0 },
    risks: {},
    referencesByKind: {},
    unresolvedReferences: 0,
    missingReferences: 0,
    unknownTileTypes: {},
    customChannelActivities: 0,
    findingsBySeverity: { error: 0, warning: 0, info: 0 },
    findingsByRule: {},
    effortHours: 0,
    effortBuckets: EFFORT_BUCKETS.map(() => 0),
    recreated: 0,
    recurring: 0,
    businessUnitScoped: 0,
    owners: { active: 0, disabled: 0, missing: 0, unchecked: 0 },
    segments: {
      total: 0,
      byType: {},
      byStatus: {},
      byQueryKind: {},
      memberExport: 0,
      outsideMigrationLimits: 0,
      outsideMigrationLimitsByReason: {},
      overMigrationSolutionLimit: false,
    },
    emails: { total: 0, byStatus: {} },
    templates: { total: 0, byStatus: {} },
    contentSettings: { total: 0, withSubscriptionCenter: 0 },
    events: { total: 0, afterRemoval: 0 },
    customChannelTiles: 0,
    realTimeJourneys: 0,
  };
}

/** Add `by` to `counts[key]`. Keys come from record data: `__proto__` is stored as an own key. */
export function bump(counts: Counts, key: string, by = 1): void {
  const current = Object.prototype.hasOwnProperty.call(counts, key) ? counts[key]! : 0;
  Object.defineProperty(counts, key, { value: current + by, enumerable: true, writable: true, configurable: true });
}

/** Add one journey and its references to the summary. */
export function addJourney(summary: AuditSummary, row: AuditJourneyRow, references: readonly AuditReferenceRow[]): void {
  summary.journeys++;
  bump(summary.journeysByStatus, row.status);
  for (const [type, count] of Object.entries(row.tiles)) bump(summary.tilesByType, type, count);
  summary.journeysByMapping[row.mapping]++;
  for (const risk of row.risks) bump(summary.risks, risk);
  for (const type of row.unknownTileTypes) bump(summary.unknownTileTypes, type);
  summary.customChannelActivities += row.customChannelActivities ?? 0;
  summary.findingsBySeverity.error += row.findings.error;
  summary.findingsBySeverity.warning += row.findings.warning;
  summary.findingsBySeverity.info += row.findings.info;
  for (const rule of row.findingRules) bump(summary.findingsByRule, rule);
  // Sum in quarter hours (integers) so totals do not drift with floating point.
  summary.effortHours = (Math.round(summary.effortHours * 4) + Math.round(row.effortHours * 4)) / 4;
  summary.effortBuckets[effortBucket(row.effortHours)]!++;
  if (row.recreatedAs !== null) summary.recreated++;
  if (row.isRecurring) summary.recurring++;
  if (row.scope === 'Business unit') summary.businessUnitScoped++;
  summary.owners[row.ownerStatus]++;
  for (const reference of references) {
    bump(summary.referencesByKind, reference.kind);
    if (reference.resolution === 'unset') summary.unresolvedReferences++;
    if (reference.resolution === 'missing') summary.missingReferences++;
  }
}

/** Add one segment of the inventory. */
export function addSegment(summary: AuditSummary, segment: SegmentSummary): void {
  const s = summary.segments;
  s.total++;
  bump(s.byType, segment.type);
  bump(s.byStatus, segment.status);
  bump(s.byQueryKind, segment.queryKind);
  if (segment.memberExport) s.memberExport++;
  if (segment.outsideMigrationLimits.length > 0) s.outsideMigrationLimits++;
  for (const reason of segment.outsideMigrationLimits) bump(s.outsideMigrationLimitsByReason, reason);
  s.overMigrationSolutionLimit = s.total > SEGMENT_MIGRATION_MAX_SEGMENTS;
}

/** The same counts with keys sorted (stable reports whatever the page order). */
export function sortCounts(counts: Counts): Counts {
  const result: Counts = {};
  for (const key of Object.keys(counts).sort()) Object.defineProperty(result, key, { value: counts[key], enumerable: true, writable: true, configurable: true });
  return result;
}

/** A copy of the summary with every count map sorted by key. */
export function normalizeSummary(summary: AuditSummary): AuditSummary {
  return {
    ...summary,
    journeysByStatus: sortCounts(summary.journeysByStatus),
    tilesByType: sortCounts(summary.tilesByType),
    risks: sortCounts(summary.risks),
    referencesByKind: sortCounts(summary.referencesByKind),
    unknownTileTypes: sortCounts(summary.unknownTileTypes),
    findingsByRule: sortCounts(summary.findingsByRule),
    segments: {
      ...summary.segments,
      byType: sortCounts(summary.segments.byType),
      byStatus: sortCounts(summary.segments.byStatus),
      byQueryKind: sortCounts(summary.segments.byQueryKind),
      outsideMigrationLimitsByReason: sortCounts(summary.segments.outsideMigrationLimitsByReason),
    },
    emails: { ...summary.emails, byStatus: sortCounts(summary.emails.byStatus) },
    templates: { ...summary.templates, byStatus: sortCounts(summary.templates.byStatus) },
  };
}
