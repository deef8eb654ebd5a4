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
import { buildReport, failsOn, type FailOn, type FileReport, type LocatedFinding } from '../../validation/report.js';
import { FORMATS, formatReport, type FormatName } from '../../validation/formatters/index.js';
import { useColor, writeErr, writeOut } from '../context.js';
import { ExitCode, ExitError, formatError } from '../exit.js';
import { renderJson, renderYaml } from '../render.js';
import { readInputFile } from './channel.js';
import { applyChannel, exportChannel, type ApplyChannelResult } from '../../channels/realtime/install.js';
import { openConnection, withConnectionOptions, type ConnectionArgs } from '../connection.js';
import { isGuid } from '../../util/guid.js';

/** One `realtime` subcommand. */
export type RealtimeSubcommand = (realtime: Argv) => Argv;

/** Read and validate a channel spec file. */
export async function readChannelSpecFile(file: string): Promise<{ spec: ChannelSpec; lineOf(pointer: string): number | undefined }> {
  return readChannelSpec(await readInputFile(file), { file });
}

// ---------------------------------------------------------------------------------------------- new

interface NewArgs {
  type: 'sms' | 'custom';
  name?: string;
  prefix?: string;
  out?: string;
  format: 'yaml' | 'json';
  force: boolean;
  quiet: boolean;
}

/** What `realtime new` produced. */
export interface NewResult {
  spec: ChannelSpec;
  files: string[];
}

