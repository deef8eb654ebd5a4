/**
 * Redaction for the request log: the log keeps method, path and status, never headers or bodies;
 * query parameters that could carry a credential keep their name but lose their value.
 */

/** Query parameter names whose values are never logged (matched case-insensitively, as substrings). */
const SECRET_PARAMETER = /token|secret|password|passwd|pwd|key|sig|code|assertion|authorization|credential/i;

/** Whether the value of the query parameter named `raw` (as sent, maybe percent-encoded) is hidden. */
function isSecretName(raw: string): boolean {
  // OData system options ($filter, $select...) are queries, not credentials.
  if (raw.startsWith('$')) return false;
  let name = raw;
  if (raw.includes('%')) {
    try {
      name = decodeURIComponent(raw);
    } catch {
      // Keep the raw name when it is not valid percent-encoding.
    }
    if (name.startsWith('$')) return false;
  }
  return SECRET_PARAMETER.test(name);
}

/**
 * `path?query` with the values of credential-like query parameters replaced by `***`. Every
 * request is logged, so the common case (no query, or only `$` options and harmless names) returns
 * `url` itself without splitting or copying it.
 */
export function redactPath(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  let out: string | undefined;
  let copied = queryStart + 1;
  let at = queryStart + 1;
  while (at <= url.length) {
    let end = url.indexOf('&', at);
    if (end === -1) end = url.length;
    const equals = url.indexOf('=', at);
    if (equals !== -1 && equals < end && isSecretName(url.slice(at, equals))) {
      out = (out ?? url.slice(0, copied)) + url.slice(copied, equals + 1) + '***';
      copied = end;
    }
    at = end + 1;
  }
  return out === undefined ? url : out + url.slice(copied);
}
