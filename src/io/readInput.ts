import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';

/** The file name that means "standard input". */
export const STDIN = '-';

/** Where input text comes from; tests and embedders replace stdin. */
export interface ReadInputOptions {
  /** Reads all of standard input. @default reads `process.stdin` */
  readStdin?: () => Promise<string>;
}

/** Read all of `process.stdin` as UTF-8. */
export async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Read a file (or stdin for `-`) as UTF-8 text. Unreadable files become an {@link InputError}
 * naming the file, never a raw `ENOENT`.
 */
export async function readInputText(path: string, options: ReadInputOptions = {}): Promise<string> {
  if (path === STDIN) return (options.readStdin ?? readProcessStdin)();
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new InputError('is a directory, not a file', { file: path }, { hint: 'pass a file, or an exported journey folder' });
    }
    // A byte-order mark is not part of the JSON or YAML text.
    return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : 'cannot read the file';
    throw new InputError(reason, { file: path }, { cause: error, hint: 'check the path; use - to read standard input' });
  }
}
