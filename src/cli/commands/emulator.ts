/**
 * `journeyctl emulator start|seed|reset|export`: run the Dataverse Web API emulator as a
 * standalone server for other clients, and maintain its store.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { abortOnSignal, handle, type ArgsOf, type GlobalArgs } from '../command.js';
import type { CommandResult } from '../render.js';
import { readDocument } from '../../io/readInput.js';
import { InputError } from '../../errors.js';
import {
  exportDataDir,
  parseCustomApiBinding,
  parseFaultRules,
  parseLimits,
  resetDataDir,
  seedDataDir,
  startEmulator,
  STORE_FILE,
  acquireStoreLock,
  assertStoreNotServed,
  type FaultRule,
  type ServiceProtectionLimits,
} from '../../emulator/index.js';
import { writeErr, writeOut } from '../context.js';

/** Where `emulator` commands keep the store unless told otherwise (the embedded default's directory). */
export const DEFAULT_DATA_DIR = '.journeyctl';

/** The port `emulator start` listens on unless `--port` or `DATAVERSE_EMULATOR_PORT` says otherwise. */
export const DEFAULT_PORT = 7171;

/** Read the limits or faults file with the one document reader (limits, typed errors, positions). */
async function readJsonFile(file: string): Promise<unknown> {
  return (await readDocument(file, { syntax: 'json' })).value;
}

function defaultPort(): number {
  const fromEnv = process.env.DATAVERSE_EMULATOR_PORT;
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_PORT;
  const port = Number(fromEnv);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InputError(`DATAVERSE_EMULATOR_PORT must be a port number (0-65535), got '${fromEnv}'`, {}, { hint: 'unset it or pass --port' });
  }
  return port;
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InputError(`--port must be an integer from 0 to 65535, got ${port}`, {}, { hint: '0 picks a free port' });
  }
  return port;
}

/** Turn a failure to listen or to open the store into an input error that says what to change. */
function startupError(error: unknown, host: string, port: number, dataDir: string | undefined): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    const reason = code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : 'the address is not available here';
    return new InputError(`cannot listen on ${host}:${port}: ${reason}`, {}, { hint: '--port 0 picks a free port; --host must be an address of this machine', cause: error });
  }
  if (dataDir !== undefined && typeof code === 'string' && (code.startsWith('SQLITE_') || code === 'ENOTDIR' || code === 'EEXIST')) {
    return new InputError(`cannot open the emulator store: ${(error as Error).message}`, { file: dataDir }, { hint: 'pass --data DIR of a writable directory, or --in-memory', cause: error });
  }
  return error;
}

/** `name=implementation` pairs of `--custom-api`. */
function parseCustomApiBindings(values: readonly string[]): Record<string, string> {
  const bindings: Record<string, string> = {};
  for (const value of values) {
    try {
      const [name, implementation] = parseCustomApiBinding(value);
      bindings[name] = implementation;
    } catch (error) {
      throw new InputError(`--custom-api ${(error as Error).message}`, {}, { hint: 'e.g. --custom-api cr65f_SmsOutbound=./handler.mjs#outbound' });
    }
  }
  return bindings;
}

/**
 * `emulator start`: a long-running server. Its `listening on URL` line is written as soon as it
 * listens (the line scripts wait for), not returned: see render.ts.
 */
