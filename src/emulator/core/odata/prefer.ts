/**
 * The `Prefer` request header, parsed respecting quotes: `odata.include-annotations="a,b"` holds
 * commas inside its quoted value, and DWA sends every preference in one combined header.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors#prefer-headers
 */

import { splitHeaderList } from '../../../util/headerList.js';

/** Preferences the emulator honours. */
export interface Preferences {
  returnRepresentation: boolean;
  /** `odata.maxpagesize`, clamped to 1..5000; undefined when absent. */
  maxPageSize?: number;
  /** Annotation patterns of `odata.include-annotations` (`*`, exact names, `prefix.*`). */
  includeAnnotations: string[];
  continueOnError: boolean;
}

/** The default and maximum page size. https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results */
export const MAX_PAGE_SIZE = 5000;

/** Parses a `Prefer` header (undefined => defaults). Unknown or malformed preferences are ignored, as RFC 7240 asks. */
export function parsePrefer(header: string | undefined): Preferences {
  const preferences: Preferences = { returnRepresentation: false, includeAnnotations: [], continueOnError: false };
  if (!header) return preferences;
  for (const part of splitHeaderList(header)) {
    const equals = part.indexOf('=');
    const name = (equals < 0 ? part : part.slice(0, equals)).trim().toLowerCase();
    let value = equals < 0 ? '' : part.slice(equals + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name === 'return' && value.toLowerCase() === 'representation') preferences.returnRepresentation = true;
    else if (name === 'odata.maxpagesize') {
      const size = Number(value);
      if (Number.isInteger(size) && size > 0) preferences.maxPageSize = Math.min(size, MAX_PAGE_SIZE);
    } else if (name === 'odata.include-annotations') {
      preferences.includeAnnotations = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
    } else if (name === 'odata.continue-on-error') preferences.continueOnError = value === '' || value.toLowerCase() === 'true';
  }
  return preferences;
}

/** Whether an annotation name is included by the requested patterns. */
export function includesAnnotation(patterns: readonly string[], annotation: string): boolean {
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === annotation) return true;
    if (pattern.endsWith('*') && annotation.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}
