import { createRequire } from 'node:module';
import type { PipelinePolicy } from '../pipeline.js';

function packageVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)('../../../package.json') as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `journeyctl/<version> node/<version>`, after an optional caller prefix. */
export function defaultUserAgent(prefix?: string): string {
  const base = `journeyctl/${packageVersion()} node/${process.versions.node}`;
  return prefix ? `${prefix} ${base}` : base;
}

/** Sets `User-Agent`, so requests are attributable in Dataverse telemetry. */
export function userAgentPolicy(userAgent: string): PipelinePolicy {
  return {
    name: 'userAgent',
    sendRequest(request, next) {
      request.headers['user-agent'] = userAgent;
      return next(request);
    },
  };
}
