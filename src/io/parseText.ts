/**
 * Text to a value: JSON (the native parser), JSONC (comments and trailing commas, for
 * configuration files) or YAML, held to the nesting limit, with errors that say why (a
 * {@link DocumentError} reason) and where (line, column, JSON pointer), and a way to find where
 * any JSON pointer's value starts in the same text.
 */
import { parse as parseTolerant, parseTree, findNodeAtLocation, printParseErrorCode, type ParseError, type Node as JsoncNode } from 'jsonc-parser';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { DocumentError } from './documentError.js';
import { offsetsOf, scanJson } from './jsonScan.js';
import { pointerPastDepth, READ_LIMITS, type ReadLimits } from './limits.js';

/** The syntax a text was parsed as. */
export type TextSyntax = 'json' | 'jsonc' | 'yaml';

/** A line and column, both 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A parsed text: its value, and where in the text each JSON pointer's value starts. */
export interface ParsedText {
  /** The name used in errors (a path, `-` for standard input), when known. */
  file?: string;
  syntax: TextSyntax;
  value: unknown;
  /** The text parsed (byte-order mark removed), kept for positions. */
  text: string;
  /** Length of the text in characters (UTF-16 code units). */
  length: number;
  /**
   * Position of the value at `pointer`, or of its nearest enclosing value that is in the text
   * (a missing property, or a place inside a JSON string, has no position of its own).
   */
  positionOf(pointer: string): SourcePosition | undefined;
  /** {@link positionOf} for many pointers at once (one pass over the text). */
  positionsOf(pointers: Iterable<string>): Map<string, SourcePosition>;
}

/** Options of {@link parseText}. */
export interface ParseTextOptions {
  /** Names the text in errors; its extension picks the syntax when `syntax` is not given. */
  file?: string;
  /**
   * The syntax. @default by extension: `.yaml`/`.yml` YAML, `.json` JSON; anything else
   * (stdin included) JSON when it starts like JSON, else YAML
   */
  syntax?: TextSyntax;
  /** Only `maxDepth` applies to text already in memory. */
  limits?: ReadLimits;
}

/** Split a JSON pointer into its unescaped tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The pointer one level up (`/a/b` -> `/a`, `/a` -> ``), undefined above the root. */
function parentPointer(pointer: string): string | undefined {
  return pointer === '' ? undefined : pointer.slice(0, pointer.lastIndexOf('/'));
}

/** Maps character offsets to lines and columns; line starts are found once, on first use. */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  at(offset: number): SourcePosition {
    if (!this.starts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  }
}

/** Resolve pointers to positions with `lookup` (offsets of exact pointers), falling back to ancestors. */
function nearestPositions(pointers: Iterable<string>, lookup: (wanted: Set<string>) => Map<string, SourcePosition>): Map<string, SourcePosition> {
  const asked = [...new Set(pointers)];
  const wanted = new Set<string>();
  for (const pointer of asked) for (let p: string | undefined = pointer; p !== undefined; p = parentPointer(p)) wanted.add(p);
  const exact = lookup(wanted);
  const result = new Map<string, SourcePosition>();
  for (const pointer of asked) {
    for (let p: string | undefined = pointer; p !== undefined; p = parentPointer(p)) {
      const position = exact.get(p);
      if (position) {
        result.set(pointer, position);
        break;
      }
    }
  }
  return result;
}

function located(file: string | undefined, pointer: string, position?: SourcePosition): { file?: string; pointer: string; line?: number; column?: number } {
  return { ...(file === undefined ? {} : { file }), pointer, ...(position ? { line: position.line, column: position.column } : {}) };
}

function emptyError(file: string | undefined): DocumentError {
  return new DocumentError('empty', 'is empty', located(file, ''), { hint: 'the file has no content; expected a JSON or YAML document' });
}

