/**
 * `journeyctl auth create|list|select|delete`: saved connections (URL, auth method, tenant and
 * client id; never a secret) in the user's config folder. The selected one is the target of
 * every command when no `--url`, `DATAVERSE_URL` or `journeyctl.config.json` names one.
 */
import type { Argv } from 'yargs';
import { InputError } from '../../errors.js';
import { handle, type GlobalArgs } from '../command.js';
import { AUTH_MODES } from '../config.js';
import { writeErr } from '../context.js';
import { renderTable, withFormatOption } from '../render.js';
import { checkConnection, readSavedConnections, writeSavedConnections, type SavedConnection, type SavedConnections } from '../savedConnections.js';

/** `auth list` rows. */
interface ConnectionRow extends SavedConnection {
  selected: boolean;
}

/** The saved connections, when one of them is named `name`; an input error otherwise. */
function savedConnectionsNaming(name: string): SavedConnections {
  const data = readSavedConnections();
  if (data.connections.some((c) => c.name === name)) return data;
  throw new InputError(`no saved connection is named ${JSON.stringify(name)}`, {}, { hint: 'list them with journeyctl auth list' });
}

/** One `--client-id` saves `clientId`; several save a pool (`clientIds`, the first also as `clientId`). */
function clientIdsOf(values: readonly (string | number)[] | undefined): Pick<SavedConnection, 'clientId' | 'clientIds'> {
  const ids = [...new Set((values ?? []).map((v) => String(v).trim()).filter((v) => v !== ''))];
  if (ids.length === 0) return {};
  return ids.length === 1 ? { clientId: ids[0]! } : { clientId: ids[0]!, clientIds: ids };
}

/** `journeyctl auth …`. */
export const builder = (auth: Argv<GlobalArgs>) =>
  auth
    .command(
      'create',
      'Save a connection (and select it): URL, auth method, tenant and client id; never a secret',
      (y) =>
        y
          .option('name', { type: 'string', demandOption: true, describe: 'Name of the connection' })
          .option('url', { type: 'string', demandOption: true, describe: 'Dataverse environment URL' })
          .option('auth', { type: 'string', choices: AUTH_MODES, default: 'device-code' as const, describe: 'How to sign in' })
          .option('tenant', { type: 'string', describe: 'Entra ID tenant id' })
          .option('client-id', { type: 'string', array: true, describe: 'Application (client) id; repeat it for a pool of application users that share the work' })
          .option('secret-variable', {
            type: 'string',
            array: true,
            describe: 'For a pool: the environment variable holding each identity\'s secret, in --client-id order (default AZURE_CLIENT_SECRET_n, or DATAVERSE_TOKEN_n with --auth token); a name, never the secret',
          })
          .option('select', { type: 'boolean', default: true, describe: 'Select it (--no-select keeps the current one)' })
          .example('$0 auth create --name contoso-dev --url https://contoso-dev.crm4.dynamics.com --auth device-code', 'Save and select')
          .example('$0 auth create --name bulk --url https://contoso.crm4.dynamics.com --auth client-secret --tenant T --client-id A --client-id B --client-id C', 'A pool of three application users'),
      handle('auth create', (argv) => {
        const connection = checkConnection({
          name: argv.name,
          url: argv.url,
          auth: argv.auth,
          ...(argv.tenant ? { tenantId: argv.tenant } : {}),
          ...clientIdsOf(argv['client-id']),
          ...(argv['secret-variable'] && argv['secret-variable'].length > 0 ? { secretVariables: argv['secret-variable'].map(String) } : {}),
        });
        const data = readSavedConnections();
        const replaced = data.connections.some((c) => c.name === connection.name);
        const connections = [...data.connections.filter((c) => c.name !== connection.name), connection];
        const selected = argv.select ? connection.name : data.selected;
        const file = writeSavedConnections({ ...(selected !== undefined ? { selected } : {}), connections });
        if (!argv.quiet) writeErr(`${replaced ? 'replaced' : 'saved'} ${JSON.stringify(connection.name)}${argv.select ? ' (selected)' : ''} in ${file}`);
      }),
    )
    .command(
      'list',
      'List the saved connections; * marks the selected one',
      (y) => withFormatOption(y).example('$0 auth list --format json', 'As JSON'),
      handle('auth list', (argv) => {
        const data = readSavedConnections();
        const rows: ConnectionRow[] = data.connections.map((c) => ({ ...c, selected: c.name === data.selected }));
        return {
          data: rows,
          text: (r: ConnectionRow[]) =>
            r.length === 0
              ? 'no saved connections (journeyctl auth create)'
              : renderTable(r, [
                  { header: '', value: (c) => (c.selected ? '*' : '') },
                  { header: 'NAME', value: (c) => c.name },
                  { header: 'URL', value: (c) => c.url },
                  { header: 'AUTH', value: (c) => c.auth },
                  { header: 'TENANT', value: (c) => c.tenantId ?? '' },
                  { header: 'CLIENT ID', value: (c) => (c.clientIds ?? (c.clientId ? [c.clientId] : [])).join(', ') },
                ]),
        };
      }),
    )
    .command(
      'select <name>',
      'Use this saved connection when no --url, DATAVERSE_URL or journeyctl.config.json names one',
      (y) => y.positional('name', { type: 'string', demandOption: true, describe: 'Connection name' }),
      handle('auth select', (argv) => {
        const data = savedConnectionsNaming(argv.name);
        writeSavedConnections({ ...data, selected: argv.name });
        if (!argv.quiet) writeErr(`selected ${JSON.stringify(argv.name)}`);
      }),
    )
    .command(
      'delete <name>',
      'Delete a saved connection',
      (y) => y.positional('name', { type: 'string', demandOption: true, describe: 'Connection name' }),
      handle('auth delete', (argv) => {
        const data = savedConnectionsNaming(argv.name);
        const selected = data.selected === argv.name ? undefined : data.selected;
        writeSavedConnections({ ...(selected !== undefined ? { selected } : {}), connections: data.connections.filter((c) => c.name !== argv.name) });
        if (!argv.quiet) writeErr(`deleted ${JSON.stringify(argv.name)}`);
      }),
    )
    .demandCommand(1, 'Name an auth subcommand: create, list, select or delete.');
