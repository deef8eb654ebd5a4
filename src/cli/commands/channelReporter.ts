/**
 * The reporter's `channel` subcommands: `report`, `retry`, `receive`, and the real-time adapter
 * `serve`. Each opens the connection (`--url`, else the embedded emulator), runs the library and
 * prints a summary on stdout (`--format json` for machines); progress goes to stderr.
 *
 * Exit codes: 0 done; 1 something was dead-lettered in this run; 2 bad options or provider
 * module; 3 service, auth or network error.
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { abortOnSignal, subcommand, untilSignal, withConnection, type ArgsOf, type GlobalArgs } from '../command.js';
import type { AnyCommandResult, CommandResult } from '../render.js';
import { createProgress } from '../progress.js';
import {
  InteractionReporter,
  ReporterLedger,
  loadProvider,
  startRealtimeAdapter,
  startReceiptServer,
  type ChannelProvider,
  type ReporterSummary,
} from '../../channels/index.js';
import { InputError } from '../../errors.js';
import { parseGuid } from '../../util/guid.js';
import { environmentOf } from '../../channels/reporter/index.js';
import { ledgerFileFor, type LedgerEnvironment } from '../../channels/ledger/index.js';
import { EMBEDDED_DATA_DIR, openConnection, withConnectionOptions, type Connection, type ConnectionArgs } from '../connection.js';
import { writeErr, writeOut } from '../context.js';
import { ExitCode } from '../exit.js';

/** Folder of the default ledgers (one file per environment, see `ledgerFileFor`), relative to the working directory. */
export const DEFAULT_LEDGER_DIR = '.journeyctl';

const SUMMARY_FORMATS = ['text', 'json'] as const;
type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

function withLedgerOptions(cmd: Argv<GlobalArgs>) {
  return withConnectionOptions(cmd)
    .option('ledger', { type: 'string', describe: `SQLite ledger of hand-offs and reports (exactly-once record) of one environment. Default: ${DEFAULT_LEDGER_DIR}/reporter-ledger.<organization id>.<hash>.sqlite, one per environment` })
    .option('format', { alias: 'f', type: 'string', choices: SUMMARY_FORMATS, default: 'text' as SummaryFormat, describe: 'Summary format on stdout' });
}

function withProviderOptions<T>(cmd: Argv<T>, required: boolean) {
  return cmd
    .option('provider', {
      type: 'string',
      demandOption: required,
      describe: 'simulated, webhook, or the path of an ES module whose default export is a provider',
    })
    .option('webhook-url', { type: 'string', describe: 'URL the webhook provider POSTs each activity to' })
    .option('provider-option', { type: 'string', array: true, describe: 'key=value passed to a provider module factory (repeatable)' })
    .option('simulate-keyword-rate', { type: 'number', default: 0, describe: 'simulated provider: fraction of activities that also get the keyword response' })
    .option('simulate-failure-rate', { type: 'number', default: 0, describe: 'simulated provider: fraction of activities whose hand-off fails (dead letters)' });
}

function parsePairs(pairs: readonly string[] | undefined): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`--provider-option must be key=value, got "${pair}"`, {});
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function rate(value: number, name: string): number {
  if (!(value >= 0 && value <= 1)) throw new InputError(`--${name} must be between 0 and 1, got ${value}`, {});
  return value;
}

/** The options of the commands that hand activities to a provider. */
type ProviderArgs = ArgsOf<typeof ledgerAndProviderOptions>;

/** The `--provider` a command needs (yargs demands it of `report`; `retry` checks it itself). */
function providerName(argv: Pick<ProviderArgs, 'provider'>, command: string): string {
  if (argv.provider) return argv.provider;
  throw new InputError(`channel ${command} needs --provider`, {}, { hint: 'pass --provider simulated, webhook, or the path of a provider module' });
}

