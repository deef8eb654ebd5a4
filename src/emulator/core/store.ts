/**
 * The emulator's store: one SQLite table of rows keyed by (entity set, id), attributes as JSON,
 * plus a global `versionnumber` sequence. better-sqlite3 is synchronous, so a `$batch` change set
 * runs in one SQLite transaction and rolls back as a whole.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EqualityIndex, insertId, OrderIndex, removeId, type EqualitySpec, type OrderEntry, type OrderSpec } from './indexes.js';
import type { RowValues, StoredRow } from './types.js';

/** Options of `openStore`. */
export interface StoreOptions {
  /** Directory holding `emulator.sqlite`; omitted => `:memory:`. */
  dataDir?: string;
}

/**
 * Row storage for the emulator (tests may read it directly). Rows returned are shared and frozen:
 * copy before changing.
 */
export interface EmulatorStore {
  get(entitySet: string, id: string): StoredRow | undefined;
  insert(entitySet: string, id: string, values: RowValues): StoredRow;
  /** Replaces the stored values; returns the new row. */
  update(entitySet: string, id: string, values: RowValues): StoredRow;
  delete(entitySet: string, id: string): boolean;
  count(entitySet: string): number;
  /** Rows in id order, after `afterId` when given. Lazy: stop iterating to stop reading. */
  scan(entitySet: string, options?: { afterId?: string }): IterableIterator<StoredRow>;
  /**
   * Ids of the rows whose `spec.keyOf` is `key`, in id order, from an index built on first use and
   * kept in step with writes. The array is live: read it before the next write.
   */
  equal(entitySet: string, spec: EqualitySpec, key: unknown): readonly string[];
  /**
   * Every row in the order of `spec`, from an index built on first use and kept in step with
   * writes. The entries are live: read them before the next write.
   */
  ordered(entitySet: string, spec: OrderSpec): OrderedRows;
  /**
   * Rows whose `attribute` holds `value` (a lookup's GUID), in id order, through an index kept in
   * step with every write: relationship queries look rows up by foreign key instead of scanning.
   */
  referencing(entitySet: string, attribute: string, value: string): StoredRow[];
  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T;
  /** The next global version number (call inside the write's transaction). */
  nextVersion(): number;
  /** Removes every row (reset). */
  clear(): void;
  close(): void;
}

/** Rows in a sort order: `entries[i].id` is a row id; `after(keys)` is where a page after `keys` starts. */
export interface OrderedRows {
  readonly entries: readonly OrderEntry[];
  after(keys: readonly unknown[]): number;
}

/** Indexes kept per entity set (the least recently used are dropped beyond these). */
const MAX_EQUALITY_INDEXES = 16;
const MAX_ORDER_INDEXES = 16;

interface EntityCache {
  rows: Map<string, StoredRow>;
  /** Ids in SQLite's BINARY order, built on first scan, then kept in step with inserts and deletes. */
  sorted?: string[];
  /** A scan holds `sorted`: copy it before the next change (scans see a snapshot). */
  sortedShared: boolean;
  equality: Map<string, EqualityIndex>;
  orders: Map<string, OrderIndex>;
  /** Foreign-key indexes built on first use: attribute -> value -> ids. */
  indexes?: Map<string, Map<string, Set<string>>>;
}

/** Gets or builds an index, keeping the map in least-recently-used order. */
function useIndex<T>(indexes: Map<string, T>, name: string, limit: number, build: () => T): T {
  let index = indexes.get(name);
  if (index) indexes.delete(name);
  else {
    index = build();
    if (indexes.size >= limit) indexes.delete(indexes.keys().next().value!);
  }
  indexes.set(name, index);
  return index;
}

function indexAdd(index: Map<string, Set<string>>, value: unknown, id: string): void {
  if (typeof value !== 'string') return;
  let ids = index.get(value);
  if (!ids) index.set(value, (ids = new Set()));
  ids.add(id);
}

function indexRemove(index: Map<string, Set<string>>, value: unknown, id: string): void {
  if (typeof value !== 'string') return;
  const ids = index.get(value);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) index.delete(value);
}

