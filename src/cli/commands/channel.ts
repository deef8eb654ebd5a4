/**
 * `journeyctl channel <subcommand>`: custom channels.
 *
 * Each subcommand is one registration in {@link CHANNEL_SUBCOMMANDS}: `lint-tile` here, and the
 * reporter's `report`, `retry`, `receive` and the real-time adapter `serve` in `channelReporter.ts`.
 *
 * `channel lint-tile FILE...` checks outbound custom channel tile XML files against the
 * documented rules. Exit codes: 0 when no finding reaches `--fail-on`; 1 when one does; 2 when
 * a file cannot be read or is not safe, well-formed tile XML (the other files are still linted).
 */
import { readInputText } from '../../io/readInput.js';
import type { Argv } from 'yargs';
import { subcommand, type GlobalArgs } from '../command.js';
import { lintTile, type TileFinding } from '../../channels/tile/index.js';
import { isInputError, type InputError } from '../../errors.js';
import type { Finding, Severity } from '../../validation/finding.js';
import { ExitCode, formatError } from '../exit.js';
import type { CommandResult } from '../render.js';
import { receiveCommand, reportCommand, retryCommand, serveCommand } from './channelReporter.js';

/** One `channel` subcommand: registers itself on the `channel` command's parser. */
export type ChannelSubcommand = (channel: Argv<GlobalArgs>) => Argv<GlobalArgs>;

/** Output formats of the lint commands. */
export const LINT_FORMATS = ['text', 'json'] as const;
/** One of {@link LINT_FORMATS}. */
export type LintFormat = (typeof LINT_FORMATS)[number];

/** Lowest severity that makes a lint command exit 1; `never` only reports. */
export const FAIL_ON = ['error', 'warning', 'never'] as const;
/** One of {@link FAIL_ON}. */
export type LintFailOn = (typeof FAIL_ON)[number];

/** A finding plus the source line, when the linter knows it. */
type LintFinding = Finding & { line?: number };

/** Findings as text lines: `file:line: severity rule-id message (at pointer)`. */
export function renderFindingsText(findings: readonly LintFinding[]): string {
  return findings
    .map((f) => {
      const where = `${f.location.file ?? '-'}${f.line === undefined ? '' : `:${f.line}`}`;
      const at = f.location.pointer ? ` (at ${f.location.pointer})` : '';
      return `${where}: ${f.severity} ${f.ruleId} ${f.message}${at}`;
    })
    .join('\n');
}

/** `N errors, N warnings in N files`, for stderr. */
export function summarizeFindings(findings: readonly Finding[], files: number, unusable = 0): string {
  const count = (severity: Severity): number => findings.filter((f) => f.severity === severity).length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const linted = `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')} in ${plural(files - unusable, 'file')}`;
  return unusable === 0 ? linted : `${linted}; ${plural(unusable, 'file')} could not be read (see the errors above)`;
}

/** Whether findings reach the `--fail-on` threshold. */
export function findingsFail(findings: readonly Finding[], failOn: LintFailOn): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning'));
}

/** Lint results: findings on stdout, the count on stderr, and the lint exit code (0, 1, or 2 when some input was unusable). */
export function lintResult(findings: readonly LintFinding[], options: { failOn: LintFailOn; quiet: boolean; files: number; unusable: readonly InputError[]; verbose: boolean }): CommandResult<readonly LintFinding[]> {
  const exitCode = options.unusable.length > 0 ? ExitCode.Usage : findingsFail(findings, options.failOn) ? ExitCode.Failure : ExitCode.Success;
  return {
    data: findings,
    text: renderFindingsText,
    notices: [...options.unusable.map((error) => formatError(error, options.verbose)), ...(options.quiet ? [] : [summarizeFindings(findings, options.files, options.unusable.length)])],
    exitCode,
  };
}

/**
 * Lint each file with `lint` (given its text); a file that cannot be read safely, or is not valid
 * input, is set aside with its error and the others are still linted.
 */
export async function lintEach<F>(files: readonly string[], lint: (file: string, text: string) => readonly F[]): Promise<{ findings: F[]; unusable: InputError[] }> {
  const findings: F[] = [];
  const unusable: InputError[] = [];
  for (const file of files) {
    try {
      findings.push(...lint(file, await readInputText(file)));
    } catch (error) {
      if (!isInputError(error)) throw error;
      unusable.push(error);
    }
  }
  return { findings, unusable };
}

/** `--format` (text by default) and `--fail-on` of the lint commands. */
export function withLintOptions<T, F extends readonly ['text', ...string[]]>(cmd: Argv<T>, formats: F) {
  return cmd
    .option('format', { alias: 'f', type: 'string', choices: formats, default: 'text' as F[number], describe: 'Output format' })
    .option('fail-on', { type: 'string', choices: FAIL_ON, default: 'error' as LintFailOn, describe: 'Lowest severity that makes the exit code 1' });
}

const lintTileCommand = subcommand(
  'channel',
  'lint-tile <files..>',
  'Check custom channel tile XML files (…CustomerJourneyDesignerTileConfig.xml) against the documented rules',
  (cmd) =>
    withLintOptions(cmd.positional('files', { type: 'string', array: true, demandOption: true, describe: 'Tile XML files' }), LINT_FORMATS)
      .example('$0 channel lint-tile sample_SmsCustomerJourneyDesignerTileConfig.xml', 'Lint one tile')
      .example('$0 channel lint-tile tiles/*.xml --format json', 'Lint several tiles, findings as JSON'),
  async (argv) => {
    const { findings, unusable } = await lintEach<TileFinding>(argv.files, lintTile);
    return lintResult(findings, { failOn: argv['fail-on'], quiet: argv.quiet, files: argv.files.length, unusable, verbose: argv.verbose });
  },
);

/** The `channel` subcommands. */
const CHANNEL_SUBCOMMANDS: ChannelSubcommand[] = [lintTileCommand, reportCommand, retryCommand, receiveCommand, serveCommand];

/** Register `journeyctl channel` and its subcommands. */
export default function register(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return cli.command('channel', 'Custom channels: tile XML lint, the interaction reporter, delivery receipts and the real-time adapter', (channel) => {
    let parser = channel;
    for (const add of CHANNEL_SUBCOMMANDS) parser = add(parser);
    return parser.demandCommand(1, 'Name a channel subcommand; see journeyctl channel --help.');
  });
}