/** Refuse a value nested deeper than the limit, naming the pointer (and line) where it was passed. */
function checkDepth(parsed: ParsedText, limits: ReadLimits | undefined): ParsedText {
  const maxDepth = limits?.maxDepth ?? READ_LIMITS.maxDepth;
  const at = pointerPastDepth(parsed.value, maxDepth);
  if (at !== undefined) throw depthError(parsed.file, at, maxDepth, parsed.positionOf(at));
  return parsed;
}

function depthError(file: string | undefined, pointer: string, maxDepth: number, position?: SourcePosition): DocumentError {
  return new DocumentError('too-deep', `is nested more than ${maxDepth} levels deep`, located(file, pointer, position), {
    hint: `journeyctl reads documents nested at most ${maxDepth} levels of arrays and objects; no journey document comes near that`,
  });
}

/** Parse JSON with the native parser; syntax errors get the position of the first error. */
export function parseJsonText(text: string, options: Omit<ParseTextOptions, 'syntax'> = {}): ParsedText {
  const file = options.file;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    if (text.trim() === '') throw emptyError(file);
    throw syntaxError(text, file, 'JSON', cause, { disallowComments: true, allowTrailingComma: false });
  }
  const lines = new LineIndex(text);
  const positionsOf = (pointers: Iterable<string>): Map<string, SourcePosition> =>
    nearestPositions(pointers, (wanted) => {
      const offsets = offsetsOf(text, wanted);
      return new Map([...offsets].map(([pointer, offset]) => [pointer, lines.at(offset)]));
    });
  return checkDepth(
    { ...(file === undefined ? {} : { file }), syntax: 'json', value, text, length: text.length, positionOf: (pointer) => positionsOf([pointer]).get(pointer), positionsOf },
    options.limits,
  );
}

/** The first syntax error of a JSON or JSONC text, with its position, found by the tolerant parser. */
function syntaxError(text: string, file: string | undefined, what: string, cause: unknown, parseOptions: { disallowComments: boolean; allowTrailingComma: boolean }): DocumentError {
  const errors: ParseError[] = [];
  try {
    parseTolerant(text, errors, { ...parseOptions, allowEmptyContent: false });
  } catch {
    // The tolerant parser recurses; on text nested too deep for it, say so.
    return tooDeepText(text, file, READ_LIMITS.maxDepth);
  }
  const first = errors[0];
  const position = first ? new LineIndex(text).at(first.offset) : undefined;
  const detail = first ? printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : (cause as Error)?.message ?? 'invalid';
  return new DocumentError('syntax', `not valid ${what}: ${detail}`, located(file, '', position), {
    ...(cause === undefined ? {} : { cause }),
    hint: what === 'YAML' ? 'fix the YAML syntax' : `fix the ${what} syntax at that line and column`,
  });
}

/** The too-deep error for a text, found by scanning it (no recursion), when a parser could not follow it. */
function tooDeepText(text: string, file: string | undefined, maxDepth: number): DocumentError {
  let at: { pointer: string; offset: number } | undefined;
  scanJson(text, (pointer, offset, level) => {
    const c = text.charCodeAt(offset);
    if ((c === 0x5b || c === 0x7b) && level + 1 > maxDepth) {
      at = { pointer, offset };
      return true;
    }
    return false;
  });
  return depthError(file, at?.pointer ?? '', maxDepth, at ? new LineIndex(text).at(at.offset) : undefined);
}

