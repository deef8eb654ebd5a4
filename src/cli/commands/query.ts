/**
 * `journeyctl query JSONPATH [paths..]`: what a JSONPath selects in each journey's workflow
 * definition, for ad-hoc questions across many journeys ("which journeys use the LinkedIn
 * tile?"). Script evaluation in JSONPath is disabled, as in custom rules.
 *
 * Exit codes: 0 when every document was read (with or without matches); 2 for a bad JSONPath,
 * no input, or a document that cannot be read as a journey.
 */
import { JSONPath } from 'jsonpath-plus';
import type { Argv } from 'yargs';
import { describeLocation, InputError } from '../../errors.js';
import { writeErr, writeOut } from '../context.js';
import { ExitCode, ExitError } from '../exit.js';
import { loadInputs, withStdin } from '../validateInputs.js';

/** What a JSONPath selected in one document. */
export interface QueryMatch {
  /** JSON pointer of the match inside the definition. */
  pointer: string;
  value: unknown;
}

/** The matches of one document. */
export interface QueryFileResult {
  path: string;
  matches: QueryMatch[];
}

/**
 * Evaluate a JSONPath over a definition, without script evaluation.
 * @throws InputError when the JSONPath uses script expressions or cannot be evaluated
 */
export function queryDefinition(path: string, definition: unknown): QueryMatch[] {
  if (!path.startsWith('$')) throw new InputError(`JSONPath ${JSON.stringify(path)} must start with "$"`, {}, { hint: "e.g. journeyctl query '$[*].ActivityTypeId' journeys/" });
  try {
    const results = JSONPath({ path, json: definition as object, eval: false, resultType: 'all', wrap: true }) as { pointer: string; value: unknown }[];
    return results.map((result) => ({ pointer: result.pointer, value: result.value }));
  } catch (error) {
    throw new InputError(`JSONPath ${JSON.stringify(path)} cannot be evaluated: ${(error as Error).message}`, {}, {
      hint: 'filter and script expressions ([?(...)], (...)) are disabled; select with paths, wildcards, slices and ..',
    });
  }
}

/** Run a query over documents; documents that cannot be read are returned as errors. */
export async function queryPaths(path: string, paths: readonly string[]): Promise<{ results: QueryFileResult[]; errors: InputError[] }> {
  queryDefinition(path, []); // Reject a bad JSONPath before reading anything.
  const results: QueryFileResult[] = [];
  const errors: InputError[] = [];
  for (const input of await loadInputs(paths)) {
    if (!input.ok) {
      if (!input.skipped) errors.push(input.error);
      continue;
    }
    results.push({ path: input.path, matches: queryDefinition(path, input.document.definition) });
  }
  return { results, errors };
}

/** Text output: one line per match, `path pointer value`. */
export function formatQueryText(results: readonly QueryFileResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    for (const match of result.matches) lines.push(`${result.path}\t${match.pointer || '/'}\t${JSON.stringify(match.value)}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

interface QueryArgs {
  jsonpath: string;
  paths: string[];
  format: 'json' | 'text';
}

async function runQuery(argv: QueryArgs): Promise<void> {
  const { results, errors } = await queryPaths(argv.jsonpath, withStdin(argv.paths));
  if (argv.format === 'json') writeOut(JSON.stringify(results, null, 2));
  else {
    const text = formatQueryText(results);
    if (text) process.stdout.write(text);
  }
  for (const error of errors) writeErr(`error: ${error.message} (${describeLocation(error.location)})`);
  if (errors.length > 0) throw new ExitError(ExitCode.Usage);
}

/** Register `journeyctl query`. */
export default function register(cli: Argv): Argv {
  return cli.command(
    'query <jsonpath> [paths..]',
    'Print what a JSONPath selects in each journey definition',
    (command) =>
      command
        .positional('jsonpath', { type: 'string', demandOption: true, describe: 'JSONPath over the definition (no script expressions)' })
        .positional('paths', { type: 'string', array: true, default: [], describe: 'Files, folders or globs; - reads standard input' })
        .option('format', { alias: 'f', type: 'string', choices: ['json', 'text'] as const, default: 'text' as const, describe: 'Output format' })
        .example("$0 query '$[*].ActivityTypeId' journeys/", 'List the tile types of every journey'),
    async (argv) => runQuery(argv as unknown as QueryArgs),
  );
}
