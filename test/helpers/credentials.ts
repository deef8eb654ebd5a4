/**
 * A fake `TokenCredential` for tests: behaves like a client-secret credential (holds a secret,
 * hands out expiring tokens) without talking to Entra ID.
 */
import { createHash } from 'node:crypto';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

export interface FakeCredentialOptions {
  /** Token lifetime. @default 3600000 */
  lifetimeInMs?: number;
  /** Time source. @default Date.now */
  now?: () => number;
}

export class FakeClientSecretCredential implements TokenCredential {
  /** Every scope asked for, in order. */
  readonly requests: string[] = [];
  private issued = 0;

  constructor(
    readonly tenantId: string,
    readonly clientId: string,
    private readonly clientSecret: string,
    private readonly options: FakeCredentialOptions = {},
  ) {}

  /** The last token handed out. */
  lastToken: string | undefined;

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? scopes.join(' ') : scopes;
    this.requests.push(scope);
    this.issued++;
    // Derived from the secret, as a real token endpoint would only answer to the right secret,
    // but never containing it.
    const proof = createHash('sha256').update(`${this.clientId}:${this.clientSecret}`).digest('hex').slice(0, 16);
    const token = `fake.${proof}.${this.issued}`;
    this.lastToken = token;
    const now = (this.options.now ?? Date.now)();
    return { token, expiresOnTimestamp: now + (this.options.lifetimeInMs ?? 3_600_000) };
  }

  /** How many tokens were issued. */
  get tokensIssued(): number {
    return this.issued;
  }
}
