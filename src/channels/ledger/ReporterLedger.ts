/**
 * The reporter's durable ledger: what was handed to the provider, and for every response whether
 * its interaction report is pending, in flight (intent written, answer not yet recorded),
 * confirmed or dead-lettered.
 *
 * `msdyncrm_CustomChannelActivityCreateInteraction` has no idempotency key, so "exactly once"
 * rests on this file: the intent is committed (`synchronous=FULL`) before the action is called and
 * the confirmation after it answers. An intent left behind by a crashed run is *in flight*: the
 * reporter asks the server (`msdyncrm_LoadInteractionsPublic`) whether it landed before it sends
 * anything again. SQLite in WAL mode survives `kill -9`.
 * https://www.sqlite.org/wal.html
 */
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { InputError } from '../../errors.js';
import type { ChannelActivity, ProviderResponse } from '../reporter/types.js';

/** State of one response's report. */
export type ReportState = 'pending' | 'intent' | 'confirmed' | 'dead';

/** Identity of one report: an activity row and a response (the keyword is `''` unless custom). */
export interface ReportKey {
  rowId: string;
  responseType: string;
  triggerKeyword: string;
}

/** A report with the activity it belongs to. */
export interface ReportEntry extends ReportKey {
  activity: ChannelActivity;
  state: ReportState;
  attempts: number;
  lastError?: string;
  /** Run that wrote the intent (for in-flight entries). */
  owner?: string;
}

/** An activity whose provider hand-off failed for good. */
export interface DeadActivity {
  activity: ChannelActivity;
  attempts: number;
  lastError: string;
}

/** Counts by state. */
export interface LedgerCounts {
  activitiesHanded: number;
  activitiesDead: number;
  reports: Record<ReportState, number>;
}

/** Options of {@link ReporterLedger.open}. */
export interface LedgerOptions {
  /** Whether a run id belongs to a process that is still running. @default a `process.kill(pid, 0)` probe of the run's pid */
  isRunAlive?: (run: { runId: string; pid: number }) => boolean;
}

/**
 * The environment a ledger reports to. "Already reported" is only true there: the same row ids
 * in another environment (a copy, a reset emulator, another emulator) are other rows.
 */
export interface LedgerEnvironment {
  /** `OrganizationId` of `WhoAmI`, lower case. */
  organizationId: string;
  /** The service root (`https://contoso.crm.dynamics.com/api/data/v9.2/`), or a stable label for the embedded emulator, whose port changes every run. */
  serviceRoot: string;
  /**
   * When the caller's business unit was created (`createdon`): tells a reset or recreated
   * environment (same organization id and URL, new rows) from the one the ledger knew.
   * Compared only when both sides know it.
   */
  createdOn?: string;
}

/** Meta key of the ledger's environment (JSON of {@link LedgerEnvironment}). */
const ENVIRONMENT_KEY = 'environment';
/** Meta key older ledgers recorded the organization id under. */
const LEGACY_ORGANIZATION_KEY = 'organizationId';

/** A ledger was used against an environment other than the one it reported to (exit 2). */
export class LedgerEnvironmentError extends InputError {
  override name = 'LedgerEnvironmentError';
  readonly recorded: LedgerEnvironment;
  readonly actual: LedgerEnvironment;
  constructor(file: string | undefined, recorded: LedgerEnvironment, actual: LedgerEnvironment) {
    super(
      `the reporter ledger${file ? ` ${file}` : ''} belongs to ${describeEnvironment(recorded)}, not ${describeEnvironment(actual)}: its "already reported" entries say nothing about this environment`,
      file ? { file } : {},
      { hint: 'omit --ledger (each environment gets its own ledger by default), or pass a --ledger file of this environment' },
    );
    this.recorded = recorded;
    this.actual = actual;
  }
}

/** `organization <id> at <service root> (created <time>)`, for messages. */
export function describeEnvironment(environment: LedgerEnvironment): string {
  return `organization ${environment.organizationId} at ${environment.serviceRoot}${environment.createdOn ? ` (created ${environment.createdOn})` : ''}`;
}

/** Whether two environments are the same one (creation times compared only when both are known). */
export function sameEnvironment(a: LedgerEnvironment, b: LedgerEnvironment): boolean {
  return (
    a.organizationId.toLowerCase() === b.organizationId.toLowerCase() &&
    a.serviceRoot.toLowerCase() === b.serviceRoot.toLowerCase() &&
    (a.createdOn === undefined || b.createdOn === undefined || a.createdOn === b.createdOn)
  );
}

/**
 * The default ledger file of an environment in `directory`: `reporter-ledger.<org id>.<hash>.sqlite`,
 * the hash covering the service root and creation time, so each environment gets its own file.
 */