async function start(args: ArgsOf<typeof startBuilder>): Promise<void> {
  if (!Number.isInteger(args['transition-delay-ms']) || args['transition-delay-ms'] < 0) {
    throw new InputError(`--transition-delay-ms must be a non-negative integer, got ${args['transition-delay-ms']}`);
  }
  const port = checkPort(args.port);
  if (args['in-memory'] && args.data !== undefined) {
    throw new InputError('--in-memory and --data exclude each other', {}, { hint: 'keep one of them' });
  }
  let limits: ServiceProtectionLimits | undefined;
  if (args.limits) limits = parseLimits(await readJsonFile(args.limits), args.limits);
  let faults: FaultRule[] = [];
  let faultSeed = args['fault-seed'];
  if (args.faults) {
    const parsed = parseFaultRules(await readJsonFile(args.faults), args.faults);
    faults = parsed.rules;
    faultSeed ??= parsed.seed;
  }
  const dataDir = args['in-memory'] ? undefined : resolve(args.data ?? DEFAULT_DATA_DIR);
  const log = args.quiet ? () => {} : (line: string) => writeErr(line);

  const customApis = parseCustomApiBindings(args['custom-api']);
  // One writer per store: refused while another live server holds it (a stale lock is taken over).
  const lock = dataDir !== undefined ? acquireStoreLock(dataDir) : undefined;
  // Listening from before the start, so a signal during the start stops the server once it runs.
  const stop = abortOnSignal();
  const emulator = await startEmulator({
    host: args.host,
    port,
    ...(dataDir !== undefined ? { dataDir } : {}),
    seed: args.seed,
    transitionDelayMs: args['transition-delay-ms'],
    ...(limits ? { limits } : {}),
    faults,
    ...(faultSeed !== undefined ? { faultSeed } : {}),
    profile: args.profile,
    loose: args.loose,
    ...(args['request-log'] ? { requestLogFile: resolve(args['request-log']) } : {}),
    customApis,
    ...(args['custom-api-timeout-ms'] !== undefined ? { customApiTimeoutMs: args['custom-api-timeout-ms'] } : {}),
    log,
  }).catch((error: unknown) => {
    stop.dispose();
    lock?.release();
    throw startupError(error, args.host, port, dataDir);
  });
  lock?.setUrl(emulator.url);
  // The first stdout line is the contract scripts wait for.
  writeOut(`listening on ${emulator.url}`);
  log(`service root: ${emulator.serviceRoot}`);
  log(dataDir ? `store: ${dataDir}` : 'store: in memory (discarded on exit)');
  log('press Ctrl+C to stop');

  const received = await stop.received;
  log(`${received}: stopping`);
  try {
    await emulator.close();
  } finally {
    lock?.release();
  }
}

