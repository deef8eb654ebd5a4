/**
 * The migration audit: inventories, then the journeys page by page (each page analysed, its rows
 * appended to JSON-lines work files, the summary and a checkpoint updated), then the reports,
 * built by streaming the work files. Memory stays bounded by one page of journeys plus the small
 * inventories, whatever the number of journeys. Only GET requests are sent.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataverseClient } from '../dataverse/index.js';
import { InputError } from '../errors.js';
import { Tables } from '../model/names.js';
import { analyzeJourney, JOURNEY_SELECT, matchesTile, type AuditLookups } from './analyzeJourney.js';
import { archiveJourney, ARCHIVE_EXTRA_SELECT, writeArchiveManifest } from './archive.js';
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint, type AuditCheckpoint } from './checkpoint.js';
import { appendLines, fileSize, truncateTo } from './files.js';
import { readInventory } from './inventory.js';
import { OwnerBook, type EntraDirectory } from './owners.js';
import { writeReports, REPORT_FORMATS, type ReportFormat, type WrittenReport } from './reports/index.js';
import { addJourney, emptySummary, normalizeSummary } from './summary.js';
import type { AuditJourneyRow, AuditReferenceRow, AuditSummary } from './types.js';
import { isGuid } from '../util/guid.js';

/** Work files of an audit, inside the output directory. */
export const WORK_FILES = Object.freeze({
  journeys: 'audit-journeys.jsonl',
  references: 'audit-references.jsonl',
  archive: 'audit-archive.jsonl',
});

/** Progress events, for a progress line on stderr. */
export type AuditProgress =
  | { phase: 'inventory'; table: string; rows: number }
  | { phase: 'journeys'; pages: number; journeys: number }
  | { phase: 'reports'; file: string }
  | { phase: 'resumed'; pages: number; journeys: number };

/** Options of {@link runAudit}. */
export interface AuditOptions {
  /** Where work files, the checkpoint and the reports go. */
  outDir: string;
  /** Report formats. @default all: html, md, json, csv */
  formats?: readonly ReportFormat[];
  /** Continue an interrupted audit from the checkpoint in `outDir`. @default false (start over) */
  resume?: boolean;
  /** Journeys per page (`Prefer: odata.maxpagesize`). @default 200 */
  pageSize?: number;
  /** Also write every journey in the export format here, with a manifest. */
  archiveDir?: string;
  /** Look up owners' Entra accounts (`--resolve-owners`). @default Dataverse's system users only */
  directory?: EntraDirectory;
  /** The environment audited, for the reports and the manifest. */
  sourceUrl?: string;
  /** Version of the tool, for the reports and the manifest. */
  toolVersion?: string;
  /** Generation time. @default now */
  now?: () => Date;
  onProgress?(event: AuditProgress): void;
  abortSignal?: AbortSignal;
  /**
   * Stop after this many journey pages, as an interruption would (the checkpoint stays), and
   * resolve with `completed: false`. For tests and for auditing in slices.
   */
  stopAfterPages?: number;
  /** Count custom channel activities of at most this many journeys at once. @default 4 */
  countConcurrency?: number;
}

/** What an audit produced. */
export interface AuditOutcome {
  completed: boolean;
  summary: AuditSummary;
  reports: WrittenReport[];
  outDir: string;
  archive?: { dir: string; manifest: string; journeys: number };
}

