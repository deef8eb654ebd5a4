import { describeLocation, isInputError, type ErrorKind } from '../errors.js';

/** The CLI's exit-code contract (docs/cli.md, architecture.md). */
export const ExitCode = Object.freeze({
  /** Success; no findings at or above `--fail-on`. */
  Success: 0,
  /** Findings at or above `--fail-on`, or an operation that ended in a failed state. */
  Failure: 1,
  /** Usage error or unreadable/invalid input. */
  Usage: 2,
  /** Service, authentication or network error. */
  Service: 3,
});

/** Thrown by a command to end the process with a given code after its output was written. */
export class ExitError extends Error {
  override name = 'ExitError';
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
  }
}

const KIND_EXIT: Record<ErrorKind, number> = {
  input: ExitCode.Usage,
  service: ExitCode.Service,
  operation: ExitCode.Failure,
  internal: ExitCode.Failure,
};

function kindOf(error: unknown): ErrorKind | undefined {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && kind in KIND_EXIT ? (kind as ErrorKind) : undefined;
}

/** The exit code for an error that reached the CLI entry point. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ExitError) return error.exitCode;
  const kind = kindOf(error);
  return kind ? KIND_EXIT[kind] : ExitCode.Failure;
}

/**
 * A message for stderr. User errors (input, service, operation) get their message, location and
 * hint, never a stack trace unless `verbose`; anything else is an internal error with its stack.
 */
export function formatError(error: unknown, verbose: boolean): string {
  if (error instanceof ExitError) return error.message;
  const err = error instanceof Error ? error : new Error(String(error));
  const kind = kindOf(err);
  const lines: string[] = [];
  if (kind && kind !== 'internal') {
    const where = isInputError(err) ? describeLocation(err.location) : '';
    lines.push(`error: ${err.message}${where ? ` (${where})` : ''}`);
    const hint = (err as { hint?: unknown }).hint;
    if (typeof hint === 'string' && hint) lines.push(`hint: ${hint}`);
    if (verbose && err.stack) lines.push(err.stack);
  } else {
    lines.push(`internal error: ${err.message}`);
    lines.push(verbose && err.stack ? err.stack : 'run again with --verbose for the stack trace, and please report it');
  }
  return lines.join('\n');
}