const startBuilder = (yargs: Argv<GlobalArgs>) =>
    yargs
      // No yargs default here, so that an explicit --data can be refused next to --in-memory.
      .option('data', { type: 'string', describe: `Directory of the emulator store [default: ${DEFAULT_DATA_DIR}]` })
      .option('port', { type: 'number', default: defaultPort(), describe: 'TCP port (0 = a free port); env DATAVERSE_EMULATOR_PORT' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to bind (loopback by default)' })
      .option('in-memory', { type: 'boolean', default: false, describe: 'Keep the store in memory instead of --data' })
      .option('seed', { type: 'boolean', default: true, describe: 'Seed sample data into an empty store (--no-seed to skip)' })
      .option('transition-delay-ms', { type: 'number', default: 2000, describe: 'Delay of Going live -> Live/Error and Stopping -> Stopped' })
      .option('limits', { type: 'string', describe: 'JSON file of service protection limits' })
      .option('faults', { type: 'string', describe: 'JSON file of fault injection rules' })
      .option('fault-seed', { type: 'number', describe: 'Seed of the fault injector (replayable faults)' })
      .option('profile', { choices: ['default', 'outbound-removed'] as const, default: 'default' as const, describe: 'outbound-removed: outbound actions answer 404 as on a current tenant' })
      .option('loose', { type: 'boolean', default: false, describe: 'Ignore unsupported query options instead of answering 400' })
      .option('request-log', { type: 'string', describe: 'Append a redacted JSONL request log to this file' })
      .option('custom-api', { type: 'string', array: true, default: [] as string[], describe: 'Bind a custom API to its implementation (repeatable): <uniqueName>=<module.mjs[#export]> or =<http(s)://url>' })
      .option('custom-api-timeout-ms', { type: 'number', describe: 'How long a custom API implementation may run [default: 120000]' })
      .example('$0 emulator start --custom-api cr65f_SmsOutbound=./handler.mjs#outbound', 'The outbound API of a channel runs handler.mjs')
      .example('$0 emulator start', 'Serve the store in ./.journeyctl on 127.0.0.1:7171, seeding it when empty')
      .example('$0 emulator start --in-memory --port 0 --no-seed', 'A throw-away, empty emulator on a free port')
      .example('$0 emulator start --limits limits.json --faults faults.json --fault-seed 42', 'With tight limits and replayable faults');

/** `-f text|json` of the store commands' one-line result. */
function withTextFormat<T>(yargs: Argv<T>) {
  return yargs.option('format', { alias: 'f', type: 'string', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' });
}

function storeOption<T>(yargs: Argv<T>) {
  return yargs.option('data', { type: 'string', default: DEFAULT_DATA_DIR, describe: 'Directory of the emulator store' });
}

/** Register `journeyctl emulator`. */
export default function register(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return cli.command('emulator <command>', 'Run the Dataverse Web API emulator and manage its store', (emulator) =>
    emulator
      .command(
        'start',
        'Start the emulator as a server; prints "listening on <url>" first, stops on SIGINT/SIGTERM',
        startBuilder,
        handle('emulator start', (args) => start(args)),
      )
      .command(
        'seed',
        'Add the sample data (segments, emails, contacts, a template, journeys…) that is missing from the store',
        (yargs) => withTextFormat(storeOption(yargs)).example('$0 emulator seed --data .journeyctl', 'Seed the default store'),
        handle('emulator seed', async (args): Promise<CommandResult<{ seeded: number }>> => {
          const created = await seedDataDir({ dataDir: resolve(args.data) });
          return { data: { seeded: created }, text: () => `seeded ${created} records` };
        }),
      )
      .command(
        'reset',
        'Delete every row of the store (then seed it again with --seed)',
        (yargs) =>
          withTextFormat(storeOption(yargs))
            .option('seed', { type: 'boolean', default: false, describe: 'Seed the sample data after the reset' })
            .example('$0 emulator reset', 'Empty the default store')
            .example('$0 emulator reset --seed', 'Back to the sample data only'),
        handle('emulator reset', async (args): Promise<CommandResult<{ reset: true; seeded: number }>> => {
          const seeded = await resetDataDir({ dataDir: resolve(args.data) }, { seed: args.seed });
          return { data: { reset: true, seeded }, text: () => (seeded > 0 ? `reset; seeded ${seeded} records` : 'reset') };
        }),
      )
      .command(
        'export',
        'Write every row of the store as JSON (tables by entity set, rows by id)',
        (yargs) =>
          storeOption(yargs)
            .option('out', { type: 'string', describe: 'Write to this file instead of stdout' })
            .example('$0 emulator export > store.json', 'Dump the default store')
            .example('$0 emulator export --data ./ci-store --out store.json', 'Dump another store to a file'),
        // A stream, written as the store is read (to stdout or --out), not returned: see render.ts.
        handle('emulator export', async (args) => {
          const data = args.data;
          const dataDir = resolve(data);
          if (!existsSync(join(dataDir, STORE_FILE))) {
            throw new InputError(`there is no emulator store in ${data}`, { file: data }, { hint: 'pass --data DIR of an existing store, or run "journeyctl emulator seed" first' });
          }
          assertStoreNotServed(dataDir, 'export');
          const out = args.out;
          if (!out) {
            await exportDataDir({ dataDir }, (chunk) => process.stdout.write(chunk));
            return;
          }
          const stream = createWriteStream(out);
          const finished = new Promise<void>((done, fail) => {
            stream.on('error', (error) => fail(new InputError(`cannot write the export: ${error.message}`, { file: out })));
            stream.on('finish', done);
          });
          await exportDataDir({ dataDir }, (chunk) => stream.write(chunk));
          stream.end();
          await finished;
        }),
      )
      .example('$0 emulator start --port 0 --in-memory', 'A throw-away emulator for one test run')
      .example('$0 emulator export --out store.json', 'Dump the default store')
      .demandCommand(1, 'Name an emulator command: start, seed, reset or export.'),
  );
}
