import type { HeaderMap } from './pipeline.js';

/** The JSON body of a response, or `undefined` for an empty or non-JSON one. */
export function parseJsonBody(response: { headers: HeaderMap; bodyText: string }): unknown {
  if (!response.bodyText || !/json/i.test(response.headers['content-type'] ?? 'application/json')) return undefined;
  try {
    return JSON.parse(response.bodyText);
  } catch {
    return undefined;
  }
}

