/**
 * `journeyctl.config.json`: optional per-project connection settings, found by searching upward
 * from the working directory. Secrets never belong here (they come from the environment or a
 * credential store), so the file accepts only non-secret keys and rejects anything else.
 */
import { dirname, resolve } from 'node:path';
import { findUpward } from '../io/findUpward.js';
import { readDocumentSync } from '../io/readInput.js';
import { InputError, pointer } from '../errors.js';
import { selectedConnection } from './savedConnections.js';

/** The configuration file's name. */
export const CONFIG_FILE_NAME = 'journeyctl.config.json';

/** The `--auth` values. */
export const AUTH_MODES = ['none', 'token', 'default', 'client-secret', 'certificate', 'device-code', 'interactive', 'azure-cli', 'managed-identity'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/**
 * The `--client-id` option, shared by the connection options and `validate --online` (this module
 * is light, so `validate` can register it without loading the client). One value per flag
 * (`nargs: 1`): repeated for a pool, it must not swallow the command's paths that follow it.
 */
export const CLIENT_ID_OPTION = {
  type: 'string',
  array: true,
  nargs: 1,
  describe:
    'Application (client) id (env AZURE_CLIENT_ID). Repeat it for a pool of application users that share the work: identity n takes its secret from AZURE_CLIENT_SECRET_n (client-secret), its token from DATAVERSE_TOKEN_n (token), or AZURE_CLIENT_CERTIFICATE_PATH_n (certificate)',
} as const;

/** What a configuration file may hold. Every key is optional. */
export interface JourneyctlConfig {
  /** Environment URL, e.g. `https://contoso.crm4.dynamics.com`. */
  url?: string;
  /** How to authenticate; see {@link AUTH_MODES}. */
  auth?: AuthMode;
  /** Web API version (`9.0`, `9.1`, `9.2`). */
  apiVersion?: string;
  /** Entra ID tenant for `client-secret`, `certificate`, `device-code`, `azure-cli`. */
  tenantId?: string;
  /** Application (client) id for `client-secret`, `certificate`, `device-code`, `managed-identity`. */
  clientId?: string;
  /**
   * Application (client) ids of a pool of identities, used when no `--client-id` is given (as if
   * each were given with `--client-id`, in order); secrets still come from the numbered
   * environment variables. Not together with `clientId`.
   */
  clientIds?: string[];
  /** PEM certificate file for `certificate` (relative to the config file). */
  certificatePath?: string;
}

const STRING_KEYS = ['url', 'auth', 'apiVersion', 'tenantId', 'clientId', 'certificatePath'] as const;
/** Keys holding a list of non-empty strings. */
const LIST_KEYS = ['clientIds'] as const;
const KNOWN_KEYS: readonly string[] = [...STRING_KEYS, ...LIST_KEYS];
/** Keys that look like secrets: refused with a hint instead of silently read. */
const SECRET_KEYS = /secret|password|token/i;

/** A loaded configuration and where it came from. */
export interface LoadedConfig {
  file: string;
  config: JourneyctlConfig;
}

/** The nearest `journeyctl.config.json` at or above `from`, or `undefined`. */
export function findConfigFile(from: string = process.cwd()): string | undefined {
  return findUpward(CONFIG_FILE_NAME, from);
}

/**
 * Read and check a configuration file.
 * @throws InputError naming the file and JSON pointer of anything unreadable, unknown or secret.
 */
export function readConfigFile(file: string): LoadedConfig {
  const value = readDocumentSync(file, { syntax: 'jsonc' }).value;
  return { file, config: parseConfig(value, file) };
}

/** Check a parsed configuration value; returns only the known keys (no prototype keys copied). */
export function parseConfig(value: unknown, file?: string): JourneyctlConfig {
  const at = (p: string) => (file === undefined ? { pointer: p } : { file, pointer: p });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('the configuration must be a JSON object', at(''), { hint: `e.g. { "url": "https://contoso.crm4.dynamics.com", "auth": "default" }` });
  }
  const config: JourneyctlConfig = {};
  for (const [key, raw] of Object.entries(value)) {
    if (SECRET_KEYS.test(key)) {
      throw new InputError(`secrets do not belong in ${CONFIG_FILE_NAME}: ${JSON.stringify(key)}`, at(pointer(key)), {
        hint: 'remove it and set DATAVERSE_TOKEN or AZURE_CLIENT_SECRET in the environment instead',
      });
    }
    if (!KNOWN_KEYS.includes(key)) {
      throw new InputError(`unknown configuration key ${JSON.stringify(key)}`, at(pointer(key)), { hint: `known keys: ${KNOWN_KEYS.join(', ')}` });
    }
    if (key === 'clientIds') {
      Object.defineProperty(config, key, { value: clientIdList(raw, at), enumerable: true, writable: true, configurable: true });
      continue;
    }
    if (typeof raw !== 'string' || raw.trim() === '') {
      throw new InputError(`configuration key ${JSON.stringify(key)} must be a non-empty string`, at(pointer(key)));
    }
    if (key === 'auth' && !(AUTH_MODES as readonly string[]).includes(raw)) {
      throw new InputError(`unknown auth mode ${JSON.stringify(raw)}`, at(pointer(key)), { hint: `use one of ${AUTH_MODES.join(', ')}` });
    }
    const resolved = key === 'certificatePath' && file !== undefined ? resolve(dirname(file), raw) : raw;
    Object.defineProperty(config, key, { value: resolved, enumerable: true, writable: true, configurable: true });
  }
  if (config.clientId !== undefined && config.clientIds !== undefined) {
    throw new InputError('the configuration names both "clientId" and "clientIds"', at('/clientId'), {
      hint: 'keep "clientIds" for a pool of identities (its first id is the single application id), or "clientId" alone',
    });
  }
  return config;
}

