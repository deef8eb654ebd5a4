/**
 * `journeyctl journeys list|get|create|apply|delete|go-live|stop|validate|export|import|diff`:
 * customer journeys as code, against a Dataverse environment or the embedded emulator.
 *
 * Data goes to stdout (`--format table|json|yaml`), progress and notices to stderr. Exit codes:
 * 0 success; 1 a go-live/stop that failed or timed out, online findings of severity error, or a
 * diff with differences; 2 bad input or a refused transition; 3 service, auth or network errors
 * (and environments where outbound marketing was removed).
 */
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { InputError } from '../../errors.js';
import { collectReferences, parseDefinition, type WorkflowDefinition } from '../../definition/index.js';
import { loadJourneyDocument, type JourneyDocument } from '../../io/index.js';
import { applyJourney } from '../../journeys/apply.js';
import { diffJourneys, formatJourneyDiff, isSameJourney, type DiffSide, type JourneyDiff } from '../../journeys/diff.js';
import { JourneyOperationFailedError, PollTimeoutError } from '../../journeys/errors.js';
import { definitionOfEntity, EXPORT_FILE_NAMES, EXPORT_SELECT, exportJourney, journeyRecordFile } from '../../journeys/exportFormat.js';
import { importJourneys, type ImportPlan } from '../../journeys/importJourneys.js';
import { JourneyClient } from '../../journeys/JourneyClient.js';
import type { JourneyPoller } from '../../journeys/JourneyPoller.js';
import type { JourneyOperationState } from '../../journeys/operationState.js';
import { resolveNames } from '../../journeys/resolveNames.js';
import type { JourneyRecord } from '../../model/journeyRecord.js';
import { JourneyAttributes as A, Tables } from '../../model/names.js';
import { JourneyStatus, JourneyStatusSet } from '../../model/optionSets.js';
import { describeJourneyStatus } from '../../model/transitions.js';
import { parseGuid } from '../../util/guid.js';
import type { Finding } from '../../validation/finding.js';
import { openConnection, withConnectionOptions, type Connection } from '../connection.js';
import { ExitCode } from '../exit.js';
import { renderTable, rowsResult, withFormatOption, type AnyCommandResult, type Column, type CommandResult } from '../render.js';
import { handle, withConnection, type ArgsOf, type GlobalArgs } from '../command.js';
import { createProgress } from '../progress.js';

/** Arguments every journeys subcommand receives. */
type CommonArgs = ArgsOf<typeof journeysOptions>;

/** The names of the subcommands, in help order. */
export const JOURNEYS_SUBCOMMANDS = ['list', 'get', 'create', 'apply', 'delete', 'go-live', 'stop', 'validate', 'export', 'import', 'diff'] as const;

/** Open the connection, run `fn` with a journey client, and always close the connection. */
function withJourneys<T>(argv: CommonArgs, fn: (journeys: JourneyClient) => Promise<T>, options: { readOnly?: boolean; pollIntervalInMs?: number } = {}): Promise<T> {
  return withConnection(argv, { readOnly: options.readOnly ?? false }, (connection) =>
    fn(new JourneyClient(connection.client, options.pollIntervalInMs === undefined ? {} : { pollIntervalInMs: options.pollIntervalInMs })),
  );
}

/**
 * Run `work` on each item in order, with a progress bar on a terminal (a line a step otherwise,
 * nothing with --quiet); the rows it returns, in order.
 */
async function eachWithProgress<I, R>(
  items: readonly I[],
  progressOptions: { title: string; quiet: boolean; color: boolean },
  work: (item: I, index: number) => Promise<{ row: R; label: string; line: string }>,
): Promise<R[]> {
  const rows: R[] = [];
  const progress = createProgress(progressOptions);
  try {
    for (const [index, item] of items.entries()) {
      const { row, label, line } = await work(item, index);
      rows.push(row);
      progress.update(index + 1, items.length, label, line);
    }
  } finally {
    progress.stop();
  }
  return rows;
}

