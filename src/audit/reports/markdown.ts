/** The Markdown summary: totals, mapping, risks, effort and the journeys that need the most work. */
import { join } from 'node:path';
import { writeFileAtomic } from '../files.js';
import { EFFORT_BUCKETS, REMOVAL_DATE } from '../mapping.js';
import { SEGMENT_LIMIT_LABELS, type SegmentLimitReason } from '../segments.js';
import type { AuditJourneyRow, AuditSummary, Counts } from '../types.js';
import { escapeMarkdown as md } from './escape.js';
import { customTypesOf, riskRows, tileMappingRows, type ReportInput } from './model.js';

/** File name of the Markdown summary. */
export const MARKDOWN_REPORT_FILE = 'audit-summary.md';

function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const line = (cells: readonly unknown[]) => `| ${cells.map((c) => (typeof c === 'number' ? String(c) : md(c))).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

function countRows(counts: Counts): [string, number][] {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The Markdown text of the summary (`top`: journeys with the highest effort). */
export function renderMarkdown(input: Pick<ReportInput, 'summary' | 'meta'>, top: readonly AuditJourneyRow[]): string {
  const s: AuditSummary = input.summary;
  const parts: string[] = [];
  parts.push('# Outbound marketing migration audit');
  parts.push(
    [
      `Generated ${md(input.meta.generatedAt)}${input.meta.sourceUrl ? ` from ${md(input.meta.sourceUrl)}` : ''} by journeyctl${input.meta.toolVersion ? ` ${md(input.meta.toolVersion)}` : ''}.`,
      `Outbound marketing was removed from every environment in May 2026 (counted from ${REMOVAL_DATE.slice(0, 10)}); journeys must be rebuilt as real-time journeys.`,
    ].join(' '),
  );
  parts.push('## Totals');
  parts.push(
    table(
      ['What', 'Count'],
      [
        ['Journeys', s.journeys],
        ['Tiles', Object.values(s.tilesByType).reduce((a, b) => a + b, 0)],
        ['References', Object.values(s.referencesByKind).reduce((a, b) => a + b, 0)],
        ['References without a record id', s.unresolvedReferences],
        ['References to missing records', s.missingReferences],
        ['Custom channel activities', s.customChannelActivities],
        ['Already recreated as real-time journeys (same name)', s.recreated],
        ['Segments', s.segments.total],
        ['Segments whose members must be exported', s.segments.memberExport],
        ['Segments outside the Segment Migration Solution limits', s.segments.outsideMigrationLimits],
        ['Marketing emails', s.emails.total],
        ['Journey templates', s.templates.total],
        ['Content settings (with a subscription centre)', `${s.contentSettings.total} (${s.contentSettings.withSubscriptionCenter})`],
        ['Events starting after removal', s.events.afterRemoval],
        ['Custom channel tiles', s.customChannelTiles],
        ['Real-time journeys', s.realTimeJourneys],
        ['Estimated effort (hours)', s.effortHours],
      ],
    ),
  );
  if (s.segments.overMigrationSolutionLimit) parts.push('**More than 2,000 segments**: the Segment Migration Solution migrates at most 2,000.');
  parts.push('## Journeys by status');
  parts.push(table(['Status', 'Journeys'], countRows(s.journeysByStatus)));
  parts.push('## Migration mapping');
  parts.push(table(['Mapping', 'Journeys'], [['equivalent', s.journeysByMapping.equivalent], ['partial', s.journeysByMapping.partial], ['none', s.journeysByMapping.none]]));
  parts.push(table(['Tile type', 'Tiles', 'Real-time journeys', 'Why'], tileMappingRows(s, customTypesOf(s)).map((r) => [r.type, r.tiles, r.level, r.reason])));
  parts.push('## Risks');
  parts.push(table(['Risk', 'Journeys', 'Meaning'], riskRows(s).map((r) => [r.id, r.journeys, r.description])));
  const reasons = countRows(s.segments.outsideMigrationLimitsByReason);
  if (reasons.length > 0) {
    parts.push('## Segments the Segment Migration Solution does not take');
    parts.push(table(['Reason', 'Segments'], reasons.map(([reason, n]) => [SEGMENT_LIMIT_LABELS[reason as SegmentLimitReason] ?? reason, n])));
  }
  parts.push('## Effort');
  parts.push('An estimate, not a quote: base hours + hours per tile by mapping level + hours per risk (see docs/audit.md).');
  parts.push(table(['Effort', 'Journeys'], EFFORT_BUCKETS.map((b, i) => [b.label, s.effortBuckets[i] ?? 0])));
  if (top.length > 0) {
    parts.push(`## The ${top.length} journeys that need the most work`);
    parts.push(table(['Journey', 'Status', 'Tiles', 'Mapping', 'Risks', 'Hours'], top.map((j) => [j.name, j.status, j.tileCount, j.mapping, j.risks.join(', '), j.effortHours])));
  }
  parts.push('## Validation findings (offline)');
  parts.push(table(['Severity', 'Findings'], [['error', s.findingsBySeverity.error], ['warning', s.findingsBySeverity.warning], ['info', s.findingsBySeverity.info]]));
  return `${parts.join('\n\n')}\n`;
}

/** Write the Markdown summary; returns its path. */
export async function writeMarkdownReport(input: ReportInput, top: readonly AuditJourneyRow[]): Promise<string> {
  const path = join(input.outDir, MARKDOWN_REPORT_FILE);
  await writeFileAtomic(path, renderMarkdown(input, top));
  return path;
}