/** Run an audit with a connected client. */
export async function runAudit(client: DataverseClient, options: AuditOptions): Promise<AuditOutcome> {
  const outDir = options.outDir;
  const formats = options.formats ?? REPORT_FORMATS;
  const now = options.now ?? (() => new Date());
  await mkdir(outDir, { recursive: true });
  const paths = {
    journeys: join(outDir, WORK_FILES.journeys),
    references: join(outDir, WORK_FILES.references),
    archive: join(outDir, WORK_FILES.archive),
  };

  let checkpoint = options.resume ? await readCheckpoint(outDir) : undefined;
  if (options.resume && checkpoint === undefined) {
    throw new InputError(`There is no audit to resume in ${outDir}`, { file: join(outDir, CHECKPOINT_FILE) }, { hint: 'run the audit without --resume to start one' });
  }
  if (checkpoint?.finishedAt !== undefined) {
    throw new InputError(`The audit in ${outDir} already finished (at ${checkpoint.finishedAt}); it was not interrupted, so there is nothing to resume`, { file: join(outDir, CHECKPOINT_FILE) }, {
      hint: 'its reports are in that folder; run the audit without --resume to audit again',
    });
  }
  if (checkpoint && (checkpoint.archiveDir ?? null) !== (options.archiveDir ?? null)) {
    throw new InputError(
      `The interrupted audit in ${outDir} was started ${checkpoint.archiveDir ? `with --archive ${checkpoint.archiveDir}` : 'without --archive'}`,
      { file: join(outDir, CHECKPOINT_FILE) },
      { hint: 'resume with the same --archive option, or start over without --resume' },
    );
  }
  if (checkpoint) {
    for (const key of ['journeys', 'references', 'archive'] as const) {
      if ((await fileSize(paths[key])) < checkpoint.files[key]) {
        throw new InputError(`The work file ${WORK_FILES[key]} of the interrupted audit is missing or shorter than its checkpoint`, { file: paths[key] }, {
          hint: 'start the audit again without --resume',
        });
      }
    }
    // Rows written after the last checkpoint belong to a page that will be read again.
    await truncateTo(paths.journeys, checkpoint.files.journeys);
    await truncateTo(paths.references, checkpoint.files.references);
    await truncateTo(paths.archive, checkpoint.files.archive);
    options.onProgress?.({ phase: 'resumed', pages: checkpoint.pages, journeys: checkpoint.summary.journeys });
  } else {
    for (const path of Object.values(paths)) await rm(path, { force: true });
    await rm(join(outDir, CHECKPOINT_FILE), { force: true });
  }
  const pageSize = checkpoint?.pageSize ?? options.pageSize ?? 200;
  const summary: AuditSummary = checkpoint?.summary ?? emptySummary();
  const tileUsage: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, checkpoint?.tileUsage ?? {});
  const startedAt = checkpoint?.startedAt ?? now().toISOString();

  const inventory = await readInventory(client, summary, {
    pageSize: 5000,
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    onTable: (table, rows) => options.onProgress?.({ phase: 'inventory', table, rows }),
  });
  const owners = new OwnerBook(inventory.users, options.directory, checkpoint?.entra ?? {});
  const lookups: AuditLookups = {
    segments: inventory.segments,
    emails: inventory.emails,
    events: inventory.events,
    contentSettings: inventory.contentSettings,
    templates: inventory.templates,
    tiles: inventory.tileMatchers,
    realTimeJourneys: inventory.realTimeJourneys,
    owner: (id, type) => owners.owner(id, type),
  };

  let pages = checkpoint?.pages ?? 0;
  let done = checkpoint?.journeysDone ?? false;
  let token = checkpoint?.continuationToken;
  let pagesThisRun = 0;
  const select = options.archiveDir ? [...JOURNEY_SELECT, ...ARCHIVE_EXTRA_SELECT] : [...JOURNEY_SELECT];
  const query = client.query(Tables.customerJourney.entitySet, {
    select,
    orderBy: [`${Tables.customerJourney.primaryId} asc`],
    maxPageSize: pageSize,
    includeAnnotations: 'Microsoft.Dynamics.CRM.lookuplogicalname',
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });

  while (!done) {
    if (options.stopAfterPages !== undefined && pagesThisRun >= options.stopAfterPages) {
      return { completed: false, summary: normalizeSummary(summary), reports: [], outDir };
    }
    options.abortSignal?.throwIfAborted();
    const iterator = query.byPage({ maxPageSize: pageSize, ...(token ? { continuationToken: token } : {}) });
    const next = await iterator.next();
    await iterator.return?.(undefined);
    const page = next.done ? { items: [], continuationToken: undefined } : next.value;

    await owners.resolve(page.items.map((r) => r._ownerid_value).filter((v): v is string => typeof v === 'string'));
    const rows: AuditJourneyRow[] = [];
    const references: AuditReferenceRow[] = [];
    const archived: unknown[] = [];
    const analyses = page.items.map((record) => ({ record, ...analyzeJourney(record, lookups) }));
    await countCustomChannelActivities(client, analyses.map((a) => a.row), options);
    for (const analysis of analyses) {
      if (options.archiveDir) archived.push(await archiveJourney(options.archiveDir, analysis.record));
      for (const type of analysis.row.customChannelTileTypes) {
        for (const tile of inventory.tiles) if (matchesTile(tile, type)) tileUsage[tile.prefix] = (tileUsage[tile.prefix] ?? 0) + 1;
      }
      addJourney(summary, analysis.row, analysis.references);
      rows.push(analysis.row);
      references.push(...analysis.references);
    }
    await appendLines(paths.journeys, rows);
    await appendLines(paths.references, references);
    await appendLines(paths.archive, archived);
    pages++;
    pagesThisRun++;
    token = page.continuationToken;
    done = token === undefined;
    const state: AuditCheckpoint = {
      format: 'journeyctl-audit-checkpoint',
      version: 1,
      startedAt,
      sourceUrl: options.sourceUrl ?? null,
      pageSize,
      archiveDir: options.archiveDir ?? null,
      pages,
      journeysDone: done,
      ...(token ? { continuationToken: token } : {}),
      files: { journeys: await fileSize(paths.journeys), references: await fileSize(paths.references), archive: await fileSize(paths.archive) },
      summary,
      tileUsage,
      entra: owners.entra,
    };
    await writeCheckpoint(outDir, state);
    checkpoint = state;
    options.onProgress?.({ phase: 'journeys', pages, journeys: summary.journeys });
  }

  for (const tile of inventory.tiles) tile.journeys = tileUsage[tile.prefix] ?? 0;
  const finalSummary = normalizeSummary(summary);
  const generatedAt = now().toISOString();
  const reports = await writeReports({
    outDir,
    formats,
    summary: finalSummary,
    journeysFile: paths.journeys,
    referencesFile: paths.references,
    inventory,
    meta: { generatedAt, startedAt, sourceUrl: options.sourceUrl ?? null, toolVersion: options.toolVersion ?? null },
    onFile: (file) => options.onProgress?.({ phase: 'reports', file }),
  });
  let archive: AuditOutcome['archive'];
  if (options.archiveDir) {
    const manifest = await writeArchiveManifest(options.archiveDir, paths.archive, {
      generatedAt,
      sourceUrl: options.sourceUrl ?? null,
      toolVersion: options.toolVersion ?? null,
    });
    archive = { dir: options.archiveDir, manifest: manifest.path, journeys: manifest.journeys };
  }
  // Mark the audit finished, so that --resume says so instead of running the last steps again.
  if (checkpoint !== undefined) await writeCheckpoint(outDir, { ...checkpoint, finishedAt: generatedAt });
  return { completed: true, summary: finalSummary, reports, outDir, ...(archive ? { archive } : {}) };
}

/** Count the custom channel activity rows of journeys that have custom channel tiles (`$count`, GET). */
async function countCustomChannelActivities(client: DataverseClient, rows: AuditJourneyRow[], options: AuditOptions): Promise<void> {
  const targets = rows.filter((row) => (row.customChannelTileTypes.length > 0 || row.unknownTileTypes.length > 0) && isGuid(row.id));
  let next = 0;
  const lookup = Tables.customChannelActivity.entitySet;
  const worker = async () => {
    while (next < targets.length) {
      const row = targets[next++]!;
      // Dataverse caps @odata.count at 5,000, so 5000 means "at least 5,000":
      // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/count-rows
      row.customChannelActivities = await client.count(lookup, {
        filter: `_msdyncrm_customerjourney_value eq ${row.id}`,
        ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.countConcurrency ?? 4, targets.length) }, worker));
}
