#!/usr/bin/env node
/**
 * The `journeyctl` entry point: a table of commands, each loaded only when it runs; parses
 * argv, runs one command, and turns what it threw into an exit code. This is the only place that
 * ends the process.
 *
 * Start-up cost is part of the interface: `--version` loads nothing but this file and
 * package.json; `--help` prints the root help yargs rendered at build time (dist/cli/root-help.json,
 * written by writeRootHelp.ts) and loads yargs only for a width it was not rendered for; a command
 * loads its own module (and through it the library parts and dependencies it needs) only when it
 * is the one that runs.
 */
import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { isEntryPoint } from '../util/entryPoint.js';
import type { GlobalArgs } from './command.js';

/**
 * What a command module exports: `builder` (options, positionals, subcommands) and `handler`;
 * or, for a command that registers itself, a default export `(cli) => cli.command(…)`.
 */
export interface CommandModule {
  // The builders and handlers are typed precisely in their modules (the handler's arguments are
  // inferred from its builder); here only their shape matters.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  builder?: (cli: Argv<GlobalArgs>) => Argv<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler?: (args: any) => void | Promise<void>;
  /** A module that registers its command itself: `(cli) => cli.command(…)`. */
  default?: (cli: Argv<GlobalArgs>) => unknown;
}

/** One line of the command table. */
export interface CommandEntry {
  /** The yargs command string: the name and its positionals, e.g. `validate [paths..]`. */
  command: string;
  /** One line for `journeyctl --help`. */
  describe: string;
  /** Loads the command's module; called only when this command runs (or its help is asked for). */
  load: () => Promise<CommandModule>;
}

/** Every command, in help order. Adding a command is one line here and one module in commands/. */
export const COMMANDS: readonly CommandEntry[] = [
  { command: 'journeys', describe: 'Customer journeys as code: list, get, create, apply, delete, go-live, stop, validate, export, import, diff', load: () => import('./commands/journeys.js') },
  { command: 'definition', describe: 'Format, draw and inspect workflow definitions', load: () => import('./commands/definition.js') },
  { command: 'validate [paths..]', describe: 'Check journey definitions, records, exports and specs offline (rules: docs/rules.md)', load: () => import('./commands/validate.js') },
  { command: 'query <jsonpath> [paths..]', describe: 'Print what a JSONPath selects in each journey definition', load: () => import('./commands/query.js') },
  { command: 'emulator <command>', describe: 'Run the Dataverse Web API emulator and manage its store', load: () => import('./commands/emulator.js') },
  { command: 'channel', describe: 'Custom channels: tile XML lint, the interaction reporter, delivery receipts and the real-time adapter', load: () => import('./commands/channel.js') },
  { command: 'customapi', describe: 'Dataverse custom API definitions: lint, generate and apply specs', load: () => import('./commands/customapi.js') },
  { command: 'audit', describe: 'Migration audit of outbound journeys: inventory, real-time mapping, risks, effort, reports (read-only)', load: () => import('./commands/audit.js') },
  { command: 'auth', describe: 'Saved connections: create, list, select, delete (URL, auth method, tenant, client id; never a secret)', load: () => import('./commands/auth.js') },
  { command: 'realtime', describe: 'Real-time journeys custom channels as one spec: new, lint, apply, export, conformance', load: () => import('./commands/realtime.js') },
];

/** The name a command string starts with (`validate [paths..]` -> `validate`). */
export function commandName(entry: Pick<CommandEntry, 'command'>): string {
  return entry.command.split(' ', 1)[0]!;
}

/** The package version, read from package.json beside dist/ (no yargs needed for `--version`). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Global options that take no value, so the first other word of argv names the command. */
const GLOBAL_FLAGS = new Set(['--verbose', '--quiet', '--color', '--no-color', '--help', '-h', '--version']);

/**
 * The command argv asks for: the first word that is not a global flag. For shell completion
 * (`--get-yargs-completions journeyctl <words…>`), the command once its word is complete.
 */
export function selectedCommand(argv: readonly string[]): CommandEntry | undefined {
  let words = argv;
  if (argv[0] === '--get-yargs-completions') {
    // The last word is the one being completed: it names a command only when another follows.
    words = argv.slice(2, -1);
  }
  const word = words.find((arg) => !GLOBAL_FLAGS.has(arg));
  return word === undefined ? undefined : COMMANDS.find((entry) => commandName(entry) === word);
}

/** Register a loaded command module on the parser. */
function registerLoaded(cli: Argv<GlobalArgs>, entry: CommandEntry, module: CommandModule): Argv<GlobalArgs> {
  if (module.builder) return cli.command(entry.command, entry.describe, module.builder, module.handler);
  if (module.default) return module.default(cli) as Argv<GlobalArgs>;
  throw new Error(`the module of command ${commandName(entry)} exports neither builder nor default`);
}

/** The shells `journeyctl completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;

/**
 * `completion bash|zsh`: yargs writes the zsh script when `SHELL` (or `ZSH_NAME`) names zsh, and
 * the bash script otherwise; an explicit shell sets that for this process and leaves argv as yargs
 * knows it. Without one, the script matches the user's `SHELL`.
 */
