/**
 * Segment facts the audit needs: kind of query, size, whether members must be exported, and
 * whether the Segment Migration Solution can take the segment. Its documented limits: at most
 * 2,000 segments; no interaction (behavioural) segments; no segments without a definition; no
 * Expired segments; static segments with at most 100 members; no complex nesting or entity
 * traversal; business-unit scoping is ignored (transition FAQ and segment walkthrough).
 */
import { labelOf, SegmentQueryType, SegmentStatus, SegmentStatusSet, SegmentType, SegmentTypeSet, Scope } from '../model/optionSets.js';
import { SEGMENT_MIGRATION_MAX_STATIC_MEMBERS } from './mapping.js';

/** Why the Segment Migration Solution will not migrate a segment. */
export type SegmentLimitReason = 'interaction-based' | 'no-definition' | 'expired' | 'static-over-100-members' | 'entity-traversal' | 'complex-nesting';

/** What the audit keeps of one segment. */
export interface SegmentSummary {
  id: string;
  name: string;
  /** Dynamic, Static, Compound (label), or the raw value. */
  type: string;
  status: string;
  /** `msdyncrm_segmentsize`, or the number of static member ids. */
  size: number | null;
  /** `interaction`, `profile`, or `unknown`. */
  queryKind: 'interaction' | 'profile' | 'unknown';
  /** Static: the member list lived in an internal table that was removed; export it. */
  memberExport: boolean;
  /** Empty when the Segment Migration Solution can migrate it. */
  outsideMigrationLimits: SegmentLimitReason[];
  /** Scoped to a business unit: the migration ignores the scope. */
  businessUnitScopeIgnored: boolean;
}

/** `$select` of the segment inventory. */
export const SEGMENT_SELECT = [
  'msdyncrm_segmentid',
  'msdyncrm_segmentname',
  'msdyncrm_segmenttype',
  'statuscode',
  'msdyncrm_querytype',
  'msdyncrm_segmentquery',
  'msdyncrm_segmentmemberids',
  'msdyncrm_segmentsize',
  'msdyncrm_scope',
] as const;

function memberCount(value: unknown): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.length : null;
  } catch {
    return null;
  }
}

function occurrences(text: string, pattern: RegExp): number {
  return (text.match(pattern) ?? []).length;
}

/** Summarize one segment row (Web API shape). */
export function summarizeSegment(row: Readonly<Record<string, unknown>>): SegmentSummary {
  const type = typeof row.msdyncrm_segmenttype === 'number' ? row.msdyncrm_segmenttype : null;
  const status = typeof row.statuscode === 'number' ? row.statuscode : null;
  const query = typeof row.msdyncrm_segmentquery === 'string' ? row.msdyncrm_segmentquery : '';
  const members = memberCount(row.msdyncrm_segmentmemberids);
  const size = typeof row.msdyncrm_segmentsize === 'number' ? row.msdyncrm_segmentsize : members;
  const interaction = row.msdyncrm_querytype === SegmentQueryType.InteractionBased || /\bINTERACTION\s*\(/i.test(query);
  const profile = !interaction && (row.msdyncrm_querytype === SegmentQueryType.ProfileBased || /\bPROFILE\s*\(/i.test(query));
  const reasons: SegmentLimitReason[] = [];
  if (interaction) reasons.push('interaction-based');
  if (type !== SegmentType.Static && query.trim() === '') reasons.push('no-definition');
  if (status === SegmentStatus.Expired) reasons.push('expired');
  if (type === SegmentType.Static && (members ?? size ?? 0) > SEGMENT_MIGRATION_MAX_STATIC_MEMBERS) reasons.push('static-over-100-members');
  if (/\bTRAVERSE\s*\(/i.test(query)) reasons.push('entity-traversal');
  // A segment built on more than one other segment is the "complex nesting" the solution skips.
  if (occurrences(query, /\bSEGMENT\s*\(/gi) > 1) reasons.push('complex-nesting');
  return {
    id: String(row.msdyncrm_segmentid ?? ''),
    name: typeof row.msdyncrm_segmentname === 'string' ? row.msdyncrm_segmentname : '',
    type: labelOf(SegmentTypeSet, type) ?? (type === null ? 'unknown' : String(type)),
    status: labelOf(SegmentStatusSet, status) ?? (status === null ? 'unknown' : String(status)),
    size,
    queryKind: interaction ? 'interaction' : profile ? 'profile' : 'unknown',
    memberExport: type === SegmentType.Static,
    outsideMigrationLimits: reasons,
    businessUnitScopeIgnored: row.msdyncrm_scope === Scope.BusinessUnit,
  };
}

/** Labels for the report. */
export const SEGMENT_LIMIT_LABELS: Readonly<Record<SegmentLimitReason, string>> = Object.freeze({
  'interaction-based': 'interaction (behavioural) segment',
  'no-definition': 'no query definition',
  expired: 'expired',
  'static-over-100-members': `static with more than ${SEGMENT_MIGRATION_MAX_STATIC_MEMBERS} members`,
  'entity-traversal': 'entity traversal',
  'complex-nesting': 'complex nesting',
});
