/**
 * Time, injectable: retry, throttling and token-refresh logic read the time and wait through a
 * {@link Clock}, so unit tests run "minutes" of backoff in milliseconds.
 */

/** Reads the time and waits. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolve after `ms` milliseconds; reject with the signal's reason when it aborts. */
  sleep(ms: number, abortSignal?: AbortSignal): Promise<void>;
}

/** Reject with the signal's reason (an `AbortError` unless the caller gave one). */
export function throwIfAborted(abortSignal: AbortSignal | undefined): void {
  if (abortSignal?.aborted) throw abortReason(abortSignal);
}

/** The error to throw for an aborted signal. */
export function abortReason(abortSignal: AbortSignal): unknown {
  return abortSignal.reason ?? Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
}

/**
 * Wait `ms` milliseconds, or less when `abortSignal` aborts first. Never rejects: for loops that
 * pause between rounds (pollers, `--follow`) and check the signal themselves afterwards.
 */
export function pause(ms: number, abortSignal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (abortSignal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      abortSignal?.removeEventListener('abort', done);
      resolve();
    }
    abortSignal?.addEventListener('abort', done, { once: true });
  });
}

/** The real clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, abortSignal) {
    return new Promise<void>((resolve, reject) => {
      if (abortSignal?.aborted) {
        reject(abortReason(abortSignal));
        return;
      }
      if (ms <= 0) {
        resolve();
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(abortSignal!));
      };
      const timer = setTimeout(() => {
        abortSignal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      abortSignal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
