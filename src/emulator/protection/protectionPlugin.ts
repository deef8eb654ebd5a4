/**
 * The service-protection plugin: admits or refuses each top-level Web API request (a `$batch` is
 * one request, as in Dataverse) and adds the rate-limit headers to every answer.
 * https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
 */
import { throttledConcurrency, throttledExecutionTime, throttledRequests, type WebApiError } from '../core/errors.js';
import type { CoreRequest, CoreResponse, EmulatorPlugin } from '../core/types.js';
import { errorResponse } from '../core/http.js';
import { notesOf } from '../ops/requestNotes.js';
import { callerOf } from './caller.js';
import type { Throttle } from './ServiceProtection.js';
import type { ServiceProtection } from './ServiceProtection.js';

const WEB_API = '/api/data/';

function throttleError(throttle: Throttle, protection: ServiceProtection): WebApiError {
  const limits = protection.limits;
  const windowSeconds = Math.round(limits.windowMs / 1000);
  switch (throttle.reason) {
    case 'requestCount':
      return throttledRequests(limits.maxRequests, windowSeconds, throttle.retryAfterSeconds);
    case 'executionTime':
      return throttledExecutionTime(limits.maxExecutionMs, windowSeconds, throttle.retryAfterSeconds);
    case 'concurrency':
      return throttledConcurrency(limits.maxConcurrent, throttle.retryAfterSeconds);
  }
}

/**
 * A plugin that enforces `protection`'s limits on Web API requests (CORS preflights and other routes
 * are free). The rate-limit headers go on the request's `responseHeaders`, which the core writes on
 * whatever answers it (the handler's, an injected fault's, or this plugin's 429), so no answer is
 * copied to add them.
 */
export function protectionPlugin(protection: ServiceProtection): EmulatorPlugin {
  return {
    name: 'service-protection',
    async around(request: CoreRequest, next: () => Promise<CoreResponse>): Promise<CoreResponse> {
      if (request.method === 'OPTIONS' || !request.url.startsWith(WEB_API)) return next();
      const notes = notesOf(request);
      const user = notes.user ?? callerOf(request.headers.authorization);
      const admission = protection.admit(user);
      const added = request.responseHeaders;
      request.responseHeaders = added === undefined ? admission.headers : { ...added, ...admission.headers };
      if (!admission.admitted) {
        notes.throttled = true;
        return errorResponse(throttleError(admission.throttle, protection));
      }
      try {
        return await next();
      } finally {
        admission.release();
      }
    },
  };
}
