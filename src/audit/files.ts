/**
 * File helpers of the audit: atomic writes (temp file + rename, so a reader never sees half a
 * file), JSON-lines work files appended page by page, and streaming reads of them.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { once } from 'node:events';

/** Write a file atomically: a temp file next to it, flushed, then renamed over it. */
export async function writeFileAtomic(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A text sink written in chunks, then renamed into place atomically by {@link AtomicStream.commit}. */
export interface AtomicStream {
  write(chunk: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Stream a large file (a report) to a temp file; `commit` renames it into place. */
export async function openAtomicStream(path: string): Promise<AtomicStream> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID().slice(0, 8)}.tmp`);
  const stream = createWriteStream(temp, { encoding: 'utf8' });
  await once(stream, 'open');
  return {
    async write(chunk) {
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    async commit() {
      await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
      await rename(temp, path);
    },
    async abort() {
      stream.destroy();
      await rm(temp, { force: true });
    },
  };
}

/** Append lines to a work file (created when missing). */
export async function appendLines(path: string, values: readonly unknown[]): Promise<void> {
  if (values.length === 0) return;
  let text = '';
  for (const value of values) text += `${JSON.stringify(value)}\n`;
  await writeFile(path, text, { flag: 'a', encoding: 'utf8' });
}

/** Size of a file in bytes, 0 when it does not exist. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Cut a work file back to `size` bytes (drops rows of a page that was not checkpointed). */
export async function truncateTo(path: string, size: number): Promise<void> {
  if ((await fileSize(path)) === 0 && size === 0) {
    await writeFile(path, '');
    return;
  }
  await truncate(path, size);
}

/** Read a JSON-lines file one value at a time; a missing file yields nothing. */
export async function* readLines<T>(path: string): AsyncGenerator<T> {
  if ((await fileSize(path)) === 0) return;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    yield JSON.parse(line) as T;
  }
}
