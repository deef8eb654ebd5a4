/**
 * The `odata.metadata` parameter of `Accept` (`application/json;odata.metadata=none|minimal|full`):
 * `minimal` is the default answer; `none` leaves out the control information (`@odata.context`,
 * `@odata.etag`) except paging and count; `full` adds `@odata.type`, `@odata.id` and
 * `@odata.editLink` to every entity of the answer. Other values answer 406.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors#http-headers
 * https://docs.oasis-open.org/odata/odata-json-format/v4.01/odata-json-format-v4.01.html#sec_ControllingtheAmountofControlInforma
 */
import { WebApiError } from '../errors.js';
import type { ResolvedRegistry } from '../entities/registry.js';
import type { CoreResponse } from '../types.js';

export type MetadataLevel = 'none' | 'minimal' | 'full';

/** The level an `Accept` header asks for; 406 for an unknown one. */
export function metadataLevel(accept: string | undefined): MetadataLevel {
  if (!accept) return 'minimal';
  const match = /odata\.metadata\s*=\s*([A-Za-z]*)/i.exec(accept);
  if (!match) return 'minimal';
  const level = match[1]!.toLowerCase();
  if (level === 'none' || level === 'minimal' || level === 'full') return level;
  throw new WebApiError(406, '0x80060888', `The odata.metadata value '${match[1]!.slice(0, 20)}' in the Accept header is not valid; use none, minimal or full.`);
}

const KEEP_WITH_NONE = new Set(['@odata.nextLink', '@odata.count', '@odata.deltaLink']);

function stripControl(value: unknown, top: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => stripControl(item, false));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('@odata.') && !(top && KEEP_WITH_NONE.has(key))) continue;
    out[key] = stripControl(item, false);
  }
  return out;
}

/** Rewrites a JSON answer for the requested level (no change for minimal or non-JSON answers). */
export function applyMetadataLevel(level: MetadataLevel, response: CoreResponse, root: string, registry: ResolvedRegistry): CoreResponse {
  if (level === 'minimal') return response;
  const contentType = response.headers['Content-Type'] ?? response.headers['content-type'];
  if (!contentType?.startsWith('application/json') || response.status >= 300 || typeof response.body !== 'string' || response.body === '') return response;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return response;
  }
  if (typeof body !== 'object' || body === null) return response;
  let rewritten: unknown;
  if (level === 'none') rewritten = stripControl(body, true);
  else {
    const context = (body as Record<string, unknown>)['@odata.context'];
    const set = typeof context === 'string' ? /\$metadata#([A-Za-z0-9_]+)/.exec(context)?.[1] : undefined;
    const table = set === undefined ? undefined : registry.bySet(set);
    const annotate = (entity: unknown): unknown => {
      if (!table || typeof entity !== 'object' || entity === null || Array.isArray(entity)) return entity;
      const values = entity as Record<string, unknown>;
      const id = values[table.primaryId];
      if (typeof id !== 'string') return entity;
      const out: Record<string, unknown> = {};
      if ('@odata.context' in values) out['@odata.context'] = values['@odata.context'];
      out['@odata.type'] = `#Microsoft.Dynamics.CRM.${table.logicalName}`;
      out['@odata.id'] = `${root}${table.entitySet}(${id})`;
      if ('@odata.etag' in values) out['@odata.etag'] = values['@odata.etag'];
      out['@odata.editLink'] = `${table.entitySet}(${id})`;
      for (const [key, item] of Object.entries(values)) if (!(key in out)) out[key] = item;
      return out;
    };
    const top = body as Record<string, unknown>;
    rewritten = Array.isArray(top.value) && typeof context === 'string' && !context.includes('/$entity') ? { ...top, value: top.value.map(annotate) } : annotate(top);
  }
  return { ...response, headers: { ...response.headers, 'Content-Type': `application/json; odata.metadata=${level}` }, body: JSON.stringify(rewritten) };
}
