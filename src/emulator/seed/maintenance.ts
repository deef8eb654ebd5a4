/**
 * Seed, reset and export on a store directory without a long-running server: each opens the
 * store with the same tables `startEmulator` serves, does its work and closes it.
 */
import { createEmulatorCore } from '../core/server.js';
import type { EmulatorCore } from '../core/types.js';
import { graphPlugin } from '../graph/index.js';
import { marketingPlugin } from '../marketing/index.js';
import { assertStoreNotServed } from '../ops/storeLock.js';
import { resetStore, seedStore, writeStoreExport } from './seed.js';

/** Where the store is: a directory, or none for a throw-away in-memory store. */
export interface StoreLocation {
  /** Directory holding the SQLite store. Omitted => in-memory (useful only for tests). */
  dataDir?: string;
}

async function withCore<T>(location: StoreLocation, action: string, fn: (core: EmulatorCore) => T | Promise<T>): Promise<T> {
  // One writer per store: a running server keeps its rows in memory and in its own connection.
  if (location.dataDir !== undefined) assertStoreNotServed(location.dataDir, action);
  const core = await createEmulatorCore({
    host: '127.0.0.1',
    port: 0,
    ...(location.dataDir !== undefined ? { dataDir: location.dataDir } : {}),
    plugins: [marketingPlugin(), graphPlugin()],
  });
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}

/** Add the seed records that are missing; returns how many were created. */
export function seedDataDir(location: StoreLocation): Promise<number> {
  return withCore(location, 'seed', (core) => seedStore(core));
}

/** Remove every row; with `seed`, write the seed data again. Returns the number of seed rows written. */
export function resetDataDir(location: StoreLocation, options: { seed?: boolean } = {}): Promise<number> {
  return withCore(location, 'reset', (core) => {
    resetStore(core);
    return options.seed ? seedStore(core) : 0;
  });
}

/** Write the JSON export of the store in chunks (see `writeStoreExport`). */
export function exportDataDir(location: StoreLocation, write: (chunk: string) => void): Promise<void> {
  return withCore(location, 'export', (core) => writeStoreExport(core, write));
}
