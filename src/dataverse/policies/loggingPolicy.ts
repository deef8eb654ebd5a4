import type { Clock } from '../clock.js';
import { isNetworkError } from '../errors.js';
import type { HeaderMap, PipelinePolicy } from '../pipeline.js';

/** Severity of a log line. */
export type LogLevel = 'verbose' | 'info' | 'warning' | 'error';

/** Receives the client's log lines. Lines never contain tokens, secrets or `Authorization`. */
export type DataverseLogger = (level: LogLevel, message: string) => void;

/** Headers whose values are never logged. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-ms-client-secret']);

/** Header values with secrets replaced by `REDACTED`. */
export function redactHeaders(headers: Readonly<HeaderMap>): string {
  return Object.keys(headers)
    .sort()
    .map((name) => `${name}: ${SECRET_HEADERS.has(name) ? 'REDACTED' : headers[name]}`)
    .join('; ');
}

/** A URL with its query values for secret-looking parameters replaced. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:access_token|token|code|client_secret|sig|signature)=)[^&]*/gi, '$1REDACTED');
}

/**
 * Logs each attempt: request line and (redacted) headers at verbose, status and duration at
 * verbose, throttling and server errors as warnings. Bodies are not logged (they hold user data).
 */
export function loggingPolicy(log: DataverseLogger, clock: Clock): PipelinePolicy {
  return {
    name: 'logging',
    async sendRequest(request, next) {
      const id = request.requestId ?? '-';
      const target = `${request.method} ${redactUrl(request.url)}`;
      log('verbose', `-> ${target} [${id}] attempt ${request.attempt}; ${redactHeaders(request.headers)}${request.body === undefined ? '' : `; body ${Buffer.byteLength(request.body)} bytes`}`);
      const started = clock.now();
      try {
        const response = await next(request);
        const elapsed = clock.now() - started;
        const summary = `<- ${response.status} ${target} [${id}] in ${elapsed} ms`;
        if (response.status === 429) log('warning', `${summary}: throttled, Retry-After ${response.headers['retry-after'] ?? '(none)'} s`);
        else if (response.status >= 500) log('warning', summary);
        else log('verbose', `${summary}; ${redactHeaders(response.headers)}`);
        return response;
      } catch (error) {
        if (isNetworkError(error)) log('warning', `<- no answer ${target} [${id}]: ${error.code} ${error.message}`);
        throw error;
      }
    },
  };
}
