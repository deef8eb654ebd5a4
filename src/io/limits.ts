/**
 * The limits every document read by journeyctl is held to, so hostile input is refused with a
 * clear error instead of exhausting memory or the call stack of later code.
 */
import { escapePointerToken } from '../errors.js';

/** Limits of the document reader. */
export interface ReadLimits {
  /** Largest file (or standard input) read, in bytes. @default 33,554,432 (32 MiB) */
  maxBytes?: number;
  /**
   * Deepest nesting of arrays and objects (the top-level array or object is level 1).
   * @default 256
   */
  maxDepth?: number;
}

/**
 * The documented limits (docs/cli.md). A stored workflow definition is at most 1,048,576
 * characters and nests about eight levels; 32 MiB and 256 levels leave room for any real journey
 * document and keep every recursive walk far from the stack limit.
 */
export const READ_LIMITS = Object.freeze({ maxBytes: 32 * 1024 * 1024, maxDepth: 256 });

/**
 * The JSON pointer of the first array or object nested deeper than `maxDepth`, or undefined.
 * Walks the parsed value (about 5% of the cost of parsing it), recursing at most `maxDepth` levels.
 */
export function pointerPastDepth(value: unknown, maxDepth: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const path = deeper(value, 1, maxDepth);
  return path === undefined ? undefined : path;
}

/** `undefined` when `node` (at `level`) and everything in it is within the limit; else the pointer below `node`. */
function deeper(node: object, level: number, maxDepth: number): string | undefined {
  if (level > maxDepth) return '';
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (typeof child === 'object' && child !== null) {
        const below = deeper(child, level + 1, maxDepth);
        if (below !== undefined) return `/${i}${below}`;
      }
    }
    return undefined;
  }
  for (const key of Object.keys(node)) {
    const child: unknown = (node as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) {
      const below = deeper(child, level + 1, maxDepth);
      if (below !== undefined) return `/${escapePointerToken(key)}${below}`;
    }
  }
  return undefined;
}
