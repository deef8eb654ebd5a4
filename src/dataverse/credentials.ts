/**
 * A small factory over `@azure/identity` credentials, so callers (and the CLI) can pick one by
 * name. `@azure/identity` is loaded on first use: runs against the emulator never pay for it.
 */
import type { TokenCredential } from '@azure/identity';

/** Which credential to build, with what it needs. */
export type CredentialSpec =
  /** `DefaultAzureCredential`: environment (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` / `AZURE_CLIENT_CERTIFICATE_PATH`…), workload identity, managed identity, Azure CLI… */
  | { kind: 'default'; managedIdentityClientId?: string; tenantId?: string }
  | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'clientCertificate'; tenantId: string; clientId: string; certificatePath: string; certificatePassword?: string }
  | { kind: 'deviceCode'; tenantId?: string; clientId?: string; userPromptCallback?: (message: string) => void; tokenCache?: PersistentTokenCacheOptions }
  /** `InteractiveBrowserCredential`: signs in in the default browser (redirect to localhost). */
  | { kind: 'interactiveBrowser'; tenantId?: string; clientId?: string; tokenCache?: PersistentTokenCacheOptions }
  | { kind: 'azureCli'; tenantId?: string }
  | { kind: 'managedIdentity'; clientId?: string };

/** The kinds {@link createCredential} understands. */
export const CREDENTIAL_KINDS = ['default', 'clientSecret', 'clientCertificate', 'deviceCode', 'interactiveBrowser', 'azureCli', 'managedIdentity'] as const;

/**
 * Build an `@azure/identity` credential. Secrets are passed to the credential and kept nowhere else.
 * @example createCredential({ kind: 'clientSecret', tenantId, clientId, clientSecret: process.env.SECRET! })
 */
