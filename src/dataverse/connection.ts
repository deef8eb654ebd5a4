/**
 * Where Dataverse is and how to authenticate, from explicit options or the environment:
 * `DATAVERSE_URL`, `DATAVERSE_API_VERSION`, `DATAVERSE_TOKEN`, and the standard `AZURE_*`
 * variables read by `DefaultAzureCredential`.
 */
import type { TokenCredential } from '@azure/identity';
import { InputError } from '../errors.js';
import { credentialTokenProvider, scopeFor, staticTokenProvider, type TokenProvider } from './auth.js';
import { createCredential } from './credentials.js';
import { isLoopbackHost } from './transport.js';

/** The API versions Dataverse serves. */
export const API_VERSIONS = ['9.0', '9.1', '9.2'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/** How to authenticate. */
export type AuthSetting =
  /** Any `@azure/identity` credential; asked for `<origin>/.default`. */
  | { credential: TokenCredential }
  /** A bearer token used as is (never refreshed). */
  | { token: string }
  /** No `Authorization` header (the emulator). */
  | { none: true };

/** Connection settings; each falls back to the environment. */
export interface ConnectionOptions {
  /** Environment URL (`https://org.crm.dynamics.com`) or service root. @default process.env.DATAVERSE_URL */
  url?: string;
  /** Web API version. @default process.env.DATAVERSE_API_VERSION ?? '9.2' */
  apiVersion?: ApiVersion;
  /**
   * Authentication. @default a static `DATAVERSE_TOKEN` when set; none for a loopback URL (the
   * emulator); otherwise `DefaultAzureCredential`, which honours the `AZURE_*` variables.
   */
  auth?: AuthSetting;
  /** Environment to read. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Where the client sends requests and how it authenticates (the CLI's `Connection` adds the command's target and emulator). */
export interface ResolvedConnection {
  /** `https://org.crm.dynamics.com` */
  origin: string;
  /** `https://org.crm.dynamics.com/api/data/v9.2/` */
  serviceRoot: string;
  apiVersion: ApiVersion;
  /** `undefined` when requests go unauthenticated. */
  tokens: TokenProvider | undefined;
  /** How the connection authenticates, for messages: `token`, `credential` or `none`. */
  authKind: 'token' | 'credential' | 'none';
}

/**
 * The environment URL and API version from a user-supplied URL, which may be an origin or a full
 * service root (`…/api/data/v9.1/`).
 * @throws InputError when the URL is not an http(s) URL.
 */
export function parseEnvironmentUrl(url: string, apiVersion?: string): { origin: string; serviceRoot: string; apiVersion: ApiVersion } {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new InputError(`Not a URL: ${JSON.stringify(url)}`, {}, { hint: 'Set DATAVERSE_URL to the environment URL, e.g. https://contoso.crm4.dynamics.com' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new InputError(`The Dataverse URL must use https (or http for a local emulator), got ${parsed.protocol}`, {}, { hint: 'Use the environment URL, e.g. https://contoso.crm4.dynamics.com' });
  }
  const fromPath = parsed.pathname.match(/\/api\/data\/v(9\.[0-2])\/?$/)?.[1];
  const version = apiVersion ?? fromPath ?? '9.2';
  if (!(API_VERSIONS as readonly string[]).includes(version)) {
    throw new InputError(`Unsupported Web API version ${JSON.stringify(version)}`, {}, { hint: `Use one of ${API_VERSIONS.join(', ')}.` });
  }
  const base = parsed.pathname.replace(/\/api\/data\/v9\.\d\/?$/, '').replace(/\/+$/, '');
  const origin = `${parsed.origin}${base}`;
  return { origin, serviceRoot: `${origin}/api/data/v${version}/`, apiVersion: version as ApiVersion };
}

/**
 * Resolve where and how to connect.
 * @throws InputError when no URL is given and `DATAVERSE_URL` is unset.
 */
export function resolveConnection(options: ConnectionOptions = {}): ResolvedConnection {
  const env = options.env ?? process.env;
  const url = options.url ?? env.DATAVERSE_URL;
  if (!url) {
    throw new InputError('No Dataverse environment URL', {}, { hint: 'Pass the URL or set DATAVERSE_URL (e.g. https://contoso.crm4.dynamics.com).' });
  }
  const { origin, serviceRoot, apiVersion } = parseEnvironmentUrl(url, options.apiVersion ?? env.DATAVERSE_API_VERSION);
  const auth = options.auth ?? authFromEnvironment(origin, env);
  if ('none' in auth) return { origin, serviceRoot, apiVersion, tokens: undefined, authKind: 'none' };
  if ('token' in auth) return { origin, serviceRoot, apiVersion, tokens: staticTokenProvider(auth.token), authKind: 'token' };
  return { origin, serviceRoot, apiVersion, tokens: credentialTokenProvider(auth.credential, scopeFor(origin)), authKind: 'credential' };
}

function authFromEnvironment(origin: string, env: Readonly<Record<string, string | undefined>>): AuthSetting {
  if (env.DATAVERSE_TOKEN) return { token: env.DATAVERSE_TOKEN };
  if (isLoopbackHost(new URL(origin).hostname)) return { none: true };
  return { credential: lazyCredential(() => createCredential({ kind: 'default' })) };
}

/** A credential built on first use, so that constructing a client stays synchronous and cheap. */
export function lazyCredential(build: () => Promise<TokenCredential>): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  return {
    async getToken(scopes, options) {
      credential ??= build();
      return (await credential).getToken(scopes, options);
    },
  };
}
