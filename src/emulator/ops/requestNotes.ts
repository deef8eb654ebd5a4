/**
 * Notes the operations plugins leave on a request (throttled, fault) for the request log, which
 * wraps them all. Kept on the request object under a private symbol, so nothing leaks into
 * responses and no side table (a WeakMap entry per request, which the garbage collector has to
 * process) is needed.
 */
import type { CoreRequest } from '../core/types.js';

/** What happened to a request besides its answer. */
export interface RequestNotes {
  throttled?: boolean;
  fault?: string;
  /** The user key computed by the outermost plugin, reused by the inner ones. */
  user?: string;
}

const NOTES = Symbol('requestNotes');

type Noted = CoreRequest & { [NOTES]?: RequestNotes };

/** The (mutable) notes of a request. */
export function notesOf(request: CoreRequest): RequestNotes {
  return ((request as Noted)[NOTES] ??= {});
}
