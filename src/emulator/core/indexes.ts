/**
 * In-memory secondary indexes of the store's row cache, built on first use and kept in step with
 * every write (and every rollback): equality buckets for `$filter` terms `column eq literal`, and
 * sorted orders for `$orderby`. Queries find their first row by binary search and stop after one
 * page, so paging costs the same at any depth. See docs/decisions.md, "Emulator query pushdown".
 */
import type { RowValues, StoredRow } from './types.js';

/** An equality index: the key of a row's values (normalized as `$filter` compares them). */
export interface EqualitySpec {
  /** Identifies the index within its entity set, e.g. `eq:statecode:number`. */
  name: string;
  keyOf(values: RowValues): unknown;
}

/** A sort order: a row's sort keys (the row id last, so the order is total) and how they compare. */
export interface OrderSpec {
  /** Identifies the index within its entity set, e.g. `lastname:string:asc,createdon:datetime:desc`. */
  name: string;
  keysOf(row: StoredRow): unknown[];
  compare(a: readonly unknown[], b: readonly unknown[]): number;
}

/** One entry of a sorted order. */
export interface OrderEntry {
  keys: unknown[];
  id: string;
}

/** First index in `items` (sorted by `compare`) whose item is not before `probe` (`after`: strictly after). */
export function lowerBound<T, P>(items: readonly T[], probe: P, compare: (item: T, probe: P) => number, after = false): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compare(items[middle]!, probe);
    if (order < 0 || (after && order === 0)) low = middle + 1;
    else high = middle;
  }
  return low;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Adds `id` to a sorted id list (no duplicates). */
export function insertId(ids: string[], id: string): void {
  const at = lowerBound(ids, id, byString);
  if (ids[at] !== id) ids.splice(at, 0, id);
}

/** Removes `id` from a sorted id list. */
export function removeId(ids: string[], id: string): void {
  const at = lowerBound(ids, id, byString);
  if (ids[at] === id) ids.splice(at, 1);
}

/** Equality buckets: ids of the rows with each key, in id order. */
export class EqualityIndex {
  readonly buckets = new Map<unknown, string[]>();

  constructor(
    readonly spec: EqualitySpec,
    rows: Iterable<StoredRow>,
  ) {
    for (const row of rows) {
      const key = spec.keyOf(row.values);
      let bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, (bucket = []));
      bucket.push(row.id);
    }
    for (const bucket of this.buckets.values()) bucket.sort(byString);
  }

  ids(key: unknown): readonly string[] {
    return this.buckets.get(key) ?? [];
  }

  update(previous: StoredRow | undefined, next: StoredRow | undefined): void {
    const before = previous ? this.spec.keyOf(previous.values) : undefined;
    const after = next ? this.spec.keyOf(next.values) : undefined;
    if (previous && next && Object.is(before, after)) return;
    if (previous) {
      const bucket = this.buckets.get(before);
      if (bucket) {
        removeId(bucket, previous.id);
        if (bucket.length === 0) this.buckets.delete(before);
      }
    }
    if (next) {
      let bucket = this.buckets.get(after);
      if (!bucket) this.buckets.set(after, (bucket = []));
      insertId(bucket, next.id);
    }
  }
}

/** A sorted order of every row of an entity set. */
export class OrderIndex {
  readonly entries: OrderEntry[];
  /** Each row's current sort keys, to find its entry again when it changes. */
  readonly #keys = new Map<string, unknown[]>();
  readonly #compareEntries: (a: OrderEntry, b: readonly unknown[]) => number;

  constructor(
    readonly spec: OrderSpec,
    rows: Iterable<StoredRow>,
  ) {
    this.#compareEntries = (entry, keys) => spec.compare(entry.keys, keys);
    this.entries = [];
    for (const row of rows) {
      const keys = spec.keysOf(row);
      this.entries.push({ keys, id: row.id });
      this.#keys.set(row.id, keys);
    }
    this.entries.sort((a, b) => spec.compare(a.keys, b.keys));
  }

  /** Position of the first entry strictly after `keys` (a skip token's last row). */
  after(keys: readonly unknown[]): number {
    return lowerBound(this.entries, keys, this.#compareEntries, true);
  }

  update(previous: StoredRow | undefined, next: StoredRow | undefined): void {
    const id = (previous ?? next)!.id;
    const keys = next ? this.spec.keysOf(next) : undefined;
    const old = this.#keys.get(id);
    if (old && keys && this.spec.compare(old, keys) === 0) {
      this.#keys.set(id, keys);
      return;
    }
    if (old) {
      let at = lowerBound(this.entries, old, this.#compareEntries);
      // Keys that do not order consistently (NaN) may defeat the binary search: look it up.
      if (this.entries[at]?.id !== id) at = this.entries.findIndex((entry) => entry.id === id);
      if (at >= 0) this.entries.splice(at, 1);
      this.#keys.delete(id);
    }
    if (keys) {
      this.entries.splice(lowerBound(this.entries, keys, this.#compareEntries), 0, { keys, id });
      this.#keys.set(id, keys);
    }
  }
}
