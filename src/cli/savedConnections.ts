/**
 * Saved connections (`journeyctl auth create|list|select|delete`), as pac keeps its auth
 * profiles: a name, the environment URL, the auth method, tenant and client id, never a secret.
 * They live in the user's config folder: `$XDG_CONFIG_HOME/journeyctl` (default `~/.config`),
 * `%APPDATA%\journeyctl` on Windows. The selected one is used when neither `--url`,
 * `DATAVERSE_URL` nor a `journeyctl.config.json` names an environment.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { signInRecordOf, type SignInRecord, type SignInRecordStore } from '../dataverse/credentials.js';
import { InputError, pointer } from '../errors.js';
import { AUTH_MODES, type AuthMode } from './config.js';

/** One saved connection. */
export interface SavedConnection {
  name: string;
  url: string;
  auth: AuthMode;
  tenantId?: string;
  /** The (first) application id. */
  clientId?: string;
  /** Two or more application ids: a pool of identities (clientId is the first). */
  clientIds?: string[];
  /** Per identity of the pool, the environment variable holding its secret (a name, never the secret). */
  secretVariables?: string[];
}

/** The file's content. */
export interface SavedConnections {
  selected?: string;
  connections: SavedConnection[];
}

/** The user's journeyctl config folder. */
export function configFolder(env: Readonly<Record<string, string | undefined>> = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'journeyctl');
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'journeyctl');
  return join(env.HOME ?? homedir(), '.config', 'journeyctl');
}

/** The file of saved connections. */
export function connectionsFile(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return join(configFolder(env), 'connections.json');
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** The auth modes a pool of identities can use: each identity needs credentials of its own. */
export const POOL_AUTH_MODES = ['client-secret', 'certificate', 'token', 'managed-identity'] as const satisfies readonly AuthMode[];

/** Read the saved connections (none when the file does not exist). */
export function readSavedConnections(env: Readonly<Record<string, string | undefined>> = process.env): SavedConnections {
  const file = connectionsFile(env);
  if (!existsSync(file)) return { connections: [] };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputError(`the saved connections are not valid JSON: ${(error as Error).message}`, { file }, { hint: 'fix or delete the file, then journeyctl auth create again' });
  }
  const data = value as Partial<SavedConnections> | null;
  if (!data || typeof data !== 'object' || !Array.isArray(data.connections)) {
    throw new InputError('the saved connections file has no "connections" array', { file, pointer: '/connections' }, { hint: 'fix or delete the file' });
  }
  data.connections.forEach((c, i) => {
    if (!c || typeof c.name !== 'string' || typeof c.url !== 'string' || !(AUTH_MODES as readonly string[]).includes(c.auth)) {
      throw new InputError('a saved connection needs a name, a url and a known auth method', { file, pointer: pointer('connections', String(i)) }, { hint: 'fix or delete the file' });
    }
    for (const key of ['clientIds', 'secretVariables'] as const) {
      const list: unknown = c[key];
      if (list !== undefined && (!Array.isArray(list) || !list.every((v) => typeof v === 'string'))) {
        throw new InputError(`${key} must be an array of strings`, { file, pointer: pointer('connections', String(i), key) }, { hint: 'fix or delete the file' });
      }
    }
  });
  return { ...(typeof data.selected === 'string' ? { selected: data.selected } : {}), connections: data.connections };
}

