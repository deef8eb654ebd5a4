/**
 * Dataverse-shaped errors: one factory per real error, answered as
 * `{"error":{"code":"0x…","message":"…"}}` with `Content-Type: application/json; odata.metadata=minimal`.
 * Codes and statuses: https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
 * and https://learn.microsoft.com/power-apps/developer/data-platform/reference/web-service-error-codes
 */

/** An error the emulator answers with a Dataverse status, code and message. */
export class WebApiError extends Error {
  override name = 'WebApiError';
  readonly status: number;
  readonly code: string;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  /** The JSON body Dataverse sends. */
  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export function isWebApiError(error: unknown): error is WebApiError {
  return error instanceof Error && error.name === 'WebApiError' && 'status' in error && 'code' in error;
}

/** 404 `0x80040217`: no row with this id. */
export function recordNotFound(logicalName: string, id: string): WebApiError {
  return new WebApiError(404, '0x80040217', `${logicalName} With Id = ${id} Does Not Exist`);
}

/** 404 `0x80060891`: no row with these alternate key values. */
export function recordNotFoundByKey(logicalName: string): WebApiError {
  return new WebApiError(404, '0x80060891', `A record with the specified key values does not exist in ${logicalName} entity`);
}

/** 404 `0x80060888`: unknown entity set, operation or path segment (names are case-sensitive). */
export function segmentNotFound(segment: string): WebApiError {
  return new WebApiError(404, '0x80060888', `Resource not found for the segment '${segment}'.`);
}

/** 404 code `""`: an operation called with the wrong HTTP method. */
export function noHttpResource(url: string): WebApiError {
  return new WebApiError(404, '', `No HTTP resource was found that matches the request URI '${url}'.`);
}

/** 400 `0x0`: unknown property in `$select`, `$filter`, `$orderby` or a body. */
export function unknownProperty(name: string, logicalName: string): WebApiError {
  return new WebApiError(400, '0x0', `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${logicalName}'.`);
}

/** 400 `0x0`: a malformed query option, URL or body (OData parser errors use code 0x0). */
export function badRequest(message: string): WebApiError {
  return new WebApiError(400, '0x0', message);
}

/** 400 `0x80060888`: a query option Dataverse does not support (`$skip`, `$search`, `$format`…). */
export function unsupportedQueryOption(option: string): WebApiError {
  return new WebApiError(
    400,
    '0x80060888',
    `The query parameter ${option} is not supported. Remove it, or start the emulator with --loose to ignore unsupported query options.`,
  );
}

/** 400 `0x80044331`: attribute validation (length, range, required, option value). */
export function validation(detail: string): WebApiError {
  return new WebApiError(400, '0x80044331', `A validation error occurred.  ${detail}`);
}

/** 400 `0x80040203`: invalid argument (wrong type of a value). */
export function invalidArgument(message: string): WebApiError {
  return new WebApiError(400, '0x80040203', message);
}

/** 412 `0x80060882`: `If-Match` ETag does not match the row's version. */
export function concurrencyMismatch(): WebApiError {
  return new WebApiError(412, '0x80060882', "The version of the existing record doesn't match the RowVersion property provided.");
}

/** 412 `0x80040237`: the row exists (POST with an existing id, upsert with `If-None-Match: *`). */
export function duplicateRecord(): WebApiError {
  return new WebApiError(412, '0x80040237', 'A record with matching key values already exists.');
}

/** 405 `0x80040315`: the resource does not support this method. */
export function notSupported(message = 'This action is not supported.'): WebApiError {
  return new WebApiError(405, '0x80040315', message);
}

/** 413 `0x8004418a`: the body exceeds the limit. */
export function requestTooLarge(): WebApiError {
  return new WebApiError(413, '0x8004418a', 'Request message length is too large.');
}

/** 501 `0x80040315`: a route Dataverse has but the emulator does not implement. */
export function notImplemented(what: string): WebApiError {
  return new WebApiError(501, '0x80040315', `The emulator does not implement ${what}.`);
}

/** 500 `0x80040216`: an unexpected failure inside the emulator (a bug; the fuzz test looks for these). */
export function internal(): WebApiError {
  return new WebApiError(500, '0x80040216', 'An unexpected error occurred.');
}

/** 415: a body that is not JSON where JSON is required. */
export function unsupportedMediaType(contentType: string): WebApiError {
  return new WebApiError(415, '0x80040203', `The content type '${contentType}' is not supported; send application/json.`);
}

/** 429 `0x80072322`: too many requests in the window. */
export function throttledRequests(maxRequests: number, windowSeconds: number, retryAfterSeconds: number): WebApiError {
  return new WebApiError(
    429,
    '0x80072322',
    `Number of requests exceeded the limit of ${maxRequests} over time window of ${windowSeconds} seconds.`,
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

/** 429 `0x80072321`: combined execution time exceeded. */
export function throttledExecutionTime(maxExecutionMs: number, windowSeconds: number, retryAfterSeconds: number): WebApiError {
  return new WebApiError(
    429,
    '0x80072321',
    `Combined execution time of incoming requests exceeded limit of ${maxExecutionMs.toLocaleString('en-US')}  milliseconds over time window of ${windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

/** 429 `0x80072326`: too many concurrent requests. */
export function throttledConcurrency(maxConcurrent: number, retryAfterSeconds: number): WebApiError {
  return new WebApiError(429, '0x80072326', `Number of concurrent requests exceeded the limit of ${maxConcurrent}.`, {
    'Retry-After': String(retryAfterSeconds),
  });
}

/** 400: a `$batch` reference to a Content-ID not declared before it in the change set. */
export function contentIdNotFound(reference: string): WebApiError {
  return new WebApiError(400, '0x0', `Content-ID Reference: '${reference}' does not exist in the batch context.`);
}

export const JSON_CONTENT_TYPE = 'application/json; odata.metadata=minimal';
