/**
 * The `Prefer` request header. Dataverse reads one comma-separated header; the
 * `odata.include-annotations` value is quoted and may itself contain commas.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors#prefer-headers
 */

import { splitHeaderList } from '../util/headerList.js';

/** Preferences a request can ask for. */
export interface PreferOptions {
  /** `return=representation`: answer create/update with the record (201/200) instead of 204. @default false */
  returnRepresentation?: boolean;
  /** `odata.include-annotations="…"`: `'*'`, exact names or prefix wildcards. */
  includeAnnotations?: string | readonly string[];
  /** `odata.maxpagesize=N`, 1–5000 (Dataverse's default and maximum page size is 5000). */
  maxPageSize?: number;
  /** `odata.continue-on-error`: a `$batch` answers every operation instead of stopping at the first failure. @default false */
  continueOnError?: boolean;
  /** `odata.track-changes`: ask for a delta link. @default false */
  trackChanges?: boolean;
}

/** Largest page Dataverse serves. https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results */
export const MAX_PAGE_SIZE = 5000;

/**
 * Compose the `Prefer` header value, or `undefined` when nothing is preferred.
 * @throws RangeError for a page size outside 1–5000 or an annotation name containing a quote.
 */
export function composePrefer(options: PreferOptions): string | undefined {
  const parts: string[] = [];
  if (options.returnRepresentation) parts.push('return=representation');
  const annotations = typeof options.includeAnnotations === 'string' ? [options.includeAnnotations] : options.includeAnnotations;
  if (annotations && annotations.length > 0) {
    for (const name of annotations) {
      if (name.includes('"') || name.trim() === '') throw new RangeError(`Invalid annotation name in includeAnnotations: ${JSON.stringify(name)}`);
    }
    parts.push(`odata.include-annotations="${annotations.join(',')}"`);
  }
  if (options.maxPageSize !== undefined) {
    const size = options.maxPageSize;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw new RangeError(`maxPageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${size}`);
    }
    parts.push(`odata.maxpagesize=${size}`);
  }
  if (options.trackChanges) parts.push('odata.track-changes');
  if (options.continueOnError) parts.push('odata.continue-on-error');
  return parts.length > 0 ? parts.join(',') : undefined;
}

/**
 * Split a `Prefer` (or `Preference-Applied`) value into its preferences, honouring quotes:
 * `a,odata.include-annotations="x,y"` gives two entries.
 */
export function splitPreferences(value: string): string[] {
  return splitHeaderList(value);
}
