/**
 * `journeyctl validate --online`: the server's error check (`msdyncrm_CustomerJourneyValidate`)
 * of local journey documents, reported like the offline check so every output format works.
 *
 * Specs that name records instead of giving ids are resolved in the target first. Where the
 * environment lacks the action (outbound marketing removed), the connection's error says so and
 * points to offline validation and the audit (exit code 3).
 */
import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { JourneyClient } from '../journeys/JourneyClient.js';
import { resolveNames } from '../journeys/resolveNames.js';
import { buildReport, type FileReport, type LocatedFinding } from '../validation/report.js';
import { isUnreadable, loadInputs, withStdin, type ValidatePathsResult } from './validateInputs.js';
import { AUTH_MODES } from './config.js';
import { openConnection, type ConnectionArgs } from './connection.js';

/** The arguments `validateOnline` reads: the connection options (`--config` of `validate` is its rule configuration, not a connection file). */
export type OnlineValidateArgs = Omit<ConnectionArgs, 'config'>;

/**
 * Add `--online` and the connection options it needs (`--url`, `--auth`, `--api-version`) to
 * `journeyctl validate`. Not `--config`: there it names the rule configuration; the connection
 * still comes from the nearest `journeyctl.config.json`, the environment, or the embedded emulator.
 */
export function withOnlineOptions<T>(cli: Argv<T>): Argv<T> {
  return cli
    .option('online', { type: 'boolean', default: false, describe: "Check with the server's msdyncrm_CustomerJourneyValidate instead of the offline rules" })
    .option('url', { type: 'string', describe: 'With --online: Dataverse environment URL (env DATAVERSE_URL). Default: the embedded emulator' })
    .option('auth', { type: 'string', choices: [...AUTH_MODES], describe: 'With --online: how to authenticate (env JOURNEYCTL_AUTH)' })
    .option('api-version', { type: 'string', describe: 'With --online: Web API version (env DATAVERSE_API_VERSION). Default: 9.2' }) as Argv<T>;
}

/**
 * Validate documents with the server's check; the same result shape as the offline
 * `validatePaths`, so the caller renders it with the same formatters and exit-code rule.
 * Opens the connection (`--url`, `DATAVERSE_URL`, config file, or the embedded emulator) and closes it.
 */
export async function validateOnline(paths: readonly string[], argv: OnlineValidateArgs): Promise<ValidatePathsResult> {
  const inputs = await loadInputs(withStdin(paths));
  const unreadable: InputError[] = [];
  const skipped: string[] = [];
  const files: FileReport[] = [];
  const connection = await openConnection({ ...argv, config: undefined }, { readOnly: true });
  try {
    const journeys = new JourneyClient(connection.client);
    for (const input of inputs) {
      if (!input.ok) {
        if (input.skipped) skipped.push(input.path);
        else if (isUnreadable(input.error)) unreadable.push(input.error);
        else throw input.error;
        continue;
      }
      const document = input.document;
      const resolved = await resolveNames(connection.client, { ...document, file: document.file });
      const result = await journeys.validate({
        fields: resolved.fields,
        definition: resolved.definition,
        ...(document.designerState ? { designerState: document.designerState } : {}),
      });
      const findings: LocatedFinding[] = result.findings.map((finding) => ({
        ...finding,
        location: { ...finding.location, file: finding.location.file ?? document.definitionFile },
      }));
      files.push({ path: input.path, findings });
    }
  } finally {
    await connection.close();
  }
  return { report: buildReport(files, []), unreadable, skipped };
}
