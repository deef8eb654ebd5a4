/**
 * `$batch` (OData 4.0 multipart/mixed): parsing tolerant of what clients send (CRLF or LF, a
 * preamble, unquoted boundaries, absolute/relative/`$n` URLs), atomic change sets in one SQLite
 * transaction, Content-ID references, continue-on-error, and the response framing DWA parses.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
 */
import { randomUUID } from 'node:crypto';
import { badRequest, isWebApiError, internal, notImplemented } from './errors.js';
import type { Engine, RequestScope } from './engine.js';
import { errorResponse, reasonPhrase } from './http.js';
import type { EmulatorStore } from './store.js';
import type { CoreRequest, CoreResponse } from './types.js';
import { parseReference, type EntityReference } from './values.js';
import type { Writer } from './writes.js';

/** Most operations one batch may hold. https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api#batch-requests */
export const MAX_BATCH_OPERATIONS = 1000;

/** One MIME part: headers (lower-case names) and content. */
export interface MimePart {
  headers: Map<string, string>;
  content: string;
}

/** A request inside the batch. */
export interface BatchOperation {
  contentId?: string;
  method: string;
  url: string;
  headers: Map<string, string>;
  body: string;
}

/** A top-level batch item: one request, or a change set of requests. */
export type BatchItem = { kind: 'request'; operation: BatchOperation } | { kind: 'changeset'; operations: BatchOperation[] };

/** The boundary parameter of a multipart Content-Type (quoted or not). */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/mixed\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary && boundary.length <= 200 ? boundary : undefined;
}

/** Splits a multipart body into parts; line endings are normalized to LF. */
export function parseMultipart(text: string, boundary: string): MimePart[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const delimiter = `--${boundary}`;
  const parts: MimePart[] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current) parts.push(toPart(current));
      if (trimmed.endsWith('--') && trimmed !== delimiter) {
        closed = true;
        current = undefined;
        break;
      }
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (!closed) throw badRequest(`The multipart body does not end with the closing delimiter '--${boundary}--'.`);
  return parts;
}

/**
 * Reads a header block starting at `lines[start]` up to the first empty line; names are
 * lower-cased. Returns the headers and the index of the first line after the block.
 */
function readHeaderBlock(lines: readonly string[], start: number, what: string): { headers: Map<string, string>; next: number } {
  const headers = new Map<string, string>();
  let index = start;
  for (; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') {
      index++;
      break;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw badRequest(`The batch ${what} header '${line.slice(0, 100)}' is not valid.`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, next: index };
}

function toPart(lines: string[]): MimePart {
  const { headers, next: index } = readHeaderBlock(lines, 0, 'part');
  // The line break before a delimiter belongs to the delimiter (RFC 2046), so drop the last empty line.
  const content = lines.slice(index);
  if (content.length > 0 && content[content.length - 1] === '') content.pop();
  return { headers, content: content.join('\n') };
}

/** Parses an `application/http` part: request line, headers, body. */
function parseHttpPart(part: MimePart): BatchOperation {
  const contentType = part.headers.get('content-type') ?? '';
  if (!/^application\/http\b/i.test(contentType)) throw badRequest(`A batch part must have Content-Type application/http; found '${contentType.slice(0, 100)}'.`);
  const lines = part.content.split('\n');
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  const requestLine = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/1\.[01])?\s*$/.exec(lines[0] ?? '');
  if (!requestLine) throw badRequest(`The batch part request line '${(lines[0] ?? '').slice(0, 200)}' is not valid; expected 'METHOD URL HTTP/1.1'.`);
  const { headers, next: index } = readHeaderBlock(lines, 1, 'request');
  const contentId = part.headers.get('content-id') ?? headers.get('content-id');
  return {
    ...(contentId === undefined ? {} : { contentId }),
    method: requestLine[1]!,
    url: requestLine[2]!,
    headers,
    body: lines.slice(index).join('\n').trim(),
  };
}