/** A journey named by id or by exact name, as its id. */
async function resolveJourneyId(journeys: JourneyClient, reference: string): Promise<string> {
  const id = parseGuid(reference);
  if (id !== undefined) return id;
  const found = await journeys.findByName(reference);
  if (!found?.id) {
    throw new InputError(`no journey is named ${JSON.stringify(reference)}`, {}, { hint: 'list them with journeyctl journeys list, or pass the journey id' });
  }
  return found.id;
}

/** `Live`, `live`, `going-live`, `192350002` -> the statuscode. */
export function parseStatus(text: string): number {
  const numeric = Number(text);
  if (Number.isInteger(numeric) && JourneyStatusSet.labels[numeric] !== undefined) return numeric;
  const wanted = text.toLowerCase().replace(/[^a-z]/g, '');
  for (const [key, value] of Object.entries(JourneyStatus)) {
    if (key.toLowerCase() === wanted || (JourneyStatusSet.labels[value] ?? '').toLowerCase().replace(/[^a-z]/g, '') === wanted) return value;
  }
  throw new InputError(`unknown journey status ${JSON.stringify(text)}`, {}, { hint: `use one of ${Object.keys(JourneyStatus).join(', ')}` });
}

function statusLabel(code: number | undefined): string {
  return code === undefined ? '' : describeJourneyStatus(code);
}

/** A one-line summary of a record for list output. */
function listRow(record: JourneyRecord): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    status: statusLabel(record.statusCode),
    statusCode: record.statusCode,
    startDateTime: record.startDateTime ?? null,
    endDateTime: record.endDateTime ?? null,
    ownerId: record.ownerId ?? null,
    modifiedOn: record.modifiedOn ?? null,
  };
}

const LIST_COLUMNS: Column<Record<string, unknown>>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'NAME', value: (r) => r.name },
  { header: 'STATUS', value: (r) => r.status },
  { header: 'MODIFIED', value: (r) => r.modifiedOn },
];

const FINDING_COLUMNS: Column<Finding>[] = [
  { header: 'SEVERITY', value: (f) => f.severity },
  { header: 'RULE', value: (f) => f.ruleId },
  { header: 'TILE', value: (f) => f.activityId },
  { header: 'MESSAGE', value: (f) => f.message },
];


function definitionOf(record: JourneyRecord): WorkflowDefinition | undefined {
  if (!record.workflowDefinition) return undefined;
  try {
    return parseDefinition(record.workflowDefinition);
  } catch {
    return undefined;
  }
}

/** What `get` shows: identity, status, dates and a summary of the definition. */
function journeyDetails(record: JourneyRecord, withDefinition: boolean): Record<string, unknown> {
  const definition = definitionOf(record);
  const details: Record<string, unknown> = {
    ...listRow(record),
    description: record.description ?? null,
    entityTarget: record.entityTarget ?? null,
    contentSettingsId: record.contentSettingsId ?? null,
    templateId: record.templateId ?? null,
    tiles: definition ? definition.filter((a) => a.ActivityTypeId !== 'bpf_root').length : null,
    references: definition ? collectReferences(definition).filter((r) => r.id !== null).map((r) => ({ kind: r.kind, id: r.id, name: r.name ?? null })) : [],
    validationResults: record.validationResults ?? null,
  };
  if (withDefinition) details.definition = definition ?? null;
  return details;
}

function keyValueTable(details: Record<string, unknown>): string {
  const rows = Object.entries(details)
    .filter(([key]) => key !== 'definition' && key !== 'references')
    .map(([field, value]) => ({ field, value }));
  const references = (details.references as { kind: string; id: string; name: string | null }[]) ?? [];
  for (const r of references) rows.push({ field: `reference`, value: `${r.kind} ${r.id}${r.name ? ` (${r.name})` : ''}` });
  return renderTable(rows, [
    { header: 'FIELD', value: (r) => r.field },
    { header: 'VALUE', value: (r) => r.value },
  ]);
}

