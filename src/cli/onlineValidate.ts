/**
 * `journeyctl validate --online`: the options it adds, and the run it starts (the library's
 * `validateFilesOnline` over the connection the options name). Loaded only with `--online`.
 *
 * Where the environment lacks the action (outbound marketing removed), the connection's error
 * says so and points to offline validation and the audit (exit code 3).
 */
import type { Argv } from 'yargs';
import type { ValidationRun } from '../validation/files.js';
import { AUTH_MODES, CLIENT_ID_OPTION } from './config.js';
import type { ConnectionArgs } from './connection.js';

/** The arguments `--online` reads: the connection options (`--config` of `validate` is its rule configuration, not a connection file). */
export type OnlineValidateArgs = Omit<ConnectionArgs, 'config'>;

/**
 * Add `--online` and the connection options it needs (`--url`, `--auth`, `--api-version`, and
 * `--client-id`, repeatable for a pool of identities as on every connected command) to
 * `journeyctl validate`. Not `--config`: there it names the rule configuration; the connection
 * still comes from the nearest `journeyctl.config.json`, the environment, or the embedded emulator.
 */
export function withOnlineOptions<T>(cli: Argv<T>) {
  return cli
    .option('online', { type: 'boolean', default: false, describe: "Check with the server's msdyncrm_CustomerJourneyValidate instead of the offline rules" })
    .option('url', { type: 'string', describe: 'With --online: Dataverse environment URL (env DATAVERSE_URL). Default: the embedded emulator' })
    .option('auth', { type: 'string', choices: [...AUTH_MODES], describe: 'With --online: how to authenticate (env JOURNEYCTL_AUTH)' })
    .option('api-version', { type: 'string', describe: 'With --online: Web API version (env DATAVERSE_API_VERSION). Default: 9.2' })
    .option('client-id', { ...CLIENT_ID_OPTION, describe: `With --online: ${CLIENT_ID_OPTION.describe}` });
}

/** Open the connection (`--url`, `DATAVERSE_URL`, config file, or the embedded emulator) and start the server's check of `paths`. */
export async function startOnlineRun(paths: readonly string[], argv: OnlineValidateArgs): Promise<{ run: ValidationRun; close(): Promise<void> }> {
  // The client, the emulator and their dependencies load only when the server is asked.
  const [{ openConnection }, { validateFilesOnline }] = await Promise.all([import('./connection.js'), import('../journeys/validateFilesOnline.js')]);
  const connection = await openConnection({ ...argv, config: undefined }, { readOnly: true });
  return { run: validateFilesOnline(paths, connection.client), close: () => connection.close() };
}
