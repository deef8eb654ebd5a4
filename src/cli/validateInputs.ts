/**
 * The inputs of `journeyctl validate` (offline and `--online`): every journey document named by
 * paths, folders, globs or `-`, each loaded or with the reason it could not be, plus its text
 * (for line/column positions), and the shape of what a validation run found.
 */
import { InputError, isInputError } from '../errors.js';
import { expandInputs, loadJourneyDocument, loadJourneyText, readInputText, STDIN, type JourneyDocument } from '../io/index.js';
import type { ValidationReport } from '../validation/report.js';

/** A loaded input: the document, or why it could not be read; with its text for positions. */
export type LoadedInput =
  | { path: string; ok: true; document: JourneyDocument; texts: Map<string, string> }
  | { path: string; ok: false; error: InputError; texts: Map<string, string>; skipped?: boolean };

/**
 * Load every document named by paths, folders and globs (`-` is stdin, read once). Missing
 * paths throw (usage error); each document's own problems are returned in its place.
 */
export async function loadInputs(paths: readonly string[]): Promise<LoadedInput[]> {
  if (paths.length === 0) {
    throw new InputError('no input: name at least one file, folder or glob, or - for standard input', {}, { hint: 'e.g. journeyctl validate journeys/' });
  }
  const results: LoadedInput[] = [];
  const seen = new Set<string>();
  for (const argument of paths) {
    for (const path of expandInputs([argument])) {
      if (seen.has(path)) continue;
      seen.add(path);
      results.push(await loadInput(path, path !== argument));
    }
  }
  return results;
}

/**
 * The paths of a command, with `-` (stdin) put back: yargs drops a lone `-` while filling
 * variadic positionals, so it is recovered from the process arguments (the CLI entry point
 * parses exactly those).
 */
export function withStdin(paths: readonly string[], processArgs: readonly string[] = process.argv.slice(2)): string[] {
  const result = [...paths];
  if (!result.includes(STDIN) && processArgs.includes(STDIN)) result.push(STDIN);
  return result;
}

/** Message start of the loader's error for a document that is no kind of journey document. */
const NOT_A_JOURNEY = 'cannot tell what this document is';

async function loadInput(path: string, foundInFolder: boolean): Promise<LoadedInput> {
  const texts = new Map<string, string>();
  try {
    let document: JourneyDocument;
    if (path === STDIN) {
      const text = await readInputText(STDIN);
      texts.set(STDIN, text);
      document = loadJourneyText(text, STDIN);
    } else {
      document = await loadJourneyDocument(path);
    }
    return { path, ok: true, document, texts };
  } catch (error) {
    if (!isInputError(error)) throw error;
    // Folders hold other JSON and YAML too (channel payloads, configuration): a document found
    // by walking a folder that is no kind of journey document is skipped, not reported.
    const skipped = foundInFolder && error.message.startsWith(NOT_A_JOURNEY);
    return { path, ok: false, error, texts, ...(skipped ? { skipped } : {}) };
  }
}

/** Whether an input error means the bytes could not be read at all (no pointer into content). */
export function isUnreadable(error: InputError): boolean {
  return error.location.pointer === undefined;
}

/** What a validation run (`validatePaths`, `validateOnline`) found. */
export interface ValidatePathsResult {
  report: ValidationReport;
  /** Inputs whose bytes could not be read (exit code 2). */
  unreadable: InputError[];
  /** Files found in folders that are no kind of journey document, left out of the report. */
  skipped: string[];
}

