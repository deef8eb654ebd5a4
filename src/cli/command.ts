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

/**
 * A command's handler, named `command` (its words, e.g. `journeys list`). Its argument type is
 * inferred from the builder yargs pairs it with, so the handler needs no argument interface.
 */
export function handle<A>(command: string, handler: Handler<A>): (argv: A) => Promise<void> {
  const run = async (argv: A): Promise<void> => handler(argv);
  Object.defineProperty(run, 'name', { value: command });
  return run;
}
