/**
 * `journeyctl realtime <subcommand>`: real-time (Customer Insights - Journeys) custom channels as
 * one spec file.
 *
 * - `realtime new --type sms|custom [--name n] [--prefix p] [--out DIR]`: scaffold a spec (and,
 *   with `--out`, a starter handler module).
 * - `realtime lint FILE...`: the documented rules across the pieces; the formats and exit codes of
 *   `validate` (0 clean, 1 findings at or above `--fail-on`, 2 unreadable or invalid input).
 * - `realtime apply FILE [--dry-run]`: install the channel idempotently.
 * - `realtime export FILE|--id GUID`: write an installed channel back as a spec.
 * - `realtime conformance FILE --handler MODULE`: play Customer Insights - Journeys against the
 *   channel and report each contract check.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { InputError, isInputError } from '../../errors.js';
import { channelCheckedRules, lintChannel } from '../../channels/realtime/channelLint.js';
import { readChannelSpec, type ChannelSpec } from '../../channels/realtime/channelSpec.js';
import { scaffoldChannel, scaffoldHandler } from '../../channels/realtime/scaffold.js';
import { buildReport, failsOn, type FileReport, type LocatedFinding } from '../../validation/report.js';
import { FORMATS, formatReport } from '../../validation/formatters/index.js';
import { useColor } from '../context.js';
import { ExitCode, formatError } from '../exit.js';
import { renderJson, renderYaml, reportResult, type AnyCommandResult, type CommandResult } from '../render.js';
import { withLintOptions } from './channel.js';
import { readInputText } from '../../io/readInput.js';
import { applyChannel, exportChannel, type ApplyChannelResult } from '../../channels/realtime/install.js';
import { withConnectionOptions } from '../connection.js';
import { isGuid } from '../../util/guid.js';
import { CONFORMANCE_FORMATS, formatConformance, runConformance } from '../../channels/realtime/conformance.js';
import { parseCustomApiBinding } from '../../emulator/index.js';
import { handle, withConnection, type ArgsOf, type GlobalArgs } from '../command.js';

/** Read and validate a channel spec file. */
export async function readChannelSpecFile(file: string): Promise<{ spec: ChannelSpec; lineOf(pointer: string): number | undefined }> {
  return readChannelSpec(await readInputText(file), { file });
}

/** A spec in its format: `yaml` (the default) or `json`. */
function specText(spec: object, format: 'yaml' | 'json'): string {
  return format === 'json' ? renderJson(spec) : renderYaml(spec);
}

/** What `--out` wrote, for stdout: `wrote FILE` a line (whatever `--format` named: the files' format). */
function wroteResult(files: readonly string[]): CommandResult<{ wrote: readonly string[] }> {
  return { data: { wrote: files }, text: () => files.map((file) => `wrote ${file}`).join('\n'), format: 'text' };
}

// ---------------------------------------------------------------------------------------------- new

const newBuilder = (cmd: Argv<GlobalArgs>) =>
  cmd
    .option('type', { type: 'string', choices: ['sms', 'custom'] as const, demandOption: true, describe: 'Channel type' })
    .option('name', { type: 'string', describe: 'Channel name after the prefix (default SampleSms / SampleCustom)' })
    .option('prefix', { type: 'string', describe: 'Publisher prefix (default cr65f)' })
    .option('out', { type: 'string', describe: 'Write channel.yaml and handler.mjs into this directory instead of printing the spec' })
    .option('format', { alias: 'f', type: 'string', choices: ['yaml', 'json'] as const, default: 'yaml' as const, describe: 'Spec format' })
    .option('force', { type: 'boolean', default: false, describe: 'Overwrite existing files' })
    .example('$0 realtime new --type sms --name ContosoSms --out contoso-sms', 'A spec and a handler in contoso-sms/');