function completionShell(argv: readonly string[]): string[] {
  const args = [...argv];
  const shell = args[1];
  if (args[0] === 'completion' && (COMPLETION_SHELLS as readonly (string | undefined)[]).includes(shell)) {
    process.env.SHELL = `/bin/${shell}`;
    if (shell === 'bash') delete process.env.ZSH_NAME;
    args.splice(1, 1);
  }
  return args;
}

/** Options of {@link buildParser}. */
export interface ParserOptions {
  /** Receive the parsed arguments instead of running the command (tests of the real builders). */
  capture?: (argv: Record<string, unknown>) => void;
  /** Columns help is wrapped to. @default {@link helpWidth} */
  width?: number;
}

/** The columns help is wrapped to: the terminal's, at most 110; 100 when not a terminal. */
export function helpWidth(): number {
  return Math.min(110, process.stdout.columns ?? 100);
}

/** The widths the root help is rendered for at build time: not a terminal, and a wide terminal. */
export const PRERENDERED_HELP_WIDTHS = [100, 110] as const;

/** Where the build writes the root help rendered by yargs, by width. */
export const ROOT_HELP_FILE = new URL('./root-help.json', import.meta.url);

/**
 * The root help rendered at build time for `width`, if it was. Root help is the same text on
 * every run of a build, so it need not cost yargs' load and layout on each `--help`; a test holds
 * it equal to what yargs renders now.
 */
function prerenderedRootHelp(width: number): string | undefined {
  try {
    const texts = JSON.parse(readFileSync(ROOT_HELP_FILE, 'utf8')) as Record<string, unknown>;
    const text = texts[String(width)];
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Thrown after `capture` received the arguments, so that no handler runs. */
export class ParsedOnly extends Error {
  override name = 'ParsedOnly';
}

/**
 * Parse `argv` with the real builders and return the arguments the command's handler would get,
 * without running it. Usage errors reject as they would in a run.
 */
export async function parseOnly(argv: readonly string[]): Promise<Record<string, unknown>> {
  let parsed: Record<string, unknown> | undefined;
  const cli = await buildParser(argv, { capture: (args) => (parsed = args) });
  try {
    await cli.exitProcess(false).parseAsync();
  } catch (error) {
    if (!(error instanceof ParsedOnly)) throw error;
  }
  if (!parsed) throw new Error(`no command handler was reached for: ${argv.join(' ')}`);
  return parsed;
}

/**
 * The parser for `argv`: global options, the command that runs (fully loaded) and every other
 * command as a name and a description (for `--help`, suggestions and completion).
 */
export async function buildParser(argv: readonly string[], options: ParserOptions = {}): Promise<Argv<GlobalArgs>> {
  const [{ default: yargs }, { InputError }] = await Promise.all([import('yargs'), import('../errors.js')]);
  const selected = selectedCommand(argv);
  const module = selected ? await selected.load() : undefined;
  let cli: Argv<GlobalArgs> = yargs(completionShell(argv))
    .scriptName('journeyctl')
    .usage('$0 <command> [options]\n\nDynamics 365 Marketing customer journeys and custom channels, as code.')
    .option('verbose', { type: 'boolean', default: false, describe: 'Log more, including stack traces of errors' })
    .option('quiet', { type: 'boolean', default: false, describe: 'Print only results and errors' })
    .option('color', { type: 'boolean', default: true, describe: 'Colour output on a terminal (--no-color to disable)' })
    .strict()
    .demandCommand(1, 'Name a command; see journeyctl --help.')
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(packageVersion())
    .wrap(options.width ?? helpWidth())
    .completion('completion', 'Print the shell completion script: journeyctl completion [bash|zsh] >> ~/.bashrc (or ~/.zshrc)')
    .epilogue('Exit codes: 0 success, 1 findings or failed operation, 2 usage or input error, 3 service, auth or network error.')
    .fail((message, error) => {
      if (error) throw error;
      throw new InputError(message, {}, { hint: 'see journeyctl --help' });
    });
  if (options.capture) {
    const capture = options.capture;
    // Runs after validation, before any handler: the parsed arguments, and no command run.
    cli = cli.middleware((parsed) => {
      capture(parsed);
      throw new ParsedOnly();
    });
  }
  for (const entry of COMMANDS) {
    if (entry === selected && module) cli = registerLoaded(cli, entry, module);
    else cli = cli.command(entry.command, entry.describe);
  }
  return cli;
}

/** Run the CLI with the given arguments and resolve to the exit code. Never calls process.exit. */
export async function run(argv: readonly string[]): Promise<number> {
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    const help = prerenderedRootHelp(helpWidth());
    if (help !== undefined) {
      process.stdout.write(`${help}\n`);
      return 0;
    }
  }
  const verbose = argv.includes('--verbose');
  try {
    await (await buildParser(argv)).parseAsync();
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    const [{ writeErr }, { exitCodeFor, formatError }] = await Promise.all([import('./context.js'), import('./exit.js')]);
    const message = formatError(error, verbose);
    if (message) writeErr(message);
    return exitCodeFor(error);
  }
}

if (isEntryPoint(import.meta.url)) {
  const code = await run(process.argv.slice(2));
  // Let pending stdout writes drain before exiting.
  process.exitCode = code;
}
