/**
 * Where values start in JSON text, found by one pass over the text that parsed into the value:
 * the native `JSON.parse` (the fast path every document takes) reports no offsets, so offsets are
 * looked up afterwards, only for documents that have something to point at, and for all their
 * pointers in a single scan. The scan is iterative, so any nesting depth is safe.
 */
import { escapePointerToken } from '../errors.js';

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
}

/** Index just past the string starting at `start` (a quote), or -1 when it never ends. */
function stringEnd(text: string, start: number): number {
  let i = start;
  for (;;) {
    const close = text.indexOf('"', i + 1);
    if (close < 0) return -1;
    let backslashes = 0;
    for (let k = close - 1; text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if ((backslashes & 1) === 0) return close + 1;
    i = close;
  }
}

interface Frame {
  array: boolean;
  pointer: string;
  index: number;
}

/**
 * Visit every value of a JSON text in document order with its JSON pointer and start offset;
 * stops when `visit` returns true. Duplicate keys are visited each time (the last is the one
 * `JSON.parse` keeps). Malformed text ends the scan quietly.
 */
export function scanJson(text: string, visit: (pointer: string, offset: number, level: number) => boolean | void): void {
  const frames: Frame[] = [];
  let i = skipSpace(text, 0);
  let pointer = '';
  for (;;) {
    // A value starts at i.
    if (i >= text.length || visit(pointer, i, frames.length)) return;
    const c = text.charCodeAt(i);
    let closed = false;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const array = c === OPEN_BRACKET;
      frames.push({ array, pointer, index: 0 });
      i = skipSpace(text, i + 1);
      if (text.charCodeAt(i) === (array ? CLOSE_BRACKET : CLOSE_BRACE)) {
        frames.pop();
        i++;
        closed = true;
      } else if (array) {
        pointer = `${pointer}/0`;
        continue;
      } else {
        const next = readKey(text, i, pointer);
        if (!next) return;
        [i, pointer] = next;
        continue;
      }
    } else if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return;
      closed = true;
    } else {
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (d === COMMA || d === CLOSE_BRACKET || d === CLOSE_BRACE || d === SPACE || d === LF || d === CR || d === TAB) break;
        i++;
      }
      closed = true;
    }
    // After a value: a comma, or the end of one or more containers.
    while (closed) {
      i = skipSpace(text, i);
      const frame = frames[frames.length - 1];
      if (!frame) return;
      const d = text.charCodeAt(i);
      if (d === COMMA) {
        i = skipSpace(text, i + 1);
        if (frame.array) {
          pointer = `${frame.pointer}/${++frame.index}`;
        } else {
          const next = readKey(text, i, frame.pointer);
          if (!next) return;
          [i, pointer] = next;
        }
        closed = false;
      } else if (d === CLOSE_BRACKET || d === CLOSE_BRACE) {
        frames.pop();
        i++;
      } else {
        return;
      }
    }
  }
}

/** Read `"key" :` at `i`; the offset of the value and its pointer, or undefined when malformed. */
function readKey(text: string, i: number, parent: string): [number, string] | undefined {
  if (text.charCodeAt(i) !== QUOTE) return undefined;
  const end = stringEnd(text, i);
  if (end < 0) return undefined;
  const raw = text.slice(i + 1, end - 1);
  let key = raw;
  if (raw.includes('\\')) {
    try {
      key = JSON.parse(text.slice(i, end)) as string;
    } catch {
      return undefined;
    }
  }
  const colon = skipSpace(text, end);
  if (text.charCodeAt(colon) !== COLON) return undefined;
  return [skipSpace(text, colon + 1), `${parent}/${escapePointerToken(key)}`];
}

/** The start offset of the value at each pointer that exists in the text (the last of duplicate keys). */
export function offsetsOf(text: string, pointers: Iterable<string>): Map<string, number> {
  const wanted = new Set(pointers);
  const found = new Map<string, number>();
  if (wanted.size === 0) return found;
  scanJson(text, (pointer, offset) => {
    if (wanted.has(pointer)) found.set(pointer, offset);
  });
  return found;
}