/** Status changes of a go-live or stop: one line each on stderr (nothing with --quiet). */
function reportProgress(poller: JourneyPoller, argv: CommonArgs): void {
  const progress = createProgress({ title: 'journey', quiet: argv.quiet, color: argv.color });
  let last: number | undefined;
  poller.onProgress((state) => {
    if (state.lastStatusCode !== undefined && state.lastStatusCode !== last) {
      last = state.lastStatusCode;
      progress.step(`journey ${state.journeyId}: ${statusLabel(state.lastStatusCode)}`);
    }
  });
}

function stateRow(state: Readonly<JourneyOperationState>): Record<string, unknown> {
  return {
    id: state.journeyId,
    operation: state.operation,
    result: state.status,
    status: state.lastStatus ?? statusLabel(state.lastStatusCode),
    statusCode: state.lastStatusCode ?? null,
    lastPolledAt: state.lastPolledAt ?? null,
    ...(state.findings && state.findings.length > 0 ? { findings: state.findings } : {}),
  };
}

const STATE_COLUMNS: Column<Record<string, unknown>>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'OPERATION', value: (r) => r.operation },
  { header: 'RESULT', value: (r) => r.result },
  { header: 'STATUS', value: (r) => r.status },
];

/** What a go-live or stop reads of its arguments (`--skip-online-validation` is go-live's). */
type TransitionArgs = ArgsOf<typeof stopBuilder> & { 'skip-online-validation'?: boolean };

/** What a go-live or stop produced: the operation's state and the findings that refused it. */
interface TransitionOutcome {
  state: Record<string, unknown> | undefined;
  findings: readonly Finding[];
}

function transitionText(outcome: TransitionOutcome): string {
  const parts: string[] = [];
  if (outcome.state) parts.push(renderTable([outcome.state], STATE_COLUMNS));
  if (outcome.findings.length > 0) parts.push(renderTable(outcome.findings, FINDING_COLUMNS));
  return parts.join('\n');
}

/**
 * Run a go-live or stop: start it, then (unless `--no-wait`) poll until done. Returns what to
 * print: the last state (and findings), with the error to end on when it failed or timed out.
 */
async function runTransition(argv: TransitionArgs, operation: 'goLive' | 'stop'): Promise<CommandResult<unknown>> {
  const timeoutInMs = Math.round(argv.timeout * 1000);
  if (!(timeoutInMs > 0)) throw new InputError(`--timeout must be a positive number of seconds, got ${argv.timeout}`, {}, { hint: 'e.g. --timeout 600' });
  const result = (outcome: TransitionOutcome, error?: unknown): CommandResult<unknown> => ({
    // Refused before it started: the findings are the data; otherwise the operation's state.
    data: outcome.state ?? outcome.findings,
    text: () => transitionText(outcome),
    ...(error === undefined ? {} : { error }),
  });
  return withJourneys(
    argv,
    async (journeys) => {
      const id = await resolveJourneyId(journeys, argv.journey);
      // Already where the operation would take it: say so and write nothing (exit 0).
      const current = operation === 'goLive' ? (await journeys.readStatus(id)).statusCode : undefined;
      if (current === JourneyStatus.Live) {
        const row = { id, operation, result: 'already live', status: statusLabel(current), statusCode: current, lastPolledAt: null };
        return { data: row, text: () => `journey ${id} is already live (${statusLabel(current)}); nothing was changed` };
      }
      let poller: JourneyPoller;
      try {
        poller =
          operation === 'goLive'
            ? await journeys.beginGoLive(id, argv['skip-online-validation'] ? { onlineValidation: false } : {})
            : await journeys.beginStop(id);
      } catch (error) {
        // Refused by the offline or online check: show what to fix, then exit 1.
        if (error instanceof JourneyOperationFailedError) return result({ state: undefined, findings: error.findings }, error);
        throw error;
      }
      if (!argv.wait) return result({ state: stateRow(poller.getOperationState()), findings: [] });
      reportProgress(poller, argv);
      try {
        await poller.pollUntilDone({ timeoutInMs });
      } catch (error) {
        if (error instanceof PollTimeoutError || error instanceof JourneyOperationFailedError) {
          const state = poller.getOperationState();
          return result({ state: stateRow(state), findings: state.findings ?? [] }, error);
        }
        throw error;
      }
      return result({ state: stateRow(poller.getOperationState()), findings: [] });
    },
    { pollIntervalInMs: Math.max(10, Math.round(argv['poll-interval'] * 1000)) },
  );
}

