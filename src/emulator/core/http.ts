/**
 * Response helpers shared by the handlers: JSON with Dataverse's content type and OData headers,
 * error bodies, and the CORS headers browsers need to read DWA's responses.
 */
import { STATUS_CODES } from 'node:http';
import { WebApiError, JSON_CONTENT_TYPE } from './errors.js';
import type { CoreResponse } from './types.js';

/** Headers every API response carries. */
export const ODATA_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'OData-Version': '4.0' });

/** A JSON response (`application/json; odata.metadata=minimal`). */
export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>): CoreResponse {
  // A literal rather than spreads: every answer builds one, and each gets its own (mutable) object.
  const out: Record<string, string> = { 'Content-Type': JSON_CONTENT_TYPE, 'OData-Version': '4.0' };
  if (headers !== undefined) for (const name in headers) out[name] = headers[name]!;
  return { status, headers: out, body: JSON.stringify(body) };
}

/** A 204 response. */
export function noContent(headers?: Record<string, string>): CoreResponse {
  const out: Record<string, string> = { 'OData-Version': '4.0' };
  if (headers !== undefined) for (const name in headers) out[name] = headers[name]!;
  return { status: 204, headers: out, body: '' };
}

/** A text/plain response (`/$count`). */
export function textResponse(status: number, text: string): CoreResponse {
  return { status, headers: { 'Content-Type': 'text/plain', ...ODATA_HEADERS }, body: text };
}

/** The Dataverse error body for an error. */
export function errorResponse(error: WebApiError): CoreResponse {
  return jsonResponse(error.status, error.toBody(), error.headers);
}

/** `HTTP/1.1 <code> <Reason>` reason phrases (DWA's batch parser needs them). */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown';
}

/** CORS: any origin, the request headers DWA sends, and the response headers it reads. */
export const CORS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers':
    'OData-EntityId, OData-Version, Location, ETag, Preference-Applied, Retry-After, x-ms-ratelimit-burst-remaining-xrm-requests, x-ms-ratelimit-time-remaining-xrm-requests, x-ms-dop-hint, x-ms-service-request-id',
});

/** Preflight answer. */
export function preflight(requestedHeaders: string | undefined): CoreResponse {
  return {
    status: 204,
    headers: {
      ...CORS_HEADERS,
      'Access-Control-Allow-Methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS',
      'Access-Control-Allow-Headers':
        requestedHeaders ??
        'Accept, Authorization, Content-Type, OData-Version, OData-MaxVersion, Prefer, If-Match, If-None-Match, MSCRMCallerID, CallerObjectId, MSCRM.SuppressDuplicateDetection, MSCRM.BypassCustomPluginExecution, MSCRM.MergeLabels, MSCRM.SolutionUniqueName, Cache-Control, Consistency, Content-ID',
      'Access-Control-Max-Age': '86400',
    },
    body: '',
  };
}
