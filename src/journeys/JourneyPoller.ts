/**
 * Polls a journey until an asynchronous status change completes: Going live ends in Live (or
 * Error, with the error check's results in `msdyncrm_validationresults`), Stopping ends in
 * Stopped. The shape follows the Azure SDK pollers (`pollUntilDone`, `onProgress`,
 * `getOperationState`, `serialize`/`resume`); aborting stops the polling, never the server's work.
 * https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey#go-live
 */
import { systemClock, type Clock } from '../dataverse/clock.js';
import { InputError } from '../errors.js';
import { JourneyStatus } from '../model/optionSets.js';
import { describeJourneyStatus } from '../model/transitions.js';
import { parseValidationResult } from '../validation/serverResult.js';
import type { Finding } from '../validation/finding.js';
import { JourneyOperationFailedError, PollAbortedError, PollTimeoutError } from './errors.js';
import type { JourneyOperationState } from './operationState.js';

/** What a poller reads on each poll. */
export interface ObservedJourneyStatus {
  statusCode: number;
  /** `msdyncrm_validationresults` as stored (a JSON string), if any. */
  validationResults?: string | null;
}

/** How a poller reads the journey (a {@link JourneyClient} is one). */
export interface JourneyStatusSource {
  readStatus(journeyId: string, options?: { abortSignal?: AbortSignal }): Promise<ObservedJourneyStatus>;
}

/** Options of a poller. */
export interface JourneyPollerOptions {
  /** Time between two polls. @default 2000 */
  pollIntervalInMs?: number;
  /** Time source (the client's, so tests can fake it). @default the system clock */
  clock?: Clock;
}

/** Options of {@link JourneyPoller.pollUntilDone}. */
export interface PollUntilDoneOptions {
  /** Stops polling (the server's change goes on); rejects with an `AbortError`. */
  abortSignal?: AbortSignal;
  /** Give up after this long with a {@link PollTimeoutError} carrying the last state. @default no limit */
  timeoutInMs?: number;
}

/** Called with the state after every poll. */
export type ProgressCallback = (state: Readonly<JourneyOperationState>) => void;

const DEFAULT_POLL_INTERVAL_MS = 2000;

/** A journey status change in progress. */
export class JourneyPoller {
  private state: JourneyOperationState;
  private readonly callbacks = new Set<ProgressCallback>();
  private readonly intervalMs: number;
  private readonly clock: Clock;
  /** The polling loop all concurrent {@link pollUntilDone} callers share, as `@azure/core-lro` does. */
  private shared: { promise: Promise<JourneyOperationState>; controller: AbortController; waiters: number } | undefined;

  constructor(
    private readonly source: JourneyStatusSource,
    state: JourneyOperationState,
    options: JourneyPollerOptions = {},
  ) {
    this.state = { ...state };
    this.intervalMs = options.pollIntervalInMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.clock = options.clock ?? systemClock;
    if (!Number.isFinite(this.intervalMs) || this.intervalMs < 0) throw new RangeError(`pollIntervalInMs must be 0 or more, got ${this.intervalMs}`);
  }

  /**
   * Continue a poller from `serialize()`'s output (e.g. in another process).
   * @throws InputError when the text is not a serialized poller state
   */
  static resume(source: JourneyStatusSource, serialized: string, options: JourneyPollerOptions = {}): JourneyPoller {
    return new JourneyPoller(source, parseState(serialized), options);
  }

  /** A copy of the current state. */
  getOperationState(): JourneyOperationState {
    return structuredClone(this.state);
  }

  /** Whether the operation ended (succeeded, failed or canceled). */
  isDone(): boolean {
    return this.state.status === 'succeeded' || this.state.status === 'failed' || this.state.status === 'canceled';
  }

  /** Register a progress callback; returns a function that unregisters it. */
  onProgress(callback: ProgressCallback): () => void {
    this.callbacks.add(callback);
    return () => this.callbacks.delete(callback);
  }

  /** The state as JSON, for {@link JourneyPoller.resume}. */
  serialize(): string {
    return JSON.stringify(this.state);
  }

  /** Read the journey once and update the state. */
  async poll(options: { abortSignal?: AbortSignal } = {}): Promise<JourneyOperationState> {
    if (this.isDone()) return this.getOperationState();
    const observed = await this.source.readStatus(this.state.journeyId, options);
    this.observe(observed);
    for (const callback of [...this.callbacks]) callback(this.getOperationState());
    return this.getOperationState();
  }

