/**
 * Seed, reset and export of an emulator's store. Seeding writes as the system (so status values
 * such as Live or Expired are set directly, without the client-side transition rules) in one
 * transaction: a seed is all there or not at all.
 */
import { Tables } from '../../model/names.js';
import type { EmulatorCore, StoredRow } from '../core/types.js';
import { seedRecords } from './seedData.js';

/** Tables whose rows show that a store already holds user or seed data. */
const CONTENT_TABLES = [Tables.customerJourney, Tables.contact, Tables.segment, Tables.marketingEmail].map((t) => t.entitySet);

/** Whether the store holds no journeys, contacts, segments or emails (a fresh store). */
export function isStoreEmpty(core: EmulatorCore): boolean {
  return CONTENT_TABLES.every((entitySet) => core.store.count(entitySet) === 0);
}

/** Write the seed data set; rows that already exist are left as they are. Returns the rows created. */
export function seedStore(core: EmulatorCore): number {
  const missing = seedRecords().filter((record) => core.store.get(record.entitySet, record.id) === undefined);
  core.writeAll(
    missing.map((record) => ({ entitySet: record.entitySet, id: record.id, operation: 'create' as const, values: record.values })),
    { system: true },
  );
  return missing.length;
}

/** Remove every row of every table. */
export function resetStore(core: EmulatorCore): void {
  core.store.clear();
}

/** Identifies an export file. */
export const EXPORT_FORMAT = 'journeyctl-emulator-export';

/**
 * Write a JSON dump of every table (internal ones included) in chunks: tables sorted by entity set
 * name, rows in id order, each row as `{ id, version, values }`. Streams, so a large store is never
 * held in memory at once.
 */
export function writeStoreExport(core: EmulatorCore, write: (chunk: string) => void): void {
  const sets = [...new Set(core.entities.all().map((entity) => entity.entitySet))].sort();
  write(`{"format":${JSON.stringify(EXPORT_FORMAT)},"version":1,"tables":{`);
  let firstTable = true;
  for (const entitySet of sets) {
    let firstRow = true;
    for (const row of core.store.scan(entitySet)) {
      if (firstRow) {
        write(`${firstTable ? '' : ','}\n${JSON.stringify(entitySet)}:[`);
        firstTable = false;
        firstRow = false;
      } else {
        write(',');
      }
      write(`\n${JSON.stringify(row satisfies StoredRow)}`);
    }
    if (!firstRow) write('\n]');
  }
  write('\n}}\n');
}
