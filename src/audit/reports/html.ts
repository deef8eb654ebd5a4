/**
 * The HTML report: one self-contained file (inline CSS, inline SVG charts, no script, no external
 * resource) that opens from disk in any browser. Every value from records is HTML-escaped, and a
 * Content-Security-Policy forbids scripts and remote loads even if something slipped through.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../files.js';
import { EFFORT_BUCKETS, REMOVAL_DATE } from '../mapping.js';
import type { AuditJourneyRow, Counts } from '../types.js';
import { barChart, type Bar } from './charts.js';
import { escapeHtml as h } from './escape.js';
import { customTypesOf, riskRows, tileMappingRows, type ReportInput } from './model.js';

/** File name of the HTML report. */
export const HTML_REPORT_FILE = 'audit-report.html';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1a202c}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #e2e8f0;padding-bottom:.25rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #e2e8f0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f7fafc}td.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:.75rem}.card{border:1px solid #e2e8f0;border-radius:6px;padding:.6rem .9rem;min-width:150px}
.card b{display:block;font-size:1.4rem}.muted{color:#718096;fill:#718096}svg text{font-size:12px;fill:#1a202c}
.charts{display:flex;flex-wrap:wrap;gap:2rem}.none{color:#c53030}.partial{color:#b7791f}.equivalent{color:#2f855a}
`;

function bars(counts: Counts): Bar[] {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([label, value]) => ({ label, value }));
}

function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (c: unknown) => (typeof c === 'number' ? `<td class="n">${c}</td>` : `<td>${h(c)}</td>`);
  return `<table><thead><tr>${header.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

/** The HTML document. */
export function renderHtml(input: Pick<ReportInput, 'summary' | 'meta'>, top: readonly AuditJourneyRow[]): string {
  const s = input.summary;
  const card = (label: string, value: number | string) => `<div class="card"><b>${h(value)}</b>${h(label)}</div>`;
  const mapping = tileMappingRows(s, customTypesOf(s));
  const body = [
    `<h1>Outbound marketing migration audit</h1>`,
    `<p class="muted">Generated ${h(input.meta.generatedAt)}${input.meta.sourceUrl ? ` from ${h(input.meta.sourceUrl)}` : ''} by journeyctl${input.meta.toolVersion ? ` ${h(input.meta.toolVersion)}` : ''}. Outbound marketing was removed from every environment in May 2026 (counted from ${h(REMOVAL_DATE.slice(0, 10))}); journeys must be rebuilt as real-time journeys.</p>`,
    `<div class="cards">${[
      card('journeys', s.journeys),
      card('tiles', Object.values(s.tilesByType).reduce((a, b) => a + b, 0)),
      card('estimated hours', s.effortHours),
      card('without equivalent', s.journeysByMapping.none),
      card('custom channel activities', s.customChannelActivities),
      card('already recreated', s.recreated),
      card('segments', s.segments.total),
      card('emails', s.emails.total),
    ].join('')}</div>`,
    `<h2>Charts</h2><div class="charts">`,
    `<figure><figcaption>Journeys by status</figcaption>${barChart(bars(s.journeysByStatus), { title: 'Journeys by status' })}</figure>`,
    `<figure><figcaption>Tiles by type</figcaption>${barChart(bars(s.tilesByType), { title: 'Tiles by type', color: '#805ad5' })}</figure>`,
    `<figure><figcaption>Journeys by estimated effort</figcaption>${barChart(
      EFFORT_BUCKETS.map((b, i) => ({ label: b.label, value: s.effortBuckets[i] ?? 0 })),
      { title: 'Journeys by estimated effort', color: '#dd6b20' },
    )}</figure>`,
    `<figure><figcaption>Journeys by mapping</figcaption>${barChart(
      (['equivalent', 'partial', 'none'] as const).map((level) => ({ label: level, value: s.journeysByMapping[level] })),
      { title: 'Journeys by mapping', color: '#38a169' },
    )}</figure>`,
    `</div>`,
    `<h2>Risks</h2>`,
    table(['Risk', 'Journeys', 'Meaning', 'Hours each'], riskRows(s).map((r) => [r.id, r.journeys, r.description, r.hours])),
    `<h2>Tile mapping to real-time journeys</h2>`,
    `<table><thead><tr><th>Tile type</th><th>Tiles</th><th>Real-time journeys</th><th>Why</th></tr></thead><tbody>${mapping
      .map((r) => `<tr><td>${h(r.type)}</td><td class="n">${r.tiles}</td><td class="${r.level}">${h(r.level)}</td><td>${h(r.reason)}</td></tr>`)
      .join('')}</tbody></table>`,
    `<h2>Segments</h2>`,
    table(
      ['What', 'Count'],
      [
        ['Segments', s.segments.total],
        ['Members must be exported (static)', s.segments.memberExport],
        ['Outside the Segment Migration Solution limits', s.segments.outsideMigrationLimits],
        ...Object.entries(s.segments.byQueryKind).map(([k, v]) => [`Query kind: ${k}`, v] as [string, number]),
      ],
    ),
    s.segments.overMigrationSolutionLimit ? `<p class="none">More than 2,000 segments: the Segment Migration Solution migrates at most 2,000.</p>` : '',
    `<h2>Journeys that need the most work</h2>`,
    `<p class="muted">The ${top.length} journeys with the highest estimated effort; every journey is in the CSV and JSON reports. Effort is an estimate: base hours + hours per tile by mapping + hours per risk.</p>`,
    table(
      ['Journey', 'Status', 'Owner', 'Tiles', 'Mapping', 'Risks', 'Hours'],
      top.map((j) => [j.name, j.status, j.ownerName ?? j.ownerId ?? '', j.tileCount, j.mapping, j.risks.join(', '), j.effortHours]),
    ),
    `<h2>Offline validation findings</h2>`,
    table(['Severity', 'Findings'], [['error', s.findingsBySeverity.error], ['warning', s.findingsBySeverity.warning], ['info', s.findingsBySeverity.info]]),
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outbound marketing migration audit</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** Write the HTML report; returns its path. */
export async function writeHtmlReport(input: ReportInput, top: readonly AuditJourneyRow[]): Promise<string> {
  const path = join(input.outDir, HTML_REPORT_FILE);
  await writeFileAtomic(path, renderHtml(input, top));
  return path;
}
