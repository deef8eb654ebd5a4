/**
 * Reading JSON safely for the definition parsers: syntax errors with line and column, and a guard
 * against keys that could pollute prototypes when later code copies input onto plain objects.
 */
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { pointer as buildPointer } from '../errors.js';
import { DefinitionError } from './errors.js';

/** Where the JSON being read came from, for error locations. */
export interface JsonSource {
  /** File name (or `-` for stdin) shown in error messages. */
  file?: string;
  /** JSON pointer of the document inside a larger one (e.g. `/msdyncrm_workflowdefinition`). @default "" */
  basePointer?: string;
}

/** How a definition parser receives its input: where it came from, and whether the caller hands it over. */
export interface JsonInputOptions {
  /** File name (or `-` for stdin) used in error locations. */
  file?: string;
  /**
   * JSON pointer of the definition inside the document it came from, prefixed to every error
   * pointer (e.g. `/msdyncrm_workflowdefinition` for a journey record).
   * @default ""
   */
  basePointer?: string;
  /**
   * The caller hands over a value it owns, freshly parsed from JSON or YAML text (`sourceText`),
   * so it is checked and normalized in place instead of copied, and scanned for reserved keys
   * only when that text could contain one. Only for array input; a string is always parsed fresh.
   */
  owned?: { sourceText: string };
}

/** The location of an error at `pointer` of a document read from `source`. */
export function errorLocation(source: JsonSource, pointer: string): { file?: string; pointer: string } {
  return source.file === undefined ? { pointer } : { file: source.file, pointer };
}

/**
 * The caller's own copy of a JSON document given as text or as a parsed value, checked to be plain
 * JSON with no forbidden key: text is parsed fresh, a value handed over with `owned` is used in
 * place, any other value is cloned, so later edits never reach the input.
 *
 * @param what what the document is, for messages ("workflow definition", "designer state")
 * @param decodeParsed a further step on freshly parsed text, before the key check
 */
export function readJsonInput(
  input: unknown,
  what: string,
  options: JsonInputOptions,
  decodeParsed: (data: unknown, source: JsonSource) => unknown = (data) => data,
): { data: unknown; source: JsonSource } {
  const source: JsonSource = { file: options.file, basePointer: options.basePointer ?? '' };
  const base = source.basePointer ?? '';
  let data: unknown;
  if (typeof input === 'string') {
    data = decodeParsed(parseJsonText(input, what, source), source);
    // The outer text holds any inner text verbatim or escaped, so testing it covers both.
    if (mayContainForbiddenKey(input)) assertPlainJson(data, base, source);
  } else if (options.owned) {
    // Values parsed from text are plain JSON already; only a reserved key needs looking for.
    if (mayContainForbiddenKey(options.owned.sourceText)) assertPlainJson(input, base, source);
    data = input;
  } else {
    assertPlainJson(input, base, source);
    data = structuredClone(input);
  }
  return { data, source };
}

/**
 * Keys rejected anywhere in a definition. `__proto__` is the one that changes an object's
 * prototype when assigned; `constructor` and `prototype` are the other two links of the classic
 * `obj[a][b] = v` pollution path. The designer never writes any of them.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Nesting deeper than this is not a definition; it also keeps the recursive checks off the stack limit. */
const MAX_DEPTH = 256;

/** 1-based line and column of a character offset. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * `JSON.parse` with a readable error. The fast path is the native parser; only when it fails is the
 * text parsed again by a tolerant parser to find the offset of the first error, because V8's
 * messages do not always carry a position.
 *
 * @param what what the text is, for messages ("workflow definition", "designer state")
 */
export function parseJsonText(text: string, what: string, source: JsonSource): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const location = { file: source.file, pointer: source.basePointer ?? '' };
    if (text.trim() === '') {
      throw new DefinitionError(`The ${what} is empty; expected JSON`, location, {
        cause,
        hint: `Provide the ${what} as JSON text.`,
      });
    }
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const where = first
      ? (() => {
          const { line, column } = lineColumnOf(text, first.offset);
          return ` at line ${line}, column ${column} (offset ${first.offset}): ${describeJsonError(first)}`;
        })()
      : `: ${(cause as Error).message}`;
    throw new DefinitionError(`The ${what} is not valid JSON${where}`, location, {
      cause,
      hint: 'Fix the JSON syntax at that position (a stored definition is one JSON array).',
    });
  }
}

function describeJsonError(error: ParseError): string {
  const code = printParseErrorCode(error.error);
  // "InvalidSymbol" -> "invalid symbol"
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * Throws a {@link DefinitionError} at the first forbidden key (`__proto__`, `constructor`,
 * `prototype`) found anywhere in a JSON value, or at the first value that JSON cannot carry
 * (functions, `undefined` inside arrays, non-finite numbers, class instances) or at a reference
 * cycle between objects.
 *
 * @param at JSON pointer of `value`
 */
export function assertPlainJson(value: unknown, at: string, source: JsonSource): void {
  const ancestors = new Set<object>();
  const visit = (node: unknown, path: string, depth: number): void => {
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return;
    // A missing document is the caller's shape check to report; inside arrays it is not JSON.
    if (node === undefined) {
      if (depth === 0) return;
      fail(path, 'is undefined, which JSON cannot represent', source);
    }
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) fail(path, `is ${String(node)}, which JSON cannot represent`, source);
      return;
    }
    if (typeof node !== 'object') fail(path, `is a ${typeof node}, which JSON cannot represent`, source);
    const obj = node as object;
    if (depth > MAX_DEPTH) fail(path, `is nested more than ${MAX_DEPTH} levels deep`, source);
    if (ancestors.has(obj)) fail(path, 'refers back to one of its own ancestors (a reference cycle)', source);
    ancestors.add(obj);
    if (Array.isArray(obj)) {
      for (let i = 0; i < obj.length; i++) visit(obj[i], `${path}/${i}`, depth + 1);
    } else {
      const proto = Object.getPrototypeOf(obj) as unknown;
      if (proto !== Object.prototype && proto !== null) fail(path, 'is not a plain JSON object', source);
      for (const key of Object.keys(obj)) {
        const child = `${path}${buildPointer(key)}`;
        if (FORBIDDEN_KEYS.has(key)) forbiddenKey(child, key, source);
        const v = (obj as Record<string, unknown>)[key];
        if (v !== undefined) visit(v, child, depth + 1);
      }
    }
    ancestors.delete(obj);
  };
  visit(value, at, 0);
}

/**
 * Whether JSON or YAML text may contain a forbidden key. A cheap substring test: a key can only
 * decode to `__proto__` & co. if the text contains the letters or an escape (`\u` in JSON; `\x`,
 * `\u`, `\U` in YAML), so most definitions skip the full scan.
 */
export function mayContainForbiddenKey(text: string): boolean {
  return text.includes('proto') || text.includes('constructor') || text.includes('\\');
}

function fail(path: string, what: string, source: JsonSource): never {
  throw new DefinitionError(`The value ${what}`, { file: source.file, pointer: path }, {
    hint: 'Pass plain JSON data (objects, arrays, strings, finite numbers, booleans, null).',
  });
}

function forbiddenKey(path: string, key: string, source: JsonSource): never {
  throw new DefinitionError(`The key "${key}" is not allowed in a workflow definition`, { file: source.file, pointer: path }, {
    hint: `Remove the "${key}" property; the designer never writes it and it could alter object prototypes.`,
  });
}
