/**
 * Deterministic ids for seed data: a name-based (version 5) UUID, so the same seed produces the
 * same records on every machine and tests can refer to seed rows by name.
 */
import { nameBasedGuid } from '../../util/guid.js';

/** Namespace of journeyctl's seed data (a fixed, random v4 UUID). */
const SEED_NAMESPACE = 'b6f1d1a8-3c2e-4f7a-9d2b-5e8c0a4f7e31';

/** The fixed id of the seed record called `name` (e.g. `contact:Nancy Davolio`). */
export function seedId(name: string): string {
  return nameBasedGuid(name, SEED_NAMESPACE);
}
