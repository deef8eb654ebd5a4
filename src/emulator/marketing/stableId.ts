import { createHash } from 'node:crypto';

/**
 * A GUID derived from its parts (name-based, like RFC 9562 version 5): the runtime simulator
 * writes rows under these ids, so running it twice (or after a restart) finds the rows it
 * already wrote instead of writing duplicates.
 */
export function stableId(...parts: string[]): string {
  const hex = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
