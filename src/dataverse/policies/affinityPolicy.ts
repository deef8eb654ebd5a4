import type { PipelinePolicy } from '../pipeline.js';

/**
 * Keeps the `ARRAffinity` cookie so that requests stick to one web server. Off by default:
 * service-protection limits are per web server, and spreading requests over servers raises
 * throughput. https://learn.microsoft.com/power-apps/developer/data-platform/send-parallel-requests#optimize-your-connection
 */
export function affinityPolicy(): PipelinePolicy {
  let cookie: string | undefined;
  return {
    name: 'affinity',
    async sendRequest(request, next) {
      if (cookie) request.headers['cookie'] = cookie;
      const response = await next(request);
      const setCookie = response.headers['set-cookie'];
      const match = setCookie?.match(/(ARRAffinity(?:SameSite)?=[^;,\s]+)/);
      if (match) cookie = match[1];
      return response;
    },
  };
}