/** Export folders named directly, or the export folders one level below a parent folder. */
async function exportFolders(paths: readonly string[]): Promise<string[]> {
  const folders: string[] = [];
  for (const path of paths) {
    const full = resolve(path);
    if (!existsSync(full) || !statSync(full).isDirectory()) {
      throw new InputError(`not a folder: ${path}`, { file: path }, { hint: 'pass folders written by journeyctl journeys export (or their parent folder)' });
    }
    if (existsSync(join(full, EXPORT_FILE_NAMES.record))) {
      folders.push(full);
      continue;
    }
    const children = (await readdir(full, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && existsSync(join(full, entry.name, EXPORT_FILE_NAMES.record)))
      .map((entry) => join(full, entry.name))
      .sort();
    if (children.length === 0) {
      throw new InputError(`no exported journey in ${path}`, { file: path }, { hint: `an export folder holds ${EXPORT_FILE_NAMES.record}, ${EXPORT_FILE_NAMES.definition} and ${EXPORT_FILE_NAMES.designerState}` });
    }
    folders.push(...children);
  }
  return folders;
}

function planLines(plans: readonly ImportPlan[], dryRun: boolean): string {
  const lines: string[] = [];
  for (const plan of plans) {
    const verb = plan.action === 'unchanged' ? 'unchanged' : dryRun ? `would ${plan.action}` : plan.action === 'create' ? 'created' : 'updated';
    lines.push(`${verb} ${JSON.stringify(plan.name)} (${plan.id})${plan.changes.length > 0 && plan.action === 'update' ? `: ${plan.changes.join(', ')}` : ''}`);
    for (const r of plan.references) {
      const label = `${r.kind} ${r.name !== undefined ? JSON.stringify(r.name) : r.sourceId}`;
      if (r.targetId === undefined) lines.push(`  MISSING ${label}: ${r.problem}`);
      else if (r.via === 'name') lines.push(`  ${label}: ${r.sourceId === r.targetId ? r.targetId : `${r.sourceId} -> ${r.targetId}`}`);
      else lines.push(`  ${label}: ${r.targetId} (${r.via === 'id' ? 'same id' : 'kept as is'})`);
    }
  }
  return lines.join('\n');
}

/** One side of a diff: a local file/folder, or a journey (id or name) read from the environment. */
async function diffSide(reference: string, journeys: () => Promise<JourneyClient>): Promise<DiffSide> {
  if (existsSync(reference)) {
    const document: JourneyDocument = await loadJourneyDocument(reference);
    return { fields: document.fields, definition: document.definition };
  }
  if (/^\.{0,2}[\\/]|\.(json|ya?ml)$/i.test(reference)) {
    throw new InputError('no such file or folder', { file: reference }, { hint: 'pass an existing file or export folder, or a journey id or name' });
  }
  const client = await journeys();
  const id = await resolveJourneyId(client, reference);
  // Compare what an export keeps: the portable fields, not status, owner or timestamps.
  const entity = await client.client.retrieve(Tables.customerJourney.entitySet, id, { select: EXPORT_SELECT });
  const { definition } = definitionOfEntity(entity, id);
  const fields = journeyRecordFile(entity, definition);
  return { fields, definition };
}

/** The options every journeys subcommand takes: the connection and `--format`. */
const journeysOptions = (cli: Argv<GlobalArgs>) => withFormatOption(withConnectionOptions(cli));
type JourneysArgv = ReturnType<typeof journeysOptions>;

/** The JOURNEY positional: a journey id or exact name. */
function journeyArgument<T>(y: Argv<T>, describe = 'Journey id or exact name') {
  return y.positional('journey', { type: 'string', demandOption: true, describe });
}

function transitionOptions(y: JourneysArgv, what: string) {
  return journeyArgument(y)
    .option('timeout', { type: 'number', default: 600, describe: `Seconds to wait for the journey to ${what}; on timeout exit 1 with the last state` })
    .option('wait', { type: 'boolean', default: true, describe: 'Wait until done (--no-wait returns after the status change was requested)' })
    .option('poll-interval', { type: 'number', default: 2, describe: 'Seconds between two status reads' });
}

// ---------------------------------------------------------------------------------------------- list

const listBuilder = (y: JourneysArgv) =>
  y
    .option('status', { type: 'string', describe: 'Only this status (Draft, GoingLive, Live, Stopping, Stopped, Expired, Error, or its code)' })
    .option('name', { type: 'string', describe: 'Only names containing this text' })
    .option('modified-since', { type: 'string', describe: 'Only journeys modified at or after this ISO date' })
    .option('owner', { type: 'string', describe: 'Only journeys owned by this user or team id' })
    .option('top', { type: 'number', describe: 'At most this many journeys' })
    .example('$0 journeys list', 'Every journey, as a table')
    .example('$0 journeys list --status Live --format json', 'Live journeys as JSON');

async function list(argv: ArgsOf<typeof listBuilder>): Promise<CommandResult<Record<string, unknown>[]>> {
  const status = argv.status === undefined ? undefined : parseStatus(argv.status);
  const rows = await withJourneys(
    argv,
    async (journeys) => {
      const out: Record<string, unknown>[] = [];
      for await (const record of journeys.list({
        ...(status === undefined ? {} : { status }),
        ...(argv.name ? { name: argv.name } : {}),
        ...(argv['modified-since'] ? { modifiedSince: argv['modified-since'] } : {}),
        ...(argv.owner ? { ownerId: argv.owner } : {}),
      })) {
        out.push(listRow(record));
        if (argv.top !== undefined && out.length >= argv.top) break;
      }
      return out;
    },
    { readOnly: true },
  );
  return rowsResult(rows, LIST_COLUMNS);
}

// ----------------------------------------------------------------------------------------------- get

const getBuilder = (y: JourneysArgv) =>
  journeyArgument(y)
    .option('definition', { type: 'boolean', default: false, describe: 'Include the workflow definition (json/yaml)' })
    .example('$0 journeys get "Welcome series (draft)"', 'By name')
    .example('$0 journeys get 6628bbf7-3b1b-e911-a9b7-000d3a1e6adc --format json --definition', 'By id, with its definition');

async function get(argv: ArgsOf<typeof getBuilder>): Promise<CommandResult<Record<string, unknown>>> {
  const details = await withJourneys(argv, async (journeys) => journeyDetails(await journeys.get(await resolveJourneyId(journeys, argv.journey)), argv.definition), { readOnly: true });
  return { data: details, text: keyValueTable };
}

// -------------------------------------------------------------------------------------------- create

const createBuilder = (y: JourneysArgv) =>
  y
    .positional('file', { type: 'string', demandOption: true, describe: 'Journey spec (YAML/JSON), record JSON, definition JSON, or export folder' })
    .option('name', { type: 'string', describe: 'Name of the new journey (overrides the document)' })
    .example('$0 journeys create samples/specs/welcome.yaml', 'From a spec; names are resolved in the target')
    .example('$0 journeys create definition.json --name "My journey"', 'From a bare definition');

async function create(argv: ArgsOf<typeof createBuilder>): Promise<CommandResult<Record<string, unknown>>> {
  const document = await loadJourneyDocument(argv.file);
  const created = await withJourneys(argv, async (journeys) => {
    const resolved = await resolveNames(journeys.client, { ...document, file: document.file });
    const fields = Object.assign(Object.create(null) as Record<string, unknown>, resolved.fields);
    if (argv.name) fields[A.name] = argv.name;
    if (typeof fields[A.name] !== 'string' || fields[A.name] === '') {
      throw new InputError('the journey has no name', { file: argv.file, pointer: `/${A.name}` }, { hint: 'pass --name, or set msdyncrm_name in the document' });
    }
    return journeys.create({ fields, definition: resolved.definition, ...(document.designerState ? { designerState: document.designerState } : {}) });
  });
  return { data: listRow(created), text: () => `created ${JSON.stringify(created.name)} (${created.id}), ${statusLabel(created.statusCode)}` };
}

// --------------------------------------------------------------------------------------------- apply

const applyBuilder = (y: JourneysArgv) =>
  y
    .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Specs, record files, definitions or export folders' })
    .option('id', { type: 'string', describe: 'Update (or create) this journey id instead of matching by name (one file only)' })
    .option('restart-live', { type: 'boolean', default: false, describe: 'Allow changing a Live journey: stop it, edit, go live again' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Show what would change, write nothing' })
    .option('timeout', { type: 'number', default: 600, describe: 'Seconds to wait for each stop/go-live of a restart' })
    .example('$0 journeys apply journeys/*.yaml', 'Create or update every spec')
    .example('$0 journeys apply welcome.yaml --dry-run', 'Show the changes only');

const APPLY_COLUMNS: Column<{ action: string; dryRun?: boolean; id: string; file: string; changes: readonly string[] }>[] = [
  { header: 'ACTION', value: (r) => (r.dryRun && r.action !== 'unchanged' ? `would be ${r.action}` : r.action) },
  { header: 'ID', value: (r) => r.id },
  { header: 'FILE', value: (r) => r.file },
  { header: 'CHANGES', value: (r) => r.changes.join(', ') },
];

async function apply(argv: ArgsOf<typeof applyBuilder>) {
  if (argv.id !== undefined && argv.files.length > 1) throw new InputError('--id names one journey; pass one file with it', {}, { hint: 'drop --id to match each file by name' });
  const documents: JourneyDocument[] = [];
  for (const file of argv.files) documents.push(await loadJourneyDocument(file));
  const results = await withJourneys(argv, (journeys) =>
    eachWithProgress(documents, { title: 'apply', quiet: argv.quiet || documents.length < 2, color: argv.color }, async (document, index) => {
      const result = await applyJourney(journeys, document, {
        ...(argv.id === undefined ? {} : { id: argv.id }),
        restartLive: argv['restart-live'],
        dryRun: argv['dry-run'],
        timeoutInMs: Math.round(argv.timeout * 1000),
      });
      return {
        row: { file: document.file, ...result, ...(argv['dry-run'] ? { dryRun: true } : {}) },
        label: document.file,
        line: `applied ${index + 1}/${documents.length}: ${document.file}`,
      };
    }),
  );
  return rowsResult(results, APPLY_COLUMNS);
}

// -------------------------------------------------------------------------------------------- delete

const deleteBuilder = (y: JourneysArgv) => journeyArgument(y).example('$0 journeys delete "Old test journey"', 'By name');

async function remove(argv: ArgsOf<typeof deleteBuilder>): Promise<CommandResult<{ id: string; deleted: true }>> {
  const id = await withJourneys(argv, async (journeys) => {
    const key = await resolveJourneyId(journeys, argv.journey);
    await journeys.delete(key);
    return key;
  });
  return { data: { id, deleted: true }, text: () => `deleted ${id}` };
}

// ----------------------------------------------------------------------------------- go-live and stop

const goLiveBuilder = (y: JourneysArgv) =>
  transitionOptions(y, 'become Live')
    .option('skip-online-validation', { type: 'boolean', default: false, describe: 'Do not run msdyncrm_CustomerJourneyValidate first' })
    .example('$0 journeys go-live "Welcome series (draft)"', 'Validate, go live, wait up to 10 minutes')
    .example('$0 journeys go-live 6628bbf7-3b1b-e911-a9b7-000d3a1e6adc --timeout 60 --format json', 'Wait a minute; the last state as JSON');

const stopBuilder = (y: JourneysArgv) => transitionOptions(y, 'stop').example('$0 journeys stop "Monthly newsletter"', 'Stop and wait');

// ------------------------------------------------------------------------------------------ validate

const validateBuilder = (y: JourneysArgv) =>
  journeyArgument(y, 'Journey id or exact name (files: journeyctl validate --online)').example('$0 journeys validate "Welcome series (draft)"', 'Findings as a table; exit 1 on errors');

async function validate(argv: ArgsOf<typeof validateBuilder>): Promise<AnyCommandResult> {
  const result = await withJourneys(argv, async (journeys) => journeys.validate(await resolveJourneyId(journeys, argv.journey)), { readOnly: true });
  const failed = result.findings.some((f) => f.severity === 'error');
  return {
    data: result,
    text: () => [`result: ${result.result}`, ...(result.findings.length > 0 ? [renderTable(result.findings, FINDING_COLUMNS)] : [])].join('\n'),
    exitCode: failed ? ExitCode.Failure : ExitCode.Success,
  };
}

// -------------------------------------------------------------------------------------------- export

const exportBuilder = (y: JourneysArgv) =>
  y
    .positional('journeys', { type: 'string', array: true, default: [], describe: 'Journey ids or exact names' })
    .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'Directory to write the journey folders into' })
    .option('all', { type: 'boolean', default: false, describe: 'Export every journey (with --status: every journey in that status)' })
    .option('status', { type: 'string', describe: 'With --all: only this status' })
    .example('$0 journeys export --all --out journeys/', 'Every journey, one folder each')
    .example('$0 journeys export "Welcome series (draft)" --out exported/', 'One journey');

const EXPORT_COLUMNS: Column<{ id: string; folder: string }>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'FOLDER', value: (r) => r.folder },
];

