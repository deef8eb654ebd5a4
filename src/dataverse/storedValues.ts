/**
 * "Is this what we sent?": after a lost answer, a retried create meets a duplicate key and a
 * retried conditional update meets a stale ETag. Reading the record back and comparing the
 * columns we sent tells our own earlier attempt apart from someone else's record.
 */
import { isGuid, sameGuid } from '../util/guid.js';

/** Columns of a sent body that can be read back and compared: plain values, no annotations or binds. */
export function comparableColumns(sent: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(sent).filter((key) => !key.includes('@') && !key.includes('.') && (sent[key] === null || typeof sent[key] !== 'object'));
}

/** The first of `columns` whose stored value differs from the sent one, or `undefined` if all match. */
export function firstDifference(sent: Readonly<Record<string, unknown>>, stored: Readonly<Record<string, unknown>>, columns: readonly string[]): string | undefined {
  for (const column of columns) {
    if (!sameValue(sent[column], stored[column])) return column;
  }
  return undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === 'number') return typeof b === 'number' ? a === b : typeof b === 'string' && b.trim() !== '' && Number(b) === a;
  if (typeof a === 'string' && typeof b === 'string') {
    // GUIDs come back lower-case; dates come back without fractional seconds.
    if (isGuid(a)) return sameGuid(a, b);
    if (/^\d{4}-\d\d-\d\dT/.test(a)) {
      const da = Date.parse(a);
      const db = Date.parse(b);
      return !Number.isNaN(da) && Math.floor(da / 1000) === Math.floor(db / 1000);
    }
  }
  return false;
}
