/** The SQLite store: durability across reopen, global versions, rollback of rows and of the read cache. */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, STORE_FILE, type EmulatorStore } from '../../src/emulator/core/store.js';

const dirs: string[] = [];
const stores: EmulatorStore[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'journeyctl-store-'));
  dirs.push(dir);
  return dir;
}
function open(dataDir?: string): EmulatorStore {
  const store = openStore(dataDir === undefined ? {} : { dataDir });
  stores.push(store);
  return store;
}
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('emulator store', () => {
  it('persists rows and the version sequence across reopen, in WAL mode with synchronous=FULL', () => {
    const dir = tempDir();
    const first = open(dir);
    const inserted = first.insert('accounts', 'a1', { name: 'Kept' });
    first.close();
    const db = new Database(join(dir, STORE_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const second = open(dir);
    expect(second.get('accounts', 'a1')?.values).toEqual({ name: 'Kept' });
    expect(second.nextVersion()).toBeGreaterThan(inserted.version);
  });

  it('saves the version sequence once per transaction, and a rollback never hands out a saved number twice', () => {
    const dir = tempDir();
    const first = open(dir);
    const versions = first.transaction(() => [first.insert('accounts', 'a', { name: 'a' }).version, first.insert('accounts', 'b', { name: 'b' }).version]);
    expect(versions[1]).toBeGreaterThan(versions[0]!);
    let rolledBack = 0;
    expect(() =>
      first.transaction(() => {
        rolledBack = first.insert('accounts', 'c', { name: 'c' }).version;
        throw new Error('abort');
      }),
    ).toThrow('abort');
    const after = first.insert('accounts', 'd', { name: 'd' }).version;
    expect(after).toBeGreaterThan(rolledBack);
    first.close();
    const second = open(dir);
    expect(second.nextVersion()).toBeGreaterThan(after);
    expect(second.get('accounts', 'c')).toBeUndefined();
  });

  it('opens a store written with the earlier WITHOUT ROWID layout', () => {
    const dir = tempDir();
    const db = new Database(join(dir, STORE_FILE));
    db.exec(`CREATE TABLE rows (entity_set TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (entity_set, id)) WITHOUT ROWID;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO meta (key, value) VALUES ('version', 5000);
      INSERT INTO rows VALUES ('accounts', 'old', 4999, '{"name":"old"}');`);
    db.close();
    const store = open(dir);
    expect(store.get('accounts', 'old')?.values).toEqual({ name: 'old' });
    expect(store.insert('accounts', 'new', { name: 'new' }).version).toBe(5001);
    expect([...store.scan('accounts')].map((row) => row.id)).toEqual(['new', 'old']);
  });

  it('rolls back rows and the in-memory read cache together', () => {
    const store = open();
    store.insert('accounts', 'keep', { name: 'before' });
    expect(() =>
      store.transaction(() => {
        store.update('accounts', 'keep', { name: 'changed' });
        store.insert('accounts', 'gone', { name: 'new' });
        store.delete('accounts', 'keep');
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.get('accounts', 'keep')?.values).toEqual({ name: 'before' });
    expect(store.get('accounts', 'gone')).toBeUndefined();
    expect(store.count('accounts')).toBe(1);
    expect([...store.scan('accounts')].map((row) => row.id)).toEqual(['keep']);
  });

  it('scans in id order after a given id, unaffected by writes during the scan', () => {
    const store = open();
    for (const id of ['c', 'a', 'e', 'b', 'd']) store.insert('contacts', id, { id });
    expect([...store.scan('contacts')].map((row) => row.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect([...store.scan('contacts', { afterId: 'b' })].map((row) => row.id)).toEqual(['c', 'd', 'e']);
    const seen: string[] = [];
    for (const row of store.scan('contacts')) {
      seen.push(row.id);
      if (row.id === 'a') {
        store.insert('contacts', 'aa', {});
        store.delete('contacts', 'd');
      }
    }
    expect(seen).toEqual(['a', 'b', 'c', 'e']);
    expect([...store.scan('contacts')].map((row) => row.id)).toEqual(['a', 'aa', 'b', 'c', 'e']);
  });

  it('gives every write a new, increasing version and keeps entity sets apart', () => {
    const store = open();
    const a = store.insert('accounts', 'x', {});
    const b = store.insert('contacts', 'x', {});
    const c = store.update('accounts', 'x', { name: 'n' });
    expect(b.version).toBeGreaterThan(a.version);
    expect(c.version).toBeGreaterThan(b.version);
    expect(store.count('accounts')).toBe(1);
    expect(store.count('contacts')).toBe(1);
    expect(Object.isFrozen(store.get('accounts', 'x')!.values)).toBe(true);
    store.clear();
    expect(store.count('accounts')).toBe(0);
  });
});