/** Cached rows are shared by every reader, so they are frozen. */
function freeze(row: StoredRow): StoredRow {
  Object.freeze(row.values);
  return Object.freeze(row);
}

/** File name of the SQLite database inside `dataDir`. */
export const STORE_FILE = 'emulator.sqlite';

/** Opens (and creates when needed) the store. */
export function openStore(options: StoreOptions = {}): EmulatorStore {
  let path = ':memory:';
  if (options.dataDir !== undefined) {
    mkdirSync(options.dataDir, { recursive: true });
    path = join(options.dataDir, STORE_FILE);
  }
  const db = new Database(path);
  if (path !== ':memory:') {
    // WAL + synchronous=FULL: a commit is fsynced before better-sqlite3 returns, so a write
    // answered 2xx survives kill -9 (and power loss). https://www.sqlite.org/pragma.html#pragma_synchronous
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  // A rowid table: rows (JSON of several hundred bytes) are appended in insert order and only the
  // (entity_set, id) index takes the random GUID order. WITHOUT ROWID kept whole rows in key order,
  // which made every insert of a random GUID split and shift large pages (about 2.5 times slower);
  // SQLite advises WITHOUT ROWID only for rows smaller than about a twentieth of a page.
  // https://www.sqlite.org/withoutrowid.html#when_to_use_without_rowid
  // Stores created before keep their layout: the statements below work on both.
  db.exec(`
    CREATE TABLE IF NOT EXISTS rows (
      entity_set TEXT NOT NULL,
      id TEXT NOT NULL,
      version INTEGER NOT NULL,
      data TEXT NOT NULL,
      PRIMARY KEY (entity_set, id)
    );
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    INSERT OR IGNORE INTO meta (key, value) VALUES ('version', 1000);
  `);

  const loadStmt = db.prepare<[string], { id: string; version: number; data: string }>('SELECT id, version, data FROM rows WHERE entity_set = ?');
  const insertStmt = db.prepare('INSERT INTO rows (entity_set, id, version, data) VALUES (?, ?, ?, ?)');
  const updateStmt = db.prepare('UPDATE rows SET version = ?, data = ? WHERE entity_set = ? AND id = ?');
  const deleteStmt = db.prepare('DELETE FROM rows WHERE entity_set = ? AND id = ?');
  const readVersionStmt = db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'version'");
  const writeVersionStmt = db.prepare("UPDATE meta SET value = ? WHERE key = 'version' AND value < ?");
  // The version sequence lives in memory and is written once per transaction (not once per row);
  // a rolled-back transaction leaves a gap, as Dataverse's row versions may have.
  let version = readVersionStmt.get()!.value;
  let versionWritten = version;
  const saveVersion = () => {
    if (versionWritten === version) return;
    writeVersionStmt.run(version, version);
    versionWritten = version;
  };

  // Reads are served from memory: each entity set is loaded once, then kept in step with every
  // write (SQLite stays the durable copy). This keeps GET-by-id and page queries close to a bare
  // server; a transaction that rolls back also undoes its changes here.
  const cache = new Map<string, EntityCache>();
  let undo: (() => void)[] | undefined;

  const load = (entitySet: string): EntityCache => {
    let entry = cache.get(entitySet);
    if (!entry) {
      entry = { rows: new Map(), sortedShared: false, equality: new Map(), orders: new Map() };
      for (const row of loadStmt.iterate(entitySet)) entry.rows.set(row.id, freeze({ id: row.id, version: row.version, values: JSON.parse(row.data) as RowValues }));
      cache.set(entitySet, entry);
    }
    return entry;
  };
  const put = (entitySet: string, row: StoredRow | undefined, id: string) => {
    const entry = load(entitySet);
    const previous = entry.rows.get(id);
    if (row) entry.rows.set(id, row);
    else entry.rows.delete(id);
    if (entry.indexes) {
      for (const [attribute, index] of entry.indexes) {
        const before = previous?.values[attribute];
        const after = row?.values[attribute];
        if (before === after) continue;
        indexRemove(index, before, id);
        indexAdd(index, after, id);
      }
    }
    if (entry.sorted && (previous === undefined) !== (row === undefined)) {
      if (entry.sortedShared) {
        entry.sorted = entry.sorted.slice();
        entry.sortedShared = false;
      }
      if (row) insertId(entry.sorted, id);
      else removeId(entry.sorted, id);
    }
    for (const index of entry.equality.values()) index.update(previous, row);
    for (const index of entry.orders.values()) index.update(previous, row);
    undo?.push(() => put(entitySet, previous, id));
  };
  const sortedIds = (entry: EntityCache): string[] => {
    entry.sortedShared = true;
    return (entry.sorted ??= [...entry.rows.keys()].sort());
  };

  return {
    get(entitySet, id) {
      return load(entitySet).rows.get(id);
    },
    insert(entitySet, id, values) {
      const version = Number(values.versionnumber ?? this.nextVersion());
      insertStmt.run(entitySet, id, version, JSON.stringify(values));
      const row = freeze({ id, version, values: { ...values } });
      put(entitySet, row, id);
      return row;
    },
    update(entitySet, id, values) {
      const version = Number(values.versionnumber ?? this.nextVersion());
      updateStmt.run(version, JSON.stringify(values), entitySet, id);
      const row = freeze({ id, version, values: { ...values } });
      put(entitySet, row, id);
      return row;
    },
    delete(entitySet, id) {
      const deleted = deleteStmt.run(entitySet, id).changes > 0;
      if (deleted) put(entitySet, undefined, id);
      return deleted;
    },
    count(entitySet) {
      return load(entitySet).rows.size;
    },
    *scan(entitySet, options = {}) {
      const entry = load(entitySet);
      // A snapshot of the id order: writes made while the caller iterates do not disturb it.
      const ids = sortedIds(entry);
      let index = 0;
      if (options.afterId !== undefined) {
        let low = 0;
        let high = ids.length;
        while (low < high) {
          const middle = (low + high) >>> 1;
          if (ids[middle]! <= options.afterId) low = middle + 1;
          else high = middle;
        }
        index = low;
      }
      for (; index < ids.length; index++) {
        const row = entry.rows.get(ids[index]!);
        if (row) yield row;
      }
    },
    equal(entitySet, spec, key) {
      const entry = load(entitySet);
      return useIndex(entry.equality, spec.name, MAX_EQUALITY_INDEXES, () => new EqualityIndex(spec, entry.rows.values())).ids(key);
    },
    ordered(entitySet, spec) {
      const entry = load(entitySet);
      return useIndex(entry.orders, spec.name, MAX_ORDER_INDEXES, () => new OrderIndex(spec, entry.rows.values()));
    },
    referencing(entitySet, attribute, value) {
      const entry = load(entitySet);
      entry.indexes ??= new Map();
      let index = entry.indexes.get(attribute);
      if (!index) {
        index = new Map();
        for (const row of entry.rows.values()) indexAdd(index, row.values[attribute], row.id);
        entry.indexes.set(attribute, index);
      }
      const ids = index.get(value);
      if (!ids) return [];
      const rows: StoredRow[] = [];
      for (const id of [...ids].sort()) rows.push(entry.rows.get(id)!);
      return rows;
    },
    transaction<T>(fn: () => T): T {
      if (db.inTransaction) return fn();
      const log: (() => void)[] = [];
      undo = log;
      try {
        return db.transaction(() => {
          const result = fn();
          saveVersion();
          return result;
        })();
      } catch (error) {
        versionWritten = readVersionStmt.get()!.value;
        undo = undefined;
        for (const step of log.reverse()) step();
        throw error;
      } finally {
        undo = undefined;
      }
    },
    nextVersion() {
      version++;
      // Outside a transaction the number is saved at once; inside, when the transaction commits.
      if (!db.inTransaction) saveVersion();
      return version;
    },
    clear() {
      db.exec('DELETE FROM rows');
      cache.clear();
    },
    close() {
      if (db.open) db.close();
    },
  };
}
