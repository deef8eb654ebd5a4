/**
 * Where a CLI command's requests go: a Dataverse environment named by `--url`, `DATAVERSE_URL`
 * or `journeyctl.config.json` (in that order of precedence), or, with none of them, the embedded
 * emulator started in-process on loopback with its store under `.journeyctl/` in the working
 * directory (architecture.md, "Embedded default").
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { DataverseClient, isNetworkError, lazyCredential, type AuthSetting, type DataverseClientOptions, type DataverseLogger, type IdentityOptions } from '../dataverse/index.js';
import { CACHE_PERSISTENCE_PACKAGE, createCredential, type CredentialSpec, type PersistentTokenCacheOptions, type TokenCacheUnavailableReason } from '../dataverse/credentials.js';
import { JourneyctlError, InputError, type ErrorKind } from '../errors.js';
import type { RunningEmulator } from '../emulator/index.js';
import { AUTH_MODES, CLIENT_ID_OPTION, CONFIG_FILE_NAME, resolveSettings, type AuthMode, type ResolvedSettings } from './config.js';
import { writeErr } from './context.js';
import { POOL_AUTH_MODES, selectedConnection, signInKey, signInRecordStore } from './savedConnections.js';

/** The directory, relative to the working directory, holding the embedded emulator's store. */
export const EMBEDDED_DATA_DIR = '.journeyctl';

/** The connection options' values as yargs parses them. */
export interface ConnectionArgs {
  url?: string | undefined;
  auth?: string | undefined;
  config?: string | undefined;
  'api-version'?: string | undefined;
  /** Application (client) ids; two or more make a pool of identities. */
  'client-id'?: readonly string[] | string | undefined;
  verbose?: boolean | undefined;
  quiet?: boolean | undefined;
}

/** An open connection for one command. Always `close()` it (in a `finally`). */
export interface Connection {
  client: DataverseClient;
  target: {
    /** Environment URL (origin), e.g. `https://contoso.crm4.dynamics.com` or `http://127.0.0.1:53211`. */
    url: string;
    /** Whether this is the in-process emulator (no URL configured). */
    embedded: boolean;
  };
  /** The in-process emulator, when {@link Connection.target}.embedded. */
  emulator?: RunningEmulator;
  /** Whether the command promised not to write (recorded for messages; the service enforces nothing). */
  readOnly: boolean;
  /** Close the client and stop the embedded emulator. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link openConnection}. */
export interface OpenConnectionOptions {
  /** The command only reads. @default false */
  readOnly?: boolean;
  /** Environment variables. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Working directory (config search, embedded store). @default process.cwd() */
  cwd?: string;
  /** Skip the reachability probe of a remote URL. @default false */
  skipProbe?: boolean;
}

/**
 * Add the connection options: `--url`, `--auth`, `--config`, `--api-version`, `--client-id`.
 * Register them on a command (or its parent) that talks to Dataverse.
 */
export function withConnectionOptions<T>(cli: Argv<T>) {
  return cli
    .option('url', {
      type: 'string',
      describe: 'Dataverse environment URL (env DATAVERSE_URL). Without one, the embedded emulator in ./.journeyctl is used',
      group: 'Connection:',
    })
    .option('auth', {
      type: 'string',
      choices: [...AUTH_MODES],
      describe: 'How to authenticate (env JOURNEYCTL_AUTH). Default: token when DATAVERSE_TOKEN is set, none on loopback, else default (DefaultAzureCredential)',
      group: 'Connection:',
    })
    .option('config', { type: 'string', describe: `Connection configuration file. Default: the nearest ${CONFIG_FILE_NAME} at or above the working directory`, group: 'Connection:' })
    .option('api-version', { type: 'string', describe: 'Web API version 9.0|9.1|9.2 (env DATAVERSE_API_VERSION). Default: 9.2', group: 'Connection:' })
    .option('client-id', { ...CLIENT_ID_OPTION, group: 'Connection:' });
}

/**
 * Open the connection a command's arguments ask for. With a URL: a client for it (and a quick
 * reachability probe, so an unreachable URL fails in seconds with exit code 3, not after minutes
 * of retries). Without: the embedded emulator, announced on stderr in one line.
 */
export async function openConnection(argv: ConnectionArgs, options: OpenConnectionOptions = {}): Promise<Connection> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const resolved = resolveSettings({ url: argv.url, auth: argv.auth, config: argv.config, apiVersion: argv['api-version'] }, env, cwd);
  const logger = argv.verbose ? verboseLogger : undefined;
  const readOnly = options.readOnly ?? false;

  if (resolved.url === undefined) return openEmbedded(cwd, readOnly, logger, argv.quiet === true);

