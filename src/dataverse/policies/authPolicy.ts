import type { TokenProvider } from '../auth.js';
import type { PipelinePolicy } from '../pipeline.js';

/**
 * Adds `Authorization: Bearer <token>` from the token provider (which caches and refreshes).
 * A 401 drops the cached token and tries once more with a fresh one, for tokens revoked or
 * expired earlier than announced.
 */
export function authPolicy(tokens: TokenProvider): PipelinePolicy {
  return {
    name: 'auth',
    async sendRequest(request, next) {
      request.headers['authorization'] = `Bearer ${await tokens.getToken(request.abortSignal)}`;
      const response = await next(request);
      if (response.status !== 401 || !tokens.canRefresh) return response;
      tokens.invalidate();
      request.headers['authorization'] = `Bearer ${await tokens.getToken(request.abortSignal)}`;
      return next(request);
    },
  };
}
