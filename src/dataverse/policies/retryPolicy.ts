import type { Clock } from '../clock.js';
import { isNetworkError, NetworkError } from '../errors.js';
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '../pipeline.js';
import { backoffDelay, parseRetryAfter, type ResolvedRetryOptions } from './retryStrategy.js';

/** Why a retry happens, for logs and tests. */
export interface RetryInfo {
  requestId: string | undefined;
  method: string;
  url: string;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  /** HTTP status, or 0 for a network failure. */
  status: number;
  /** `Retry-After` in milliseconds when the service sent one. */
  retryAfterInMs: number | undefined;
  /** How long the client waits before the next attempt. */
  delayInMs: number;
  /** Network error code (`ECONNRESET`, `ETIMEDOUT`…) for failures without an answer. */
  errorCode?: string;
}

/** Dependencies of {@link retryPolicy}. */
export interface RetryPolicyOptions {
  retry: ResolvedRetryOptions;
  clock: Clock;
  /** Source of jitter. @default Math.random */
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
}

/** Network failures where the request never reached the server: safe to retry any request. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Retries throttled (429), unavailable (502/503/504) and unanswered requests, waiting
 * `Retry-After` when given, else exponential backoff with jitter; bounded by attempts and total
 * time. Only idempotent requests are resent after a lost answer, because the server may have
 * run them.
 */
export function retryPolicy(options: RetryPolicyOptions): PipelinePolicy {
  const { retry, clock } = options;
  const random = options.random ?? Math.random;
  return {
    name: 'retry',
    async sendRequest(request, next) {
      const startedAt = clock.now();
      for (let attempt = 1; ; attempt++) {
        request.attempt = attempt;
        let response: PipelineResponse | undefined;
        let failure: unknown;
        try {
          response = await next(request);
          response.attempts = attempt;
        } catch (error) {
          if (!isNetworkError(error)) throw error;
          failure = error;
        }
        if (mayHaveRun(response, failure)) request.answerLost = true;
        const decision = decide(request, response, failure);
        const now = clock.now();
        const retryAfterInMs = response ? parseRetryAfter(response.headers['retry-after'], now) : undefined;
        const canRetry =
          decision &&
          attempt < retry.maxAttempts &&
          !request.abortSignal?.aborted;
        const delayInMs = canRetry ? (retryAfterInMs ?? backoffDelay(attempt, retry, random())) : 0;
        if (!canRetry || now + delayInMs - startedAt > retry.maxRetryDurationInMs) {
          if (response) return response;
          throw withAttempts(failure as NetworkError, attempt, request.answerLost ?? false);
        }
        options.onRetry?.({
          requestId: request.requestId,
          method: request.method,
          url: request.url,
          attempt,
          status: response?.status ?? 0,
          retryAfterInMs,
          delayInMs,
          ...(failure ? { errorCode: (failure as NetworkError).code } : {}),
        });
        await clock.sleep(delayInMs, request.abortSignal);
      }
    },
  };
}

function decide(request: PipelineRequest, response: PipelineResponse | undefined, failure: unknown): boolean {
  if (response) {
    // Dataverse runs no part of a throttled request, so even non-idempotent ones are safe to resend.
    if (response.status === 429) return true;
    if (response.status === 502 || response.status === 503 || response.status === 504) return request.idempotent;
    return false;
  }
  const code = (failure as NetworkError).code;
  return request.idempotent || NOT_SENT_CODES.has(code);
}

/** Whether this attempt may have run on the server although we got no usable answer. */
function mayHaveRun(response: PipelineResponse | undefined, failure: unknown): boolean {
  if (response) return response.status === 502 || response.status === 504;
  return !NOT_SENT_CODES.has((failure as NetworkError).code);
}

function withAttempts(error: NetworkError, attempts: number, answerLost: boolean): NetworkError {
  if (attempts === 1 && error.answerLost === answerLost) return error;
  return new NetworkError(attempts === 1 ? error.message : `${error.message} (gave up after ${attempts} attempts)`, {
    status: 0,
    code: error.code,
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    retryable: true,
    attempts,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    cause: error.cause,
    answerLost,
  });
}
