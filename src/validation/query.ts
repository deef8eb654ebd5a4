/**
 * JSONPath over the workflow definitions of many journey documents ("which journeys use the
 * LinkedIn tile?"), one document at a time in input order. Script evaluation is disabled, as in
 * custom rules.
 */
import { JSONPath } from 'jsonpath-plus';
import { InputError } from '../errors.js';
import { loadJourneyDocuments, type LoadJourneyDocumentOptions } from '../io/index.js';
import { NothingToValidateError } from './files.js';

/** What a JSONPath selected in one document. */
export interface QueryMatch {
  /** JSON pointer of the match inside the definition. */
  pointer: string;
  value: unknown;
}

/** The matches of one document, or why it could not be queried. */
export type QueryFileResult = { path: string; matches: QueryMatch[] } | { path: string; error: InputError };

/**
 * Evaluate a JSONPath over a definition, without script evaluation.
 * @throws InputError when the JSONPath does not start with `$`, uses script expressions or cannot be evaluated
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

/**
 * Query the definition of every journey document named by paths, folders, globs or `-`, one
 * document at a time. A document that cannot be read, parsed or loaded yields its error; files
 * found in folders that are no kind of journey document are skipped.
 *
 * @throws InputError for a bad JSONPath or a missing path (before anything is yielded), and
 *   NothingToValidateError when no document was found
 */
export async function* queryFiles(jsonpath: string, paths: readonly string[], options: LoadJourneyDocumentOptions = {}): AsyncGenerator<QueryFileResult> {
  queryDefinition(jsonpath, []); // Refuse a bad JSONPath before reading anything.
  const skipped: string[] = [];
  let documents = 0;
  for await (const input of loadJourneyDocuments(paths, options)) {
    if (!input.ok) {
      if (input.skipped) skipped.push(input.path);
      else {
        documents++;
        yield { path: input.path, error: input.error };
      }
      continue;
    }
    documents++;
    yield { path: input.path, matches: queryDefinition(jsonpath, input.document.definition) };
  }
  if (documents === 0) throw new NothingToValidateError(paths, skipped, 'query');
}
