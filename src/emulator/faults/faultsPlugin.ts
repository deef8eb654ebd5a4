/** The fault-injection plugin: carries out the {@link FaultInjector}'s decisions around each request. */
import { setTimeout as sleep } from 'node:timers/promises';
import { WebApiError } from '../core/errors.js';
import type { CoreRequest, CoreResponse, EmulatorPlugin } from '../core/types.js';
import { errorResponse } from '../core/http.js';
import { notesOf } from '../ops/requestNotes.js';
import type { FaultDecision, FaultInjector } from './FaultInjector.js';

const SERVICE_PREFIX = /^\/api\/data\/v9\.\d\//;

/** The path and query a rule's `match.path` is tested against: after `/api/data/v9.x/`. */
export function faultPathOf(url: string): string {
  return SERVICE_PREFIX.test(url) ? url.replace(SERVICE_PREFIX, '') : url.replace(/^\//, '');
}

/** The answer of a connection dropped before processing: nothing is written. */
function dropped(): CoreResponse {
  return { status: 0, headers: {}, body: '', drop: true };
}

/** Carries out a decision: wait, then go on, answer or drop. */
async function inject(request: CoreRequest, next: () => Promise<CoreResponse>, decision: FaultDecision): Promise<CoreResponse> {
  notesOf(request).fault = decision.label;
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  const action = decision.action;
  switch (action.kind) {
    case 'delay':
      return next();
    case 'respond': {
      const headers: Record<string, string> = action.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(action.retryAfterSeconds) };
      return errorResponse(new WebApiError(action.status, action.code, action.message, headers));
    }
    case 'drop':
      if (action.when === 'before') return dropped();
      // The request runs (and its writes commit); only the answer is lost.
      return { ...(await next()), drop: true };
  }
}

/**
 * A plugin that injects the faults `injector` decides on. Not an async function: a request no rule
 * picks (and every request when there are no rules) goes straight to `next`, with no promise or
 * path computed on its behalf.
 */
export function faultsPlugin(injector: FaultInjector): EmulatorPlugin {
  return {
    name: 'faults',
    around(request: CoreRequest, next: () => Promise<CoreResponse>): Promise<CoreResponse> {
      if (!injector.active) return next();
      const decision = injector.decide(request.method, faultPathOf(request.url));
      return decision === undefined ? next() : inject(request, next, decision);
    },
  };
}
