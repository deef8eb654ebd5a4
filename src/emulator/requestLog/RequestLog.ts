/**
 * The request log: one entry per top-level HTTP request, in arrival order, kept in memory (a
 * bounded ring) and optionally appended to a JSONL file. Entries hold no headers and no bodies,
 * so `Authorization` and tokens can never reach it.
 *
 * The file is written in batches: finished entries are buffered as JSON lines and handed to the
 * stream once per turn of the event loop (or once 64 KiB are waiting), not one write per request;
 * `close()` writes what is left.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../errors.js';

/** One top-level request. */
export interface RequestLogEntry {
  /** The emulator's request id. */
  id: string;
  /** When the request arrived (ms since epoch). */
  startedAt: number;
  /** When it was answered or dropped (ms since epoch). */
  finishedAt: number;
  method: string;
  /** Path and query as received, with credential-like query values redacted. */
  path: string;
  /** HTTP status answered; 0 when the connection was dropped by a fault. */
  status: number;
  /** The caller's user key (token claim or hash; never the token). */
  user: string;
  /** Refused by service protection (429). */
  throttled?: boolean;
  /** The injected fault, e.g. `rule 0: 503`. */
  fault?: string;
  /** Number of operations in a `$batch`. */
  batchOperations?: number;
}

/** Buffered JSON lines beyond which the file is written at once rather than at the end of the turn. */
const FLUSH_BYTES = 64 * 1024;

/** Options of {@link RequestLog}. */
export interface RequestLogOptions {
  /** Entries kept in memory; the oldest are dropped beyond it. @default 1000000 */
  capacity?: number;
  /** Also append each entry as one JSON line to this file (created with its directory). */
  file?: string;
  /** Told once when the file cannot be written; the in-memory log goes on. @default ignore */
  onFileError?: (error: Error) => void;
}

/** The in-memory ring and the optional JSONL sink. */
export class RequestLog {
  /** Entries in arrival order (the oldest are dropped beyond the capacity). */
  readonly entries: RequestLogEntry[] = [];
  readonly #capacity: number;
  #sink: WriteStream | undefined;
  /** JSON lines not yet handed to the sink. */
  #pending = '';
  #flushScheduled = false;

  constructor(options: RequestLogOptions = {}) {
    this.#capacity = options.capacity ?? 1_000_000;
    if (options.file) {
      const file = options.file;
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch (error) {
        throw new InputError(`cannot create the directory of the request log: ${(error as Error).message}`, { file }, { hint: 'pass a writable path' });
      }
      const sink = createWriteStream(file, { flags: 'a' });
      sink.once('error', (error) => {
        this.#sink = undefined;
        options.onFileError?.(error);
      });
      this.#sink = sink;
    }
  }

  /**
   * Reserve the slot of a request in arrival order; it is filled in when the request finishes,
   * so a slow request does not move behind faster ones that arrived later.
   */
  begin(entry: RequestLogEntry): RequestLogEntry {
    this.entries.push(entry);
    // Trim in chunks so dropping old entries stays cheap.
    const excess = this.entries.length - this.#capacity;
    if (excess > 0 && excess >= Math.max(1, Math.floor(this.#capacity / 10))) this.entries.splice(0, excess);
    return entry;
  }

  /** Queue a finished entry for the JSONL file (nothing to do without one). */
  finish(entry: RequestLogEntry): void {
    if (this.#sink === undefined) return;
    this.#pending += `${JSON.stringify(entry)}\n`;
    if (this.#pending.length >= FLUSH_BYTES) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushSoon);
    }
  }

  readonly #flushSoon = (): void => {
    this.#flushScheduled = false;
    this.#flush();
  };

  /** Hand the buffered lines to the file stream. */
  #flush(): void {
    if (this.#pending === '') return;
    const lines = this.#pending;
    this.#pending = '';
    this.#sink?.write(lines);
  }

  /** Write the buffered lines, then close the JSONL file. */
  close(): Promise<void> {
    this.#flush();
    const sink = this.#sink;
    this.#sink = undefined;
    if (!sink || sink.closed || sink.destroyed) return Promise.resolve();
    return new Promise((resolve) => sink.end(() => resolve()));
  }
}
