/**
 * Errors raised by the Dataverse client. One base class, {@link DataverseError}, with a literal
 * `name` per kind; identify them with the `is*` guards (they match on `name`, which survives
 * duplicate copies of the package). Every message says what to do next in `hint`.
 *
 * Error codes and statuses: https://learn.microsoft.com/power-apps/developer/data-platform/reference/web-service-error-codes
 */
import { JourneyctlError, type ErrorKind } from '../errors.js';

/** What the service (or the transport) told us about a failed request. */
export interface DataverseErrorDetails {
  /** HTTP status; 0 when no response was received (network failure). */
  status: number;
  /** Dataverse hex code (e.g. `0x80040217`), `""` or `0x0` when the service gave none. */
  code?: string;
  /** The service's request id (`x-ms-service-request-id` / `REQ_ID`), else the client request id. */
  requestId?: string;
  /** Whether sending the same request again may succeed. */
  retryable?: boolean;
  /** How many attempts were made before giving up. */
  attempts?: number;
  hint?: string;
  cause?: unknown;
  /** Whether an attempt may have run on the server without its answer reaching the client. */
  answerLost?: boolean;
}

/** Base class of every error returned by Dataverse or raised while talking to it. */
export class DataverseError extends JourneyctlError {
  override name: string = 'DataverseError';
  override readonly kind: ErrorKind = 'service';
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  readonly attempts: number;
  /** Whether an attempt may have run on the server without its answer reaching the client. */
  readonly answerLost: boolean;

  constructor(message: string, details: DataverseErrorDetails) {
    super(message, { cause: details.cause, ...(details.hint === undefined ? {} : { hint: details.hint }) });
    this.status = details.status;
    this.code = details.code ?? '';
    this.requestId = details.requestId;
    this.retryable = details.retryable ?? false;
    this.attempts = details.attempts ?? 1;
    this.answerLost = details.answerLost ?? false;
  }
}

/**
 * The record (or segment) does not exist: 404 `0x80040217`, `0x80060891`, `0x80060888`. Its kind
 * is `input`: the caller named something the environment does not have (the CLI exits 2), which
 * is not a failing service. A missing action is {@link ActionNotAvailableError} (a service error).
 */
export class NotFoundError extends DataverseError {
  override name = 'NotFoundError' as const;
  override readonly kind: ErrorKind = 'input';
}

/** Optimistic concurrency failed: 412 `0x80060882` (the ETag in `If-Match` is stale). */
export class ConcurrencyError extends DataverseError {
  override name = 'ConcurrencyError' as const;
}

/** A record with the same key already exists: 412 `0x80040237`, `0x80060892`, `0x80040333`. */
export class DuplicateRecordError extends DataverseError {
  override name = 'DuplicateRecordError' as const;
}

/** Service protection (429) kept refusing the request after every retry allowed. */
export class ThrottledError extends DataverseError {
  override name = 'ThrottledError' as const;
}

/** The target environment has no such action or function (e.g. outbound marketing was removed). */
export class ActionNotAvailableError extends DataverseError {
  override name = 'ActionNotAvailableError' as const;
  readonly actionName: string;
  constructor(actionName: string, message: string, details: DataverseErrorDetails) {
    super(message, details);
    this.actionName = actionName;
  }
}

/** 401: no token, an expired token, or a token for another resource. */
export class AuthenticationError extends DataverseError {
  override name = 'AuthenticationError' as const;
}

/** 403: authenticated, but the user lacks a privilege. */
export class AccessDeniedError extends DataverseError {
  override name = 'AccessDeniedError' as const;
}

/** No HTTP answer: connection refused or reset, socket dropped, timeout. */
export class NetworkError extends DataverseError {
  override name = 'NetworkError' as const;
}

/**
 * A single create or update lost its answer and the retry failed, and reading the record back
 * could not tell whether the write was applied. The write may have been applied: read the record
 * (`recordId`) before writing it again.
 */
export class WriteOutcomeUnknownError extends DataverseError {
  override name = 'WriteOutcomeUnknownError' as const;
  /** The id of the record the write was for (creates carry client-generated ids). */
  readonly recordId: string;
  /** `POST contacts`, `PATCH contacts(<id>)`. */
  readonly operation: string;
  constructor(message: string, recordId: string, operation: string, details: DataverseErrorDetails) {
    super(message, details);
    this.recordId = recordId;
    this.operation = operation;
  }
}

const DATAVERSE_ERROR_NAMES: ReadonlySet<string> = new Set([
  'WriteOutcomeUnknownError',
  'DataverseError',
  'NotFoundError',
  'ConcurrencyError',
  'DuplicateRecordError',
  'ThrottledError',
  'ActionNotAvailableError',
  'AuthenticationError',
  'AccessDeniedError',
  'NetworkError',
]);