/** Write the saved connections (through a temporary file and a rename). */
export function writeSavedConnections(data: SavedConnections, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const file = connectionsFile(env);
  mkdirSync(configFolder(env), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  // Only the known, non-secret keys are written.
  const clean: SavedConnections = {
    ...(data.selected !== undefined ? { selected: data.selected } : {}),
    connections: data.connections.map((c) => ({
      name: c.name,
      url: c.url,
      auth: c.auth,
      ...(c.tenantId ? { tenantId: c.tenantId } : {}),
      ...(c.clientId ? { clientId: c.clientId } : {}),
      ...(c.clientIds && c.clientIds.length > 1 ? { clientIds: [...c.clientIds] } : {}),
      ...(c.secretVariables && c.secretVariables.length > 0 ? { secretVariables: [...c.secretVariables] } : {}),
    })),
  };
  writeFileSync(temporary, `${JSON.stringify(clean, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
  renameSync(temporary, file);
  return file;
}

/** Check a connection's name and URL. */
export function checkConnection(connection: SavedConnection): SavedConnection {
  if (!NAME.test(connection.name)) {
    throw new InputError(`invalid connection name ${JSON.stringify(connection.name)}`, {}, { hint: 'use letters, digits, dot, dash and underscore (up to 64)' });
  }
  let url: URL;
  try {
    url = new URL(connection.url);
  } catch {
    throw new InputError(`--url ${JSON.stringify(connection.url)} is not a URL`, {}, { hint: 'e.g. --url https://contoso.crm4.dynamics.com' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(`--url must be http(s), got ${url.protocol}`, {});
  if (url.username || url.password) throw new InputError('--url must not carry a user name or password', {}, { hint: 'secrets never go into saved connections' });
  for (const variable of connection.secretVariables ?? []) {
    if (!VARIABLE.test(variable)) {
      throw new InputError(`--secret-variable ${JSON.stringify(variable)} is not an environment variable name`, {}, { hint: 'give the name of the variable that holds the secret (e.g. APP2_SECRET), never the secret itself' });
    }
  }
  if ((connection.clientIds?.length ?? 0) > 1 && !(POOL_AUTH_MODES as readonly string[]).includes(connection.auth)) {
    throw new InputError(`a pool of identities (--client-id given ${connection.clientIds!.length} times) needs --auth ${POOL_AUTH_MODES.join(', ')}, not ${connection.auth}`, {}, {
      hint: 'device-code, interactive, azure-cli and default sign in one user; give one --client-id for them',
    });
  }
  const variables = connection.secretVariables?.length ?? 0;
  if (variables > 0 && (connection.clientIds?.length ?? 0) < 2) {
    throw new InputError('--secret-variable names the secrets of a pool of identities (two or more --client-id)', {}, { hint: 'one application reads its secret from AZURE_CLIENT_SECRET' });
  }
  if (variables > (connection.clientIds?.length ?? 0)) {
    throw new InputError('more --secret-variable than --client-id', {}, { hint: 'give one variable name per client id, in the same order' });
  }
  return connection;
}

/** The selected connection, if any. */
export function selectedConnection(env: Readonly<Record<string, string | undefined>> = process.env): SavedConnection | undefined {
  const data = readSavedConnections(env);
  return data.selected === undefined ? undefined : data.connections.find((c) => c.name === data.selected);
}

/** The file of sign-in records (which account the persistent token cache holds; no token, no secret). */
export function signInsFile(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return join(configFolder(env), 'signins.json');
}

/** The key of one sign-in: its tenant and application, whatever environment it is used for. */
export function signInKey(tenantId: string | undefined, clientId: string | undefined): string {
  return `${tenantId ?? 'organizations'}/${clientId ?? 'default'}`;
}

/**
 * The sign-in record of one tenant and application, kept in `signins.json` beside the saved
 * connections, so the next run finds the account in @azure/identity's persistent token cache.
 * Only the record's five identifiers are written (signInRecordOf). An unreadable file is treated
 * as empty: the worst case is one more sign-in.
 */
export function signInRecordStore(key: string, env: Readonly<Record<string, string | undefined>> = process.env): SignInRecordStore {
  const file = signInsFile(env);
  const readAll = (): Record<string, unknown> => {
    if (!existsSync(file)) return {};
    try {
      const value: unknown = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  return {
    load() {
      const all = readAll();
      return Object.hasOwn(all, key) ? signInRecordOf(all[key]) : undefined;
    },
    save(record) {
      const clean = signInRecordOf(record);
      if (!clean) return;
      const all: Record<string, SignInRecord> = {};
      for (const [k, v] of Object.entries(readAll())) {
        const kept = signInRecordOf(v);
        if (kept) all[k] = kept;
      }
      all[key] = clean;
      mkdirSync(configFolder(env), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(all, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
      renameSync(temporary, file);
    },
  };
}