/** Parse JSON with comments and trailing commas (configuration files). */
export function parseJsoncText(text: string, options: Omit<ParseTextOptions, 'syntax'> = {}): ParsedText {
  const file = options.file;
  if (text.trim() === '') throw emptyError(file);
  const errors: ParseError[] = [];
  let value: unknown;
  try {
    value = parseTolerant(text, errors, { disallowComments: false, allowTrailingComma: true, allowEmptyContent: false });
  } catch {
    throw tooDeepText(text, file, options.limits?.maxDepth ?? READ_LIMITS.maxDepth);
  }
  if (errors.length > 0) throw syntaxError(text, file, 'JSON', undefined, { disallowComments: false, allowTrailingComma: true });
  const lines = new LineIndex(text);
  let tree: JsoncNode | undefined | null;
  const positionsOf = (pointers: Iterable<string>): Map<string, SourcePosition> =>
    nearestPositions(pointers, (wanted) => {
      tree ??= parseTree(text) ?? null;
      const out = new Map<string, SourcePosition>();
      if (!tree) return out;
      for (const pointer of wanted) {
        const node = findNodeAtLocation(tree, pointerTokens(pointer).map((t) => (/^(0|[1-9]\d*)$/.test(t) ? Number(t) : t)));
        if (node) out.set(pointer, lines.at(node.offset));
      }
      return out;
    });
  return checkDepth(
    { ...(file === undefined ? {} : { file }), syntax: 'jsonc', value, text, length: text.length, positionOf: (pointer) => positionsOf([pointer]).get(pointer), positionsOf },
    options.limits,
  );
}

/** Parse YAML (one document). Aliases are capped so a "billion laughs" document cannot expand. */
export function parseYamlText(text: string, options: Omit<ParseTextOptions, 'syntax'> = {}): ParsedText {
  const file = options.file;
  const maxDepth = options.limits?.maxDepth ?? READ_LIMITS.maxDepth;
  if (text.trim() === '') throw emptyError(file);
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const where = lineCounter.linePos(firstError.pos[0]);
    const position = { line: where.line, column: where.col };
    // The YAML parser recurses; nesting too deep for it is reported as exhausted resources. In
    // JSON-style (flow) text the scanner finds the pointer where the limit was passed.
    if (firstError.code === 'RESOURCE_EXHAUSTION') {
      throw syntaxOf(text, undefined) === 'json' ? tooDeepText(text, file, maxDepth) : depthError(file, '', maxDepth, position);
    }
    throw new DocumentError('syntax', `not valid YAML: ${firstError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, located(file, '', position), {
      hint: 'fix the YAML syntax',
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new DocumentError('syntax', `not valid YAML: ${(cause as Error).message}`, located(file, ''), { cause, hint: 'avoid deeply nested aliases' });
  }
  const positionsOf = (pointers: Iterable<string>): Map<string, SourcePosition> =>
    nearestPositions(pointers, (wanted) => {
      const out = new Map<string, SourcePosition>();
      for (const pointer of wanted) {
        const path = pointerTokens(pointer).map((t) => (/^(0|[1-9]\d*)$/.test(t) ? Number(t) : t));
        const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
        if (isNode(node) && node.range) {
          const pos = lineCounter.linePos(node.range[0]);
          out.set(pointer, { line: pos.line, column: pos.col });
        }
      }
      return out;
    });
  return checkDepth(
    { ...(file === undefined ? {} : { file }), syntax: 'yaml', value, text, length: text.length, positionOf: (pointer) => positionsOf([pointer]).get(pointer), positionsOf },
    options.limits,
  );
}

/** The syntax a file's name and content suggest. */
export function syntaxOf(text: string, file: string | undefined): TextSyntax {
  const lower = (file ?? '').toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  const first = text.charCodeAt(skipLeadingSpace(text));
  return first === 0x7b || first === 0x5b || first === 0x22 ? 'json' : 'yaml';
}

function skipLeadingSpace(text: string): number {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/**
 * Parse text as JSON, JSONC or YAML (see {@link ParseTextOptions.syntax}). A leading byte-order
 * mark is not part of the document.
 *
 * @throws DocumentError (`empty`, `syntax`, `too-deep`) with file, pointer, line and column
 */
export function parseText(text: string, options: ParseTextOptions = {}): ParsedText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const syntax = options.syntax ?? syntaxOf(body, options.file);
  if (syntax === 'yaml') return parseYamlText(body, options);
  if (syntax === 'jsonc') return parseJsoncText(body, options);
  return parseJsonText(body, options);
}