/** `realtime new`: the spec (printed in `--format`), or with `--out` the files it wrote. */
export function newChannel(argv: Pick<ArgsOf<typeof newBuilder>, 'type' | 'name' | 'prefix' | 'out' | 'format' | 'force'>): AnyCommandResult {
  const spec = scaffoldChannel({ type: argv.type, ...(argv.name ? { name: argv.name } : {}), ...(argv.prefix ? { prefix: argv.prefix } : {}) });
  if (argv.out === undefined) return { data: spec, text: renderYaml };
  const specName = argv.format === 'json' ? 'channel.json' : 'channel.yaml';
  const dir = resolve(argv.out);
  const specFile = join(dir, specName);
  const handlerFile = join(dir, 'handler.mjs');
  for (const file of [specFile, handlerFile]) {
    if (existsSync(file) && !argv.force) throw new InputError(`${file} exists`, { file }, { hint: 'pass --force to overwrite, or choose another --out' });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(specFile, specText(spec, argv.format));
  writeFileSync(handlerFile, scaffoldHandler());
  return wroteResult([join(argv.out, specName), join(argv.out, 'handler.mjs')]);
}

// --------------------------------------------------------------------------------------------- lint

/** Lint spec files into one report; unreadable or invalid files are counted, not thrown. */
export async function lintChannelFiles(files: readonly string[]): Promise<{ reports: FileReport[]; inputErrors: InputError[] }> {
  const reports: FileReport[] = [];
  const inputErrors: InputError[] = [];
  for (const file of files) {
    try {
      const { spec, lineOf } = await readChannelSpecFile(file);
      const findings: LocatedFinding[] = lintChannel(spec, { file }).map((f) => {
        const line = lineOf(f.location.pointer ?? '');
        return line === undefined ? f : { ...f, line };
      });
      reports.push({ path: file, findings });
    } catch (error) {
      if (!isInputError(error)) throw error;
      inputErrors.push(error);
      reports.push({
        path: file,
        findings: [{ ruleId: 'realtime-spec', severity: 'error', activityId: '', message: error.message, arguments: [], location: error.location }],
        inputError: error,
      });
    }
  }
  return { reports, inputErrors };
}

const lintBuilder = (cmd: Argv<GlobalArgs>) =>
  withLintOptions(cmd.positional('files', { type: 'string', array: true, demandOption: true, describe: 'Channel spec files (YAML or JSON)' }), FORMATS).example(
    '$0 realtime lint channel.yaml --format sarif > channel.sarif',
    'Lint for code scanning',
  );

async function lint(argv: ArgsOf<typeof lintBuilder>): Promise<AnyCommandResult> {
  const { reports, inputErrors } = await lintChannelFiles(argv.files);
  const report = buildReport(reports, [{ id: 'realtime-spec', severity: 'error', summary: 'The spec is readable and valid against schemas/realtime-channel.schema.json.' }, ...channelCheckedRules()]);
  const failing = reports.some((r) => r.findings.some((f) => failsOn(f.severity, argv['fail-on'])));
  const options = { color: argv.format === 'text' && useColor({ color: argv.color }), quiet: argv.quiet, failOn: argv['fail-on'] };
  return reportResult(report, argv.format, (r) => formatReport(argv.format, r, options), {
    notices: inputErrors.map((error) => formatError(error, argv.verbose)),
    exitCode: inputErrors.length > 0 ? ExitCode.Usage : failing ? ExitCode.Failure : ExitCode.Success,
  });
}

// -------------------------------------------------------------------------------------------- apply

/** Refuse a spec with lint errors: Dataverse would refuse it or the channel would misbehave. */
function assertNoLintErrors(spec: ChannelSpec, file: string): void {
  const errors = lintChannel(spec, { file }).filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new InputError(`${file} breaks ${errors.length} channel rule(s): ${errors.map((f) => `${f.ruleId} at ${f.location.pointer}: ${f.message}`).join('; ')}`, { file, pointer: errors[0]!.location.pointer ?? '' }, {
      hint: `run journeyctl realtime lint ${file} and fix the errors`,
    });
  }
}

