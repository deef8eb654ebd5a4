#!/usr/bin/env node
/**
 * The `journeyctl` entry point: registers the commands, runs one, and turns what it threw into an
 * exit code. This is the only place that ends the process.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError } from '../errors.js';
import { writeErr } from './context.js';
import { exitCodeFor, formatError } from './exit.js';
import auditCommand from './commands/audit.js';
import channelCommand from './commands/channel.js';
import customApiCommand from './commands/customapi.js';
import definitionCommand from './commands/definition.js';
import emulatorCommand from './commands/emulator.js';
import journeysCommand from './commands/journeys.js';
import queryCommand from './commands/query.js';
import realtimeCommand from './commands/realtime.js';
import validateCommand from './commands/validate.js';
import { isEntryPoint } from '../util/entryPoint.js';

/** A command module registers one command (with its subcommands) on the parser. */
export type CommandRegistration = (cli: Argv) => Argv;

const COMMANDS: CommandRegistration[] = [
  journeysCommand,
  definitionCommand,
  validateCommand,
  queryCommand,
  emulatorCommand,
  channelCommand,
  customApiCommand,
  auditCommand,
  realtimeCommand,
];

export function buildParser(argv: string[]): Argv {
  let cli: Argv = yargs(argv)
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
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 success, 1 findings or failed operation, 2 usage or input error, 3 service, auth or network error.')
    .fail((message, error) => {
      if (error) throw error;
      throw new InputError(message, {}, { hint: 'see journeyctl --help' });
    });
  for (const register of COMMANDS) cli = register(cli);
  return cli;
}

/** Run the CLI with the given arguments and resolve to the exit code. Never calls process.exit. */
export async function run(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    await buildParser(argv).parseAsync();
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    const message = formatError(error, verbose);
    if (message) writeErr(message);
    return exitCodeFor(error);
  }
}


if (isEntryPoint(import.meta.url)) {
  const code = await run(hideBin(process.argv));
  // Let pending stdout writes drain before exiting.
  process.exitCode = code;
}