/** Parses a whole batch body into items. */
export function parseBatch(body: string, boundary: string): BatchItem[] {
  const items: BatchItem[] = [];
  let count = 0;
  for (const part of parseMultipart(body, boundary)) {
    const changesetBoundary = boundaryOf(part.headers.get('content-type'));
    if (changesetBoundary) {
      const operations: BatchOperation[] = [];
      for (const inner of parseMultipart(part.content, changesetBoundary)) {
        if (boundaryOf(inner.headers.get('content-type'))) throw badRequest('Change sets cannot be nested.');
        operations.push(parseHttpPart(inner));
      }
      count += operations.length;
      items.push({ kind: 'changeset', operations });
    } else {
      count++;
      items.push({ kind: 'request', operation: parseHttpPart(part) });
    }
    if (count > MAX_BATCH_OPERATIONS) throw badRequest(`The batch contains more than ${MAX_BATCH_OPERATIONS} operations; split it into several batches.`);
  }
  return items;
}

/** What the batch handler needs from the core. */
export interface BatchDependencies {
  engine: Engine;
  store: EmulatorStore;
  writer: Writer;
  dispatchPart(request: CoreRequest): Promise<CoreResponse>;
  log(line: string): void;
}

interface PartResult {
  contentId?: string;
  response: CoreResponse;
}

type ItemResult = { kind: 'request'; part: PartResult } | { kind: 'changeset'; parts: PartResult[] } | { kind: 'failed-changeset'; part: PartResult };

/** Turns the URL of a batch part into a server path, resolving `$n` references. */
function partUrl(url: string, root: URL, contentIds: Map<string, string>): string {
  if (url.startsWith('$')) {
    const match = /^\$([^/?]+)(.*)$/.exec(url)!;
    const target = contentIds.get(match[1]!);
    if (target === undefined) throw badRequest(`Content-ID Reference: '$${match[1]}' does not exist in the batch context.`);
    return `${target}${match[2]}`;
  }
  if (/^https?:\/\//i.test(url)) {
    try {
      const parsed = new URL(url);
      return `${parsed.pathname}${parsed.search}`;
    } catch {
      throw badRequest(`The batch request URL '${url.slice(0, 200)}' is not valid.`);
    }
  }
  if (url.startsWith('/')) return url;
  return `${root.pathname}${url}`;
}

function serializeResponse(response: CoreResponse, contentId: string | undefined): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) lines.push(`Content-ID: ${contentId}`);
  lines.push('', `HTTP/1.1 ${response.status} ${reasonPhrase(response.status)}`);
  const headers = { ...response.headers };
  if (headers['OData-EntityId'] !== undefined) headers.Location = headers['OData-EntityId'];
  if (response.status >= 400) headers.REQ_ID = randomUUID();
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const body = typeof response.body === 'string' ? response.body : response.body.toString('utf8');
  lines.push('', body);
  return lines.join('\r\n');
}

