/**
 * A validation worker thread: reads, parses and validates the files it is sent, and answers
 * with their reports. Started by `filePool.ts` with the run's settings as `workerData`.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { validateFileSync, type FileValidationSettings } from './files.js';
import { serializeInputError, type WorkerAnswer, type WorkerTask } from './filePool.js';

if (!isMainThread && parentPort) {
  const settings = workerData as FileValidationSettings;
  const port = parentPort;
  port.on('message', (task: WorkerTask) => {
    let answer: WorkerAnswer;
    try {
      const outcomes = task.inputs.map((input) => {
        const outcome = validateFileSync(input, settings);
        if (outcome.skipped || !outcome.report.inputError) return outcome;
        return { ...outcome, report: { ...outcome.report, inputError: serializeInputError(outcome.report.inputError) } };
      });
      answer = { batch: task.batch, outcomes: outcomes as WorkerAnswer extends { outcomes: infer O } ? O : never };
    } catch (error) {
      answer = { batch: task.batch, failure: { message: (error as Error)?.message ?? String(error), ...((error as Error)?.stack ? { stack: (error as Error).stack } : {}) } };
    }
    port.postMessage(answer);
  });
}
