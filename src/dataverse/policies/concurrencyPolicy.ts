import type { AdaptiveConcurrencyLimiter } from '../limiter.js';
import type { Clock } from '../clock.js';
import { readServiceError } from '../errors.js';
import type { PipelinePolicy } from '../pipeline.js';
import { parseRetryAfter } from './retryStrategy.js';

/**
 * Holds a limiter slot for each attempt (not across retry waits), feeds the limiter the
 * server's `x-ms-dop-hint` and tells it about throttling and success.
 */
export function concurrencyPolicy(limiter: AdaptiveConcurrencyLimiter, clock: Clock): PipelinePolicy {
  return {
    name: 'concurrency',
    async sendRequest(request, next) {
      const permit = await limiter.acquire(request.abortSignal);
      try {
        const response = await next(request);
        const hint = response.headers['x-ms-dop-hint'];
        if (hint !== undefined) limiter.observeDopHint(Number(hint));
        if (response.status === 429) {
          limiter.onThrottled(permit, parseRetryAfter(response.headers['retry-after'], clock.now()), readServiceError(response.bodyText)?.code);
        }
        else if (response.status < 500) limiter.onSuccess();
        return response;
      } finally {
        permit.release();
      }
    },
  };
}
