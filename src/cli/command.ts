/**
 * How a command is written: a yargs builder whose options give the handler its argument type
 * (no hand-written argument interfaces), and a handler that returns what it produced for one
 * renderer to print.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';

/** The global options every command receives (registered in main.ts). */
export interface GlobalArgs {
  verbose: boolean;
  quiet: boolean;
  color: boolean;
}

/** The parsed arguments a builder declares: `ArgsOf<typeof builder>`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ArgsOf<B extends (cli: any) => Argv<any>> = B extends (cli: any) => Argv<infer U> ? ArgumentsCamelCase<U> : never;

/** A handler: runs the command with its parsed arguments. */
export type Handler<A> = (argv: A) => void | Promise<void>;

/** Receives the arguments of the command that would run, instead of running it (tests). */
type Interceptor = (command: string, argv: Record<string, unknown>) => void;
let interceptor: Interceptor | undefined;

/**
 * Parse without running: while `capture` is set, every handler registered through
 * {@link handle} hands its parsed arguments to it and returns. For tests of the real builders.
 * @returns a function that restores normal running.
 */
export function captureParsedArguments(capture: Interceptor): () => void {
  interceptor = capture;
  return () => {
    if (interceptor === capture) interceptor = undefined;
  };
}

/**
 * A command's handler, named `command` (its words, e.g. `journeys list`). Its argument type is
 * inferred from the builder yargs pairs it with.
 */
export function handle<A>(command: string, handler: Handler<A>): (argv: A) => Promise<void> {
  return async (argv) => {
    if (interceptor) {
      interceptor(command, argv as Record<string, unknown>);
      return;
    }
    await handler(argv);
  };
}