async function providerFrom(argv: ProviderArgs, name: string): Promise<ChannelProvider> {
  return loadProvider({
    provider: name,
    ...(argv['webhook-url'] ? { webhookUrl: argv['webhook-url'] } : {}),
    options: parsePairs(argv['provider-option']),
    simulated: { keywordRate: rate(argv['simulate-keyword-rate'], 'simulate-keyword-rate'), failureRate: rate(argv['simulate-failure-rate'], 'simulate-failure-rate') },
  });
}

/**
 * The simulated provider reports responses nobody sent: allowed against the emulator (embedded,
 * or any loopback URL) only, so a typo cannot fill a real environment's analytics with fake sends.
 */
export function refuseSimulatedOnRealEnvironment(provider: string, target: { url: string; embedded: boolean }): void {
  if (provider !== 'simulated' || target.embedded) return;
  const host = new URL(target.url).hostname;
  if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return;
  throw new InputError(`the simulated provider only runs against the emulator, not ${target.url}`, {}, {
    hint: 'pass --provider webhook --webhook-url … or --provider ./my-provider.js for a real environment',
  });
}

function openLedger(file: string): ReporterLedger {
  try {
    return ReporterLedger.open(resolve(file));
  } catch (error) {
    throw new InputError(`cannot open the ledger ${file}: ${(error as Error).message}`, { file }, { hint: 'pass --ledger with a writable path', cause: error });
  }
}

/**
 * The ledger of the connection's environment: `--ledger` when given (refused with exit 2 when it
 * belongs to another environment), else the environment's own file under `.journeyctl/`.
 */
async function openEnvironmentLedger(argv: Pick<ProviderArgs, 'ledger' | 'verbose'>, connection: Connection): Promise<{ ledger: ReporterLedger; environment: LedgerEnvironment; file: string }> {
  // The embedded emulator listens on a new port every run: its store is what stays the same.
  const environment = await environmentOf(connection.client, connection.target.embedded ? { serviceRoot: `embedded emulator (${EMBEDDED_DATA_DIR}/)` } : {});
  const file = argv.ledger ?? ledgerFileFor(DEFAULT_LEDGER_DIR, environment);
  const ledger = openLedger(file);
  try {
    ledger.bindEnvironment(environment, file);
  } catch (error) {
    ledger.close();
    throw error;
  }
  if (argv.verbose) writeErr(`ledger: ${file}`);
  return { ledger, environment, file };
}

/** Open the connection and its environment's ledger (closing the connection when the ledger cannot be opened). */
async function openConnectionAndLedger(argv: Pick<ProviderArgs, 'ledger' | 'verbose'> & ConnectionArgs) {
  const connection = await openConnection(argv);
  const opened = await openEnvironmentLedger(argv, connection).catch(async (error: unknown) => {
    await connection.close();
    throw error;
  });
  return { connection, ...opened };
}

/** Summary lines for people. */
export function renderSummaryText(s: ReporterSummary): string {
  const types = Object.entries(s.byResponseType)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  return [
    `provider ${s.provider}: ${s.activities.seen} activities read, ${s.activities.handedOff} handed off, ${s.activities.alreadyHandled} already handled, ${s.activities.deadLettered} dead-lettered`,
    `interactions: ${s.reports.confirmed} reported${types ? ` (${types})` : ''}, ${s.reports.reconciledLanded} found already reported, ${s.reports.deadLettered} dead-lettered, ${s.reports.pending} pending, ${s.reports.inFlight} in flight`,
    `${(s.durationMs / 1000).toFixed(1)} s, ${s.interactionsPerSecond.toFixed(0)} interactions/s${s.interrupted ? ' (interrupted: run again to continue)' : ''}`,
  ].join('\n');
}

/** A run's summary; exit 1 when something was dead-lettered in it. */
function summaryResult(summary: ReporterSummary): CommandResult<ReporterSummary> {
  const deadLettered = summary.activities.deadLettered + summary.reports.deadLettered > 0;
  return { data: summary, text: renderSummaryText, exitCode: deadLettered ? ExitCode.Failure : ExitCode.Success };
}