/** `clientIds`: a non-empty array of distinct, non-empty strings. */
function clientIdList(raw: unknown, at: (pointer: string) => { pointer: string; file?: string }): string[] {
  const hint = 'e.g. "clientIds": ["11111111-…", "22222222-…"]; their secrets come from AZURE_CLIENT_SECRET_1, AZURE_CLIENT_SECRET_2, … (or DATAVERSE_TOKEN_n)';
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new InputError('configuration key "clientIds" must be a non-empty array of client ids', at('/clientIds'), { hint });
  }
  const ids: string[] = [];
  raw.forEach((item: unknown, index) => {
    if (typeof item !== 'string' || item.trim() === '') throw new InputError('each of "clientIds" must be a non-empty string', at(`/clientIds/${index}`), { hint });
    const id = item.trim();
    if (ids.includes(id)) throw new InputError(`client id ${JSON.stringify(id)} is listed twice in "clientIds"`, at(`/clientIds/${index}`), { hint: 'list each application user once' });
    ids.push(id);
  });
  return ids;
}

/** Where each connection setting was taken from, for `--verbose` messages. */
export type SettingSource = 'flag' | 'environment' | 'config' | 'saved connection' | 'default';

/** Connection settings after precedence: flags beat environment beat the configuration file. */
export interface ResolvedSettings {
  url: string | undefined;
  urlSource: SettingSource;
  auth: AuthMode | undefined;
  apiVersion: string | undefined;
  tenantId: string | undefined;
  clientId: string | undefined;
  /**
   * The configuration file's `clientIds` (a pool when there are two or more), unless
   * `AZURE_CLIENT_ID` names a single application.
   */
  clientIds?: string[];
  certificatePath: string | undefined;
  configFile: string | undefined;
  /** The saved connection the URL came from, when it did. */
  savedConnection?: string;
}

/** The flags that feed {@link resolveSettings}. */
export interface SettingFlags {
  url?: string | undefined;
  auth?: string | undefined;
  config?: string | undefined;
  apiVersion?: string | undefined;
}

/**
 * Merge flags, environment and configuration file, in that order of precedence.
 * `--config FILE` names the file; otherwise the nearest one above `cwd` is used, if any.
 */
export function resolveSettings(flags: SettingFlags, env: Readonly<Record<string, string | undefined>> = process.env, cwd: string = process.cwd()): ResolvedSettings {
  const configFile = flags.config !== undefined ? resolve(cwd, flags.config) : findConfigFile(cwd);
  const config = configFile !== undefined ? readConfigFile(configFile).config : {};
  if (flags.auth !== undefined && !(AUTH_MODES as readonly string[]).includes(flags.auth)) {
    throw new InputError(`unknown --auth ${JSON.stringify(flags.auth)}`, {}, { hint: `use one of ${AUTH_MODES.join(', ')}` });
  }
  const envUrl = nonEmpty(env.DATAVERSE_URL);
  // The selected saved connection (journeyctl auth select) is used when nothing closer names an environment.
  const saved = nonEmpty(flags.url) ?? envUrl ?? config.url ? undefined : selectedConnection(env);
  const url = nonEmpty(flags.url) ?? envUrl ?? config.url ?? saved?.url;
  const urlSource: SettingSource = nonEmpty(flags.url) ? 'flag' : envUrl ? 'environment' : config.url ? 'config' : saved ? 'saved connection' : 'default';
  const envAuth = nonEmpty(env.JOURNEYCTL_AUTH);
  if (envAuth !== undefined && !(AUTH_MODES as readonly string[]).includes(envAuth)) {
    throw new InputError(`unknown JOURNEYCTL_AUTH ${JSON.stringify(envAuth)}`, {}, { hint: `use one of ${AUTH_MODES.join(', ')}` });
  }
  return {
    url,
    urlSource,
    auth: (flags.auth as AuthMode | undefined) ?? (envAuth as AuthMode | undefined) ?? config.auth ?? saved?.auth,
    apiVersion: nonEmpty(flags.apiVersion) ?? nonEmpty(env.DATAVERSE_API_VERSION) ?? config.apiVersion,
    tenantId: nonEmpty(env.AZURE_TENANT_ID) ?? config.tenantId ?? saved?.tenantId,
    clientId: nonEmpty(env.AZURE_CLIENT_ID) ?? config.clientId ?? config.clientIds?.[0] ?? saved?.clientId,
    ...(nonEmpty(env.AZURE_CLIENT_ID) === undefined && config.clientIds ? { clientIds: [...config.clientIds] } : {}),
    certificatePath: nonEmpty(env.AZURE_CLIENT_CERTIFICATE_PATH) ?? config.certificatePath,
    configFile,
    ...(saved ? { savedConnection: saved.name } : {}),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
