/**
 * Time, injectable: the one clock of a client. Retry, throttling, token refresh, the journey
 * poller and the reporter read the time and wait through its {@link Clock} (`client.clock`), so
 * unit tests run "minutes" of backoff and polling in milliseconds. Loops that must not throw when
 * stopped catch the rejection of `sleep`.
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