  const pool = poolOf(argv, resolved, env);
  const settings: ResolvedSettings = pool.clientIds.length > 0 ? { ...resolved, clientId: pool.clientIds[0] } : resolved;
  const identities = pool.clientIds.length > 1 ? poolIdentities(settings, pool, env) : undefined;
  const clientOptions: DataverseClientOptions = {
    url: resolved.url,
    env,
    ...(settings.apiVersion !== undefined ? { apiVersion: settings.apiVersion as DataverseClientOptions['apiVersion'] } : {}),
    ...(identities ? { identities } : authOption(settings, env)),
    ...(logger ? { logger } : {}),
  };
  const client = new DataverseClient(clientOptions);
  const url = client.connection.origin;
  if (settings.savedConnection !== undefined && !argv.quiet) writeErr(`journeyctl: using the saved connection ${JSON.stringify(settings.savedConnection)} (${url}); see journeyctl auth list`);
  if (argv.verbose) {
    writeErr(`target: ${url} (from ${settings.urlSource}${settings.configFile ? `; config ${settings.configFile}` : ''}), auth ${client.connection.authKind}`);
    if (identities) writeErr(`identities: a pool of ${identities.length} (${identities.map((i) => i.name).join(', ')}), auth ${settings.auth}`);
  }
  if (!options.skipProbe) await probe(clientOptions, url);
  let closed = false;
  return {
    client,
    target: { url, embedded: false },
    readOnly,
    async close() {
      if (closed) return;
      closed = true;
      // What each identity did (names are client ids, never secrets).
      if (identities && argv.verbose) {
        for (const s of client.identityStats()) writeErr(`identity ${s.name}: ${s.requests} requests, ${s.throttled} throttled (429)`);
      }
      client.close();
    },
  };
}

async function openEmbedded(cwd: string, readOnly: boolean, logger: DataverseLogger | undefined, quiet: boolean): Promise<Connection> {
  const dataDir = resolve(cwd, EMBEDDED_DATA_DIR);
  let emulator: RunningEmulator;
  try {
    // The emulator (and its SQLite driver) loads only when a command runs against it.
    const { startEmulator } = await import('../emulator/index.js');
    emulator = await startEmulator({ host: '127.0.0.1', port: 0, dataDir, seed: true });
  } catch (error) {
    throw new InputError(`cannot open the embedded emulator's store: ${(error as Error).message}`, { file: dataDir }, {
      hint: 'run in a writable directory, or pass --url / set DATAVERSE_URL to use a Dataverse environment',
      cause: error,
    });
  }
  if (!quiet) writeErr(`journeyctl: no --url or DATAVERSE_URL; using the embedded emulator (store ${EMBEDDED_DATA_DIR}/)`);
  const client = new DataverseClient({ url: emulator.url, auth: { none: true }, ...(logger ? { logger } : {}) });
  let closed = false;
  return {
    client,
    target: { url: emulator.url, embedded: true },
    emulator,
    readOnly,
    async close() {
      if (closed) return;
      closed = true;
      client.close();
      await emulator.close();
    },
  };
}

/** Verbose request logs on stderr; the client's logging policy already redacts secrets. */
const verboseLogger: DataverseLogger = (level, message) => writeErr(`[${level}] ${message}`);

/** The client's `auth` option for the chosen `--auth` mode; `undefined` keeps the client's own defaults. */
function authOption(settings: ResolvedSettings, env: Readonly<Record<string, string | undefined>>): { auth?: AuthSetting } {
  const mode: AuthMode | undefined = settings.auth;
  if (mode === undefined) return {};
  if (mode === 'none') return { auth: { none: true } };
  if (mode === 'token') {
    const token = env.DATAVERSE_TOKEN;
    if (!token) throw new InputError('--auth token needs DATAVERSE_TOKEN', {}, { hint: 'set DATAVERSE_TOKEN to a bearer token for the environment' });
    return { auth: { token } };
  }
  const spec = credentialSpec(mode, settings, env);
  return { auth: { credential: lazyCredential(() => createCredential(spec)) } };
}

