/**
 * Redaction for the request log: the log keeps method, path and status, never headers or bodies;
 * query parameters that could carry a credential keep their name but lose their value.
 */

/** Query parameter names whose values are never logged (matched case-insensitively, as substrings). */
const SECRET_PARAMETER = /token|secret|password|passwd|pwd|key|sig|code|assertion|authorization|credential/i;

/** `path?query` with the values of credential-like query parameters replaced by `***`. */
export function redactPath(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) return pair;
      let name = pair.slice(0, equals);
      try {
        name = decodeURIComponent(name);
      } catch {
        // Keep the raw name when it is not valid percent-encoding.
      }
      // OData system options ($filter, $select...) are queries, not credentials.
      return !name.startsWith('$') && SECRET_PARAMETER.test(name) ? `${pair.slice(0, equals)}=***` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}