/** Progress of the interactions reported: a bar on a terminal, a line at most once a second otherwise. */
function progressPrinter(quiet: boolean, color = true): (s: ReporterSummary) => void {
  const progress = createProgress({ title: 'report', quiet, color });
  let last = 0;
  return (s) => {
    const total = s.reports.confirmed + s.reports.pending + s.reports.inFlight + s.reports.deadLettered;
    const line = `… ${s.reports.confirmed} interactions reported (${s.interactionsPerSecond.toFixed(0)}/s), ${s.activities.handedOff} activities handed off, ${s.activities.deadLettered + s.reports.deadLettered} dead-lettered`;
    if (process.stderr.isTTY) return progress.update(s.reports.confirmed, Math.max(total, s.reports.confirmed), `${s.interactionsPerSecond.toFixed(0)}/s`, line);
    if (Date.now() - last < 1000) return;
    last = Date.now();
    progress.step(line);
  };
}

function positiveInt(value: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new InputError(`--${name} must be an integer from 1 to ${max}, got ${value}`, {});
  return value;
}

async function report(argv: ArgsOf<typeof reportBuilder>): Promise<CommandResult<ReporterSummary>> {
  if (argv.since !== undefined && Number.isNaN(Date.parse(argv.since))) throw new InputError(`--since must be an ISO-8601 date-time, got "${argv.since}"`, {});
  const batchSize = positiveInt(argv['batch-size'], 'batch-size', 1000);
  const concurrency = positiveInt(argv.concurrency, 'concurrency', 52);
  const providerConcurrency = positiveInt(argv['provider-concurrency'], 'provider-concurrency', 1000);
  const name = providerName(argv, 'report');
  const provider = await providerFrom(argv, name);
  const { connection, ledger, environment, file } = await openConnectionAndLedger(argv);
  const stop = abortOnSignal({ onSignal: (signal) => (argv.quiet ? undefined : writeErr(`${signal}: finishing the requests in flight, then stopping (again to force)`)) });
  try {
    refuseSimulatedOnRealEnvironment(name, connection.target);
    const summary = await new InteractionReporter({
      client: connection.client,
      ledger,
      environment,
      ledgerFile: file,
      provider,
      ...(argv.journey?.length ? { journeyIds: argv.journey.map((id) => parseGuid(id) ?? id) } : {}),
      ...(argv.since ? { since: new Date(argv.since).toISOString() } : {}),
      useWatermark: argv.watermark,
      follow: argv.follow,
      pollIntervalInMs: argv['poll-interval'] * 1000,
      batchSize,
      concurrency,
      providerConcurrency,
      abortSignal: stop.signal,
      onProgress: progressPrinter(argv.quiet),
      log: (line) => (argv.quiet ? undefined : writeErr(line)),
    }).run();
    return summaryResult(summary);
  } finally {
    stop.dispose();
    await provider.close?.();
    ledger.close();
    await connection.close();
  }
}

