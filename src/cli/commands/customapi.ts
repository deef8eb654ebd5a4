/**
 * `journeyctl customapi <subcommand>`: Dataverse custom API definitions as spec files.
 *
 * - `customapi lint FILE... [--prefix p]`: the documented rules. Exit 0 when no finding reaches
 *   `--fail-on`, 1 when one does, 2 when a file is unreadable or not a valid spec (schema).
 * - `customapi generate outbound-channel|delivery-report|inbound --prefix p [--name n]`: print
 *   the spec of a real-time custom channel API (YAML or JSON), or its deep-insert body.
 *
 * - `customapi apply FILE [--solution s] [--dry-run]`: deep insert when the API is new, update of
 *   the changeable columns when it differs, nothing when it matches. Exit 2 when the spec breaks a
 *   rule or differs in a column that cannot change; 3 for service errors.
 */
import type { Argv } from 'yargs';
import { subcommand, withConnection, type GlobalArgs } from '../command.js';
import {
  CHANNEL_API_KINDS,
  generateChannelApi,
  lintCustomApi,
  readCustomApiSpec,
  toDeepInsertBody,
} from '../../channels/customApi/index.js';
import { applyCustomApi } from '../../channels/customApi/apply.js';
import { InputError } from '../../errors.js';
import { withConnectionOptions } from '../connection.js';
import type { Finding } from '../../validation/finding.js';
import { renderYaml, type CommandResult } from '../render.js';
import { LINT_FORMATS, lintEach, lintResult, withLintOptions } from './channel.js';
import { readInputText } from '../../io/readInput.js';

/** One `customapi` subcommand. */
export type CustomApiSubcommand = (customapi: Argv<GlobalArgs>) => Argv<GlobalArgs>;

const lintCommand = subcommand(
  'customapi',
  'lint <files..>',
  'Check custom API spec files (YAML or JSON) against the documented custom API rules',
  (cmd) =>
    withLintOptions(
      cmd
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Spec files' })
        .option('prefix', { type: 'string', describe: 'Publisher prefix every uniqueName must start with' }),
      LINT_FORMATS,
    ).example('$0 customapi lint apis/*.yaml --prefix cr65f', 'Lint specs, requiring the cr65f_ prefix'),
  async (argv) => {
    const { findings, unusable } = await lintEach(argv.files, (file, text) => {
      const { spec, lineOf } = readCustomApiSpec(text, { file });
      return lintCustomApi(spec, { file, ...(argv.prefix === undefined ? {} : { prefix: argv.prefix }) }).map((finding): Finding & { line?: number } => {
        const line = lineOf(finding.location.pointer ?? '');
        return line === undefined ? finding : { ...finding, line };
      });
    });
    return lintResult(findings, { failOn: argv['fail-on'], quiet: argv.quiet, files: argv.files.length, unusable, verbose: argv.verbose });
  },
);

const generateCommand = subcommand(
  'customapi',
  'generate <kind>',
  'Print the spec of a real-time custom channel API: outbound-channel (payload in, response out), delivery-report or inbound',
  (cmd) =>
    cmd
      .positional('kind', { type: 'string', choices: CHANNEL_API_KINDS, demandOption: true, describe: 'Which API' })
      .option('prefix', { type: 'string', demandOption: true, describe: 'Solution publisher prefix, e.g. cr65f' })
      .option('name', { type: 'string', describe: 'Name after the prefix (default: OutboundCustomApi, DeliveryReportCustomApi, InboundCustomApi)' })
      .option('format', { alias: 'f', type: 'string', choices: ['yaml', 'json'] as const, default: 'yaml' as const, describe: 'Output format' })
      .option('deep-insert', { type: 'boolean', default: false, describe: 'Print the POST customapis deep-insert body instead of the spec' })
      .example('$0 customapi generate outbound-channel --prefix cr65f > outbound.yaml', 'Write the outbound API spec'),
  (argv): CommandResult<object> => {
    const spec = generateChannelApi(argv.kind, { prefix: argv.prefix, ...(argv.name === undefined ? {} : { name: argv.name }) });
    // Printed as yaml or json (the only formats): the document is the output.
    return { data: argv['deep-insert'] ? toDeepInsertBody(spec) : spec, text: renderYaml };
  },
);

const applyCommand = subcommand(
  'customapi',
  'apply <file>',
  'Create the custom API a spec describes (deep insert), or update what may change; unchanged specs write nothing',
  (cmd) =>
    withConnectionOptions(cmd)
      .positional('file', { type: 'string', demandOption: true, describe: 'Spec file (YAML or JSON)' })
      .option('solution', { type: 'string', describe: 'Unique name of the unmanaged solution to create it in' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Say what would happen without writing' })
      .option('format', { alias: 'f', type: 'string', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' })
      .example('$0 customapi apply outbound.yaml --solution ContosoSms', 'Create or update the outbound channel API'),
  async (argv) => {
    const { spec } = readCustomApiSpec(await readInputText(argv.file), { file: argv.file });
    // A spec that breaks a documented rule would be refused by Dataverse or misbehave: nothing is written.
    const errors = lintCustomApi(spec, { file: argv.file }).filter((f) => f.severity === 'error');
    if (errors.length > 0) {
      throw new InputError(`${argv.file} breaks ${errors.length} custom API rule(s): ${errors.map((f) => `${f.ruleId} ${f.message}`).join('; ')}`, { file: argv.file }, {
        hint: `run journeyctl customapi lint ${argv.file} and fix the errors`,
      });
    }
    const result = await withConnection(argv, {}, (connection) =>
      applyCustomApi(connection.client, spec, { file: argv.file, dryRun: argv['dry-run'], ...(argv.solution ? { solution: argv.solution } : {}) }),
    );
    return {
      data: { ...result, dryRun: argv['dry-run'] },
      text: () => [`${argv['dry-run'] ? 'would be ' : ''}${result.action} ${result.uniqueName} (${result.id})`, ...result.changes.map((change) => `  ${change}`)].join('\n'),
    };
  },
);

/** The `customapi` subcommands. */
const CUSTOMAPI_SUBCOMMANDS: CustomApiSubcommand[] = [lintCommand, generateCommand, applyCommand];

/** Register `journeyctl customapi` and its subcommands. */
export default function register(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return cli.command('customapi', 'Dataverse custom API definitions: lint, generate and apply specs', (customapi) => {
    let parser = customapi;
    for (const add of CUSTOMAPI_SUBCOMMANDS) parser = add(parser);
    return parser.demandCommand(1, 'Name a customapi subcommand; see journeyctl customapi --help.');
  });
}
