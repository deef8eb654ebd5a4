/**
 * `journeyctl query JSONPATH [paths..]`: what a JSONPath selects in each journey's workflow
 * definition. The work is the library's `queryFiles`; this file parses the arguments, renders
 * and picks the exit code.
 *
 * Exit codes: 0 when every document was read (with or without matches); 2 for a bad JSONPath,
 * no input, nothing to query, or a document that cannot be read, parsed or loaded as a journey
 * (the others are still queried and printed).
 */
import type { Argv } from 'yargs';
import { describeLocation, type InputError } from '../../errors.js';
import { queryFiles, type QueryFileResult } from '../../validation/query.js';
import { ExitCode } from '../exit.js';
import type { CommandResult } from '../render.js';
import { withStdin } from '../validateInputs.js';
import { handle, type ArgsOf, type GlobalArgs } from '../command.js';

/** Text output: one line per match, `path pointer value`. */
export function formatQueryText(result: QueryFileResult): string {
  if (!('matches' in result)) return '';
  return result.matches.map((match) => `${result.path}\t${match.pointer || '/'}\t${JSON.stringify(match.value)}\n`).join('');
}

/** Options and positionals of `journeyctl query`. */
export const builder = (command: Argv<GlobalArgs>) =>
  command
    .positional('jsonpath', { type: 'string', demandOption: true, describe: 'JSONPath over the definition (no script expressions)' })
    .positional('paths', { type: 'string', array: true, default: [] as string[], describe: 'Files, folders or globs; - reads standard input' })
    .option('format', { alias: 'f', type: 'string', choices: ['json', 'text'] as const, default: 'text' as const, describe: 'Output format' })
    .example("$0 query '$[*].ActivityTypeId' journeys/", 'List the tile types of every journey');

/** Every document's matches, printed once all are read; documents that could not be read are named on stderr (exit 2). */
export const handler = handle('query', async (argv: ArgsOf<typeof builder>): Promise<CommandResult<QueryFileResult[]>> => {
  const matched: QueryFileResult[] = [];
  const errors: InputError[] = [];
  for await (const result of queryFiles(argv.jsonpath, withStdin(argv.paths))) {
    if ('error' in result) errors.push(result.error);
    else matched.push(result);
  }
  return {
    data: matched,
    text: (results) => results.map(formatQueryText).join(''),
    notices: errors.map((error) => `error: ${error.message} (${describeLocation(error.location)})`),
    exitCode: errors.length > 0 ? ExitCode.Usage : ExitCode.Success,
  };
});