export function newChannel(argv: NewArgs): NewResult {
  const spec = scaffoldChannel({ type: argv.type, ...(argv.name ? { name: argv.name } : {}), ...(argv.prefix ? { prefix: argv.prefix } : {}) });
  if (argv.out === undefined) return { spec, files: [] };
  const dir = resolve(argv.out);
  const specFile = join(dir, argv.format === 'json' ? 'channel.json' : 'channel.yaml');
  const handlerFile = join(dir, 'handler.mjs');
  for (const file of [specFile, handlerFile]) {
    if (existsSync(file) && !argv.force) throw new InputError(`${file} exists`, { file }, { hint: 'pass --force to overwrite, or choose another --out' });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(specFile, argv.format === 'json' ? renderJson(spec) : renderYaml(spec));
  writeFileSync(handlerFile, scaffoldHandler());
  return { spec, files: [join(argv.out, argv.format === 'json' ? 'channel.json' : 'channel.yaml'), join(argv.out, 'handler.mjs')] };
}

const newCommand: RealtimeSubcommand = (realtime) =>
  realtime.command(
    'new',
    'Scaffold a working channel spec (and with --out a starter handler) for an SMS or a Custom channel',
    (cmd) =>
      cmd
        .option('type', { type: 'string', choices: ['sms', 'custom'] as const, demandOption: true, describe: 'Channel type' })
        .option('name', { type: 'string', describe: 'Channel name after the prefix (default SampleSms / SampleCustom)' })
        .option('prefix', { type: 'string', describe: 'Publisher prefix (default cr65f)' })
        .option('out', { type: 'string', describe: 'Write channel.yaml and handler.mjs into this directory instead of printing the spec' })
        .option('format', { alias: 'f', type: 'string', choices: ['yaml', 'json'] as const, default: 'yaml' as const, describe: 'Spec format' })
        .option('force', { type: 'boolean', default: false, describe: 'Overwrite existing files' })
        .example('$0 realtime new --type sms --name ContosoSms --out contoso-sms', 'A spec and a handler in contoso-sms/'),
    (argv) => {
      const args = argv as unknown as NewArgs;
      const result = newChannel(args);
      if (result.files.length === 0) writeOut(args.format === 'json' ? renderJson(result.spec) : renderYaml(result.spec));
      else {
        for (const file of result.files) writeOut(`wrote ${file}`);
      }
    },
  );

// --------------------------------------------------------------------------------------------- lint

interface LintArgs {
  files: string[];
  format: FormatName;
  'fail-on': FailOn;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

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

const lintCommand: RealtimeSubcommand = (realtime) =>
  realtime.command(
    'lint <files..>',
    'Check channel specs against the documented rules across their pieces (custom APIs included)',
    (cmd) =>
      cmd
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Channel spec files (YAML or JSON)' })
        .option('format', { alias: 'f', type: 'string', choices: FORMATS, default: 'text' as FormatName, describe: 'Output format' })
        .option('fail-on', { type: 'string', choices: ['error', 'warning', 'never'] as const, default: 'error' as FailOn, describe: 'Lowest severity that makes the exit code 1' })
        .example('$0 realtime lint channel.yaml --format sarif > channel.sarif', 'Lint for code scanning'),
    async (argv) => {
      const args = argv as unknown as LintArgs;
      const { reports, inputErrors } = await lintChannelFiles(args.files);
      const report = buildReport(reports, [{ id: 'realtime-spec', severity: 'error', summary: 'The spec is readable and valid against schemas/realtime-channel.schema.json.' }, ...channelCheckedRules()]);
      writeOut(formatReport(args.format, report, { color: args.format === 'text' && useColor({ color: args.color }), quiet: args.quiet, failOn: args['fail-on'] }));
      for (const error of inputErrors) writeErr(formatError(error, args.verbose));
      if (inputErrors.length > 0) throw new ExitError(ExitCode.Usage);
      if (reports.some((r) => r.findings.some((f) => failsOn(f.severity, args['fail-on'])))) throw new ExitError(ExitCode.Failure);
    },
  );

// -------------------------------------------------------------------------------------------- apply

interface ApplyArgs extends ConnectionArgs {
  file: string;
  'dry-run': boolean;
  solution?: string;
  format: 'text' | 'json';
  quiet: boolean;
}

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

const applyCommand: RealtimeSubcommand = (realtime) =>
  realtime.command(
    'apply <file>',
    'Install the whole channel (tables, custom APIs, channel definition, message parts, locales); a second apply writes nothing',
    (cmd) =>
      withConnectionOptions(cmd)
        .positional('file', { type: 'string', demandOption: true, describe: 'Channel spec (YAML or JSON)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan without writing' })
        .option('solution', { type: 'string', describe: 'Unique name of the unmanaged solution to create the components in' })
        .option('format', { alias: 'f', type: 'string', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' })
        .example('$0 realtime apply channel.yaml --dry-run', 'Show what would be created or changed'),
    async (argv) => {
      const args = argv as unknown as ApplyArgs;
      const { spec } = await readChannelSpecFile(args.file);
      assertNoLintErrors(spec, args.file);
      const connection = await openConnection(args);
      try {
        const result = await applyChannel(connection.client, spec, { dryRun: args['dry-run'], file: args.file, ...(args.solution ? { solution: args.solution } : {}) });
        writeOut(args.format === 'json' ? renderJson(result) : renderApplyText(result));
      } finally {
        await connection.close();
      }
    },
  );

// ------------------------------------------------------------------------------------------- export

interface ExportArgs extends ConnectionArgs {
  file?: string;
  id?: string;
  'delivery-report-api'?: string;
  'inbound-api'?: string;
  out?: string;
  format: 'yaml' | 'json';
}

const exportCommand: RealtimeSubcommand = (realtime) =>
  realtime.command(
    'export [file]',
    'Write an installed channel as a spec (the one FILE names, or --id); apply of the export writes nothing',
    (cmd) =>
      withConnectionOptions(cmd)
        .positional('file', { type: 'string', describe: 'A channel spec naming the channel (its id and custom APIs)' })
        .option('id', { type: 'string', describe: 'msdyn_channeldefinitionid of the channel' })
        .option('delivery-report-api', { type: 'string', describe: 'Unique name of the delivery report custom API (with --id)' })
        .option('inbound-api', { type: 'string', describe: 'Unique name of the inbound custom API (with --id)' })
        .option('out', { type: 'string', describe: 'Write to this file instead of stdout' })
        .option('format', { alias: 'f', type: 'string', choices: ['yaml', 'json'] as const, default: 'yaml' as const, describe: 'Spec format' })
        .example('$0 realtime export channel.yaml --out exported.yaml', 'Export what is installed'),
    async (argv) => {
      const args = argv as unknown as ExportArgs;
      let id = args.id;
      let deliveryReportApi = args['delivery-report-api'];
      let inboundApi = args['inbound-api'];
      if (args.file !== undefined) {
        const { spec } = await readChannelSpecFile(args.file);
        id ??= spec.channel.id;
        deliveryReportApi ??= spec.customApis.deliveryReport?.uniqueName;
        inboundApi ??= spec.customApis.inbound?.uniqueName;
      }
      if (id === undefined) throw new InputError('name the channel: a spec file or --id <msdyn_channeldefinitionid>', {}, { hint: 'journeyctl realtime export channel.yaml' });
      if (!isGuid(id)) throw new InputError(`--id must be a GUID, got "${id}"`);
      const connection = await openConnection(args, { readOnly: true });
      try {
        const spec = await exportChannel(connection.client, id, { ...(deliveryReportApi ? { deliveryReportApi } : {}), ...(inboundApi ? { inboundApi } : {}) });
        const text = args.format === 'json' ? renderJson(spec) : renderYaml(spec);
        if (args.out === undefined) writeOut(text);
        else {
          writeFileSync(args.out, text);
          writeOut(`wrote ${args.out}`);
        }
      } finally {
        await connection.close();
      }
    },
  );

/** The `realtime` subcommands. */
const REALTIME_SUBCOMMANDS: RealtimeSubcommand[] = [newCommand, lintCommand, applyCommand, exportCommand];

/** Register `journeyctl realtime` and its subcommands. */
export default function register(cli: Argv): Argv {
  return cli.command('realtime', 'Real-time journeys custom channels as one spec: new, lint, apply, export, conformance', (realtime) => {
    let parser = realtime;
    for (const subcommand of REALTIME_SUBCOMMANDS) parser = subcommand(parser);
    return parser.demandCommand(1, 'Name a realtime subcommand; see journeyctl realtime --help.');
  });
}