export async function createCredential(spec: CredentialSpec): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  switch (spec.kind) {
    case 'default':
      return new identity.DefaultAzureCredential({
        ...(spec.managedIdentityClientId ? { managedIdentityClientId: spec.managedIdentityClientId } : {}),
        ...(spec.tenantId ? { tenantId: spec.tenantId } : {}),
      });
    case 'clientSecret':
      return new identity.ClientSecretCredential(spec.tenantId, spec.clientId, spec.clientSecret);
    case 'clientCertificate':
      return new identity.ClientCertificateCredential(spec.tenantId, spec.clientId, {
        certificatePath: spec.certificatePath,
        ...(spec.certificatePassword ? { certificatePassword: spec.certificatePassword } : {}),
      } as never);
    case 'deviceCode': {
      const build = (cache: InteractiveCacheOptions) =>
        new identity.DeviceCodeCredential({
          ...(spec.tenantId ? { tenantId: spec.tenantId } : {}),
          ...(spec.clientId ? { clientId: spec.clientId } : {}),
          ...(spec.userPromptCallback ? { userPromptCallback: (info: { message: string }) => spec.userPromptCallback!(info.message) } : {}),
          ...cache,
        });
      return spec.tokenCache ? persistentCredential(build, spec.tokenCache) : build({});
    }
    case 'interactiveBrowser': {
      const build = (cache: InteractiveCacheOptions) =>
        new identity.InteractiveBrowserCredential({
          ...(spec.tenantId ? { tenantId: spec.tenantId } : {}),
          ...(spec.clientId ? { clientId: spec.clientId } : {}),
          ...cache,
        });
      return spec.tokenCache ? persistentCredential(build, spec.tokenCache) : build({});
    }
    case 'azureCli':
      return new identity.AzureCliCredential(spec.tenantId ? { tenantId: spec.tenantId } : {});
    case 'managedIdentity':
      return spec.clientId ? new identity.ManagedIdentityCredential({ clientId: spec.clientId }) : new identity.ManagedIdentityCredential();
    default: {
      const kind = (spec as { kind: unknown }).kind;
      throw new RangeError(`Unknown credential kind ${JSON.stringify(kind)}; use one of ${CREDENTIAL_KINDS.join(', ')}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Persistent token cache for the interactive sign-ins (device code, browser).
// https://learn.microsoft.com/javascript/api/overview/azure/identity-cache-persistence-readme
// https://github.com/Azure/azure-sdk-for-js/blob/main/sdk/identity/identity/samples/AzureIdentityExamples.md#persist-user-authentication-data
// ---------------------------------------------------------------------------------------------

/** The npm package that gives @azure/identity a persistent, OS-encrypted token cache. */
export const CACHE_PERSISTENCE_PACKAGE = '@azure/identity-cache-persistence';

/**
 * What `authenticate()` returns and `authenticationRecord` takes: which account to find in the
 * cache. Account identifiers only, no secret and no token.
 */
export interface SignInRecord {
  authority: string;
  homeAccountId: string;
  clientId: string;
  tenantId: string;
  username: string;
}

const RECORD_KEYS = ['authority', 'homeAccountId', 'clientId', 'tenantId', 'username'] as const;

/** The record's five identifiers and nothing else (anything more a credential returns is dropped); `undefined` when one is missing. */
export function signInRecordOf(value: unknown): SignInRecord | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const source = value as Record<string, unknown>;
  const record: Record<string, string> = {};
  for (const key of RECORD_KEYS) {
    const field = source[key];
    if (typeof field !== 'string' || field === '') return undefined;
    record[key] = field;
  }
  return record as unknown as SignInRecord;
}

/** Where the sign-in record of one cache lives (e.g. a file in the user's config folder). */
export interface SignInRecordStore {
  load(): SignInRecord | undefined;
  save(record: SignInRecord): void;
}

/** Why sign-in tokens are not persisted. */
export type TokenCacheUnavailableReason =
  /** @azure/identity-cache-persistence is not installed. */
  | 'plugin-missing'
  /** The plugin is installed but the OS keychain (Keychain, DPAPI, libsecret) cannot be used. */
  | 'keychain-unavailable';

/** The options of an interactive credential that carry the cache settings. */
export interface InteractiveCacheOptions {
  tokenCachePersistenceOptions?: { enabled: true; name: string };
  authenticationRecord?: SignInRecord;
}

/** The part of an interactive `@azure/identity` credential the cache needs. */
export interface InteractiveCredential extends TokenCredential {
  authenticate(scopes: string | string[]): Promise<unknown>;
}

/** What the persistent cache needs from the outside world; tests inject fakes. */
export interface TokenCacheDependencies {
  /** The plugin (`cachePersistencePlugin`), or `undefined` when its package is not installed. */
  loadPlugin(): Promise<unknown>;
  /** `useIdentityPlugin` of @azure/identity. */
  useIdentityPlugin(plugin: never): void;
}

/** Settings of {@link persistentCredential}. */
export interface PersistentTokenCacheOptions {
  /** The cache's name (one per application): the keychain entry and file under `~/.IdentityService/`. */
  name: string;
  /** Where the account's sign-in record is kept between runs. */
  records: SignInRecordStore;
  /** Told once when tokens will not be persisted, and why. */
  onUnavailable?: (reason: TokenCacheUnavailableReason, detail: string) => void;
  /** @default the real plugin package and @azure/identity */
  dependencies?: TokenCacheDependencies;
}

/** Raised (by the wrapped plugin) when the persistence layer cannot open the OS keychain. */
export class TokenCacheUnavailableError extends Error {
  override name = 'TokenCacheUnavailableError';
}

/** Each `useIdentityPlugin` registers once per process, however many credentials are built. */
const registrations = new WeakMap<object, Promise<boolean>>();

/** Load the plugin and register it once; `false` when its package is not installed. */
function registerPlugin(dependencies: TokenCacheDependencies): Promise<boolean> {
  const key = dependencies.useIdentityPlugin as object;
  let registration = registrations.get(key);
  if (registration === undefined) {
    registration = (async () => {
      const plugin = await dependencies.loadPlugin();
      if (typeof plugin !== 'function') return false;
      dependencies.useIdentityPlugin(taggingPlugin(plugin as (context: unknown) => void) as never);
      return true;
    })();
    registrations.set(key, registration);
  }
  return registration;
}

/**
 * The plugin, with the persistence it provides wrapped so that a failure to open the keychain
 * surfaces as a {@link TokenCacheUnavailableError} (told apart by name, before any prompt: the
 * credential awaits the persistence before it starts a sign-in) and never as an unhandled
 * rejection (the credential builds a second, unused persistence for CAE tokens).
 */
function taggingPlugin(plugin: (context: unknown) => void): (context: unknown) => void {
  return (context) => {
    const control = (context as { cachePluginControl?: { setPersistence?: (provider: (options: unknown) => Promise<unknown>) => void } } | null)?.cachePluginControl;
    if (!control?.setPersistence) return plugin(context);
    const tagged = {
      setPersistence(provider: (options: unknown) => Promise<unknown>) {
        control.setPersistence!((options) => {
          const persistence = Promise.resolve()
            .then(() => provider(options))
            .catch((error: unknown) => {
              throw new TokenCacheUnavailableError(error instanceof Error ? error.message : String(error), { cause: error });
            });
          persistence.catch(() => undefined);
          return persistence;
        });
      },
    };
    plugin({ ...(context as object), cachePluginControl: tagged });
  };
}

/** The real dependencies: the optional peer package (loaded by name, so it stays optional) and @azure/identity. */
export const defaultTokenCacheDependencies: TokenCacheDependencies = {
  async loadPlugin() {
    identityModule ??= await import('@azure/identity');
    const specifier: string = CACHE_PERSISTENCE_PACKAGE;
    try {
      const module = (await import(specifier)) as { cachePersistencePlugin?: unknown };
      return module.cachePersistencePlugin;
    } catch {
      // Not installed (ERR_MODULE_NOT_FOUND), or installed but its native keychain module does
      // not load here: either way there is no persistent cache.
      return undefined;
    }
  },
  useIdentityPlugin(plugin) {
    // loadPlugin has loaded @azure/identity before this runs.
    identityModule!.useIdentityPlugin(plugin);
  },
};

let identityModule: typeof import('@azure/identity') | undefined;

/**
 * An interactive credential (device code, browser) that keeps its tokens in @azure/identity's
 * persistent cache when it can: the first run signs in (`authenticate()`) and saves the account's
 * sign-in record; later runs pass the record back and get their tokens silently from the cache.
 * Without the plugin, or when the keychain cannot be used, it says why once and signs in as usual.
 * @param build builds the credential with the cache options added to its own
 */
export function persistentCredential(build: (cache: InteractiveCacheOptions) => InteractiveCredential, options: PersistentTokenCacheOptions): TokenCredential {
  const dependencies = options.dependencies ?? defaultTokenCacheDependencies;
  let told = false;
  const tell = (reason: TokenCacheUnavailableReason, detail: string): void => {
    if (told) return;
    told = true;
    options.onUnavailable?.(reason, detail);
  };
  let ready: Promise<{ credential: InteractiveCredential; signedIn: boolean }> | undefined;
  let plain: InteractiveCredential | undefined;
  const fallback = (): InteractiveCredential => (plain ??= build({}));

  const start = async (scopes: string | string[]) => {
    if (!(await registerPlugin(dependencies))) {
      tell('plugin-missing', `${CACHE_PERSISTENCE_PACKAGE} is not installed`);
      return { credential: fallback(), signedIn: false };
    }
    const cache = { enabled: true as const, name: options.name };
    const saved = options.records.load();
    const credential = build({ tokenCachePersistenceOptions: cache, ...(saved ? { authenticationRecord: saved } : {}) });
    if (saved) return { credential, signedIn: false };
    const record = signInRecordOf(await credential.authenticate(scopes));
    if (record) options.records.save(record);
    return { credential, signedIn: true };
  };

  return {
    async getToken(scopes, getTokenOptions) {
      ready ??= start(scopes).catch((error: unknown) => {
        if ((error as Error | undefined)?.name !== 'TokenCacheUnavailableError') {
          ready = undefined;
          throw error;
        }
        tell('keychain-unavailable', (error as Error).message);
        return { credential: fallback(), signedIn: false };
      });
      let credential: InteractiveCredential;
      try {
        ({ credential } = await ready);
        return await credential.getToken(scopes, getTokenOptions);
      } catch (error) {
        if ((error as Error | undefined)?.name !== 'TokenCacheUnavailableError') throw error;
        // The record was saved earlier, but the keychain is not usable now.
        tell('keychain-unavailable', (error as Error).message);
        ready = Promise.resolve({ credential: fallback(), signedIn: false });
        return fallback().getToken(scopes, getTokenOptions);
      }
    },
  };
}
