/**
 * Who is calling: service protection limits apply per user, so the emulator needs a stable user
 * key for each request without ever keeping the token itself.
 * https://learn.microsoft.com/power-apps/developer/data-platform/api-limits#how-service-protection-api-limits-are-enforced
 */
import { createHash } from 'node:crypto';

/** The user key for requests without an `Authorization` header. */
export const ANONYMOUS_CALLER = 'anonymous';

/** Object ids and subjects are GUIDs or short opaque strings; anything else is not trusted as a key. */
const SAFE_CLAIM = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * The caller's user key from an `Authorization` header value: the `oid` (else `sub`) claim of a
 * JWT bearer token, decoded without verifying the signature (the emulator accepts any token);
 * for an opaque token, `token:` and the first 16 hex digits of its SHA-256; `anonymous` when
 * there is no token. The token is never returned or stored.
 */
export function callerOf(authorization: string | string[] | undefined): string {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  if (!header) return ANONYMOUS_CALLER;
  // Every request asks: `Bearer <token>` is fingerprinted in place, without a regular expression
  // or a copy of the token; anything else (other spacing, case, schemes) takes the general way.
  let fingerprint = header.length > BEARER.length && header.startsWith(BEARER) ? fingerprintOf(header, BEARER.length) : NOT_PLAIN;
  let token: string | undefined;
  if (fingerprint === NOT_PLAIN) {
    const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
    token = match ? match[1]! : header.trim();
    if (!token) return ANONYMOUS_CALLER;
    fingerprint = fingerprintOf(token, 0, true);
  }
  // A client sends the same token for many requests: remember its key under a fingerprint of the
  // token (53 bits of two 32-bit FNV-1a hashes), so the token itself is never kept.
  let key = recent.get(fingerprint);
  if (key === undefined) {
    token ??= header.slice(BEARER.length);
    key = claimOf(token) ?? `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
    if (recent.size >= RECENT_LIMIT) recent.clear();
    recent.set(fingerprint, key);
  }
  return key;
}

const BEARER = 'Bearer ';
/** What {@link fingerprintOf} answers for text that is not all visible ASCII (never a fingerprint). */
const NOT_PLAIN = -1;

/** Keys of recently seen tokens by fingerprint (bounded). */
const recent = new Map<number, string>();
const RECENT_LIMIT = 1024;

/**
 * A 53-bit fingerprint of `text` from `start` to its end, or {@link NOT_PLAIN} when a character is
 * not visible ASCII (a space, a control or a non-ASCII character) unless `any` is set.
 */
function fingerprintOf(text: string, start: number, any = false): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ (text.length - start);
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!any && (c < 0x21 || c > 0x7e)) return NOT_PLAIN;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 2 ** 21 + (b >>> 11);
}

function claimOf(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  for (const claim of ['oid', 'sub'] as const) {
    const value = (payload as Record<string, unknown>)[claim];
    if (typeof value === 'string' && SAFE_CLAIM.test(value)) return value;
  }
  return undefined;
}
