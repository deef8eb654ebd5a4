/**
 * Small HTTP helpers shared by the channel servers (`channel receive`, `channel serve`): bounded
 * JSON bodies, JSON answers, loopback binding by default.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDocumentError } from '../../io/documentError.js';
import { parseJsonText } from '../../io/parseText.js';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A request the server refuses, with the HTTP status to answer. */
/** Whether an error is an {@link HttpRefusal} (by name). */
export function isHttpRefusal(error: unknown): error is HttpRefusal {
  return error instanceof Error && error.name === 'HttpRefusal' && typeof (error as { status?: unknown }).status === 'number';
}

export class HttpRefusal extends Error {
  override name = 'HttpRefusal';
  constructor(
    readonly status: number,
    message: string,
    readonly pointer?: string,
  ) {
    super(message);
  }
}

/** Read and parse a JSON body (at most {@link MAX_BODY_BYTES}). */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new HttpRefusal(415, `send JSON (Content-Type: application/json), got ${type || 'no Content-Type'}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpRefusal(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    // The one reader: the nesting limit, positions; JSON.parse defines "__proto__" as an own
    // key and handlers read only the fields they know.
    return parseJsonText(Buffer.concat(chunks).toString('utf8')).value;
  } catch (error) {
    if (!isDocumentError(error)) throw error;
    const { line, pointer } = error.location;
    throw new HttpRefusal(400, `the body ${error.reason === 'syntax' ? 'is ' : ''}${error.message}${line === undefined ? '' : ` (line ${line}, column ${error.location.column ?? 1})`}`, error.reason === 'too-deep' ? pointer : undefined);
  }
}

/** Answer with a JSON body. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}

/** A route handler: answers `{ status, body }`, or throws an {@link HttpRefusal}. */
export type RouteHandler = (request: IncomingMessage) => Promise<{ status: number; body: unknown }>;

/** A listening server. */
export interface ListeningServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stop accepting connections and wait for open requests to finish. */
  close(): Promise<void>;
}

/** Options of {@link listen}. */
export interface ListenOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to bind. Only bind another interface on a trusted network: these servers have no authentication. @default '127.0.0.1' */
  host?: string;
  /** Called with unexpected handler errors (answered 500). */
  onError?: (error: unknown) => void;
}

/** Serve `routes` (keyed `METHOD /path`); anything else is 404 (405 for a known path). */
export function listen(routes: Readonly<Record<string, RouteHandler>>, options: ListenOptions = {}): Promise<ListeningServer> {
  const table = new Map(Object.entries(routes));
  const paths = new Set([...table.keys()].map((k) => k.slice(k.indexOf(' ') + 1)));
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const handler = table.get(`${request.method ?? 'GET'} ${path}`);
    if (!handler) {
      sendJson(response, paths.has(path) ? 405 : 404, { error: paths.has(path) ? `method ${request.method} not allowed on ${path}` : `no route ${path}` });
      return;
    }
    handler(request).then(
      ({ status, body }) => sendJson(response, status, body),
      (error: unknown) => {
        if (isHttpRefusal(error)) sendJson(response, error.status, { error: error.message, ...(error.pointer === undefined ? {} : { pointer: error.pointer }) });
        else {
          options.onError?.(error);
          sendJson(response, 502, { error: (error as Error).message });
        }
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${host}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
