/**
 * GUIDs, one set of rules for the whole code base.
 *
 * - On the wire (URL keys, OData literals, `_x_value` columns, `OData-EntityId`) a GUID is bare:
 *   8-4-4-4-12 hex digits, no braces. {@link isGuid} checks that shape (either case).
 * - Where people or payloads write GUIDs (CLI arguments, specs, the validate action's
 *   `{…}`-wrapped ids, designer ItemIds, tile XML, receipts) {@link parseGuid} also accepts
 *   surrounding whitespace and one pair of braces, and returns the canonical form: lower case,
 *   no braces, which is what Dataverse answers with.
 * - {@link GUID_PATTERN} is the bare shape as regular-expression source, for patterns that embed a
 *   GUID (`accounts(<guid>)`, a `$filter` token).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#filter-using-guid-values
 */
import { createHash } from 'node:crypto';

/** The bare GUID shape (no anchors, no braces, either case) as regular-expression source. */
export const GUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** A bare GUID or one in braces (no anchors, no capture) as regular-expression source; {@link parseGuid} canonicalizes what it matched. */
export const BRACED_GUID_PATTERN = `(?:\\{${GUID_PATTERN}\\}|${GUID_PATTERN})`;

const BARE = new RegExp(`^${GUID_PATTERN}$`);
const LENIENT = new RegExp(`^\\s*(${BRACED_GUID_PATTERN})\\s*$`);

/** Whether `value` is a bare GUID (`1922b1d8-0523-e911-a9ba-000d3a1e689f`, either case, no braces). */
export function isGuid(value: string): boolean;
export function isGuid(value: unknown): value is string;
export function isGuid(value: unknown): boolean {
  return typeof value === 'string' && value.length === 36 && BARE.test(value);
}

/**
 * The canonical form (lower case, no braces) of a GUID written as people and payloads write it:
 * bare or in one pair of braces, either case, surrounding whitespace ignored. `undefined` when
 * `value` is not a GUID.
 */
export function parseGuid(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = LENIENT.exec(value);
  return match ? match[1]!.replace(/[{}]/g, '').toLowerCase() : undefined;
}

/** Whether two values are the same GUID in any of the forms {@link parseGuid} accepts. */
export function sameGuid(a: unknown, b: unknown): boolean {
  const left = parseGuid(a);
  return left !== undefined && left === parseGuid(b);
}

/**
 * A name-based GUID (RFC 9562 version 5, SHA-1): the same name (and namespace) gives the same id
 * on every machine and every run. Without a namespace the name alone is hashed.
 * https://www.rfc-editor.org/rfc/rfc9562#name-uuid-version-5
 */
export function nameBasedGuid(name: string, namespace?: string): string {
  const hash = createHash('sha1');
  if (namespace !== undefined) {
    const canonical = parseGuid(namespace);
    if (canonical === undefined) throw new RangeError(`The namespace of a name-based GUID must be a GUID, got ${JSON.stringify(namespace)}`);
    hash.update(Buffer.from(canonical.replace(/-/g, ''), 'hex'));
  }
  const bytes = hash.update(name, 'utf8').digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
