/**
 * How a command is written: a yargs builder whose options give the handler its argument type
 * (no hand-written argument interfaces), and a handler that returns what it produced for one
 * renderer to print.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { Connection, ConnectionArgs, OpenConnectionOptions } from './connection.js';
import { emit, type AnyCommandResult } from './render.js';

/** The global options every command receives (registered in main.ts). */
export interface GlobalArgs {
  verbose: boolean;
  quiet: boolean;
  color: boolean;
}

/** The parsed arguments a builder declares: `ArgsOf<typeof builder>`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ArgsOf<B extends (cli: any) => Argv<any>> = B extends (cli: any) => Argv<infer U> ? ArgumentsCamelCase<U> : never;

/**
 * A handler: runs the command with its parsed arguments and returns what it produced, for
 * {@link emit} to print; nothing when there is nothing to print (a stream the command wrote
 * itself, see render.ts).
 */
export type Handler<A> = (argv: A) => AnyCommandResult | void | Promise<AnyCommandResult | void>;

/** The `--format` a command was given (`text` for commands without one, or with several). */
function formatOf(argv: unknown): string {
  const format = typeof argv === 'object' && argv !== null && 'format' in argv ? argv.format : undefined;
  return typeof format === 'string' ? format : 'text';
}

/**
 * A command's handler, named `command` (its words, e.g. `journeys list`). Its argument type is
 * inferred from the builder yargs pairs it with, so the handler needs no argument interface.
 * What the handler returns is printed here, in the command's `--format`: the one place command
 * output is printed.
 */
export function handle<A>(command: string, handler: Handler<A>): (argv: A) => Promise<void> {
  const run = async (argv: A): Promise<void> => {
    const result = await handler(argv);
    if (result) emit(result, formatOf(argv));
  };
  Object.defineProperty(run, 'name', { value: command });
  return run;
}

/**
 * Open the connection the arguments name, run `fn` with it, and always close it. The client and
 * its dependencies load with the first command that connects.
 */
export async function withConnection<T>(argv: ConnectionArgs, options: OpenConnectionOptions, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const { openConnection } = await import('./connection.js');
  const connection = await openConnection(argv, options);
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

/**
 * One subcommand of a command group (`channel report`, `customapi lint`, …), registered on the
 * group's parser: its handler takes the arguments `builder` declares and is named `group name`.
 */
export function subcommand<A>(group: string, command: string, describe: string, builder: (cli: Argv<GlobalArgs>) => Argv<A>, handler: Handler<ArgumentsCamelCase<A>>) {
  return (cli: Argv<GlobalArgs>): Argv<GlobalArgs> => cli.command(command, describe, builder, handle(`${group} ${command.split(' ', 1)[0]!}`, handler));
}

/** The signals that stop a long-running command. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Where {@link abortOnSignal} listens: the process, or a stand-in in tests. */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** An operation's stop switch: see {@link abortOnSignal}. */
export interface SignalAbort {
  /** Aborted by the first SIGINT or SIGTERM; its reason is an `AbortError` naming the signal. */
  signal: AbortSignal;
  /** Resolves with the first SIGINT or SIGTERM (never, once disposed before one came). */
  received: Promise<NodeJS.Signals>;
  /** Stop listening: call it when the operation ends (in a `finally`). Safe to call twice. */
  dispose(): void;
}

/**
 * The one way a command stops on SIGINT/SIGTERM: the first of them aborts the returned signal
 * (after `onSignal`, e.g. a line on stderr saying what happens now) and stops listening, so a
 * second one ends the process the default way. `dispose()` detaches the listeners when the
 * operation ends first, so no command leaves a listener behind.
 */
export function abortOnSignal(options: { onSignal?: (signal: NodeJS.Signals) => void; source?: SignalSource } = {}): SignalAbort {
  const source: SignalSource = options.source ?? process;
  const controller = new AbortController();
  let resolveReceived!: (signal: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((resolve) => (resolveReceived = resolve));
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    for (const name of STOP_SIGNALS) source.off(name, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    dispose();
    options.onSignal?.(signal);
    controller.abort(new DOMException(`interrupted by ${signal}`, 'AbortError'));
    resolveReceived(signal);
  }
  for (const name of STOP_SIGNALS) source.on(name, onSignal);
  return { signal: controller.signal, received, dispose };
}

/** Resolve with the first SIGINT or SIGTERM (servers that run until stopped). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return abortOnSignal().received;
}
