/**
 * Comma-separated header values whose elements may hold quoted commas, such as `Prefer` and
 * `Preference-Applied`: `a,odata.include-annotations="x,y"` is two elements (RFC 7240, RFC 9110 §5.6.1).
 * Shared by the client and the emulator, which each read the preferences their own way.
 */

/** The trimmed, non-empty elements of a header value, split on commas outside double quotes. */
export function splitHeaderList(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of value) {
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}
