/**
 * One writer per store: a running `journeyctl emulator start` holds `server.lock` in its store
 * directory (pid, start time, URL). `emulator reset|seed|export` and a second `emulator start` on
 * that directory are refused while the holder is alive; a lock whose process is gone is stale
 * and taken over.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../errors.js';

/** The lock file, inside the store directory. */
export const LOCK_FILE = 'server.lock';

/** What the lock file records. */
export interface StoreLockOwner {
  pid: number;
  startedAt: string;
  url?: string;
}

/** The store is served by another live process. */
export class StoreLockedError extends InputError {
  override name = 'StoreLockedError';
  constructor(
    readonly dataDir: string,
    readonly owner: StoreLockOwner,
    action: string,
  ) {
    super(
      `cannot ${action}: the store is served by journeyctl emulator start (pid ${owner.pid}${owner.url ? `, ${owner.url}` : ''}, since ${owner.startedAt})`,
      { file: dataDir },
      { hint: `stop that server first (Ctrl+C, or kill ${owner.pid}), or point this command at it with --url / use another --data directory` },
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process holding the store, if any (a stale or unreadable lock counts as none). */
export function storeLockOwner(dataDir: string): StoreLockOwner | undefined {
  let owner: StoreLockOwner;
  try {
    owner = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as StoreLockOwner;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(owner.pid) || owner.pid <= 0 || owner.pid === process.pid || !isAlive(owner.pid)) return undefined;
  return owner;
}

/** Refuse when another live process serves the store. */
export function assertStoreNotServed(dataDir: string, action: string): void {
  const owner = storeLockOwner(dataDir);
  if (owner !== undefined) throw new StoreLockedError(dataDir, owner, action);
}

/** A held lock. */
export interface StoreLock {
  /** Record the URL the server listens on. */
  setUrl(url: string): void;
  release(): void;
}

/**
 * Take the store's lock for this process (a stale lock is taken over).
 * @throws StoreLockedError when a live process holds it
 */
export function acquireStoreLock(dataDir: string): StoreLock {
  assertStoreNotServed(dataDir, 'start a second server on this store');
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const owner: StoreLockOwner = { pid: process.pid, startedAt: new Date().toISOString() };
  const write = () => writeFileSync(file, `${JSON.stringify(owner)}\n`);
  write();
  let released = false;
  return {
    setUrl(url) {
      owner.url = url;
      write();
    },
    release() {
      if (released) return;
      released = true;
      try {
        const current = JSON.parse(readFileSync(file, 'utf8')) as StoreLockOwner;
        if (current.pid === process.pid) unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}
