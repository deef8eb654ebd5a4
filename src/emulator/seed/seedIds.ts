/**
 * Deterministic ids for seed data: a name-based (version 5) UUID, so the same seed produces the
 * same records on every machine and tests can refer to seed rows by name.
 * https://www.rfc-editor.org/rfc/rfc9562#name-uuid-version-5
 */
import { createHash } from 'node:crypto';

/** Namespace of journeyctl's seed data (a fixed, random v4 UUID). */
const SEED_NAMESPACE = 'b6f1d1a8-3c2e-4f7a-9d2b-5e8c0a4f7e31';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** The fixed id of the seed record called `name` (e.g. `contact:Nancy Davolio`). */
export function seedId(name: string): string {
  const hash = createHash('sha1').update(uuidBytes(SEED_NAMESPACE)).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