async function exportJourneys(argv: ArgsOf<typeof exportBuilder>) {
  if (!argv.all && argv.journeys.length === 0) throw new InputError('name the journeys to export, or pass --all', {}, { hint: 'e.g. journeyctl journeys export --all --out journeys/' });
  const status = argv.status === undefined ? undefined : parseStatus(argv.status);
  const rows = await withJourneys(
    argv,
    async (journeys) => {
      const ids: string[] = [];
      for (const reference of argv.journeys) ids.push(await resolveJourneyId(journeys, reference));
      if (argv.all) for await (const record of journeys.list(status === undefined ? {} : { status })) if (record.id && !ids.includes(record.id)) ids.push(record.id);
      return eachWithProgress(ids, { title: 'export', quiet: argv.quiet, color: argv.color }, async (id, index) => {
        const written = await exportJourney(journeys.client, id, resolve(argv.out));
        return {
          row: { id, folder: written.folder, files: written.files.map((f) => ({ path: f.path, sha256: f.sha256, bytes: f.bytes })) },
          label: id,
          line: `exported ${index + 1}/${ids.length}: ${written.folder}`,
        };
      });
    },
    { readOnly: true },
  );
  return rowsResult(rows, EXPORT_COLUMNS);
}

// -------------------------------------------------------------------------------------------- import

