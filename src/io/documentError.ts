/**
 * The typed error of the document reader: why a file could not be turned into a value, as a
 * `reason` a caller can switch on, and where (file, JSON pointer, line and column in
 * `location`). Nothing downstream parses a message to decide what happened.
 */
import { InputError, type InputLocation } from '../errors.js';

/**
 * Why a document could not be used.
 * - Unreadable: `not-found`, `permission-denied`, `is-directory`, `unreadable` (any other I/O failure),
 *   `too-large` (more bytes than the size limit).
 * - Unparseable: `empty`, `syntax` (not JSON/YAML), `too-deep` (nested past the depth limit).
 * - Not usable: `not-a-journey` (parsed, but no kind of journey document).
 */
export type DocumentErrorReason =
  | 'not-found'
  | 'permission-denied'
  | 'is-directory'
  | 'unreadable'
  | 'too-large'
  | 'empty'
  | 'syntax'
  | 'too-deep'
  | 'not-a-journey';

/** How bad a reason is for a command: the bytes could not be read, could not be parsed, or parsed into something else. */
export type DocumentFailure = 'unreadable' | 'unparseable' | 'unusable';

const FAILURE: Readonly<Record<DocumentErrorReason, DocumentFailure>> = Object.freeze({
  'not-found': 'unreadable',
  'permission-denied': 'unreadable',
  'is-directory': 'unreadable',
  unreadable: 'unreadable',
  'too-large': 'unreadable',
  empty: 'unparseable',
  syntax: 'unparseable',
  'too-deep': 'unparseable',
  'not-a-journey': 'unusable',
});

/** A document that could not be read, parsed or recognized. */
export class DocumentError extends InputError {
  override name = 'DocumentError';
  readonly reason: DocumentErrorReason;

  constructor(reason: DocumentErrorReason, message: string, location: InputLocation, options?: { cause?: unknown; hint?: string }) {
    super(message, location, options);
    this.reason = reason;
  }

  /** Whether the bytes could not be read, could not be parsed, or parsed into no usable document. */
  get failure(): DocumentFailure {
    return FAILURE[this.reason];
  }
}

/** Whether an error is a {@link DocumentError} (matched by name, so duplicate package copies agree). */
export function isDocumentError(error: unknown): error is DocumentError {
  return error instanceof Error && error.name === 'DocumentError' && typeof (error as { reason?: unknown }).reason === 'string';
}

/** Whether an error means the input could not be read or parsed at all (exit code 2 in every command). */
export function isUnreadableOrUnparseable(error: unknown): error is DocumentError {
  return isDocumentError(error) && error.failure !== 'unusable';
}
