/**
 * `$batch` wire format (OData 4.0 multipart/mixed): serialize a batch request and parse the
 * batch response. Pure functions; the client sends what these produce.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
 */
import { randomUUID } from 'node:crypto';
import { createHeaders, type HeaderMap } from './pipeline.js';

/** At most this many operations in one `$batch` request. */
export const MAX_BATCH_OPERATIONS = 1000;

/** One operation in a batch. */
export interface BatchOperation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path relative to the service root (`accounts(<id>)`), or a change-set reference (`$1`, `$1/primarycontactid/$ref`). */
  path: string;
  /** JSON body. */
  body?: unknown;
  /** Extra headers for this operation (`If-Match`, `Prefer`, `MSCRM.*`). */
  headers?: Readonly<Record<string, string>>;
  /** Content-ID inside a change set, for `$<id>` references; assigned automatically when absent. */
  contentId?: string;
  /** Whether running the operation twice has the effect of once (a create with a client id is). @default true for GET/PUT/PATCH/DELETE, false for POST */
  idempotent?: boolean;
}

/** Operations that succeed or fail together (no GET inside). */
export interface ChangeSet {
  changeSet: readonly BatchOperation[];
}

/** A top-level batch entry. */
export type BatchItem = BatchOperation | ChangeSet;

export function isChangeSet(item: BatchItem): item is ChangeSet {
  return 'changeSet' in item;
}

/** Operations in an item (1 for an operation, n for a change set). */
export function operationCount(item: BatchItem): number {
  return isChangeSet(item) ? item.changeSet.length : 1;
}

/** A serialized batch request. */
export interface SerializedBatch {
  contentType: string;
  body: string;
  /** The Content-ID of each operation, per item (one for an operation, n for a change set). */
  contentIds: string[][];
}

const CRLF = '\r\n';

/**
 * Serialize batch items. Request lines use absolute URLs (Dataverse accepts absolute,
 * server-relative and `$n` forms). Every operation gets a Content-ID unique in the batch (given
 * or assigned): the answers echo it, which is how an answer is paired with its operation when
 * a failed batch reports only the failed part.
 * @throws RangeError for a GET inside a change set, an empty change set or a duplicate Content-ID.
 */
export function serializeBatch(items: readonly BatchItem[], serviceRoot: string, newId: () => string = randomUUID): SerializedBatch {
  const boundary = `batch_${newId()}`;
  const lines: string[] = [];
  const usedIds = new Set<string>();
  let nextId = 1;
  const contentIdFor = (op: BatchOperation): string => {
    let id = op.contentId;
    if (id === undefined) {
      while (usedIds.has(String(nextId))) nextId++;
      id = String(nextId++);
    }
    if (usedIds.has(id)) throw new RangeError(`Duplicate Content-ID ${id} in the batch`);
    usedIds.add(id);
    return id;
  };
  const contentIds: string[][] = [];
  for (const item of items) {
    lines.push(`--${boundary}`);
    const ids: string[] = [];
    contentIds.push(ids);
    if (isChangeSet(item)) {
      if (item.changeSet.length === 0) throw new RangeError('A change set must hold at least one operation');
      const changeSetBoundary = `changeset_${newId()}`;
      lines.push(`Content-Type: multipart/mixed; boundary=${changeSetBoundary}`, '');
      for (const op of item.changeSet) {
        if (op.method === 'GET') throw new RangeError(`GET is not allowed inside a change set (${op.path})`);
        lines.push(`--${changeSetBoundary}`);
        const id = contentIdFor(op);
        ids.push(id);
        lines.push(...operationPart(op, serviceRoot, id));
      }
      lines.push(`--${changeSetBoundary}--`);
    } else {
      const id = contentIdFor(item);
      ids.push(id);
      lines.push(...operationPart(item, serviceRoot, id));
    }
  }
  lines.push(`--${boundary}--`, '');
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: lines.join(CRLF), contentIds };
}

