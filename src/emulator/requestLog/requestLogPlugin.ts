/**
 * The request-log plugin: the outermost `around`, so throttled, faulted and dropped requests are
 * recorded too. It computes the caller's user key once for the plugins inside it.
 */
import type { CoreRequest, CoreResponse, EmulatorPlugin } from '../core/types.js';
import { notesOf } from '../ops/requestNotes.js';
import { callerOf } from '../protection/caller.js';
import { redactPath } from './redact.js';
import type { RequestLog, RequestLogEntry } from './RequestLog.js';

const BATCH_PATH = /\/\$batch(?:\?|$)/;
// Each operation of a batch is one `application/http` part, inside or outside a change set.
const BATCH_PART = /^content-type:[ \t]*application\/http\b/gim;

/** Number of operations in a `$batch` body (the parts the core will dispatch). */
export function countBatchOperations(body: Buffer): number {
  return body.toString('latin1').match(BATCH_PART)?.length ?? 0;
}

/** A plugin that records every top-level request in `log`. */
export function requestLogPlugin(log: RequestLog): EmulatorPlugin {
  return {
    name: 'request-log',
    async around(request: CoreRequest, next: () => Promise<CoreResponse>): Promise<CoreResponse> {
      const notes = notesOf(request);
      notes.user = callerOf(request.headers.authorization);
      const entry: RequestLogEntry = log.begin({
        id: request.id,
        startedAt: request.receivedAt,
        finishedAt: request.receivedAt,
        method: request.method,
        path: redactPath(request.url),
        status: 0,
        user: notes.user,
      });
      if (request.method === 'POST' && BATCH_PATH.test(request.url)) entry.batchOperations = countBatchOperations(request.body);
      let response: CoreResponse | undefined;
      try {
        response = await next();
        return response;
      } finally {
        entry.finishedAt = Date.now();
        // A dropped connection got no answer at all; a throw becomes the core's 500.
        entry.status = response === undefined ? 500 : response.drop ? 0 : response.status;
        if (notes.throttled) entry.throttled = true;
        if (notes.fault) entry.fault = notes.fault;
        log.finish(entry);
      }
    },
  };
}
