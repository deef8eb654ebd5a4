/**
 * JSON and YAML text to values, with errors that say where (line and column) and a way to map
 * a JSON pointer back to a line, so errors found later can point into the user's file.
 */
import { parseTree, findNodeAtLocation, parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { InputError } from '../errors.js';

/** The syntax a text was parsed as. */
export type TextSyntax = 'json' | 'yaml';

/** A line and column, both 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A parsed text: its value and a way to find where a JSON pointer's value starts. */
export interface ParsedText {
  syntax: TextSyntax;
  value: unknown;
  /** Position of the value at `pointer`, when the pointer exists in the text. */
  positionOf(pointer: string): SourcePosition | undefined;
}

/** Split a JSON pointer into its unescaped tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parse JSON. Syntax errors become an {@link InputError} with the line and column. */
export function parseJsonText(text: string, file?: string): ParsedText {
  try {
    const value: unknown = JSON.parse(text);
    let tree: ReturnType<typeof parseTree> | undefined;
    return {
      syntax: 'json',
      value,
      positionOf(pointer) {
        tree ??= parseTree(text);
        if (!tree) return undefined;
        const path = pointerTokens(pointer).map((t) => (/^(0|[1-9]\d*)$/.test(t) ? Number(t) : t));
        const node = findNodeAtLocation(tree, path);
        return node ? positionAt(text, node.offset) : undefined;
      },
    };
  } catch (cause) {
    // jsonc-parser reports the offset of the first error, which JSON.parse does not in every Node version.
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    const where = first ? positionAt(text, first.offset) : undefined;
    const detail = first ? printParseErrorCode(first.error) : 'invalid JSON';
    throw new InputError(
      `not valid JSON: ${detail}${where ? ` at line ${where.line}, column ${where.column}` : ''}`,
      { ...(file === undefined ? {} : { file }), pointer: '' },
      { cause, hint: 'fix the syntax; the file must be JSON (or YAML for journey specs)' },
    );
  }
}

/** Parse YAML (one document). Errors become an {@link InputError} with the line and column. */
export function parseYamlText(text: string, file?: string): ParsedText {
  const lineCounter = new LineCounter();
  // maxAliasCount bounds alias expansion ("billion laughs"); the core schema has no custom tags.
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const where = lineCounter.linePos(firstError.pos[0]);
    throw new InputError(
      `not valid YAML: ${firstError.message.split('\n')[0]} at line ${where.line}, column ${where.col}`,
      { ...(file === undefined ? {} : { file }), pointer: '' },
      { hint: 'fix the YAML syntax' },
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new InputError(
      `not valid YAML: ${(cause as Error).message}`,
      { ...(file === undefined ? {} : { file }), pointer: '' },
      { cause, hint: 'avoid deeply nested aliases' },
    );
  }
  return {
    syntax: 'yaml',
    value,
    positionOf(pointer) {
      const path = pointerTokens(pointer).map((t) => (/^(0|[1-9]\d*)$/.test(t) ? Number(t) : t));
      const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
      if (!isNode(node) || !node.range) return undefined;
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    },
  };
}

/**
 * Parse text as JSON or YAML. `.yaml`/`.yml` files are YAML; `.json` files are JSON; anything
 * else (stdin included) is tried as JSON first, then as YAML (JSON is valid YAML, but JSON's
 * error messages are better for JSON).
 */
export function parseText(text: string, file?: string): ParsedText {
  const lower = (file ?? '').toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return parseYamlText(text, file);
  if (lower.endsWith('.json')) return parseJsonText(text, file);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"')) return parseJsonText(text, file);
  return parseYamlText(text, file);
}

/**
 * Add "(line N, column M)" to an error's message: where its pointer's value starts, or its
 * nearest ancestor's. The error object is kept (only its message changes) so its class and
 * location survive.
 */
export function withSourcePosition<E extends InputError>(error: E, parsed: ParsedText): E {
  const pointer = error.location.pointer;
  if (pointer === undefined || /line \d+, column \d+/.test(error.message)) return error;
  // A missing property (or a place inside a JSON string) has no position of its own: use the
  // nearest ancestor that has one.
  let at: string | undefined = pointer;
  let position: SourcePosition | undefined;
  while (at !== undefined && !(position = parsed.positionOf(at))) at = at === '' ? undefined : at.slice(0, at.lastIndexOf('/'));
  if (position) error.message = `${error.message} (line ${position.line}, column ${position.column})`;
  return error;
}
