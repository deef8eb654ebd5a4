/**
 * Errors of the journey use cases. Each carries what the caller needs to act: the allowed
 * transitions, the findings that stopped a go-live, or the last state a poller saw.
 */
import { InputError, JourneyctlError, OperationFailedError, type ErrorKind } from '../errors.js';
import { ActionNotAvailableError } from '../dataverse/errors.js';
import { Actions } from '../model/names.js';
import { JourneyStatus } from '../model/optionSets.js';
import { describeJourneyStatus } from '../model/transitions.js';
import type { Finding } from '../validation/finding.js';
import type { JourneyOperationState } from './operationState.js';

/**
 * A status change the transition table does not allow, refused before any write is sent.
 * Kind `input` (exit code 2): the request is wrong for the journey as it is, nothing was tried.
 */
export class InvalidTransitionError extends InputError {
  override name = 'InvalidTransitionError';
  readonly from: number;
  readonly to: number;
  readonly allowed: readonly number[];

  constructor(journeyId: string, from: number, to: number, allowed: readonly number[], action: string) {
    const allowedText = allowed.length > 0 ? allowed.map(describeJourneyStatus).join(', ') : 'none';
    super(
      `Cannot ${action} journey ${journeyId}: it is ${describeJourneyStatus(from)}, and ${describeJourneyStatus(to)} is not an allowed transition from it (allowed: ${allowedText})`,
      { recordId: journeyId },
      { hint: hintFor(from) },
    );
    this.from = from;
    this.to = to;
    this.allowed = allowed;
  }
}

function hintFor(from: number): string {
  if (from === JourneyStatus.GoingLive || from === JourneyStatus.Stopping) {
    return 'The service is completing a change of this journey: wait for it (e.g. poll its status) and try again.';
  }
  if (from === JourneyStatus.Expired) return 'An expired journey cannot be restarted: create a new journey from its definition.';
  return 'Check the journey status first (journeyctl journeys get <id>).';
}

/** At which point a go-live (or a validation) failed. */
export type FailureStage = 'offline-validation' | 'online-validation' | 'server';

/**
 * A go-live or stop that failed: blocking findings of the offline or online check before the
 * status change was sent, or the journey ended in Error with the server's validation results.
 * Kind `operation` (exit code 1).
 */
export class JourneyOperationFailedError extends OperationFailedError {
  override name = 'JourneyOperationFailedError';
  readonly stage: FailureStage;
  readonly findings: readonly Finding[];
  /** The poller's last state, when the failure was observed by polling. */
  readonly state: JourneyOperationState | undefined;

  constructor(message: string, details: { stage: FailureStage; findings: readonly Finding[]; state?: JourneyOperationState; hint?: string }) {
    super(message, details.hint === undefined ? undefined : { hint: details.hint });
    this.stage = details.stage;
    this.findings = details.findings;
    this.state = details.state;
  }
}

/** `pollUntilDone` ran out of time; the operation may still finish on the server. Kind `operation`. */
export class PollTimeoutError extends OperationFailedError {
  override name = 'PollTimeoutError';
  readonly state: JourneyOperationState;

  constructor(state: JourneyOperationState, timeoutInMs: number) {
    super(
      `Timed out after ${timeoutInMs} ms waiting for journey ${state.journeyId} to become ${describeJourneyStatus(state.target)}; last seen ${
        state.lastStatusCode === undefined ? 'nothing yet' : describeJourneyStatus(state.lastStatusCode)
      }`,
      { hint: 'The change goes on on the server: poll again later (the poller state can be resumed), or allow a longer timeout.' },
    );
    this.state = state;
  }
}

/** `pollUntilDone` was aborted by its abort signal. Polling stopped; the server operation goes on. */
export class PollAbortedError extends JourneyctlError {
  override name = 'AbortError';
  override readonly kind: ErrorKind = 'operation';
  readonly state: JourneyOperationState;

  constructor(state: JourneyOperationState) {
    super(`Stopped waiting for journey ${state.journeyId}: polling was aborted (the status change goes on on the server)`);
    this.state = state;
  }
}

/** A journey change that the status of the journey does not allow (e.g. a Live journey's structure). Kind `input`. */
export class JourneyLockedError extends InputError {
  override name = 'JourneyLockedError';
  readonly changes: readonly string[];

  constructor(message: string, journeyId: string, changes: readonly string[], hint: string) {
    super(message, { recordId: journeyId }, { hint });
    this.changes = changes;
  }
}

/**
 * The error for an environment without `msdyncrm_CustomerJourneyValidate`: outbound marketing was
 * removed from it (tables and rows remain, the services do not), so journeys can no longer be
 * checked online or taken live there. Kind `service` (exit code 3).
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/transition-overview
 */
export function outboundRemovedError(operation: string, cause?: unknown): ActionNotAvailableError {
  const name = Actions.customerJourneyValidate;
  return new ActionNotAvailableError(
    name,
    `Cannot ${operation}: this environment no longer has ${name}: outbound marketing was removed from it, so journeys can no longer be validated online or taken live there`,
    {
      status: 404,
      hint: 'Use `journeyctl validate` (offline) to check journey definitions and `journeyctl audit` to inventory and archive the journeys before the data is gone.',
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
