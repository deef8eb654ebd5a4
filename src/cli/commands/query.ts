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
import { writeErr, writeOut } from '../context.js';
import { ExitCode, ExitError } from '../exit.js';
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

/** Text streams a line per match as files are read; json prints one array at the end. */
export const handler = handle('query', async (argv: ArgsOf<typeof builder>) => {
  const matched: { path: string; matches: unknown[] }[] = [];
  const errors: InputError[] = [];
  for await (const result of queryFiles(argv.jsonpath, withStdin(argv.paths))) {
    if ('error' in result) errors.push(result.error);
    else if (argv.format === 'json') matched.push(result);
    else process.stdout.write(formatQueryText(result));
  }
  if (argv.format === 'json') writeOut(JSON.stringify(matched, null, 2));
  for (const error of errors) writeErr(`error: ${error.message} (${describeLocation(error.location)})`);
  if (errors.length > 0) throw new ExitError(ExitCode.Usage);
});