async function retry(argv: ArgsOf<typeof retryBuilder>): Promise<AnyCommandResult> {
  // --list of a named ledger reads only the file; everything else needs the environment.
  const connection = argv.list && argv.ledger !== undefined ? undefined : await openConnection(argv);
  let opened: { ledger: ReporterLedger; environment?: LedgerEnvironment; file: string };
  try {
    opened = connection ? await openEnvironmentLedger(argv, connection) : { ledger: openLedger(argv.ledger!), file: argv.ledger! };
  } catch (error) {
    await connection?.close();
    throw error;
  }
  const { ledger, environment, file } = opened;
  try {
    if (argv.list) {
      const dead = {
        activities: ledger.deadActivities().map((d) => ({ rowId: d.activity.rowId, attempts: d.attempts, error: d.lastError })),
        reports: ledger.deadReports().map((d) => ({ rowId: d.rowId, responseType: d.responseType, triggerKeyword: d.triggerKeyword || undefined, attempts: d.attempts, error: d.lastError })),
      };
      return {
        data: dead,
        text: () =>
          [
            ...dead.activities.map((a) => `activity ${a.rowId}: ${a.error} (${a.attempts} attempts)`),
            ...dead.reports.map((r) => `report ${r.responseType}${r.triggerKeyword ? `:${r.triggerKeyword}` : ''} of ${r.rowId}: ${r.error}`),
          ].join('\n'),
        notices: argv.format === 'json' || argv.quiet ? [] : [`${dead.activities.length} dead activities, ${dead.reports.length} dead reports`],
      };
    }
    if (!argv.provider) throw new InputError('channel retry needs --provider to hand dead activities to again (or --list to only show them)', {}, { hint: 'pass the --provider the report ran with' });
    const name = argv.provider;
    const provider = await providerFrom(argv, name);
    try {
      refuseSimulatedOnRealEnvironment(name, connection!.target);
      const summary = await new InteractionReporter({
        client: connection!.client,
        ledger,
        ...(environment ? { environment } : {}),
        ledgerFile: file,
        provider,
        onProgress: progressPrinter(argv.quiet),
        log: (line) => (argv.quiet ? undefined : writeErr(line)),
      }).replayDeadLetters();
      return summaryResult(summary);
    } finally {
      await provider.close?.();
    }
  } finally {
    ledger.close();
    await connection?.close();
  }
}

/**
 * `channel receive`: a long-running server. `listening on URL` is written as soon as it listens
 * (see render.ts); the counts of receipts are its result once it stops.
 */
async function receive(argv: ArgsOf<typeof receiveBuilder>): Promise<CommandResult<{ reported: number; deadLettered: number; pending: number; inFlight: number }>> {
  const { connection, ledger, environment, file } = await openConnectionAndLedger(argv);
  let reported = 0;
  let dead = 0;
  try {
    const server = await startReceiptServer({
      client: connection.client,
      ledger,
      port: argv.port,
      host: argv.host,
      reporter: { environment, ledgerFile: file, log: (line) => (argv.quiet ? undefined : writeErr(line)) },
      onReported: (s) => {
        reported += s.reports.confirmed;
        dead += s.reports.deadLettered;
        if (!argv.quiet && s.reports.confirmed + s.reports.deadLettered > 0) writeErr(`reported ${s.reports.confirmed}, dead-lettered ${s.reports.deadLettered}`);
      },
      onError: (error) => writeErr(`receipt failed: ${(error as Error).message}`),
    });
    writeOut(`listening on ${server.url}`);
    await untilSignal();
    await server.close();
    const counts = ledger.counts();
    return {
      data: { reported, deadLettered: dead, pending: counts.reports.pending, inFlight: counts.reports.intent },
      text: (summary) => `receipts: ${summary.reported} reported, ${summary.deadLettered} dead-lettered, ${summary.pending} pending`,
      // A server's stdout is lines: its summary is one JSON line after `listening on URL`.
      formats: { json: (summary) => JSON.stringify(summary) },
    };
  } finally {
    ledger.close();
    await connection.close();
  }
}

/** `channel serve`: a long-running server that prints only `listening on URL` (see render.ts). */
async function serve(argv: ArgsOf<typeof serveBuilder>): Promise<void> {
  await withConnection(argv, {}, async (connection) => {
    const server = await startRealtimeAdapter({
      client: connection.client,
      port: argv.port,
      host: argv.host,
      ...(argv['organization-id'] ? { organizationId: argv['organization-id'] } : {}),
      onForwarded: (kind, payload) => (argv.quiet ? undefined : writeErr(`forwarded ${kind} ${String(payload.RequestId ?? payload.From ?? '')}`)),
      onError: (error) => writeErr(`forwarding failed: ${(error as Error).message}`),
    });
    writeOut(`listening on ${server.url}`);
    await untilSignal();
    await server.close();
  });
}