const importBuilder = (y: JourneysArgv) =>
  y
    .positional('folders', { type: 'string', array: true, demandOption: true, describe: 'Export folders, or folders holding them' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan (actions and reference mapping), write nothing' })
    .example('$0 journeys import journeys/ --dry-run', 'What would be created, updated and remapped')
    .example('$0 journeys import journeys/ --url https://contoso-test.crm4.dynamics.com', 'Into another environment');

async function importFolders(argv: ArgsOf<typeof importBuilder>): Promise<AnyCommandResult> {
  const folders = await exportFolders(argv.folders);
  const result = await withJourneys(argv, (journeys) => importJourneys(journeys.client, folders, { dryRun: argv['dry-run'] }), { readOnly: argv['dry-run'] });
  const missing = result.dryRun && result.plans.some((p) => p.references.some((r) => r.targetId === undefined));
  return {
    data: result,
    text: () => planLines(result.plans, result.dryRun),
    ...(missing ? { notices: ['error: some referenced records are missing in the target (MISSING above); an import would be refused'], exitCode: ExitCode.Failure } : {}),
  };
}

// ---------------------------------------------------------------------------------------------- diff

const diffBuilder = (y: JourneysArgv) =>
  y
    .positional('a', { type: 'string', demandOption: true, describe: 'Before: a file, an export folder, or a journey id/name' })
    .positional('b', { type: 'string', demandOption: true, describe: 'After: likewise' })
    .example('$0 journeys diff exported/welcome-1a2b3c4d "Welcome series (draft)"', 'Local export against the environment')
    .example('$0 journeys diff old/definition.json new/definition.json', 'Two files, no connection needed');

async function diff(argv: ArgsOf<typeof diffBuilder>): Promise<AnyCommandResult> {
  let connection: Connection | undefined;
  let journeys: JourneyClient | undefined;
  const remote = async () => {
    if (!journeys) {
      connection = await openConnection(argv, { readOnly: true });
      journeys = new JourneyClient(connection.client);
    }
    return journeys;
  };
  let difference: JourneyDiff;
  try {
    difference = diffJourneys(await diffSide(argv.a, remote), await diffSide(argv.b, remote));
  } finally {
    await (connection as Connection | undefined)?.close();
  }
  const same = isSameJourney(difference);
  return {
    data: { same, ...difference },
    text: () => (same ? 'no differences' : formatJourneyDiff(difference).join('\n')),
    exitCode: same ? ExitCode.Success : ExitCode.Failure,
  };
}

// ---------------------------------------------------------------------------------------------------

/** Register `journeyctl journeys …`. */
export default function register(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return cli.command(
    'journeys',
    'Customer journeys as code: list, get, create, apply, delete, go-live, stop, validate, export, import, diff',
    (yargs) =>
      journeysOptions(yargs)
        .command('list', 'List journeys, filtered on the server', listBuilder, handle('journeys list', list))
        .command('get <journey>', 'Show one journey: status, dates, tiles and references', getBuilder, handle('journeys get', get))
        .command('create <file>', 'Create a Draft journey from a spec, record file, definition or export folder', createBuilder, handle('journeys create', create))
        .command('apply <files..>', 'Create or update journeys from files, idempotently (a second apply writes nothing)', applyBuilder, handle('journeys apply', apply))
        .command('delete <journey>', 'Delete a journey (the service refuses while it is Live)', deleteBuilder, handle('journeys delete', remove))
        .command(
          'go-live <journey>',
          'Take a journey live: offline and online checks, Going live, then wait for Live',
          goLiveBuilder,
          handle('journeys go-live', (argv) => runTransition(argv, 'goLive')),
        )
        .command('stop <journey>', 'Stop a Live journey and wait for Stopped', stopBuilder, handle('journeys stop', (argv) => runTransition(argv, 'stop')))
        .command('validate <journey>', "Run the server's error check (msdyncrm_CustomerJourneyValidate) on a stored journey", validateBuilder, handle('journeys validate', validate))
        .command('export [journeys..]', 'Write journeys as folders of files (journey.json, definition.json, designer-state.json)', exportBuilder, handle('journeys export', exportJourneys))
        .command('import <folders..>', 'Create or update journeys from export folders, remapping references by name', importBuilder, handle('journeys import', importFolders))
        .command(
          'diff <a> <b>',
          'Compare two journeys (files, export folders, ids or names) tile by tile; exit 1 when they differ',
          diffBuilder,
          handle('journeys diff', diff),
        )
        .demandCommand(1, `Name a journeys subcommand: ${JOURNEYS_SUBCOMMANDS.join(', ')}.`)
        .example('$0 journeys list --status Live', 'Live journeys')
        .example('$0 journeys apply welcome.yaml && $0 journeys go-live "Welcome"', 'Apply a spec and take it live'),
  );
}
