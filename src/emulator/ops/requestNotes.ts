/**
 * Notes the operations plugins leave on a request (throttled, fault) for the request log, which
 * wraps them all. Keyed by the request object, so nothing leaks into responses.
 */
import type { CoreRequest } from '../core/types.js';

/** What happened to a request besides its answer. */
export interface RequestNotes {
  throttled?: boolean;
  fault?: string;
  /** The user key computed by the outermost plugin, reused by the inner ones. */
  user?: string;
}

const notes = new WeakMap<CoreRequest, RequestNotes>();

/** The (mutable) notes of a request. */
export function notesOf(request: CoreRequest): RequestNotes {
  let note = notes.get(request);
  if (!note) {
    note = {};
    notes.set(request, note);
  }
  return note;
}
