/**
 * Journey documents named by paths, folders and globs, loaded one at a time in input order, so
 * a caller holds one document at a time however many there are.
 */
import { isInputError, type InputError } from '../errors.js';
import { isDocumentError } from './documentError.js';
import { expandInputPaths, type InputPath } from './expandInputs.js';
import { loadJourneyDocument, type JourneyDocument, type LoadJourneyDocumentOptions } from './loadJourneyDocument.js';

/** The outcome of loading one document of many. */
export type LoadedJourneyDocument =
  | (InputPath & { ok: true; document: JourneyDocument })
  /** It could not be read, parsed or loaded; `error` says why and where. */
  | (InputPath & { ok: false; error: InputError; skipped: false })
  /** Found in a folder and no kind of journey document (channel payloads, configuration): left out. */
  | (InputPath & { ok: false; error: InputError; skipped: true });

/** Whether a document that failed to load is left out of a run rather than reported (decided by the error's reason). */
export function isSkipped(input: InputPath, error: unknown): boolean {
  return input.origin === 'folder' && isDocumentError(error) && error.reason === 'not-a-journey';
}

/**
 * Load every document named by paths, folders or globs (see `expandInputPaths`), one at a time
 * in input order. A document that cannot be loaded does not stop the others: its input error is
 * yielded in its place. Errors that are not input errors (bugs) are thrown.
 *
 * @throws DocumentError (`not-found`) before anything is yielded when a path does not exist or
 *   a glob matches nothing
 */
export async function* loadJourneyDocuments(
  paths: readonly string[] | readonly InputPath[],
  options: LoadJourneyDocumentOptions = {},
): AsyncGenerator<LoadedJourneyDocument> {
  const inputs = paths.length > 0 && typeof paths[0] !== 'string' ? (paths as readonly InputPath[]) : expandInputPaths(paths as readonly string[]);
  for (const input of inputs) {
    try {
      yield { ...input, ok: true, document: await loadJourneyDocument(input.path, options) };
    } catch (error) {
      if (!isInputError(error)) throw error;
      yield { ...input, ok: false, error, skipped: isSkipped(input, error) } as LoadedJourneyDocument;
    }
  }
}
