import { nameBasedGuid } from '../../util/guid.js';

/**
 * A GUID derived from its parts (name-based, RFC 9562 version 5): the runtime simulator writes
 * rows under these ids, so running it twice (or after a restart) finds the rows it already wrote
 * instead of writing duplicates.
 */
export function stableId(...parts: string[]): string {
  return nameBasedGuid(parts.join('\u0000'));
}
