/**
 * The HTTP pipeline: a request passes through small named policies (request id, user agent,
 * headers, retry, concurrency, auth, logging) and ends at the transport. A policy is
 * `{ name, sendRequest(request, next) }`, the shape of Azure core's pipeline.
 */

/** Header names are lower-case; the object has no prototype, so header names from responses cannot pollute it. */
export type HeaderMap = Record<string, string>;

/** An empty header map without a prototype. */
export function createHeaders(init?: Readonly<Record<string, string | undefined>>): HeaderMap {
  const headers = Object.create(null) as HeaderMap;
  if (init) for (const [name, value] of Object.entries(init)) if (value !== undefined) headers[name.toLowerCase()] = value;
  return headers;
}

/** One logical request; the retry policy may send it several times. */
export interface PipelineRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Absolute URL. Followed as given (a nextLink is never re-encoded). */
  url: string;
  headers: HeaderMap;
  body?: string;
  /**
   * Whether sending it twice has the same effect as once. Retries after a lost answer (dropped
   * connection, timeout, 502/503/504) only happen for idempotent requests; 429 is always retried
   * because Dataverse did not run a throttled request.
   */
  idempotent: boolean;
  abortSignal?: AbortSignal;
  /** Per-attempt timeout in milliseconds. */
  timeoutInMs: number;
  /** Set by the request id policy; sent as `x-ms-client-request-id`. */
  requestId?: string;
  /** 1 for the first attempt; set by the retry policy. */
  attempt: number;
  /**
   * Set by the retry policy when an attempt may have reached the server and run without its
   * answer reaching us (a dropped connection or timeout after sending, a 502/504 from a gateway).
   */
  answerLost?: boolean;
}

/** The answer to one request (of the last attempt). */
export interface PipelineResponse {
  status: number;
  headers: HeaderMap;
  bodyText: string;
  request: PipelineRequest;
  /** How many attempts the retry policy made (1 = no retry). */
  attempts: number;
}

/** Sends a request to the next policy (or the transport). */
export type SendRequest = (request: PipelineRequest) => Promise<PipelineResponse>;

/** One step of the pipeline. */
export interface PipelinePolicy {
  readonly name: string;
  sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse>;
}

/** Compose policies (outermost first) in front of the transport. */
export function composePipeline(policies: readonly PipelinePolicy[], transport: SendRequest): SendRequest {
  return policies.reduceRight<SendRequest>((next, policy) => (request) => policy.sendRequest(request, next), transport);
}