function hasName(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

export function isDataverseError(error: unknown): error is DataverseError {
  return error instanceof Error && DATAVERSE_ERROR_NAMES.has(error.name) && 'status' in error;
}
export const isNotFoundError = (e: unknown): e is NotFoundError => hasName(e, 'NotFoundError');
export const isConcurrencyError = (e: unknown): e is ConcurrencyError => hasName(e, 'ConcurrencyError');
export const isDuplicateRecordError = (e: unknown): e is DuplicateRecordError => hasName(e, 'DuplicateRecordError');
export const isThrottledError = (e: unknown): e is ThrottledError => hasName(e, 'ThrottledError');
export const isActionNotAvailableError = (e: unknown): e is ActionNotAvailableError => hasName(e, 'ActionNotAvailableError');
export const isAuthenticationError = (e: unknown): e is AuthenticationError => hasName(e, 'AuthenticationError');
export const isAccessDeniedError = (e: unknown): e is AccessDeniedError => hasName(e, 'AccessDeniedError');
export const isWriteOutcomeUnknownError = (e: unknown): e is WriteOutcomeUnknownError => hasName(e, 'WriteOutcomeUnknownError');
export const isNetworkError = (e: unknown): e is NetworkError => hasName(e, 'NetworkError');

/** Dataverse codes for "no such record". */
const NOT_FOUND_CODES = new Set(['0x80040217', '0x80060891']);
/** "Resource not found for the segment 'x'": unknown entity set, action or function. Both codes are in use. */
export const SEGMENT_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['0x80060888', '0x8006088a']);
const DUPLICATE_CODES = new Set(['0x80040237', '0x80060892', '0x80040333']);
const CONCURRENCY_CODES = new Set(['0x80060882']);

/** Statuses worth retrying: throttling and gateway/availability failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** The `{"error":{"code","message"}}` body of a failed Dataverse response, when there is one. */
export interface ServiceErrorBody {
  code: string;
  message: string;
}

/** Read the Dataverse error shape from a response body; tolerant of non-JSON bodies. */
export function readServiceError(bodyText: string | undefined): ServiceErrorBody | undefined {
  if (!bodyText) return undefined;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    const error = (parsed as { error?: unknown } | null)?.error;
    if (error && typeof error === 'object') {
      const { code, message } = error as { code?: unknown; message?: unknown };
      return { code: typeof code === 'string' ? code : '', message: typeof message === 'string' ? message : '' };
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return { code: '', message: bodyText.slice(0, 500) };
}

/** What went wrong, in terms the mapping below needs. */
export interface FailedResponse {
  status: number;
  bodyText?: string;
  requestId?: string;
  attempts?: number;
  /** `METHOD url` of the request, for the message. */
  operation?: string;
  /** An earlier attempt may have run without its answer reaching the client. */
  answerLost?: boolean;
}

/**
 * Turn a non-2xx Dataverse answer into the matching error kind, with a hint saying what to do.
 * The mapping follows the status and code table in the Web API error docs:
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
 */
export function errorFromResponse(response: FailedResponse): DataverseError {
  const { status } = response;
  const service = readServiceError(response.bodyText);
  const code = service?.code ?? '';
  const serviceMessage = service?.message || `HTTP ${status}`;
  const where = response.operation ? ` (${response.operation})` : '';
  const details = {
    status,
    code,
    ...(response.requestId === undefined ? {} : { requestId: response.requestId }),
    retryable: isRetryableStatus(status),
    attempts: response.attempts ?? 1,
    ...(response.answerLost ? { answerLost: true } : {}),
  };
  if (status === 404 && (NOT_FOUND_CODES.has(code) || SEGMENT_NOT_FOUND_CODES.has(code) || code === '' || code === '0x0')) {
    return new NotFoundError(`${serviceMessage}${where}`, {
      ...details,
      hint: SEGMENT_NOT_FOUND_CODES.has(code)
        ? 'Check the entity set, action or function name (names are case-sensitive) and the API version.'
        : 'Check the record id and the entity set; the record may have been deleted.',
    });
  }
  if (status === 412 && CONCURRENCY_CODES.has(code)) {
    return new ConcurrencyError(`${serviceMessage}${where}`, {
      ...details,
      hint: 'The record changed since it was read: read it again (for a fresh ETag) and reapply the change.',
    });
  }
  if (DUPLICATE_CODES.has(code) || (status === 412 && code === '')) {
    return new DuplicateRecordError(`${serviceMessage}${where}`, {
      ...details,
      hint: 'A record with the same key already exists: update it instead, or use a different key.',
    });
  }
  if (status === 429) {
    return new ThrottledError(`Dataverse service protection kept throttling the request after ${details.attempts} attempt(s): ${serviceMessage}${where}`, {
      ...details,
      retryable: true,
      hint: 'Lower the concurrency or batch size, spread the work over more application users, or try again later.',
    });
  }
  if (status === 401) {
    return new AuthenticationError(`Dataverse rejected the credentials: ${serviceMessage}${where}`, {
      ...details,
      hint: 'Check the credential (DATAVERSE_TOKEN or the AZURE_* variables): the token may be expired or issued for another environment (scope <environment URL>/.default).',
    });
  }
  if (status === 403) {
    return new AccessDeniedError(`Access denied: ${serviceMessage}${where}`, {
      ...details,
      hint: 'Give the user (or application user) a security role with the privilege this operation needs.',
    });
  }
  return new DataverseError(`${serviceMessage}${where}`, {
    ...details,
    hint: isRetryableStatus(status)
      ? 'Dataverse is temporarily unavailable; try again later.'
      : 'Dataverse refused the request; see the message for the offending property or value.',
  });
}