/** `POST $batch`. */
export async function handleBatch(scope: RequestScope, dependencies: BatchDependencies): Promise<CoreResponse> {
  const boundary = boundaryOf(scope.request.headers['content-type']);
  if (!boundary) throw badRequest("A $batch request needs 'Content-Type: multipart/mixed; boundary=...'.");
  const items = parseBatch(scope.request.body.toString('utf8'), boundary);
  const root = new URL(scope.root);
  const continueOnError = scope.prefer.continueOnError;
  const results: ItemResult[] = [];
  let failed = false;

  const partRequest = (operation: BatchOperation, contentIds: Map<string, string>): CoreRequest => {
    const headers: Record<string, string> = Object.create(null) as Record<string, string>;
    if (scope.request.headers.host !== undefined) headers.host = scope.request.headers.host;
    for (const [name, value] of operation.headers) headers[name] = value;
    // The outer Prefer (continue-on-error) is the batch's; part preferences come from the part.
    return {
      id: `${scope.request.id}/${results.length}`,
      method: operation.method,
      url: partUrl(operation.url, root, contentIds),
      headers,
      body: Buffer.from(operation.body, 'utf8'),
      user: scope.request.user,
      receivedAt: Date.now(),
      inBatch: true,
    };
  };

  for (const item of items) {
    if (item.kind === 'request') {
      let response: CoreResponse;
      try {
        response = await dependencies.dispatchPart(partRequest(item.operation, new Map()));
      } catch (error) {
        // Only partUrl throws here (a `$n` outside a change set); dispatch answers everything else.
        if (!isWebApiError(error)) throw error;
        response = errorResponse(error);
      }
      const part = { ...(item.operation.contentId === undefined ? {} : { contentId: item.operation.contentId }), response };
      results.push({ kind: 'request', part });
      if (response.status >= 400) failed = true;
    } else {
      const outcome = runChangeset(item.operations, scope, dependencies, partRequest);
      if (outcome.kind === 'changeset') await dependencies.writer.flush(outcome.session);
      results.push(outcome.result);
      if (outcome.kind === 'failed') failed = true;
    }
    if (failed && !continueOnError) break;
  }

  const batchBoundary = `batchresponse_${randomUUID()}`;
  const shown = failed && !continueOnError ? results.slice(-1) : results;
  const chunks: string[] = [];
  for (const result of shown) {
    if (result.kind === 'changeset') {
      const changesetBoundary = `changesetresponse_${randomUUID()}`;
      chunks.push(`--${batchBoundary}\r\nContent-Type: multipart/mixed; boundary=${changesetBoundary}\r\n\r\n`);
      for (const part of result.parts) chunks.push(`--${changesetBoundary}\r\n${serializeResponse(part.response, part.contentId)}\r\n`);
      chunks.push(`--${changesetBoundary}--\r\n`);
    } else {
      chunks.push(`--${batchBoundary}\r\n${serializeResponse(result.part.response, result.part.contentId)}\r\n`);
    }
  }
  chunks.push(`--${batchBoundary}--\r\n`);
  return {
    status: failed && !continueOnError ? 400 : 200,
    headers: { 'Content-Type': `multipart/mixed; boundary=${batchBoundary}`, 'OData-Version': '4.0' },
    // The body starts directly with the delimiter: a leading CRLF crashes DWA 2.5.0's parser.
    body: chunks.join(''),
  };
}

type ChangesetOutcome =
  | { kind: 'changeset'; result: ItemResult; session: ReturnType<Writer['session']> }
  | { kind: 'failed'; result: ItemResult };

/** Runs a change set in one transaction; any failure rolls it back and becomes its only part. */
function runChangeset(
  operations: BatchOperation[],
  scope: RequestScope,
  dependencies: BatchDependencies,
  partRequest: (operation: BatchOperation, contentIds: Map<string, string>) => CoreRequest,
): ChangesetOutcome {
  const session = dependencies.writer.session(scope.request.user);
  const contentIds = new Map<string, string>();
  const references = new Map<string, EntityReference>();
  const resolveContentId = (reference: string) => references.get(reference.slice(1));
  const parts: PartResult[] = [];
  let current: BatchOperation | undefined;
  try {
    dependencies.store.transaction(() => {
      for (const operation of operations) {
        current = operation;
        if (operation.method === 'GET') throw badRequest('GET requests are not allowed inside a change set; put them outside it.');
        const request = partRequest(operation, contentIds);
        const partScope = dependencies.engine.scope(request, session, `${new URL(scope.root).origin}`, resolveContentId);
        if (!partScope) throw badRequest(`The batch request URL '${operation.url.slice(0, 200)}' is not under the service root.`);
        if (partScope.path === '$batch') throw badRequest('Batches cannot be nested.');
        const response = dependencies.engine.handle(partScope);
        if (response instanceof Promise) {
          void response.catch(() => undefined);
          throw notImplemented('asynchronous operations inside a change set');
        }
        const entityUrl = response.headers['OData-EntityId'];
        if (operation.contentId !== undefined && entityUrl !== undefined) {
          const reference = parseReference(entityUrl);
          const path = new URL(entityUrl).pathname;
          contentIds.set(operation.contentId, path);
          if (reference) references.set(operation.contentId, reference);
        }
        parts.push({ ...(operation.contentId === undefined ? {} : { contentId: operation.contentId }), response });
      }
    });
    return { kind: 'changeset', result: { kind: 'changeset', parts }, session };
  } catch (error) {
    dependencies.writer.discard(session);
    if (!isWebApiError(error)) dependencies.log(`internal error in a $batch change set: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const webApiError = isWebApiError(error) ? error : internal();
    const contentId = current?.contentId;
    return { kind: 'failed', result: { kind: 'failed-changeset', part: { ...(contentId === undefined ? {} : { contentId }), response: errorResponse(webApiError) } } };
  }
}
