import { randomUUID } from 'node:crypto';
import type { PipelinePolicy } from '../pipeline.js';

/**
 * Gives each logical request an id, sent as `x-ms-client-request-id` on every attempt so that the
 * retries of one operation can be correlated in logs.
 */
export function requestIdPolicy(): PipelinePolicy {
  return {
    name: 'requestId',
    sendRequest(request, next) {
      const requestId = request.requestId ?? randomUUID();
      request.requestId = requestId;
      request.headers['x-ms-client-request-id'] = requestId;
      return next(request);
    },
  };
}
