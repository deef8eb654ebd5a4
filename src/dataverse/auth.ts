/**
 * Tokens for Dataverse: a static token, or any `@azure/identity` `TokenCredential` asked for
 * the scope `<environment origin>/.default`, cached and refreshed before it expires.
 * https://learn.microsoft.com/power-apps/developer/data-platform/authenticate-oauth
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { abortReason, systemClock, type Clock } from './clock.js';
import { AuthenticationError } from './errors.js';

/** Supplies the bearer token for each request. */
export interface TokenProvider {
  getToken(abortSignal?: AbortSignal): Promise<string>;
  /** Forget the cached token (after a 401). */
  invalidate(): void;
  /** Whether {@link invalidate} can lead to a different token. */
  readonly canRefresh: boolean;
}

/** A fixed token (e.g. `DATAVERSE_TOKEN`): never refreshed. */
export function staticTokenProvider(token: string): TokenProvider {
  if (!token.trim()) throw new RangeError('The static token is empty');
  return { getToken: async () => token, invalidate() {}, canRefresh: false };
}

/** The scope to ask a credential for: `<origin>/.default`. */
export function scopeFor(environmentUrl: string | URL): string {
  return `${new URL(environmentUrl).origin}/.default`;
}

/** Options of {@link credentialTokenProvider}. */
export interface CredentialTokenOptions {
  /** Refresh this long before the token expires. @default 300000 (5 minutes, like MSAL) */
  refreshBeforeExpiryInMs?: number;
  clock?: Clock;
}

/**
 * Caches the credential's token and asks again shortly before it expires (or after its
 * `refreshAfterTimestamp`). Concurrent requests share one pending `getToken`.
 */
export function credentialTokenProvider(credential: TokenCredential, scope: string, options: CredentialTokenOptions = {}): TokenProvider {
  const clock = options.clock ?? systemClock;
  const margin = options.refreshBeforeExpiryInMs ?? 300_000;
  let cached: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;

  const fresh = (token: AccessToken): boolean => {
    const now = clock.now();
    if (token.refreshAfterTimestamp !== undefined && now >= token.refreshAfterTimestamp) return false;
    return now < token.expiresOnTimestamp - margin;
  };

  const fetchToken = async (): Promise<AccessToken> => {
    let token: AccessToken | null;
    try {
      token = await credential.getToken(scope);
    } catch (error) {
      // Keep the credential's message (it says which credential failed and why) but not the
      // error object, which may hold request details.
      throw new AuthenticationError(`Could not get a token for ${scope}: ${error instanceof Error ? error.message : String(error)}`, {
        status: 0,
        hint: 'Check the credential settings (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or certificate, `az login`), or set DATAVERSE_TOKEN.',
      });
    }
    if (!token?.token) {
      throw new AuthenticationError(`The credential returned no token for ${scope}`, { status: 0, hint: 'Check the credential configuration.' });
    }
    return token;
  };

  return {
    canRefresh: true,
    invalidate() {
      cached = undefined;
    },
    async getToken(abortSignal) {
      if (abortSignal?.aborted) throw abortReason(abortSignal);
      if (cached && fresh(cached)) return cached.token;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      const token = await pending;
      cached = token;
      return token.token;
    },
  };
}
