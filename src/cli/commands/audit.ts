/**
 * `journeyctl audit`: the outbound-marketing migration audit. Read-only (GET requests only),
 * streaming and resumable; reports in `--out`, an optional archive of every journey, progress on
 * stderr and a summary on stdout.
 *
 * Exit codes: 0 when the audit completed, whatever it found (findings and risks are the audit's
 * content, not a failure); 1 when it was interrupted (the checkpoint stays: rerun with
 * `--resume`); 2 for bad options; 3 for service, auth or network errors.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { graphDirectory, REPORT_FORMATS, runAudit, type AuditOutcome, type AuditProgress, type EntraDirectory, type ReportFormat } from '../../audit/index.js';
import { createCredential } from '../../dataverse/credentials.js';
import { credentialTokenProvider } from '../../dataverse/index.js';
import { InputError, OperationFailedError } from '../../errors.js';
import { withConnectionOptions } from '../connection.js';
import { abortOnSignal, handle, withConnection, type ArgsOf, type GlobalArgs } from '../command.js';
import { createProgress } from '../progress.js';

function toolVersion(): string {
  try {
    return (createRequire(import.meta.url)('../../../package.json') as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Parse `--report html,md` (repeatable, comma-separated). */
export function parseFormats(values: readonly string[]): ReportFormat[] {
  const formats = new Set<ReportFormat>();
  for (const value of values.flatMap((v) => String(v).split(','))) {
    const format = value.trim().toLowerCase();
    if (format === '') continue;
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw new InputError(`Unknown report format "${value.trim()}"`, {}, { hint: `use any of ${REPORT_FORMATS.join(', ')}, e.g. --report html,csv` });
    }
    formats.add(format as ReportFormat);
  }
  if (formats.size === 0) throw new InputError('--report names no report format', {}, { hint: `use any of ${REPORT_FORMATS.join(', ')}` });
  return [...formats];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The Entra directory for `--resolve-owners`. A loopback Graph URL (the emulator's Graph subset)
 * needs no token; otherwise `GRAPH_TOKEN`, or a `DefaultAzureCredential` token for `<graph>/.default`.
 */
async function directoryFor(graphUrl: string): Promise<EntraDirectory> {
  let url: URL;
  try {
    url = new URL(graphUrl);
  } catch {
    throw new InputError(`--graph-url "${graphUrl}" is not a URL`, {}, { hint: 'e.g. --graph-url https://graph.microsoft.com' });
  }
  const staticToken = process.env.GRAPH_TOKEN;
  if (staticToken) return graphDirectory({ graphUrl: url.origin, getToken: async () => staticToken });
  if (LOOPBACK.has(url.hostname)) return graphDirectory({ graphUrl: url.origin, getToken: async () => 'emulator' });
  const provider = credentialTokenProvider(await createCredential({ kind: 'default' }), `${url.origin}/.default`);
  return graphDirectory({ graphUrl: url.origin, getToken: () => provider.getToken() });
}

function progressLine(event: AuditProgress): string {
  switch (event.phase) {
    case 'inventory':
      return `inventory: ${event.table} ${event.rows}`;
    case 'journeys':
      return `journeys: ${event.journeys} (${event.pages} pages)`;
    case 'reports':
      return `wrote ${event.file}`;
    case 'resumed':
      return `resuming after ${event.pages} pages (${event.journeys} journeys)`;
  }
}

/** The summary printed on stdout. */
export function summaryText(outcome: AuditOutcome): string {
  const s = outcome.summary;
  const counts = (c: Record<string, number>) =>
    Object.entries(c)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const lines = [
    `Audited ${s.journeys} journeys: ${counts(s.journeysByStatus)}`,
    `Tiles: ${counts(s.tilesByType)}`,
    `Real-time equivalent: ${s.journeysByMapping.equivalent} full, ${s.journeysByMapping.partial} partial, ${s.journeysByMapping.none} none; ${s.recreated} already recreated`,
    `Risks: ${counts(s.risks)}`,
    `Segments: ${s.segments.total} (${s.segments.memberExport} need a member export, ${s.segments.outsideMigrationLimits} outside the Segment Migration Solution limits)`,
    `Custom channel activities: ${s.customChannelActivities}`,
    `Estimated effort: ${s.effortHours} hours (an estimate; see the reports)`,
    'Reports:',
    ...outcome.reports.map((r) => `  ${r.path}`),
  ];
  if (outcome.archive) lines.push(`Archive: ${outcome.archive.journeys} journeys, manifest ${outcome.archive.manifest}`);
  return lines.join('\n');
}

/** The stdout formats of `audit` (the report files are chosen with `--report`). */
export const AUDIT_OUTPUT_FORMATS = ['text', 'json'] as const;

/** Options of `journeyctl audit`. */
export const builder = (y: Argv<GlobalArgs>) =>
  withConnectionOptions(
    y
      .option('out', { type: 'string', default: 'audit', describe: 'Directory of the reports, work files and checkpoint' })
      .option('report', { type: 'string', array: true, default: ['html', 'md', 'json', 'csv'], describe: 'Report files to write in --out: any of html,md,json,csv' })
      .option('format', { alias: 'f', type: 'string', default: 'text', describe: 'Summary format on stdout: text or json' })
      .option('archive', { type: 'string', describe: 'Also write every journey in the export format here, with manifest.json' })
      .option('resume', { type: 'boolean', default: false, describe: 'Continue an interrupted audit from the checkpoint in --out' })
      .option('resolve-owners', { type: 'boolean', default: false, describe: "Look up owners' Entra accounts in Microsoft Graph; flag disabled and deleted ones" })
      .option('graph-url', { type: 'string', describe: 'Microsoft Graph origin. Default: https://graph.microsoft.com (the emulator for the embedded target)' })
      .option('page-size', { type: 'number', default: 200, describe: 'Journeys per page (1-5000)' })
      .example('$0 audit --out audit --report html,csv', 'audit the configured environment')
      .example('$0 audit --out audit --resume', 'continue an interrupted audit')
      .example('$0 audit --format json > summary.json', 'the summary as JSON'),
  );

/**
 * `--format` is the stdout format, as everywhere; it used to name the report files. A report
 * type given to it says where it moved instead of a bare "invalid value".
 */
export function auditOutputFormat(value: string): (typeof AUDIT_OUTPUT_FORMATS)[number] {
  if ((AUDIT_OUTPUT_FORMATS as readonly string[]).includes(value)) return value as (typeof AUDIT_OUTPUT_FORMATS)[number];
  if (value.split(',').some((v) => (REPORT_FORMATS as readonly string[]).includes(v.trim().toLowerCase()))) {
    throw new InputError(`audit --format ${value}: --format is the summary format on stdout (text or json); report files are chosen with --report`, {}, { hint: `e.g. --report ${value}` });
  }
  throw new InputError(`audit --format ${value}: use text or json`, {}, { hint: 'report files are chosen with --report html,md,json,csv' });
}

/** Runs the audit: reports in --out, the summary on stdout. */
export const handler = handle('audit', async (args: ArgsOf<typeof builder>) => {
  // Checked before the audit starts; handle() prints the summary in this (valid) format.
  auditOutputFormat(args.format);
  const formats = parseFormats(args.report);
  const pageSize = args['page-size'];
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) {
    throw new InputError(`--page-size must be a whole number from 1 to 5000, not ${String(pageSize)}`, {}, { hint: 'e.g. --page-size 200' });
  }
  return withConnection(args, { readOnly: true }, async (connection) => {
    const progress = createProgress({ title: 'audit', quiet: args.quiet, color: args.color });
    const stop = abortOnSignal();
    try {
      const directory = args['resolve-owners']
        ? await directoryFor(args['graph-url'] ?? (connection.emulator ? connection.emulator.url : 'https://graph.microsoft.com'))
        : undefined;
      let outcome: AuditOutcome;
      try {
        outcome = await runAudit(connection.client, {
          outDir: resolve(args.out),
          formats,
          resume: args.resume,
          pageSize,
          ...(args.archive ? { archiveDir: resolve(args.archive) } : {}),
          ...(directory ? { directory } : {}),
          sourceUrl: connection.target.url,
          toolVersion: toolVersion(),
          abortSignal: stop.signal,
          onProgress: (event) => {
            if (event.phase === 'journeys') progress.update(event.journeys, event.journeys, `journeys, ${event.pages} pages`, progressLine(event));
            else progress.step(progressLine(event));
          },
        });
      } catch (error) {
        progress.stop();
        if (stop.signal.aborted) {
          throw new OperationFailedError('The audit was interrupted', { hint: `run it again with --resume --out ${args.out} to continue`, cause: error });
        }
        throw error;
      }
      progress.stop();
      return { data: auditSummaryData(outcome), text: () => summaryText(outcome) };
    } finally {
      stop.dispose();
    }
  });
});

/** The `--format json` summary: the audit summary, the report files and the archive. */
export function auditSummaryData(outcome: AuditOutcome): { summary: AuditOutcome['summary']; reports: string[]; archive: AuditOutcome['archive'] | null } {
  return { summary: outcome.summary, reports: outcome.reports.map((r) => r.path), archive: outcome.archive ?? null };
}