function operationPart(op: BatchOperation, serviceRoot: string, contentId: string | undefined): string[] {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) lines.push(`Content-ID: ${contentId}`);
  lines.push('');
  const url = op.path.startsWith('$') ? op.path : `${serviceRoot}${op.path.replace(/^\//, '')}`;
  lines.push(`${op.method} ${url} HTTP/1.1`);
  const headers = createHeaders(op.headers);
  delete headers['authorization'];
  delete headers['content-id'];
  if (op.body !== undefined) headers['content-type'] ??= 'application/json; type=entry';
  else if (op.method === 'GET') headers['accept'] ??= 'application/json';
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push('');
  lines.push(op.body === undefined ? '' : JSON.stringify(op.body));
  return lines;
}

/** One operation's answer inside a batch response. */
export interface BatchPartResponse {
  status: number;
  headers: HeaderMap;
  bodyText: string;
  /** The Content-ID the server echoed, if any. */
  contentId?: string;
}

/** A top-level entry of a batch response: a single answer, or the answers of a change set. */
export type BatchResponseEntry = { kind: 'response'; response: BatchPartResponse } | { kind: 'changeSet'; responses: BatchPartResponse[] };

/** The boundary parameter of a multipart content type. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  const match = contentType?.match(/boundary=(?:"([^"]+)"|([^;,\s]+))/i);
  return match?.[1] ?? match?.[2];
}

/**
 * Parse a `$batch` response body. Tolerates LF or CRLF line endings, a preamble, and a change
 * set answered by a single error part (the OData 4.0 shape of a failed change set).
 * @throws SyntaxError when the body is not multipart with the given boundary.
 */
export function parseBatchResponse(contentType: string | undefined, body: string): BatchResponseEntry[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new SyntaxError(`The $batch response is not multipart (Content-Type: ${contentType ?? 'none'})`);
  return splitMultipart(body, boundary).map((part): BatchResponseEntry => {
    const { headers, content } = splitHeaders(part);
    const partType = headers['content-type'] ?? '';
    if (/^multipart\/mixed/i.test(partType)) {
      const inner = boundaryOf(partType);
      if (!inner) throw new SyntaxError('A change set response has no boundary');
      return { kind: 'changeSet', responses: splitMultipart(content, inner).map(parseHttpPart) };
    }
    return { kind: 'response', response: parseHttpPart(part) };
  });
}

/** The parts between `--boundary` delimiters (preamble and epilogue dropped). */
export function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let position = body.startsWith(delimiter) ? 0 : body.indexOf(`\n${delimiter}`);
  if (position < 0) throw new SyntaxError(`No multipart delimiter ${delimiter} in the body`);
  if (position > 0) position += 1;
  for (;;) {
    const afterDelimiter = position + delimiter.length;
    if (body.startsWith('--', afterDelimiter)) break; // close delimiter
    const lineEnd = body.indexOf('\n', afterDelimiter);
    if (lineEnd < 0) break;
    const next = body.indexOf(`\n${delimiter}`, lineEnd);
    if (next < 0) {
      parts.push(body.slice(lineEnd + 1));
      break;
    }
    // The line break before a delimiter belongs to the delimiter.
    const end = body[next - 1] === '\r' ? next - 1 : next;
    parts.push(body.slice(lineEnd + 1, Math.max(lineEnd + 1, end)));
    position = next + 1;
  }
  return parts;
}

function splitHeaders(text: string): { headers: HeaderMap; content: string } {
  const match = /\r?\n\r?\n/.exec(text);
  const head = match ? text.slice(0, match.index) : text;
  const content = match ? text.slice(match.index + match[0].length) : '';
  const headers = createHeaders();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, content };
}

function parseHttpPart(part: string): BatchPartResponse {
  const outer = splitHeaders(part);
  const text = outer.content.replace(/^(\r?\n)+/, '');
  const statusLine = /^HTTP\/\d(?:\.\d)?\s+(\d{3})[^\r\n]*\r?\n?/.exec(text);
  if (!statusLine) throw new SyntaxError(`A batch part has no HTTP status line: ${JSON.stringify(text.slice(0, 80))}`);
  const rest = text.slice(statusLine[0].length);
  const inner = /^\r?\n/.test(rest) ? { headers: createHeaders(), content: rest.replace(/^\r?\n/, '') } : splitHeaders(rest);
  const contentId = outer.headers['content-id'] ?? inner.headers['content-id'];
  return {
    status: Number(statusLine[1]),
    headers: inner.headers,
    bodyText: inner.content.replace(/(\r?\n)+$/, ''),
    ...(contentId === undefined ? {} : { contentId }),
  };
}