export function ledgerFileFor(directory: string, environment: LedgerEnvironment): string {
  const org = environment.organizationId.toLowerCase().replace(/[^0-9a-z-]/g, '_').slice(0, 64) || 'unknown';
  const hash = createHash('sha256')
    .update(`${environment.serviceRoot.toLowerCase()}\n${environment.createdOn ?? ''}`)
    .digest('hex')
    .slice(0, 12);
  return join(directory, `reporter-ledger.${org}.${hash}.sqlite`);
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS activities (
  row_id TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
  row_id TEXT NOT NULL,
  response_type TEXT NOT NULL,
  trigger_keyword TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  owner TEXT,
  seq INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (row_id, response_type, trigger_keyword)
);
CREATE INDEX IF NOT EXISTS reports_by_state ON reports (state, seq);
CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, pid INTEGER NOT NULL, started_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

interface ReportRow {
  row_id: string;
  response_type: string;
  trigger_keyword: string;
  state: ReportState;
  attempts: number;
  last_error: string | null;
  owner: string | null;
  data: string;
}

function defaultRunAlive(run: { pid: number }): boolean {
  if (run.pid === process.pid) return true;
  try {
    process.kill(run.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * better-sqlite3, loaded when the first ledger opens: importing 'journeyctl' loads no SQLite
 * driver (a native module) for library users who never open a ledger.
 */
function sqliteDriver(): typeof Database {
  return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
}

/** The ledger file. Open one per process with {@link ReporterLedger.open}; close it when done. */
export class ReporterLedger {
  /** This process's run id (owner of the intents it writes). */
  readonly runId = randomUUID();
  private readonly db: Database.Database;
  private readonly isRunAlive: (run: { runId: string; pid: number }) => boolean;
  private seq: number;

  private constructor(db: Database.Database, options: LedgerOptions) {
    this.db = db;
    this.isRunAlive = options.isRunAlive ?? defaultRunAlive;
    const row = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM reports').get() as { seq: number };
    this.seq = row.seq;
    db.prepare('INSERT INTO runs (run_id, pid, started_at) VALUES (?, ?, ?)').run(this.runId, process.pid, new Date().toISOString());
  }

  /**
   * Open (creating when needed) the ledger at `file`; `':memory:'` for tests.
   * WAL with `synchronous=FULL`: a committed intent or confirmation is on disk before the call returns.
   */
  static open(file: string, options: LedgerOptions = {}): ReporterLedger {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new (sqliteDriver())(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    db.exec(SCHEMA);
    return new ReporterLedger(db, options);
  }

  private now(): string {
    return new Date().toISOString();
  }

  /** Whether the activity was handed to the provider (or dead-lettered) already. */
  activityState(rowId: string): 'handed' | 'dead' | undefined {
    const row = this.db.prepare('SELECT state FROM activities WHERE row_id = ?').get(rowId) as { state: 'handed' | 'dead' } | undefined;
    return row?.state;
  }

  /** The stored activity, if the ledger knows it. */
  activity(rowId: string): ChannelActivity | undefined {
    const row = this.db.prepare('SELECT data FROM activities WHERE row_id = ?').get(rowId) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as ChannelActivity) : undefined;
  }

  /**
   * Record a successful provider hand-off and the responses it returned, in one transaction.
   * Responses already known (same activity, type and keyword) are not added twice.
   * @returns how many reports were added
   */
  recordHandOff(activity: ChannelActivity, responses: readonly ProviderResponse[]): number {
    return this.db.transaction(() => {
      const now = this.now();
      this.db
        .prepare(
          `INSERT INTO activities (row_id, data, state, attempts, updated_at) VALUES (?, ?, 'handed', 0, ?)
           ON CONFLICT(row_id) DO UPDATE SET state = 'handed', data = excluded.data, last_error = NULL, updated_at = excluded.updated_at`,
        )
        .run(activity.rowId, JSON.stringify(activity), now);
      return this.addReports(activity.rowId, responses, now);
    }).immediate();
  }

  /**
   * Add responses that arrived later (delivery receipts) for a known activity; the activity is
   * stored when new. Duplicates are ignored.
   * @returns how many reports were added (0 for a duplicate)
   */
  recordReceipt(activity: ChannelActivity, response: ProviderResponse): number {
    return this.db.transaction(() => {
      const now = this.now();
      this.db
        .prepare(`INSERT INTO activities (row_id, data, state, attempts, updated_at) VALUES (?, ?, 'handed', 0, ?) ON CONFLICT(row_id) DO NOTHING`)
        .run(activity.rowId, JSON.stringify(activity), now);
      return this.addReports(activity.rowId, [response], now);
    }).immediate();
  }

  private addReports(rowId: string, responses: readonly ProviderResponse[], now: string): number {
    const insert = this.db.prepare(
      `INSERT INTO reports (row_id, response_type, trigger_keyword, state, attempts, seq, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    let added = 0;
    for (const response of responses) added += insert.run(rowId, response.responseType, response.triggerKeyword ?? '', ++this.seq, now).changes;
    return added;
  }

  /** Record a failed hand-off; `dead` moves the activity to the dead-letter list. Returns the attempts so far. */
  recordProviderFailure(activity: ChannelActivity, error: string, dead: boolean): number {
    const row = this.db
      .prepare(
        `INSERT INTO activities (row_id, data, state, attempts, last_error, updated_at) VALUES (?, ?, ?, 1, ?, ?)
         ON CONFLICT(row_id) DO UPDATE SET attempts = attempts + 1, state = excluded.state, last_error = excluded.last_error, updated_at = excluded.updated_at
         RETURNING attempts`,
      )
      .get(activity.rowId, JSON.stringify(activity), dead ? 'dead' : 'failing', error, this.now()) as { attempts: number };
    return row.attempts;
  }

  /**
   * Take up to `limit` pending reports and write their intent (owned by this run) in one
   * committed transaction. Only after this returns may the reporter call the action for them.
   */
  claimPending(limit: number): ReportEntry[] {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT r.*, a.data FROM reports r JOIN activities a ON a.row_id = r.row_id WHERE r.state = 'pending' ORDER BY r.seq LIMIT ?`,
        )
        .all(limit) as ReportRow[];
      const mark = this.db.prepare(`UPDATE reports SET state = 'intent', owner = ?, updated_at = ? WHERE row_id = ? AND response_type = ? AND trigger_keyword = ?`);
      const now = this.now();
      for (const r of rows) mark.run(this.runId, now, r.row_id, r.response_type, r.trigger_keyword);
      return rows.map((r) => toEntry({ ...r, state: 'intent', owner: this.runId }));
    }).immediate();
  }

  /** The action answered success: confirm the reports. */
  confirm(keys: readonly ReportKey[]): void {
    this.setState(keys, 'confirmed');
  }

  /** The action was refused or not run: back to pending (attempt counted), or dead-lettered when `dead`. */
  release(keys: readonly ReportKey[], error: string, dead: boolean): void {
    this.db.transaction(() => {
      const update = this.db.prepare(
        `UPDATE reports SET state = ?, attempts = attempts + 1, last_error = ?, owner = NULL, updated_at = ? WHERE row_id = ? AND response_type = ? AND trigger_keyword = ?`,
      );
      const now = this.now();
      for (const k of keys) update.run(dead ? 'dead' : 'pending', error, now, k.rowId, k.responseType, k.triggerKeyword);
    }).immediate();
  }

  /** Move reports to pending without counting an attempt (reconciliation found they never landed). */
  reopen(keys: readonly ReportKey[]): void {
    this.setState(keys, 'pending');
  }

  private setState(keys: readonly ReportKey[], state: ReportState): void {
    this.db.transaction(() => {
      const update = this.db.prepare(`UPDATE reports SET state = ?, owner = NULL, updated_at = ? WHERE row_id = ? AND response_type = ? AND trigger_keyword = ?`);
      const now = this.now();
      for (const k of keys) update.run(state, now, k.rowId, k.responseType, k.triggerKeyword);
    }).immediate();
  }

  /**
   * In-flight reports: intents whose answer was never recorded. With `orphanedOnly` (the
   * default), only those of runs that are no longer running, so a second process on the same
   * ledger never second-guesses a live one.
   */
  inFlight(options: { orphanedOnly?: boolean; owner?: string } = {}): ReportEntry[] {
    const rows = this.db
      .prepare(`SELECT r.*, a.data FROM reports r JOIN activities a ON a.row_id = r.row_id WHERE r.state = 'intent' ORDER BY r.seq`)
      .all() as ReportRow[];
    const pids = new Map(
      (this.db.prepare('SELECT run_id, pid FROM runs').all() as { run_id: string; pid: number }[]).map((r) => [r.run_id, r.pid]),
    );
    return rows
      .filter((r) => {
        if (options.owner !== undefined) return r.owner === options.owner;
        if (options.orphanedOnly === false) return true;
        const pid = r.owner === null ? undefined : pids.get(r.owner);
        return r.owner !== this.runId && (pid === undefined || !this.isRunAlive({ runId: r.owner!, pid }));
      })
      .map(toEntry);
  }

  /** Pending reports right now. */
  pendingCount(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM reports WHERE state = 'pending'`).get() as { n: number }).n;
  }

  /** Dead-lettered reports (refused responses, exhausted retries). */
  deadReports(): ReportEntry[] {
    const rows = this.db
      .prepare(`SELECT r.*, a.data FROM reports r JOIN activities a ON a.row_id = r.row_id WHERE r.state = 'dead' ORDER BY r.seq`)
      .all() as ReportRow[];
    return rows.map(toEntry);
  }

  /** Activities whose provider hand-off failed for good. */
  deadActivities(): DeadActivity[] {
    const rows = this.db.prepare(`SELECT data, attempts, last_error FROM activities WHERE state = 'dead' ORDER BY updated_at`).all() as {
      data: string;
      attempts: number;
      last_error: string | null;
    }[];
    return rows.map((r) => ({ activity: JSON.parse(r.data) as ChannelActivity, attempts: r.attempts, lastError: r.last_error ?? '' }));
  }

  /**
   * Put the dead letters back to work (`channel retry`): dead reports become pending, dead
   * activities are forgotten so the next pass hands them to the provider again.
   * @returns the activities to hand off again, and how many reports were requeued
   */
  requeueDeadLetters(): { activities: ChannelActivity[]; reports: number } {
    return this.db.transaction(() => {
      const activities = this.deadActivities().map((d) => d.activity);
      this.db.prepare(`UPDATE activities SET state = 'failing', attempts = 0 WHERE state = 'dead'`).run();
      const reports = this.db.prepare(`UPDATE reports SET state = 'pending', attempts = 0, updated_at = ? WHERE state = 'dead'`).run(this.now()).changes;
      return { activities, reports };
    }).immediate();
  }

  /** Activities whose hand-off failed but may still succeed (not dead), for a later pass. */
  failingActivities(): ChannelActivity[] {
    return (this.db.prepare(`SELECT data FROM activities WHERE state = 'failing'`).all() as { data: string }[]).map((r) => JSON.parse(r.data) as ChannelActivity);
  }

  /** A stored value (watermarks). */
  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** The environment this ledger reports to, once bound. */
  environment(): LedgerEnvironment | undefined {
    const stored = this.getMeta(ENVIRONMENT_KEY);
    if (stored !== undefined) return JSON.parse(stored) as LedgerEnvironment;
    return undefined;
  }

  /**
   * Tie the ledger to `environment`: the first use records it; a later use against another
   * environment throws {@link LedgerEnvironmentError} (nothing is skipped or sent again).
   * A ledger of an older version that only recorded the organization id is checked against it
   * and then bound to the whole environment.
   * @param file the ledger's path, for the message
   */
  bindEnvironment(environment: LedgerEnvironment, file?: string): void {
    const actual: LedgerEnvironment = {
      organizationId: environment.organizationId.toLowerCase(),
      serviceRoot: environment.serviceRoot,
      ...(environment.createdOn === undefined ? {} : { createdOn: environment.createdOn }),
    };
    const recorded = this.environment();
    if (recorded === undefined) {
      const legacy = this.getMeta(LEGACY_ORGANIZATION_KEY);
      if (legacy !== undefined && legacy.toLowerCase() !== actual.organizationId) {
        throw new LedgerEnvironmentError(file, { organizationId: legacy, serviceRoot: '(not recorded)' }, actual);
      }
      this.setMeta(ENVIRONMENT_KEY, JSON.stringify(actual));
      return;
    }
    if (!sameEnvironment(recorded, actual)) throw new LedgerEnvironmentError(file, recorded, actual);
  }

  /** Counts by state. */
  counts(): LedgerCounts {
    const reports: Record<ReportState, number> = { pending: 0, intent: 0, confirmed: 0, dead: 0 };
    for (const r of this.db.prepare('SELECT state, COUNT(*) AS n FROM reports GROUP BY state').all() as { state: ReportState; n: number }[]) reports[r.state] = r.n;
    const activity = (state: string): number => (this.db.prepare('SELECT COUNT(*) AS n FROM activities WHERE state = ?').get(state) as { n: number }).n;
    return { activitiesHanded: activity('handed'), activitiesDead: activity('dead'), reports };
  }

  /** Checkpoint the WAL into the main file and close. */
  close(): void {
    if (!this.db.open) return;
    this.db.prepare('DELETE FROM runs WHERE run_id = ?').run(this.runId);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}

function toEntry(r: ReportRow): ReportEntry {
  return {
    rowId: r.row_id,
    responseType: r.response_type,
    triggerKeyword: r.trigger_keyword,
    activity: JSON.parse(r.data) as ChannelActivity,
    state: r.state,
    attempts: r.attempts,
    ...(r.last_error === null ? {} : { lastError: r.last_error }),
    ...(r.owner === null ? {} : { owner: r.owner }),
  };
}