function credentialSpec(mode: Exclude<AuthMode, 'none' | 'token'>, settings: ResolvedSettings, env: Readonly<Record<string, string | undefined>>): CredentialSpec {
  const need = (value: string | undefined, what: string, variable: string): string => {
    if (value) return value;
    throw new InputError(`--auth ${mode} needs ${what}`, {}, { hint: `set ${variable}${variable.startsWith('AZURE_CLIENT_SECRET') ? '' : ` (or put it in ${CONFIG_FILE_NAME})`}` });
  };
  switch (mode) {
    case 'default':
      return { kind: 'default', ...(settings.tenantId ? { tenantId: settings.tenantId } : {}) };
    case 'client-secret':
      return {
        kind: 'clientSecret',
        tenantId: need(settings.tenantId, 'a tenant id', 'AZURE_TENANT_ID'),
        clientId: need(settings.clientId, 'a client id', 'AZURE_CLIENT_ID'),
        clientSecret: need(env.AZURE_CLIENT_SECRET, 'a client secret', 'AZURE_CLIENT_SECRET'),
      };
    case 'certificate':
      return {
        kind: 'clientCertificate',
        tenantId: need(settings.tenantId, 'a tenant id', 'AZURE_TENANT_ID'),
        clientId: need(settings.clientId, 'a client id', 'AZURE_CLIENT_ID'),
        certificatePath: need(settings.certificatePath, 'a certificate file', 'AZURE_CLIENT_CERTIFICATE_PATH'),
        ...(env.AZURE_CLIENT_CERTIFICATE_PASSWORD ? { certificatePassword: env.AZURE_CLIENT_CERTIFICATE_PASSWORD } : {}),
      };
    case 'device-code':
      return {
        kind: 'deviceCode',
        ...(settings.tenantId ? { tenantId: settings.tenantId } : {}),
        ...(settings.clientId ? { clientId: settings.clientId } : {}),
        userPromptCallback: (message) => writeErr(message),
        tokenCache: tokenCacheFor(settings, env),
      };
    case 'interactive':
      return {
        kind: 'interactiveBrowser',
        ...(settings.tenantId ? { tenantId: settings.tenantId } : {}),
        ...(settings.clientId ? { clientId: settings.clientId } : {}),
        tokenCache: tokenCacheFor(settings, env),
      };
    case 'azure-cli':
      return { kind: 'azureCli', ...(settings.tenantId ? { tenantId: settings.tenantId } : {}) };
    case 'managed-identity':
      return { kind: 'managedIdentity', ...(settings.clientId ? { clientId: settings.clientId } : {}) };
  }
}

/** The application ids of a connection and where each identity's secret is. */
interface PoolSettings {
  /** From `--client-id` (all of them), else the config file's `clientIds`, else the selected saved connection's; empty when none names one. */
  clientIds: string[];
  /** Per identity, the environment variable of its secret (saved connections may name them). */
  secretVariables: (string | undefined)[];
  /** Where the ids came from, for messages. */
  source?: string;
}

/** The `--client-id` values, else the configuration file's `clientIds`, else those of the saved connection the URL came from. */
function poolOf(argv: ConnectionArgs, settings: ResolvedSettings, env: Readonly<Record<string, string | undefined>>): PoolSettings {
  const raw = argv['client-id'];
  const flags = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).map((id) => String(id).trim()).filter((id) => id !== '');
  if (flags.length > 0) return { clientIds: [...new Set(flags)], secretVariables: [], source: `--client-id given ${flags.length} times` };
  // The configuration file's clientIds, unless AZURE_CLIENT_ID named one application (resolveSettings).
  if (settings.clientIds !== undefined) return { clientIds: [...settings.clientIds], secretVariables: [], source: `"clientIds" in ${settings.configFile ?? CONFIG_FILE_NAME}` };
  if (settings.savedConnection === undefined) return { clientIds: [], secretVariables: [] };
  const saved = selectedConnection(env);
  // AZURE_CLIENT_ID or the config file named one application: it wins over the saved pool.
  if (!saved?.clientIds || saved.clientIds.length < 2 || settings.clientId !== saved.clientId) return { clientIds: [], secretVariables: [] };
  return { clientIds: [...saved.clientIds], secretVariables: [...(saved.secretVariables ?? [])], source: `the saved connection ${JSON.stringify(saved.name)}` };
}

const POOL_MODES = POOL_AUTH_MODES;

/**
 * One identity per client id, for the client's pool (src/dataverse/identityPool.ts). Secrets are
 * read from the environment (never argv, never saved): identity n (from 1) uses
 * `AZURE_CLIENT_SECRET_n`, `DATAVERSE_TOKEN_n`, or `AZURE_CLIENT_CERTIFICATE_PATH_n` (and
 * `AZURE_CLIENT_CERTIFICATE_PASSWORD_n`), unless its saved connection names the variable.
 * Service-protection limits are per user, so each application user has its own:
 * https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
 */
