/** The serializable state of a journey status change (go-live or stop) and its poller. */
import type { Finding } from '../validation/finding.js';

/** Where an operation is (Azure SDK long-running operation vocabulary). */
export type OperationStatus = 'notStarted' | 'running' | 'succeeded' | 'failed' | 'canceled';

/** Which status change. */
export type JourneyOperationKind = 'goLive' | 'stop';

/** Everything a poller knows; `serialize()` writes it and `JourneyPoller.resume` reads it back. */
export interface JourneyOperationState {
  /** Format marker of serialized states. */
  version: 1;
  operation: JourneyOperationKind;
  status: OperationStatus;
  journeyId: string;
  /** The statuscode the operation ends in when it succeeds (Live, Stopped). */
  target: number;
  /** The statuscode the service works in meanwhile (Going live, Stopping). */
  pending: number;
  /** The last statuscode observed. */
  lastStatusCode?: number;
  /** Human label of `lastStatusCode`. */
  lastStatus?: string;
  /** ISO time of the last observation. */
  lastPolledAt?: string;
  /** The server's validation results, when the operation failed with them. */
  findings?: Finding[];
  /** Why it failed or was canceled. */
  error?: string;
}