  /**
   * Poll until the operation ends. Resolves with the final state when it succeeded.
   * @throws JourneyOperationFailedError when the journey ended in Error (findings from the server)
   *   or left the operation some other way
   * @throws PollTimeoutError after `timeoutInMs`, with the last state
   * @throws PollAbortedError (name `AbortError`) when `abortSignal` fires
   */
  async pollUntilDone(options: PollUntilDoneOptions = {}): Promise<JourneyOperationState> {
    const signal = options.abortSignal;
    if (signal?.aborted) throw new PollAbortedError(this.getOperationState());
    // One loop, however many callers wait: each caller's abort or timeout only ends its own wait;
    // the loop stops when the last waiting caller has left.
    const shared = (this.shared ??= this.startLoop());
    shared.waiters++;
    const leave = new AbortController();
    const exits: Promise<never>[] = [];
    if (signal) {
      exits.push(
        new Promise<never>((_, reject) => {
          const onAbort = (): void => reject(new PollAbortedError(this.getOperationState()));
          signal.addEventListener('abort', onAbort, { once: true });
          leave.signal.addEventListener('abort', () => signal.removeEventListener('abort', onAbort), { once: true });
        }),
      );
    }
    if (options.timeoutInMs !== undefined) {
      const timeoutInMs = options.timeoutInMs;
      exits.push(
        this.clock.sleep(timeoutInMs, leave.signal).then(
          () => Promise.reject(new PollTimeoutError(this.getOperationState(), timeoutInMs)),
          () => new Promise<never>(() => undefined),
        ),
      );
    }
    try {
      return await Promise.race([shared.promise, ...exits]);
    } finally {
      leave.abort();
      if (--shared.waiters === 0 && this.shared === shared) {
        shared.controller.abort();
        this.shared = undefined;
      }
    }
  }

  private startLoop(): { promise: Promise<JourneyOperationState>; controller: AbortController; waiters: number } {
    const controller = new AbortController();
    const entry = { promise: this.loop(controller.signal), controller, waiters: 0 };
    // Settled (done, failed or abandoned): the next caller starts afresh.
    entry.promise.then(
      () => this.shared === entry && (this.shared = undefined),
      () => this.shared === entry && (this.shared = undefined),
    );
    return entry;
  }

  private async loop(signal: AbortSignal): Promise<JourneyOperationState> {
    for (;;) {
      try {
        await this.poll({ abortSignal: signal });
      } catch (error) {
        if (signal.aborted) throw new PollAbortedError(this.getOperationState());
        throw error;
      }
      if (this.isDone()) return this.finish();
      try {
        await this.clock.sleep(this.intervalMs, signal);
      } catch {
        throw new PollAbortedError(this.getOperationState());
      }
    }
  }

  private finish(): JourneyOperationState {
    const state = this.getOperationState();
    if (state.status === 'succeeded') return state;
    const findings = state.findings ?? [];
    throw new JourneyOperationFailedError(
      `${state.operation === 'goLive' ? 'Go-live' : 'Stop'} of journey ${state.journeyId} ${state.status === 'canceled' ? 'was interrupted' : 'failed'}: ${state.error ?? 'unknown reason'}`,
      {
        stage: 'server',
        findings,
        state,
        hint:
          state.operation === 'goLive'
            ? 'Fix the findings (journeyctl journeys validate <id> lists them) and go live again.'
            : 'Check the journey status and stop it again.',
      },
    );
  }

  private observe(observed: ObservedJourneyStatus): void {
    const status = observed.statusCode;
    const next: JourneyOperationState = { ...this.state, lastStatusCode: status, lastStatus: describeJourneyStatus(status), lastPolledAt: new Date(this.clock.now()).toISOString() };
    if (status === next.target) {
      next.status = 'succeeded';
    } else if (status === next.pending) {
      next.status = 'running';
    } else if (status === JourneyStatus.Error) {
      next.status = 'failed';
      next.findings = serverFindings(observed.validationResults, next.journeyId);
      const blocking = next.findings.filter((f) => f.severity === 'error');
      next.error = `the journey ended in ${describeJourneyStatus(status)}${
        blocking.length > 0 ? ` with ${blocking.length} error(s): ${blocking.map((f) => f.ruleId).join(', ')}` : ''
      }`;
    } else {
      // Someone (or the service) moved the journey elsewhere: this operation is over.
      next.status = 'canceled';
      next.error = `the journey is ${describeJourneyStatus(status)}, expected ${describeJourneyStatus(next.pending)} or ${describeJourneyStatus(next.target)}`;
    }
    this.state = next;
  }
}

/** The server's stored check results as findings; unreadable results become no findings (the status says enough). */
function serverFindings(raw: string | null | undefined, journeyId: string): Finding[] {
  if (typeof raw !== 'string' || raw.trim() === '') return [];
  try {
    return parseValidationResult(raw, { recordId: journeyId, pointer: '/msdyncrm_validationresults' });
  } catch {
    return [];
  }
}

function parseState(serialized: string): JourneyOperationState {
  let value: unknown;
  try {
    value = JSON.parse(serialized);
  } catch {
    value = undefined;
  }
  const state = value as Partial<JourneyOperationState> | undefined;
  const valid =
    typeof state === 'object' &&
    state !== null &&
    state.version === 1 &&
    (state.operation === 'goLive' || state.operation === 'stop') &&
    typeof state.journeyId === 'string' &&
    typeof state.target === 'number' &&
    typeof state.pending === 'number' &&
    ['notStarted', 'running', 'succeeded', 'failed', 'canceled'].includes(String(state.status));
  if (!valid) {
    throw new InputError('Not a serialized journey poller state', { pointer: '' }, { hint: 'Pass the text returned by poller.serialize() unchanged.' });
  }
  return state as JourneyOperationState;
}