function poolIdentities(settings: ResolvedSettings, pool: PoolSettings, env: Readonly<Record<string, string | undefined>>): IdentityOptions[] {
  const mode = settings.auth;
  if (mode === undefined || !(POOL_MODES as readonly string[]).includes(mode)) {
    throw new InputError(`a pool of ${pool.clientIds.length} identities (${pool.source ?? '--client-id'}) needs --auth ${POOL_MODES.join(', ')}${mode === undefined ? '' : `, not ${mode}`}`, {}, {
      hint: 'e.g. --auth client-secret with AZURE_CLIENT_SECRET_1, AZURE_CLIENT_SECRET_2, … set in the environment',
    });
  }
  return pool.clientIds.map((clientId, index) => {
    const n = index + 1;
    const named = pool.secretVariables[index];
    const need = (variable: string, what: string): string => {
      const value = env[variable];
      if (value) return value;
      throw new InputError(`identity ${n} of the pool (client id ${clientId}) needs ${what} in ${variable}`, {}, { hint: `set ${variable} in the environment (secrets are never read from arguments or saved)` });
    };
    const name = clientId;
    switch (mode as (typeof POOL_MODES)[number]) {
      case 'token':
        return { name, auth: { token: need(named ?? `DATAVERSE_TOKEN_${n}`, 'a bearer token') } };
      case 'managed-identity':
        return { name, auth: { credential: lazyCredential(() => createCredential({ kind: 'managedIdentity', clientId })) } };
      case 'client-secret': {
        const spec: CredentialSpec = {
          kind: 'clientSecret',
          tenantId: needTenant(settings),
          clientId,
          clientSecret: need(named ?? `AZURE_CLIENT_SECRET_${n}`, 'a client secret'),
        };
        return { name, auth: { credential: lazyCredential(() => createCredential(spec)) } };
      }
      case 'certificate': {
        const password = env[`AZURE_CLIENT_CERTIFICATE_PASSWORD_${n}`];
        const spec: CredentialSpec = {
          kind: 'clientCertificate',
          tenantId: needTenant(settings),
          clientId,
          certificatePath: need(`AZURE_CLIENT_CERTIFICATE_PATH_${n}`, 'a certificate file'),
          ...(password ? { certificatePassword: password } : {}),
        };
        return { name, auth: { credential: lazyCredential(() => createCredential(spec)) } };
      }
    }
  });
}

function needTenant(settings: ResolvedSettings): string {
  if (settings.tenantId) return settings.tenantId;
  throw new InputError(`--auth ${settings.auth} needs a tenant id`, {}, { hint: `set AZURE_TENANT_ID (or put tenantId in ${CONFIG_FILE_NAME} or the saved connection)` });
}

/** The persistent token cache's name (the OS keychain entry, and the file under `~/.IdentityService/`). */
export const TOKEN_CACHE_NAME = 'journeyctl';

/**
 * The persistent token cache of a device-code or browser sign-in: @azure/identity's cache named
 * `journeyctl` when the optional @azure/identity-cache-persistence is installed and the OS keychain
 * works, with the account's sign-in record in the user's config folder; otherwise one line on
 * stderr saying why tokens are not kept and what to do (docs/decisions.md).
 */
function tokenCacheFor(settings: ResolvedSettings, env: Readonly<Record<string, string | undefined>>): PersistentTokenCacheOptions {
  return {
    name: TOKEN_CACHE_NAME,
    records: signInRecordStore(signInKey(settings.tenantId, settings.clientId), env),
    onUnavailable: (reason, detail) => writeErr(tokensNotPersisted(reason, detail)),
  };
}

/** Said once per run when a device-code or browser sign-in cannot keep its tokens. */
export function tokensNotPersisted(reason: TokenCacheUnavailableReason, detail: string): string {
  const head = 'note: sign-in tokens are not kept between runs, so you will sign in again next time:';
  return reason === 'plugin-missing'
    ? `${head} the persistent token cache needs ${CACHE_PERSISTENCE_PACKAGE}, which is not installed. Install it beside journeyctl (npm i -g ${CACHE_PERSISTENCE_PACKAGE} for a global journeyctl), or use --auth azure-cli to reuse the Azure CLI's sign-in`
    : `${head} the OS keychain cannot be used here (${detail}). On Linux install libsecret and run a keyring (GNOME Keyring, KWallet); or use --auth azure-cli to reuse the Azure CLI's sign-in`;
}

/** A service error raised by the CLI itself (exit code 3). */
export class UnreachableError extends JourneyctlError {
  override name = 'UnreachableError';
  override readonly kind: ErrorKind = 'service';
}

/**
 * One `WhoAmI` with at most two attempts: a wrong or unreachable URL answers in seconds. Auth
 * and other service errors pass through unchanged (they already say what to do).
 */
async function probe(clientOptions: DataverseClientOptions, url: string): Promise<void> {
  const prober = new DataverseClient({ ...clientOptions, retry: { maxAttempts: 2, baseDelayInMs: 200, maxDelayInMs: 1000 }, timeoutInMs: 30_000 });
  try {
    await prober.whoAmI();
  } catch (error) {
    if (isNetworkError(error)) {
      throw new UnreachableError(`cannot reach Dataverse at ${url}: ${(error as Error).message}`, {
        hint: 'check --url / DATAVERSE_URL and your network (proxy, VPN); omit the URL to use the embedded emulator',
        cause: error,
      });
    }
    throw error;
  } finally {
    prober.close();
  }
}