/** Render an apply result as text lines. */
export function renderApplyText(result: ApplyChannelResult): string {
  const lines = result.steps.map((s) => `${result.dryRun && s.action !== 'unchanged' ? 'would ' : ''}${s.action} ${s.kind} ${s.name}${s.changes.length > 0 ? ` (${s.changes.join(', ')})` : ''}`);
  lines.push(result.changed ? (result.dryRun ? 'plan: changes above; nothing written' : `channel ${result.channelId} installed`) : `channel ${result.channelId} is up to date; nothing written`);
  return lines.join('\n');
}

const applyBuilder = (cmd: Argv<GlobalArgs>) =>
  withConnectionOptions(cmd)
    .positional('file', { type: 'string', demandOption: true, describe: 'Channel spec (YAML or JSON)' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan without writing' })
    .option('solution', { type: 'string', describe: 'Unique name of the unmanaged solution to create the components in' })
    .option('format', { alias: 'f', type: 'string', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' })
    .example('$0 realtime apply channel.yaml --dry-run', 'Show what would be created or changed');

async function apply(argv: ArgsOf<typeof applyBuilder>): Promise<CommandResult<ApplyChannelResult>> {
  const { spec } = await readChannelSpecFile(argv.file);
  assertNoLintErrors(spec, argv.file);
  const result = await withConnection(argv, {}, (connection) =>
    applyChannel(connection.client, spec, { dryRun: argv['dry-run'], file: argv.file, ...(argv.solution ? { solution: argv.solution } : {}) }),
  );
  return { data: result, text: renderApplyText };
}

// ------------------------------------------------------------------------------------------- export

const exportBuilder = (cmd: Argv<GlobalArgs>) =>
  withConnectionOptions(cmd)
    .positional('file', { type: 'string', describe: 'A channel spec naming the channel (its id and custom APIs)' })
    .option('id', { type: 'string', describe: 'msdyn_channeldefinitionid of the channel' })
    .option('delivery-report-api', { type: 'string', describe: 'Unique name of the delivery report custom API (with --id)' })
    .option('inbound-api', { type: 'string', describe: 'Unique name of the inbound custom API (with --id)' })
    .option('out', { type: 'string', describe: 'Write to this file instead of stdout' })
    .option('format', { alias: 'f', type: 'string', choices: ['yaml', 'json'] as const, default: 'yaml' as const, describe: 'Spec format' })
    .example('$0 realtime export channel.yaml --out exported.yaml', 'Export what is installed');

async function exportSpec(argv: ArgsOf<typeof exportBuilder>): Promise<AnyCommandResult> {
  let id = argv.id;
  let deliveryReportApi = argv['delivery-report-api'];
  let inboundApi = argv['inbound-api'];
  if (argv.file !== undefined) {
    const { spec } = await readChannelSpecFile(argv.file);
    id ??= spec.channel.id;
    deliveryReportApi ??= spec.customApis.deliveryReport?.uniqueName;
    inboundApi ??= spec.customApis.inbound?.uniqueName;
  }
  if (id === undefined) throw new InputError('name the channel: a spec file or --id <msdyn_channeldefinitionid>', {}, { hint: 'journeyctl realtime export channel.yaml' });
  if (!isGuid(id)) throw new InputError(`--id must be a GUID, got "${id}"`);
  const channelId = id;
  const spec = await withConnection(argv, { readOnly: true }, (connection) =>
    exportChannel(connection.client, channelId, { ...(deliveryReportApi ? { deliveryReportApi } : {}), ...(inboundApi ? { inboundApi } : {}) }),
  );
  if (argv.out === undefined) return { data: spec, text: renderYaml };
  writeFileSync(argv.out, specText(spec, argv.format));
  return wroteResult([argv.out]);
}

// -------------------------------------------------------------------------------------- conformance

const conformanceBuilder = (cmd: Argv<GlobalArgs>) =>
  cmd
    .positional('file', { type: 'string', demandOption: true, describe: 'Channel spec (YAML or JSON)' })
    .option('handler', { type: 'string', describe: 'JavaScript module whose outbound, deliveryReport and inbound exports implement the custom APIs' })
    .option('custom-api', { type: 'string', array: true, default: [] as string[], describe: 'Bind one custom API (repeatable): <uniqueName>=<module.mjs[#export]> or =<http(s)://url>' })
    .option('endpoint', { type: 'string', describe: 'Call this HTTP endpoint as the outbound API (POST {"payload": …} answering {"response": …})' })
    .option('timeout-ms', { type: 'number', default: 20_000, describe: 'How long an implementation may take (the documented plug-in limit is 20 s)' })
    .option('format', { alias: 'f', type: 'string', choices: CONFORMANCE_FORMATS, default: 'text' as (typeof CONFORMANCE_FORMATS)[number], describe: 'Output format' })
    .option('out', { type: 'string', describe: 'Write the report to this file instead of stdout' })
    .example('$0 realtime conformance channel.yaml --handler handler.mjs', 'Run the checks with the handler in the emulator')
    .example('$0 realtime conformance channel.yaml --endpoint http://localhost:7072/api/outbound --format junit', 'Check a running outbound endpoint');

async function conformance(argv: ArgsOf<typeof conformanceBuilder>): Promise<AnyCommandResult> {
  if (!Number.isInteger(argv.timeoutMs) || argv.timeoutMs <= 0) throw new InputError(`--timeout-ms must be a positive integer, got ${argv.timeoutMs}`);
  if (argv.endpoint !== undefined && !/^https?:\/\//i.test(argv.endpoint)) throw new InputError(`--endpoint must be an http(s) URL, got "${argv.endpoint}"`);
  const bindings: Record<string, string> = {};
  for (const value of argv['custom-api']) {
    try {
      const [name, implementation] = parseCustomApiBinding(value);
      bindings[name] = implementation;
    } catch (error) {
      throw new InputError(`--custom-api ${(error as Error).message}`);
    }
  }
  const { spec } = await readChannelSpecFile(argv.file);
  const report = await runConformance(spec, {
    file: argv.file,
    timeoutMs: argv.timeoutMs,
    bindings,
    ...(argv.handler ? { handler: argv.handler } : {}),
    ...(argv.endpoint ? { endpoint: argv.endpoint } : {}),
  });
  const exitCode = report.summary.failed > 0 ? ExitCode.Failure : ExitCode.Success;
  if (argv.out === undefined) return reportResult(report, argv.format, (r) => formatConformance(r, argv.format), { exitCode });
  writeFileSync(argv.out, formatConformance(report, argv.format));
  return { data: report, text: () => '', format: 'text', exitCode };
}

// ---------------------------------------------------------------------------------------------------

/** `journeyctl realtime new|lint|apply|export|conformance`. */
export const builder = (realtime: Argv<GlobalArgs>) =>
  realtime
    .command('new', 'Scaffold a working channel spec (and with --out a starter handler) for an SMS or a Custom channel', newBuilder, handle('realtime new', newChannel))
    .command('lint <files..>', 'Check channel specs against the documented rules across their pieces (custom APIs included)', lintBuilder, handle('realtime lint', lint))
    .command(
      'apply <file>',
      'Install the whole channel (tables, custom APIs, channel definition, message parts, locales); a second apply writes nothing',
      applyBuilder,
      handle('realtime apply', apply),
    )
    .command('export [file]', 'Write an installed channel as a spec (the one FILE names, or --id); apply of the export writes nothing', exportBuilder, handle('realtime export', exportSpec))
    .command(
      'conformance <file>',
      'Play Customer Insights - Journeys against the channel: outbound payloads, responses, delivery reports and inbound messages, each check with its contract clause',
      conformanceBuilder,
      handle('realtime conformance', conformance),
    )
    .demandCommand(1, 'Name a realtime subcommand; see journeyctl realtime --help.');