const serverOptions = <T>(cmd: Argv<T>, defaultPort: number) =>
  cmd
    .option('port', { type: 'number', default: defaultPort, describe: 'TCP port (0 picks a free one)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to bind. No authentication: bind another interface only behind a trusted proxy' });

/** The ledger and provider options of `report` and `retry` (only `report` demands `--provider`). */
const ledgerAndProviderOptions = (cmd: Argv<GlobalArgs>, required = false) => withProviderOptions(withLedgerOptions(cmd), required);

const reportBuilder = (cmd: Argv<GlobalArgs>) =>
  ledgerAndProviderOptions(cmd, true)
    .option('journey', { type: 'string', array: true, describe: 'Only activities of these journey ids' })
    .option('since', { type: 'string', describe: 'Only rows modified at or after this ISO-8601 time (instead of the ledger watermark)' })
    .option('watermark', { type: 'boolean', default: true, describe: 'Start from the ledger watermark of the last complete pass (--no-watermark rereads all rows)' })
    .option('follow', { type: 'boolean', default: false, describe: 'Keep polling for new activities until Ctrl+C' })
    .option('poll-interval', { type: 'number', default: 5, describe: 'Seconds between passes with --follow' })
    .option('batch-size', { type: 'number', default: 100, describe: 'Interactions per $batch request (1: one action call each)' })
    .option('concurrency', { type: 'number', default: 4, describe: '$batch requests in flight (the client also follows x-ms-dop-hint and 429s)' })
    .option('provider-concurrency', { type: 'number', default: 16, describe: 'Provider hand-offs in flight' })
    .example('$0 channel report --provider simulated', "Report the embedded emulator's activities with the simulated provider")
    .example('$0 channel report --url https://contoso.crm.dynamics.com --provider ./sms-provider.js --follow', 'Run as a worker');

const retryBuilder = (cmd: Argv<GlobalArgs>) =>
  ledgerAndProviderOptions(cmd)
    .option('list', { type: 'boolean', default: false, describe: 'Only print the dead letters' })
    .example('$0 channel retry --list', 'Show what failed and why')
    .example('$0 channel retry --provider ./sms-provider.js', 'Hand dead activities to the provider again and resend dead reports');

const receiveBuilder = (cmd: Argv<GlobalArgs>) =>
  serverOptions(withLedgerOptions(cmd), 7272).example(
    `$0 channel receive --port 7272`,
    'curl -H "content-type: application/json" -d \'{"activityId":"<row id>","responseType":"delivered"}\' http://127.0.0.1:7272/receipts',
  );

const serveBuilder = (cmd: Argv<GlobalArgs>) =>
  serverOptions(withConnectionOptions(cmd), 7373)
    .option('organization-id', { type: 'string', describe: 'OrganizationId for payloads without one (default: from WhoAmI)' })
    .example('$0 channel serve --port 7373', 'Listen on 127.0.0.1:7373');

/** `channel report`. */
export const reportCommand = subcommand(
  'channel',
  'report',
  'Hand custom channel activities to a provider and report its responses through msdyncrm_CustomChannelActivityCreateInteraction, exactly once',
  reportBuilder,
  report,
);

/** `channel retry`. */
export const retryCommand = subcommand('channel', 'retry', 'Replay the dead-letter list of the ledger (or --list it)', retryBuilder, retry);

/** `channel receive`. */
export const receiveCommand = subcommand('channel', 'receive', 'Accept late delivery receipts from a provider (POST /receipts) and report them through the ledger', receiveBuilder, receive);

/** `channel serve`. */
export const serveCommand = subcommand(
  'channel',
  'serve',
  'Real-time channel adapter: forward provider delivery reports (POST /notifications) and inbound messages (POST /inbound) to Dataverse',
  serveBuilder,
  serve,
);
