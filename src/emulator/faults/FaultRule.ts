/**
 * Fault rules: what to inject into which requests. A rule matches by method and a path regex, fires
 * with a probability, and then delays, answers with an error, or drops the connection.
 */

/** One fault to inject. Rules are tried in order; the first matching rule that fires wins. */
export interface FaultRule {
  /** Which requests the rule applies to; omitted = every request. */
  match?: {
    /** HTTP method, case-insensitive. */
    method?: string;
    /** Regular expression source tested against the path and query after `/api/data/v9.x/` (e.g. `^contacts`). */
    path?: string;
  };
  /** Chance that a matching request gets the fault, from 0 to 1. */
  probability: number;
  /** Answer with this HTTP status instead of processing the request. */
  status?: number;
  /** Dataverse error code for the answer. @default the usual code for `status` (429: `0x80072322`) */
  code?: string;
  /** Error message for the answer. @default the usual message for `status` */
  message?: string;
  /** `Retry-After` seconds of the answer; may be 0. @default 1 for a 429, none otherwise */
  retryAfterSeconds?: number;
  /** Delay before the request is handled (or answered with the fault): milliseconds, or a uniform range. */
  latencyMs?: number | { min: number; max: number };
  /** Destroy the connection without an answer. */
  drop?: boolean;
  /** With `drop`: `before` processing, or `after` the request was processed (a write is committed). @default 'before' */
  when?: 'before' | 'after';
}

/** Default code and message of an injected error answer, by status. */
const STATUS_DEFAULTS: Readonly<Record<number, { code: string; message: string }>> = Object.freeze({
  400: { code: '0x80040203', message: 'Invalid argument.' },
  401: { code: '0x80044302', message: 'Request is not authenticated.' },
  403: { code: '0x80048405', message: 'Access is denied.' },
  404: { code: '0x80040217', message: 'The requested record was not found or you do not have sufficient permissions to view it.' },
  408: { code: '0x80040216', message: 'The request timed out.' },
  412: { code: '0x80060882', message: "The version of the existing record doesn't match the RowVersion property provided." },
  413: { code: '0x8004418a', message: 'Request message length is too large.' },
  429: { code: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' },
});

const SERVER_ERROR_DEFAULT = Object.freeze({ code: '0x80040216', message: 'An unexpected error occurred.' });

/** The code and message an injected answer with `status` carries when the rule names none. */
export function faultDefaults(status: number): { code: string; message: string } {
  return STATUS_DEFAULTS[status] ?? (status >= 500 ? SERVER_ERROR_DEFAULT : { code: '0x0', message: 'Injected fault.' });
}
