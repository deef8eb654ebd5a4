/**
 * Worker threads for validating many files: each worker reads, parses and validates the files it
 * is given and answers with their reports (small: findings only), so documents never cross
 * threads. Work goes out in small batches, at most two per worker at a time; reports come back
 * in input order, held in a buffer no larger than the work in flight (at most `WINDOW` files), so
 * memory stays bounded whatever the number of files.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, type InputLocation } from '../errors.js';
import { DefinitionError } from '../definition/errors.js';
import { DocumentError, STDIN, type DocumentErrorReason, type InputPath } from '../io/index.js';
import type { FileOutcome, FileValidationSettings } from './files.js';

/** Files per message to a worker. */
const BATCH = 16;
/** Batches a worker holds at a time (one in work, the others waiting, so it never idles between answers). */
const BATCHES_PER_WORKER = 3;
/** Below this many files per worker, starting workers (tens of milliseconds each) costs more than it saves. */
const FILES_PER_WORKER = 48;
/** How far (in files) the work handed out may run ahead of the outcomes yielded. */
const WINDOW = 512;
/**
 * A worker's young generation, in MB. A worker's garbage is short-lived (one batch's documents);
 * a smaller nursery than V8's default is collected sooner and keeps the process's peak memory
 * near that of a short run (measured on 3,000 files: peak RSS 157 MB with the default, 136 MB
 * with 8 MB, the same wall time). Old space stays unlimited, so a large file never fails for it.
 */
const WORKER_YOUNG_GENERATION_MB = 8;

const WORKER_URL = new URL('./fileWorker.js', import.meta.url);

/** How many workers to use for `files` files. */
export function workerCount(setting: number | 'auto', files: number): number {
  // Run from TypeScript sources (tests), the compiled worker does not exist: validate in this thread.
  if (!existsSync(fileURLToPath(WORKER_URL))) return 0;
  if (setting !== 'auto') return Math.max(0, Math.min(Math.floor(setting), files));
  // This thread validates too (see runInWorkers): one core is already busy, so one worker fewer.
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(cores - 1, Math.floor(files / FILES_PER_WORKER));
}

/** An input error as plain data, to cross the thread boundary. */
export interface SerializedInputError {
  name: string;
  message: string;
  location: InputLocation;
  hint?: string;
  reason?: DocumentErrorReason;
}

/** Messages from a worker. */
export type WorkerAnswer =
  | { batch: number; outcomes: (FileOutcome | { path: string; skipped: false; report: { path: string; findings: never[]; inputError: SerializedInputError } })[] }
  | { batch: number; failure: { message: string; stack?: string } };

/** Messages to a worker. */
export interface WorkerTask {
  batch: number;
  inputs: InputPath[];
}

export function serializeInputError(error: InputError): SerializedInputError {
  return {
    name: error.name,
    message: error.message,
    location: { ...error.location },
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(typeof (error as { reason?: unknown }).reason === 'string' ? { reason: (error as DocumentError).reason } : {}),
  };
}

function reviveInputError(data: SerializedInputError): InputError {
  const options = data.hint === undefined ? undefined : { hint: data.hint };
  if (data.reason !== undefined) return new DocumentError(data.reason, data.message, data.location, options);
  if (data.name === 'DefinitionError') return new DefinitionError(data.message, data.location, options);
  return new InputError(data.message, data.location, options);
}

function reviveOutcome(outcome: FileOutcome): FileOutcome {
  if (outcome.skipped || !outcome.report.inputError) return outcome;
  return { ...outcome, report: { ...outcome.report, inputError: reviveInputError(outcome.report.inputError as unknown as SerializedInputError) } };
}

/**
 * Validate `inputs` on `threads` workers and this thread, yielding outcomes in input order.
 * Whenever the next outcome is not ready, this thread validates a batch itself with
 * `validateSync` (while workers load their modules, and after), so it never idles. Work handed out runs at
 * most `WINDOW` files ahead of the output, which bounds the outcomes held. Standard input is validated here
 * by `inline`. Workers end when the iteration ends, however it ends.
 */
export async function* runInWorkers(
  inputs: readonly InputPath[],
  settings: FileValidationSettings,
  threads: number,
  validateSync: (input: InputPath) => FileOutcome,
  inline: (input: InputPath) => Promise<FileOutcome>,
): AsyncGenerator<FileOutcome> {
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_URL, { workerData: settings, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } }));
  const ready = new Map<number, FileOutcome>();
  const inFlight = workers.map(() => 0);
  const batchStart = new Map<number, number>();
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  workers.forEach((worker, index) => {
    worker.on('message', (answer: WorkerAnswer) => {
      inFlight[index]!--;
      if ('failure' in answer) {
        failure ??= Object.assign(new Error(`validation worker failed: ${answer.failure.message}`), { stack: answer.failure.stack });
      } else {
        const start = batchStart.get(answer.batch)!;
        batchStart.delete(answer.batch);
        answer.outcomes.forEach((outcome, i) => ready.set(start + i, reviveOutcome(outcome as FileOutcome)));
      }
      notify();
    });
    worker.on('error', (error) => {
      failure ??= error;
      notify();
    });
  });
  let next = 0; // next input to hand out
  let emit = 0; // next input to yield
  let batches = 0;
  /** The next batch of files (never standard input), or undefined at the end or at stdin. */
  const takeBatch = (): { start: number; inputs: InputPath[] } | undefined => {
    const start = next;
    const batch: InputPath[] = [];
    while (batch.length < BATCH && next < inputs.length && inputs[next]!.path !== STDIN) batch.push(inputs[next++]!);
    return batch.length > 0 ? { start, inputs: batch } : undefined;
  };
  const dispatch = async (): Promise<void> => {
    for (let index = 0; index < workers.length; index++) {
      while (inFlight[index]! < BATCHES_PER_WORKER && next < inputs.length && next - emit < WINDOW) {
        if (inputs[next]!.path === STDIN) {
          // Standard input belongs to this thread.
          ready.set(next, await inline(inputs[next]!));
          next++;
          continue;
        }
        const taken = takeBatch()!;
        const batch = batches++;
        batchStart.set(batch, taken.start);
        inFlight[index]!++;
        workers[index]!.postMessage({ batch, inputs: taken.inputs } satisfies WorkerTask);
      }
    }
  };
  try {
    while (emit < inputs.length) {
      await dispatch();
      while (ready.has(emit)) {
        const outcome = ready.get(emit)!;
        ready.delete(emit);
        emit++;
        yield outcome;
      }
      if (failure) throw failure;
      if (emit >= inputs.length || ready.has(emit)) continue;
      if (next < inputs.length && next - emit < WINDOW && inputs[next]!.path !== STDIN) {
        // The next report is not ready: do a batch here rather than wait (this thread is one of the pool).
        const taken = takeBatch()!;
        taken.inputs.forEach((input, i) => ready.set(taken.start + i, validateSync(input)));
        // Let worker answers that arrived meanwhile be delivered.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (failure || ready.has(emit)) notify();
      });
      if (failure) throw failure;
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
