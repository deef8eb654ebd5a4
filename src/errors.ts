/**
 * The base of every error journeyctl throws on purpose. Identify errors by `name` (or the `is*`
 * guards), not `instanceof`: that survives duplicate copies of the package.
 */
/**
 * What kind of failure an error is; the CLI maps it to its exit code (architecture.md):
 * `input` -> 2 (usage or unreadable input), `service` -> 3 (service, auth or network),
 * `operation` -> 1 (an operation that ended in a failed state), `internal` -> 1.
 */
export type ErrorKind = 'input' | 'service' | 'operation' | 'internal';

export class JourneyctlError extends Error {
  override name = 'JourneyctlError';
  readonly kind: ErrorKind = 'internal';
  /** What the user can do about it, printed after the message by the CLI. */
  readonly hint?: string;

  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.hint !== undefined) this.hint = options.hint;
  }
}

/** Where in the user's input something is: a file (or `-` for stdin) and a JSON pointer. */
export interface InputLocation {
  file?: string;
  /** RFC 6901 JSON pointer, `""` for the whole document. */
  pointer?: string;
  /** 1-based line in `file` where the pointer's value (or the problem) starts, when known. */
  line?: number;
  /** 1-based column, with `line`. */
  column?: number;
  /** The record the input came from, when it came from Dataverse. */
  recordId?: string;
}

/**
 * Bad input: unreadable files, malformed JSON, definitions that break the format. The CLI exits
 * with code 2 and prints `message (file at pointer)` and the hint, without a stack trace.
 */
export class InputError extends JourneyctlError {
  override name = 'InputError';
  override readonly kind: ErrorKind = 'input';
  readonly location: InputLocation;

  constructor(message: string, location: InputLocation = {}, options?: { cause?: unknown; hint?: string }) {
    super(message, options);
    this.location = location;
  }
}

const ERROR_KINDS: ReadonlySet<unknown> = new Set<ErrorKind>(['input', 'service', 'operation', 'internal']);

/** Whether an error is one journeyctl threw on purpose (by its `kind`, not `instanceof`). */
export function isJourneyctlError(error: unknown): error is JourneyctlError {
  return error instanceof Error && ERROR_KINDS.has((error as { kind?: unknown }).kind);
}

/** An operation that ran but ended in a failed state (e.g. a go-live that ended in Error). */
export class OperationFailedError extends JourneyctlError {
  override name = 'OperationFailedError';
  override readonly kind: ErrorKind = 'operation';
}

/** Whether an error is an {@link InputError} or one of its subclasses (matched by kind, not class). */
export function isInputError(error: unknown): error is InputError {
  return error instanceof Error && (error as { kind?: unknown }).kind === 'input' && 'location' in error;
}

/** Escape one JSON pointer token (RFC 6901). */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Build a JSON pointer from tokens: `pointer('a', 0, 'b/c')` is `/a/0/b~1c`. */
export function pointer(...tokens: (string | number)[]): string {
  return tokens.map((t) => `/${escapePointerToken(t)}`).join('');
}

/** "file.json:3:7 at /0/Properties" or "file.json" or "/0/Properties" — for messages. */
export function describeLocation(location: InputLocation): string {
  const parts: string[] = [];
  if (location.file) parts.push(location.line === undefined ? location.file : `${location.file}:${location.line}:${location.column ?? 1}`);
  else if (location.line !== undefined) parts.push(`line ${location.line}, column ${location.column ?? 1}`);
  if (location.recordId) parts.push(`record ${location.recordId}`);
  if (location.pointer !== undefined) parts.push(`at ${location.pointer === '' ? '/' : location.pointer}`);
  return parts.join(' ');
}
