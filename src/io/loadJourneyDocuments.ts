import { isInputError, type InputError } from '../errors.js';
import { expandInputs } from './expandInputs.js';
import { loadJourneyDocument, type JourneyDocument, type LoadJourneyDocumentOptions } from './loadJourneyDocument.js';

/** The outcome of loading one document of many: the document, or the input error it raised. */
export type LoadedJourneyDocument =
  | { file: string; ok: true; document: JourneyDocument }
  | { file: string; ok: false; error: InputError };

/**
 * Load every document named by paths, folders or globs (see `expandInputs`). A document that
 * cannot be read does not stop the others: its input error is returned in its place, so a
 * validator can report every file in one run. Errors that are not input errors are thrown.
 */
export async function loadJourneyDocuments(
  pathsOrGlobsOrDirs: readonly string[],
  options: LoadJourneyDocumentOptions = {},
): Promise<LoadedJourneyDocument[]> {
  const results: LoadedJourneyDocument[] = [];
  for (const file of expandInputs(pathsOrGlobsOrDirs)) {
    try {
      results.push({ file, ok: true, document: await loadJourneyDocument(file, options) });
    } catch (error) {
      if (!isInputError(error)) throw error;
      results.push({ file, ok: false, error });
    }
  }
  return results;
}
