/**
 * The outbound custom channel interaction reporter: reads custom channel activity rows, hands each
 * to a provider, and reports the provider's responses through
 * `msdyncrm_CustomChannelActivityCreateInteraction` exactly once, with a durable ledger
 * ({@link ReporterLedger}) as the record of what was sent.
 *
 * One pass: reconcile in-flight entries left by a crashed run → read rows page by page (since the
 * watermark) → hand new ones to the provider (retries with backoff, then dead letter) → report
 * pending responses in `$batch` requests. `--follow` repeats passes until stopped. Stopping (the
 * abort signal) ends reading and hand-offs at once and lets the requests in flight finish, so the
 * ledger is checkpointed with nothing left ambiguous.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/developer/custom-channel-overview
 */
import { pause } from '../../dataverse/clock.js';
import { isAccessDeniedError, isNotFoundError, type DataverseClient } from '../../dataverse/index.js';
import { Actions, Tables } from '../../model/names.js';
import { checkResponseType, type TileConfig } from '../tile/index.js';
import type { LedgerEnvironment, ReportEntry, ReporterLedger } from '../ledger/ReporterLedger.js';
import { ProviderError, type ChannelProvider } from '../providers/types.js';
import { ACTIVITY_SELECT, activityFilterExpression, activityFromRow, type ActivityFilter } from './activityRows.js';
import { reconcileInFlight } from './reconcile.js';
import { sendReports } from './sendReports.js';
import { loadChannelTiles } from './tiles.js';
import type { ChannelActivity } from './types.js';

/** Retry timing of provider hand-offs. */
export interface ProviderRetryOptions {
  /** Attempts per activity in one run before it is dead-lettered. @default 5 */
  maxAttempts?: number;
  /** First backoff. @default 200 */
  baseDelayInMs?: number;
  /** Largest backoff. @default 10000 */
  maxDelayInMs?: number;
}

/** Options of {@link runReporter}. */
export interface ReporterOptions {
  client: DataverseClient;
  ledger: ReporterLedger;
  provider: ChannelProvider;
  /** Only activities of these journeys. @default all */
  journeyIds?: readonly string[];
  /** Read rows modified at or after this instant, instead of the ledger's watermark. */
  since?: string;
  /** Read from (and advance) the ledger's watermark. @default true */
  useWatermark?: boolean;
  /** Keep polling for new rows until stopped. @default false */
  follow?: boolean;
  /** Pause between passes with `follow`. @default 5000 */
  pollIntervalInMs?: number;
  /** Responses per `$batch` request (1 sends plain action calls). @default 100 */
  batchSize?: number;
  /** `$batch` requests in flight (the client's throttling policies still apply). @default 4 */
  concurrency?: number;
  /** Provider hand-offs in flight. @default 16 */
  providerConcurrency?: number;
  providerRetry?: ProviderRetryOptions;
  /** Attempts of one report that was not run (throttled) before it is dead-lettered. @default 10 */
  maxReportAttempts?: number;
  /** Rows per page read. @default 5000 */
  pageSize?: number;
  /** Tiles by channel entity; loaded from the environment's web resources when absent. */
  tiles?: ReadonlyMap<string, TileConfig>;
  /** Stop: no new reads or hand-offs; requests in flight finish. */
  abortSignal?: AbortSignal;
  /** Called after every hand-off group and report request. */
  onProgress?: (progress: ReporterSummary) => void;
  /** Log lines (skipped tiles, dead letters). */
  log?: (line: string) => void;
  /** The environment the ledger must belong to. @default {@link environmentOf} the client */
  environment?: LedgerEnvironment;
  /** The ledger's file, for messages. */
  ledgerFile?: string;
}

/** What a run did (also the progress snapshot). */
export interface ReporterSummary {
  provider: string;
  passes: number;
  activities: {
    /** Rows read. */
    seen: number;
    /** Handed to the provider in this run. */
    handedOff: number;
    /** Skipped: the ledger already had them. */
    alreadyHandled: number;
    /** Hand-off attempts that failed (retried or dead-lettered). */
    providerFailures: number;
    /** Dead-lettered in this run. */
    deadLettered: number;
    /** Rows lacking a column a report needs. */
    invalidRows: number;
  };
  reports: {
    /** Interactions reported and confirmed by the service in this run. */
    confirmed: number;
    /** In-flight entries found on the server (not sent again). */
    reconciledLanded: number;
    /** In-flight entries not found on the server (sent again). */
    reconciledReopened: number;
    /** Refused (by the tile check or the service) or out of attempts, in this run. */
    deadLettered: number;
    /** Throttled / not run, to be sent again. */
    retried: number;
    /** Still pending when the run ended (e.g. stopped). */
    pending: number;
    /** Still in flight when the run ended (reconciled by the next run). */
    inFlight: number;
  };
  /** Confirmed reports by response type. */
  byResponseType: Record<string, number>;
  /** HTTP requests that carried reports (a `$batch` is one). */
  reportRequests: number;
  durationMs: number;
  interactionsPerSecond: number;
  /** The run was stopped before it finished. */
  interrupted: boolean;
  /** The watermark after the run. */
  watermark?: string;
}

