/**
 * The persistent token cache of interactive sign-ins, with the plugin loader and the credential
 * injected: the plugin is registered once, the credential gets the cache settings, the sign-in
 * record is saved (identifiers only) and passed back on the next run; without the plugin or the
 * keychain, one message says why and the sign-in goes on without a cache.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessToken } from '@azure/identity';
import {
  persistentCredential,
  signInRecordOf,
  type InteractiveCacheOptions,
  type InteractiveCredential,
  type SignInRecord,
  type SignInRecordStore,
  type TokenCacheDependencies,
  type TokenCacheUnavailableReason,
} from '../../src/dataverse/credentials.js';
import { signInKey, signInRecordStore, signInsFile } from '../../src/cli/savedConnections.js';
import { tokensNotPersisted } from '../../src/cli/connection.js';

const SCOPE = 'https://contoso.crm4.dynamics.com/.default';
const RECORD: SignInRecord = {
  authority: 'login.microsoftonline.com',
  homeAccountId: 'uid.utid',
  clientId: '51f81489-12ee-4a9e-aaae-a2591f45987d',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  username: 'ada@contoso.com',
};

/** A fake interactive credential factory that records what it was built with and did. */
function fakeFactory(options: { failWith?: Error } = {}) {
  const built: InteractiveCacheOptions[] = [];
  const calls: string[] = [];
  const build = (cache: InteractiveCacheOptions): InteractiveCredential => {
    built.push(cache);
    return {
      async authenticate() {
        calls.push('authenticate');
        if (options.failWith && cache.tokenCachePersistenceOptions) throw options.failWith;
        // More than a record: a careless store would write the token.
        return { ...RECORD, accessToken: 'secret-access-token', refreshToken: 'secret-refresh-token' };
      },
      async getToken(): Promise<AccessToken> {
        calls.push(cache.tokenCachePersistenceOptions ? (cache.authenticationRecord ? 'getToken cached+record' : 'getToken cached') : 'getToken plain');
        if (options.failWith && cache.tokenCachePersistenceOptions) throw options.failWith;
        return { token: 'access-token', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
  };
  return { build, built, calls };
}

function fakePlugin(present: boolean) {
  const registered: unknown[] = [];
  const dependencies: TokenCacheDependencies = {
    loadPlugin: async () => (present ? () => undefined : undefined),
    useIdentityPlugin: (plugin: never) => {
      registered.push(plugin);
    },
  };
  return { dependencies, registered };
}

function memoryStore(initial?: SignInRecord): SignInRecordStore & { saved: unknown[] } {
  let current = initial;
  const saved: unknown[] = [];
  return {
    saved,
    load: () => current,
    save(record) {
      saved.push(record);
      current = record;
    },
  };
}

describe('persistentCredential', () => {
  it('registers the plugin once, signs in with the cache settings and saves the record without tokens', async () => {
    const { dependencies, registered } = fakePlugin(true);
    const store = memoryStore();
    const first = fakeFactory();
    const told: TokenCacheUnavailableReason[] = [];
    const credential = persistentCredential(first.build, { name: 'journeyctl', records: store, dependencies, onUnavailable: (r) => told.push(r) });
    await credential.getToken(SCOPE);
    await credential.getToken(SCOPE);
    expect(first.built).toEqual([{ tokenCachePersistenceOptions: { enabled: true, name: 'journeyctl' } }]);
    expect(first.calls).toEqual(['authenticate', 'getToken cached', 'getToken cached']);
    expect(store.saved).toEqual([RECORD]);
    expect(JSON.stringify(store.saved)).not.toContain('secret');
    expect(told).toEqual([]);

    // The next run: the same plugin registration, the saved record passed back, no sign-in.
    const second = fakeFactory();
    const again = persistentCredential(second.build, { name: 'journeyctl', records: store, dependencies });
    await again.getToken(SCOPE);
    expect(second.built).toEqual([{ tokenCachePersistenceOptions: { enabled: true, name: 'journeyctl' }, authenticationRecord: RECORD }]);
    expect(second.calls).toEqual(['getToken cached+record']);
    expect(registered).toHaveLength(1);
  });

  it('without the plugin: says so once and signs in without a cache or a record', async () => {
    const { dependencies, registered } = fakePlugin(false);
    const store = memoryStore();
    const factory = fakeFactory();
    const told: [TokenCacheUnavailableReason, string][] = [];
    const credential = persistentCredential(factory.build, { name: 'journeyctl', records: store, dependencies, onUnavailable: (r, d) => told.push([r, d]) });
    await credential.getToken(SCOPE);
    await credential.getToken(SCOPE);
    expect(told).toEqual([['plugin-missing', '@azure/identity-cache-persistence is not installed']]);
    expect(factory.built).toEqual([{}]);
    expect(factory.calls).toEqual(['getToken plain', 'getToken plain']);
    expect(store.saved).toEqual([]);
    expect(registered).toEqual([]);
  });

  it('when the keychain cannot be used: says so once and falls back to a credential without the cache', async () => {
    const { dependencies } = fakePlugin(true);
    const failure = Object.assign(new Error('libsecret-1.so.0: cannot open shared object file'), { name: 'TokenCacheUnavailableError' });
    const factory = fakeFactory({ failWith: failure });
    const told: [TokenCacheUnavailableReason, string][] = [];
    const credential = persistentCredential(factory.build, { name: 'journeyctl', records: memoryStore(), dependencies, onUnavailable: (r, d) => told.push([r, d]) });
    const token = await credential.getToken(SCOPE);
    expect(token?.token).toBe('access-token');
    await credential.getToken(SCOPE);
    expect(told).toEqual([['keychain-unavailable', 'libsecret-1.so.0: cannot open shared object file']]);
    expect(factory.built).toEqual([{ tokenCachePersistenceOptions: { enabled: true, name: 'journeyctl' } }, {}]);
  });

  it('the real plugin wrapper turns a persistence failure into TokenCacheUnavailableError, with no unhandled rejection', async () => {
    // A plugin shaped like @azure/identity-cache-persistence: it hands a persistence provider to the context.
    type Control = { cachePluginControl: { setPersistence(p: (o: unknown) => Promise<unknown>): void } };
    const plugin = (context: unknown): void => {
      (context as Control).cachePluginControl.setPersistence(() => Promise.reject(new Error('no keychain')));
    };
    let provider: ((options: unknown) => Promise<unknown>) | undefined;
    const dependencies: TokenCacheDependencies = {
      loadPlugin: async () => plugin,
      useIdentityPlugin: (wrapped: never) => (wrapped as (c: unknown) => void)({ cachePluginControl: { setPersistence: (p: typeof provider) => (provider = p) } }),
    };
    const factory = (cache: InteractiveCacheOptions): InteractiveCredential => ({
      async authenticate() {
        await provider!({ name: cache.tokenCachePersistenceOptions?.name });
        return RECORD;
      },
      async getToken() {
        return { token: 't', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    });
    const told: TokenCacheUnavailableReason[] = [];
    const credential = persistentCredential(factory, { name: 'journeyctl', records: memoryStore(), dependencies, onUnavailable: (r) => told.push(r) });
    await credential.getToken(SCOPE);
    expect(told).toEqual(['keychain-unavailable']);
    // A persistence nobody awaits (the credential builds a second one for CAE tokens) must not
    // reject unhandled: vitest fails the run on one.
    void provider!({});
    await new Promise((resolve) => setImmediate(resolve));
    const unused = provider!({});
    await expect(unused).rejects.toMatchObject({ name: 'TokenCacheUnavailableError', message: 'no keychain' });
  });

  it('with the real @azure/identity: a keychain failure of the plugin surfaces before any prompt, and the sign-in falls back', async () => {
    const identity = await import('@azure/identity');
    // Shaped like @azure/identity-cache-persistence on a machine without a usable keychain.
    const plugin = (context: unknown): void => {
      (context as { cachePluginControl: { setPersistence(p: (o: unknown) => Promise<unknown>): void } }).cachePluginControl.setPersistence(() =>
        Promise.reject(new Error('Unable to read from the system keyring (libsecret).')),
      );
    };
    const dependencies: TokenCacheDependencies = { loadPlugin: async () => plugin, useIdentityPlugin: identity.useIdentityPlugin as (plugin: never) => void };
    const prompts: string[] = [];
    const plain: string[] = [];
    const build = (cache: InteractiveCacheOptions): InteractiveCredential =>
      cache.tokenCachePersistenceOptions
        ? new identity.DeviceCodeCredential({ tenantId: 'organizations', userPromptCallback: (info) => prompts.push(info.message), ...cache })
        : {
            // Without the cache: a stand-in, so that nothing is contacted.
            async authenticate() {
              return undefined;
            },
            async getToken() {
              plain.push('getToken');
              return { token: 'plain', expiresOnTimestamp: Date.now() + 3_600_000 };
            },
          };
    const told: [TokenCacheUnavailableReason, string][] = [];
    const store = memoryStore();
    const credential = persistentCredential(build, { name: 'journeyctl-test', records: store, dependencies, onUnavailable: (r, d) => told.push([r, d]) });
    const token = await credential.getToken(SCOPE);
    expect(token?.token).toBe('plain');
    expect(told).toEqual([['keychain-unavailable', 'Unable to read from the system keyring (libsecret).']]);
    expect(prompts).toEqual([]);
    expect(plain).toEqual(['getToken']);
    expect(store.saved).toEqual([]);
    // The credential also built a persistence for CAE tokens that nobody awaited: no unhandled rejection.
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('signInRecordOf keeps the five identifiers only', () => {
    expect(signInRecordOf({ ...RECORD, accessToken: 'x' })).toEqual(RECORD);
    expect(signInRecordOf({ ...RECORD, username: 1 })).toBeUndefined();
    expect(signInRecordOf(null)).toBeUndefined();
  });
});

describe('the sign-in record file', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'journeyctl-signins-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('keeps one record per tenant and application in signins.json, identifiers only', async () => {
    const env = { XDG_CONFIG_HOME: home };
    const store = signInRecordStore(signInKey(RECORD.tenantId, RECORD.clientId), env);
    expect(store.load()).toBeUndefined();
    store.save({ ...RECORD, accessToken: 'secret' } as SignInRecord);
    const other = signInRecordStore(signInKey(undefined, undefined), env);
    expect(other.load()).toBeUndefined();
    expect(store.load()).toEqual(RECORD);
    const text = await readFile(signInsFile(env), 'utf8');
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toEqual({ [`${RECORD.tenantId}/${RECORD.clientId}`]: RECORD });
  });

  it('says what to do when tokens are not kept', () => {
    expect(tokensNotPersisted('plugin-missing', '')).toContain('npm i -g @azure/identity-cache-persistence');
    expect(tokensNotPersisted('plugin-missing', '')).toContain('--auth azure-cli');
    expect(tokensNotPersisted('keychain-unavailable', 'no libsecret')).toContain('no libsecret');
  });
});
