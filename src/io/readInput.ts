/**
 * The one reader of documents from files and standard input: bytes under the size limit, UTF-8
 * without a byte-order mark, parsed by {@link parseText} under the depth limit. Every failure is
 * a {@link DocumentError} with a reason and the file, never a raw `ENOENT`.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { DocumentError, isDocumentError } from './documentError.js';
import { READ_LIMITS, type ReadLimits } from './limits.js';
import { parseText, type ParsedText, type TextSyntax } from './parseText.js';

/** The file name that means "standard input". */
export const STDIN = '-';

/** Where input text comes from, and the limits it is held to. */
export interface ReadInputOptions {
  /** Reads all of standard input. @default reads `process.stdin` (up to the size limit) */
  readStdin?: () => Promise<string>;
  /** Size and depth limits. @default {@link READ_LIMITS} */
  limits?: ReadLimits;
}

/** Options of {@link readDocument}. */
export interface ReadDocumentOptions extends ReadInputOptions {
  /** The syntax; by default chosen by extension and content (see `parseText`). */
  syntax?: TextSyntax;
}

function tooLarge(file: string, maxBytes: number): DocumentError {
  return new DocumentError('too-large', `is larger than ${maxBytes.toLocaleString('en-US')} bytes`, { file }, {
    hint: 'journeyctl reads documents up to that size; a stored workflow definition is at most 1,048,576 characters',
  });
}

/** Read all of `process.stdin` as UTF-8, refusing more than `maxBytes`. */
export async function readProcessStdin(maxBytes: number = READ_LIMITS.maxBytes): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxBytes) throw tooLarge(STDIN, maxBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The typed error for a failed file-system call. */
function fileError(path: string, error: unknown): DocumentError {
  const code = (error as NodeJS.ErrnoException).code;
  const [reason, message] =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? (['not-found', 'file not found'] as const)
      : code === 'EACCES' || code === 'EPERM'
        ? (['permission-denied', 'permission denied'] as const)
        : code === 'EISDIR'
          ? (['is-directory', 'is a directory, not a file'] as const)
          : (['unreadable', `cannot read the file${code ? ` (${code})` : ''}`] as const);
  return new DocumentError(reason, message, { file: path }, {
    cause: error,
    hint: reason === 'is-directory' ? 'pass a file, or an exported journey folder' : 'check the path; use - to read standard input',
  });
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Read a file (or stdin for `-`) as UTF-8 text without its byte-order mark, refusing files
 * larger than the size limit before reading them.
 *
 * @throws DocumentError `not-found`, `permission-denied`, `is-directory`, `unreadable`, `too-large`
 */
export async function readInputText(path: string, options: ReadInputOptions = {}): Promise<string> {
  const maxBytes = options.limits?.maxBytes ?? READ_LIMITS.maxBytes;
  if (path === STDIN) {
    const text = options.readStdin ? await options.readStdin() : await readProcessStdin(maxBytes);
    if (Buffer.byteLength(text) > maxBytes) throw tooLarge(STDIN, maxBytes);
    return withoutBom(text);
  }
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw fileError(path, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
    if (info.size > maxBytes) throw tooLarge(path, maxBytes);
    return withoutBom(await handle.readFile('utf8'));
  } catch (error) {
    if (isDocumentError(error)) throw error;
    throw fileError(path, error);
  } finally {
    await handle.close();
  }
}

/**
 * {@link readInputText} for synchronous callers (configuration loaders, validation workers); no
 * stdin. The size is checked before reading; the read is Node's fast UTF-8 path.
 */
export function readInputTextSync(path: string, options: Pick<ReadInputOptions, 'limits'> = {}): string {
  const maxBytes = options.limits?.maxBytes ?? READ_LIMITS.maxBytes;
  let fd: number | undefined;
  try {
    // One open: the size is checked on the descriptor that is then read (no second path lookup).
    fd = openSync(path, 'r');
    const info = fstatSync(fd);
    if (info.isDirectory()) throw fileError(path, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
    if (info.size > maxBytes) throw tooLarge(path, maxBytes);
    return withoutBom(readFileSync(fd, 'utf8'));
  } catch (error) {
    if (isDocumentError(error)) throw error;
    throw fileError(path, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Read and parse a JSON, JSONC or YAML document from a file or stdin (`-`), within the size and
 * depth limits, keeping what is needed to find the line and column of any JSON pointer.
 *
 * @throws DocumentError with a reason, the file, and the pointer, line and column where known
 */
export async function readDocument(path: string, options: ReadDocumentOptions = {}): Promise<ParsedText> {
  const text = await readInputText(path, options);
  return parseText(text, { file: path, ...(options.syntax ? { syntax: options.syntax } : {}), ...(options.limits ? { limits: options.limits } : {}) });
}

/** {@link readDocument} for synchronous callers (configuration loaders); no stdin. */
export function readDocumentSync(path: string, options: Omit<ReadDocumentOptions, 'readStdin'> = {}): ParsedText {
  const text = readInputTextSync(path, options);
  return parseText(text, { file: path, ...(options.syntax ? { syntax: options.syntax } : {}), ...(options.limits ? { limits: options.limits } : {}) });
}