/** How far behind the newest row the next pass starts reading: rows committed late by concurrent writers are not skipped (the ledger drops repeats). */
const WATERMARK_OVERLAP_MS = 5 * 60 * 1000;

function newSummary(provider: string): ReporterSummary {
  return {
    provider,
    passes: 0,
    activities: { seen: 0, handedOff: 0, alreadyHandled: 0, providerFailures: 0, deadLettered: 0, invalidRows: 0 },
    reports: { confirmed: 0, reconciledLanded: 0, reconciledReopened: 0, deadLettered: 0, retried: 0, pending: 0, inFlight: 0 },
    byResponseType: Object.create(null) as Record<string, number>,
    reportRequests: 0,
    durationMs: 0,
    interactionsPerSecond: 0,
    interrupted: false,
  };
}

/** Key of the watermark for a journey selection. */
export function watermarkKey(journeyIds: readonly string[] | undefined): string {
  return `watermark:${journeyIds && journeyIds.length > 0 ? [...journeyIds].map((id) => id.toLowerCase()).sort().join(',') : '*'}`;
}


/** Run `fn` over `items` with at most `limit` in flight. */
async function forEachConcurrent<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * The environment `client` talks to, as a ledger records it: WhoAmI's organization id, the
 * service root (or `serviceRoot` when given: the embedded emulator's port changes every run) and
 * the creation time of the caller's business unit (a reset environment has a new one).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/whoami
 */
export async function environmentOf(client: DataverseClient, options: { serviceRoot?: string; abortSignal?: AbortSignal } = {}): Promise<LedgerEnvironment> {
  const signal = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  const { OrganizationId, BusinessUnitId } = await client.whoAmI(signal);
  let createdOn: string | undefined;
  try {
    const unit = await client.retrieve(Tables.businessUnit.entitySet, BusinessUnitId, { select: ['createdon'], ...signal });
    if (typeof unit.createdon === 'string') createdOn = unit.createdon;
  } catch (error) {
    // A user who may not read business units: the organization id and service root still tell environments apart.
    if (!isNotFoundError(error) && !isAccessDeniedError(error)) throw error;
  }
  return {
    organizationId: OrganizationId.toLowerCase(),
    serviceRoot: options.serviceRoot ?? client.serviceRoot,
    ...(createdOn === undefined ? {} : { createdOn }),
  };
}

/** The reporter. Create one per run; {@link run} once. */
export class InteractionReporter {
  private readonly options: ReporterOptions;
  private readonly summary: ReporterSummary;
  private tiles: ReadonlyMap<string, TileConfig> | undefined;
  private actionChecked = false;
  private readonly startedAt = Date.now();

  constructor(options: ReporterOptions) {
    this.options = options;
    this.summary = newSummary(options.provider.name);
    this.tiles = options.tiles;
  }

  private get stopped(): boolean {
    return this.options.abortSignal?.aborted === true;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private progress(): void {
    this.options.onProgress?.(this.snapshot());
  }

  private snapshot(): ReporterSummary {
    const s = this.summary;
    s.durationMs = Date.now() - this.startedAt;
    s.interactionsPerSecond = s.durationMs > 0 ? (s.reports.confirmed * 1000) / s.durationMs : 0;
    return { ...s, activities: { ...s.activities }, reports: { ...s.reports }, byResponseType: { ...s.byResponseType } };
  }

  /** Read, hand off and report until done (or, with `follow`, until stopped). */
  async run(): Promise<ReporterSummary> {
    await this.ensureTiles();
    await this.reconcileOrphans();
    await this.retryFailingHandOffs();
    do {
      await this.pass();
      if (this.options.follow && !this.stopped) await pause(this.options.pollIntervalInMs ?? 5000, this.options.abortSignal);
    } while (this.options.follow && !this.stopped);
    return this.finish();
  }

  /**
   * Only report what the ledger holds (`channel receive`): reconcile orphans, report pending
   * responses. Reads no rows and calls no provider.
   */
  async drain(): Promise<ReporterSummary> {
    await this.ensureTiles();
    await this.reconcileOrphans();
    await this.reportPending();
    return this.finish();
  }

  /**
   * Replay the dead-letter list (`channel retry`): dead activities go to the provider again, dead
   * reports are sent again (after the tile check), with fresh attempt counts.
   */
  async replayDeadLetters(): Promise<ReporterSummary> {
    await this.ensureTiles();
    await this.reconcileOrphans();
    const { activities } = this.options.ledger.requeueDeadLetters();
    await this.handOff(activities);
    await this.retryFailingHandOffs();
    await this.reportPending();
    return this.finish();
  }

  private async finish(): Promise<ReporterSummary> {
    // Our own ambiguous intents (a lost answer) get one more reconciliation before we stop.
    const own = this.options.ledger.inFlight({ owner: this.options.ledger.runId });
    if (own.length > 0) await this.reconcile(own);
    const counts = this.options.ledger.counts();
    this.summary.reports.pending = counts.reports.pending;
    this.summary.reports.inFlight = counts.reports.intent;
    this.summary.interrupted = this.stopped;
    const watermark = this.options.ledger.getMeta(watermarkKey(this.options.journeyIds));
    if (watermark !== undefined) this.summary.watermark = watermark;
    return this.snapshot();
  }

  private async ensureTiles(): Promise<void> {
    if (!this.actionChecked) {
      // Outbound marketing was removed from current tenants: say so once, instead of dead-lettering every report.
      await this.options.client.requireAction(
        Actions.customChannelActivityCreateInteraction,
        'outbound marketing (and its custom channel interactions) was removed from this environment; custom channels must be rebuilt as real-time journeys channels',
      );
      this.options.ledger.bindEnvironment(this.options.environment ?? (await environmentOf(this.options.client)), this.options.ledgerFile);
      this.actionChecked = true;
    }
    this.tiles ??= await loadChannelTiles(this.options.client, {
      onSkipped: (name, reason) => this.log(`tile ${name} skipped: ${reason}`),
      ...(this.options.abortSignal ? { abortSignal: this.options.abortSignal } : {}),
    });
  }

  private async reconcileOrphans(): Promise<void> {
    const orphans = this.options.ledger.inFlight();
    if (orphans.length === 0) return;
    this.log(`reconciling ${orphans.length} in-flight report(s) of an earlier run with the server`);
    await this.reconcile(orphans);
  }

  private async reconcile(entries: readonly ReportEntry[]): Promise<void> {
    try {
      const result = await reconcileInFlight(this.options.client, this.options.ledger, entries);
      this.summary.reports.reconciledLanded += result.landed;
      this.summary.reports.reconciledReopened += result.reopened;
    } catch (error) {
      // Leave them in flight: sending without knowing could report twice.
      this.log(`reconciliation failed, ${entries.length} report(s) stay in flight: ${(error as Error).message}`);
    }
  }

  private async retryFailingHandOffs(): Promise<void> {
    const failing = this.options.ledger.failingActivities();
    if (failing.length > 0) await this.handOff(failing);
  }

  /** One pass over the rows. */
  private async pass(): Promise<void> {
    const { client, ledger } = this.options;
    this.summary.passes++;
    const key = watermarkKey(this.options.journeyIds);
    const useWatermark = this.options.useWatermark ?? true;
    const stored = useWatermark ? ledger.getMeta(key) : undefined;
    const since = this.options.since ?? (stored === undefined ? undefined : new Date(Date.parse(stored) - WATERMARK_OVERLAP_MS).toISOString());
    const filter: ActivityFilter = {
      ...(this.options.journeyIds ? { journeyIds: this.options.journeyIds } : {}),
      ...(since === undefined ? {} : { modifiedSince: since }),
    };
    let newest = stored;
    const pages = client
      .query(Tables.customChannelActivity.entitySet, {
        select: ACTIVITY_SELECT,
        filter: activityFilterExpression(filter),
        orderBy: ['modifiedon asc', `${Tables.customChannelActivity.primaryId} asc`],
        ...(this.options.abortSignal ? { abortSignal: this.options.abortSignal } : {}),
      })
      .byPage({ maxPageSize: this.options.pageSize ?? 5000 });
    let completed = true;
    try {
      for await (const page of pages) {
        const fresh: ChannelActivity[] = [];
        for (const row of page.items) {
          this.summary.activities.seen++;
          const parsed = activityFromRow(row);
          if ('missing' in parsed) {
            this.summary.activities.invalidRows++;
            this.log(`activity row ${parsed.rowId ?? '(no id)'} skipped: no ${parsed.missing}`);
            continue;
          }
          const { activity } = parsed;
          if (activity.modifiedOn !== undefined && (newest === undefined || activity.modifiedOn > newest)) newest = activity.modifiedOn;
          if (ledger.activityState(activity.rowId) !== undefined) this.summary.activities.alreadyHandled++;
          else fresh.push(activity);
        }
        await this.handOff(fresh);
        await this.reportPending();
        if (this.stopped) {
          completed = false;
          break;
        }
      }
    } catch (error) {
      if (!this.stopped) throw error;
      completed = false;
    }
    // Advance the watermark only after a whole pass: a stopped pass is read again from the old one.
    if (completed && useWatermark && newest !== undefined) ledger.setMeta(key, newest);
  }

  /** Hand activities to the provider (retry with backoff, then dead letter), recording each in the ledger. */
  private async handOff(activities: readonly ChannelActivity[]): Promise<void> {
    const { provider, ledger } = this.options;
    const retry = this.options.providerRetry ?? {};
    const maxAttempts = retry.maxAttempts ?? 5;
    const signal = this.options.abortSignal ?? new AbortController().signal;
    await forEachConcurrent(activities, this.options.providerConcurrency ?? 16, async (activity) => {
      for (let attempt = 1; !this.stopped; attempt++) {
        try {
          const responses = await provider.send(activity, { idempotencyKey: activity.rowId, abortSignal: signal });
          ledger.recordHandOff(activity, responses);
          this.summary.activities.handedOff++;
          return;
        } catch (error) {
          if (this.stopped) return;
          this.summary.activities.providerFailures++;
          const retryable = !(error instanceof ProviderError) || error.retryable;
          const dead = !retryable || attempt >= maxAttempts;
          ledger.recordProviderFailure(activity, (error as Error).message, dead);
          if (dead) {
            this.summary.activities.deadLettered++;
            this.log(`activity ${activity.rowId} dead-lettered after ${attempt} attempt(s): ${(error as Error).message}`);
            return;
          }
          const ceiling = Math.min(retry.maxDelayInMs ?? 10_000, (retry.baseDelayInMs ?? 200) * 2 ** (attempt - 1));
          await pause(ceiling / 2 + (Math.random() * ceiling) / 2, this.options.abortSignal);
        }
      }
    });
    this.progress();
  }

  /** The tile check; a refusal reason, or undefined when the response may be reported. */
  private refusal(entry: ReportEntry): string | undefined {
    const tile = this.tiles?.get(entry.activity.entityType);
    if (tile === undefined) return `no channel tile (*CustomerJourneyDesignerTileConfig.xml web resource) declares EntityType ${entry.activity.entityType}`;
    try {
      checkResponseType(tile, entry.responseType, entry.triggerKeyword === '' ? undefined : entry.triggerKeyword);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Report every pending response, `concurrency` requests at a time. Stops claiming when stopped. */
  private async reportPending(): Promise<void> {
    const { client, ledger } = this.options;
    const batchSize = Math.max(1, Math.min(1000, this.options.batchSize ?? 100));
    const maxAttempts = this.options.maxReportAttempts ?? 10;
    const worker = async (): Promise<void> => {
      while (!this.stopped) {
        const claimed = ledger.claimPending(batchSize);
        if (claimed.length === 0) return;
        const valid: ReportEntry[] = [];
        for (const entry of claimed) {
          const reason = this.refusal(entry);
          if (reason === undefined) valid.push(entry);
          else this.deadLetter([{ entry, reason }]);
        }
        // Not aborted: once the intent is written the request is sent and its answer recorded.
        const outcome = await sendReports(client, valid);
        this.summary.reportRequests += outcome.requests;
        ledger.confirm(outcome.confirmed);
        this.summary.reports.confirmed += outcome.confirmed.length;
        for (const e of outcome.confirmed) this.summary.byResponseType[e.responseType] = (this.summary.byResponseType[e.responseType] ?? 0) + 1;
        this.deadLetter(outcome.refused);
        for (const { entry, reason } of outcome.retry) {
          const dead = entry.attempts + 1 >= maxAttempts;
          ledger.release([entry], reason, dead);
          if (dead) this.summary.reports.deadLettered++;
          else this.summary.reports.retried++;
        }
        if (outcome.ambiguous.length > 0) await this.reconcile(outcome.ambiguous);
        this.progress();
      }
    };
    // Throttled reports released by one worker after the others ran dry are taken by the next round.
    do {
      await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency ?? 4) }, worker));
    } while (!this.stopped && ledger.pendingCount() > 0);
  }

  private deadLetter(refused: readonly { entry: ReportEntry; reason: string }[]): void {
    for (const { entry, reason } of refused) {
      this.options.ledger.release([entry], reason, true);
      this.summary.reports.deadLettered++;
      this.log(`report ${entry.responseType} of activity ${entry.rowId} dead-lettered: ${reason}`);
    }
  }
}

/** Run the reporter once (see {@link InteractionReporter}). */
export function runReporter(options: ReporterOptions): Promise<ReporterSummary> {
  return new InteractionReporter(options).run();
}
