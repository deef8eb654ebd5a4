import type { PipelinePolicy } from '../pipeline.js';

/**
 * The headers every Dataverse request carries: OData 4.0 versions, JSON accept, and the JSON
 * content type when there is a body (unless the request set its own, as `$batch` does).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors#http-headers
 */
export function headersPolicy(extraHeaders: Readonly<Record<string, string>> = {}): PipelinePolicy {
  return {
    name: 'headers',
    sendRequest(request, next) {
      const headers = request.headers;
      for (const [name, value] of Object.entries(extraHeaders)) {
        const key = name.toLowerCase();
        if (key === 'authorization') continue; // credentials only come from the auth policy
        headers[key] ??= value;
      }
      headers['odata-version'] ??= '4.0';
      headers['odata-maxversion'] ??= '4.0';
      headers['accept'] ??= 'application/json';
      if (request.body !== undefined) headers['content-type'] ??= 'application/json; charset=utf-8';
      return next(request);
    },
  };
}
