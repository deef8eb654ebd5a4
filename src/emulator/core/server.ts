/**
 * `createEmulatorCore`: the HTTP server (node:http) in front of the engine, the plugin chain
 * (`around`, `route`, hooks) and the system-write API plugins use.
 */
import { randomFillSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Tables } from '../../model/names.js';
import { handleBatch } from './batch.js';
import { Engine } from './engine.js';
import { changeTrackingPlugin } from './odata/changeTracking.js';
import { applyMetadataLevel, metadataLevel } from './odata/metadataLevel.js';
import { coreEntities, coreRelationships, createRegistry } from './entities/registry.js';
import { WebApiError, internal, isWebApiError, requestTooLarge, segmentNotFound } from './errors.js';
import { CORS_HEADERS, errorResponse, preflight } from './http.js';
import { coreOperations, type OperationRegistry } from './operations.js';
import { openStore } from './store.js';
import type { CoreRequest, CoreResponse, EmulatorCore, EmulatorCoreOptions, RowValues, SystemWrite } from './types.js';
import { Writer } from './writes.js';
import { loadRuntimeTables } from './metadata/tableDefinitions.js';

/** Stable ids of the emulated organization, its root business unit and the default system user. */
export const DEFAULT_IDENTITY = Object.freeze({
  organizationId: '8a3f1c52-0d6e-4b7a-9c21-5e4d3b2a1f00',
  businessUnitId: '8a3f1c52-0d6e-4b7a-9c21-5e4d3b2a1f01',
  userId: '8a3f1c52-0d6e-4b7a-9c21-5e4d3b2a1f02',
});

/** Default request body limit. */
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

/** The caller: `oid` of a bearer JWT when it has one (no signature check), else the default user. */
function callerOf(authorization: string | undefined, fallback: string): string {
  if (!authorization?.startsWith('Bearer ')) return fallback;
  // An opaque token (no JWT segments) names no user: no copies of it on every request.
  if (!authorization.includes('.', 7)) return fallback;
  const payload = authorization.slice(7).split('.')[1];
  if (!payload) return fallback;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const oid = typeof claims === 'object' && claims !== null ? (claims as { oid?: unknown }).oid : undefined;
    return typeof oid === 'string' && /^[0-9a-fA-F-]{36}$/.test(oid) ? oid.toLowerCase() : fallback;
  } catch {
    return fallback;
  }
}

function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  // node lower-cases the names and joins repeated headers already; only `set-cookie` stays a list.
  const source = request.headers;
  for (const name in source) {
    const value = source[name];
    if (value !== undefined) headers[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return headers;
}

/** The methods as the core compares them, so a request does not allocate its own upper-case copy. */
const METHODS: Readonly<Record<string, string>> = Object.freeze({ GET: 'GET', POST: 'POST', PATCH: 'PATCH', PUT: 'PUT', DELETE: 'DELETE', OPTIONS: 'OPTIONS', HEAD: 'HEAD' });

const HEX = Buffer.from('0123456789abcdef', 'latin1');
const UUID_BYTES = 16;
/** Random bytes for request ids, filled 256 ids at a time. */
const idPool = Buffer.alloc(UUID_BYTES * 256);
let idPoolAt = idPool.length;
const idText = Buffer.alloc(36);

/**
 * A random (version 4) GUID for `x-ms-service-request-id` and the request log. Written into a
 * buffer and read as one flat string: the request log keeps every id, and a string built by
 * concatenation (as `randomUUID()` returns it) is a tree of pieces the garbage collector has to
 * copy and mark on every collection for as long as the log holds it.
 */
function nextRequestId(): string {
  if (idPoolAt === idPool.length) {
    randomFillSync(idPool);
    idPoolAt = 0;
  }
  let at = 0;
  for (let i = 0; i < UUID_BYTES; i++) {
    let byte = idPool[idPoolAt + i]!;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    idText[at++] = HEX[byte >> 4]!;
    idText[at++] = HEX[byte & 0x0f]!;
    if (i === 3 || i === 5 || i === 7 || i === 9) idText[at++] = 0x2d;
  }
  idPoolAt += UUID_BYTES;
  return idText.toString('latin1');
}

const EMPTY_BODY = Buffer.alloc(0);

/** Whether a request announces a body (`Content-Length` or `Transfer-Encoding`). */
function hasBody(request: IncomingMessage): boolean {
  return request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
}

/** Reads the body up to `limit` bytes; undefined when it is larger. Only for requests that announce one. */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Starts the emulator core: HTTP server, store, registry and plugins. */
export async function createEmulatorCore(options: EmulatorCoreOptions = {}): Promise<EmulatorCore> {
  // The core's own change tracking records deletions for delta queries.
  const plugins = [...(options.plugins ?? []), changeTrackingPlugin()];
  const log = options.log ?? (() => undefined);
  const loose = options.loose ?? false;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const registry = createRegistry(
    [...coreEntities, ...plugins.flatMap((plugin) => plugin.entities ?? [])],
    [...coreRelationships, ...plugins.flatMap((plugin) => plugin.relationships ?? [])],
  );
  const store = openStore(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  registry.store = store;
  loadRuntimeTables(registry, store);
  const operations: OperationRegistry = new Map(Object.entries(coreOperations()));
  for (const plugin of plugins) for (const [name, handler] of Object.entries(plugin.operations ?? {})) operations.set(name, handler);
  const identity = { ...DEFAULT_IDENTITY };

  let core!: EmulatorCore;
  const writer = new Writer(store, registry, plugins, identity, () => core, log);
  const resolvers = plugins.filter((plugin) => plugin.resolveOperation);
  const resolveOperation = (name: string) => {
    for (const plugin of resolvers) {
      const handler = plugin.resolveOperation!(name, core);
      if (handler) return handler;
    }
    return undefined;
  };
  const engine = new Engine({ registry, store, writer, operations, resolveOperation, loose, core: () => core });
  let origin = '';

  /** Answers one request without `around` (top-level after the chain, or a batch part). */
  async function dispatch(request: CoreRequest): Promise<CoreResponse> {
    const session = writer.session(request.user);
    try {
      if (request.method === 'OPTIONS') return preflight(request.headers['access-control-request-headers']);
      const scope = engine.scope(request, session, origin);
      if (!scope) {
        for (const plugin of plugins) {
          const answer = plugin.route ? await plugin.route(request, core) : undefined;
          if (answer) return answer;
        }
        const first = request.url.split('?')[0]!.split('/').filter((part) => part !== '')[0] ?? '';
        throw segmentNotFound(first.slice(0, 200));
      }
      if (scope.path === '$batch' && !request.inBatch) {
        if (request.method !== 'POST') throw new WebApiError(405, '0x80040315', 'The $batch endpoint accepts POST only.');
        return await handleBatch(scope, { engine, store, writer, dispatchPart: dispatch, log });
      }
      const level = metadataLevel(request.headers.accept);
      const response = applyMetadataLevel(level, await engine.handle(scope), scope.root, registry);
      // Reads commit nothing: no afterCommit hooks to run, no promise to wait for.
      if (session.committed.length > 0) await writer.flush(session);
      return response;
    } catch (error) {
      writer.discard(session);
      if (isWebApiError(error)) return errorResponse(error);
      log(`internal error on ${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return errorResponse(internal());
    }
  }

  /**
   * The `around` chain of the plugins, outermost first, composed once: `steps[i]` runs plugin `i`
   * with the next step as its `next`; past the last plugin comes `dispatch`.
   */
  const wrappers = plugins.filter((plugin) => plugin.around);
  const steps: ((request: CoreRequest) => Promise<CoreResponse>)[] = [];
  for (let index = wrappers.length - 1; index >= 0; index--) {
    const plugin = wrappers[index]!;
    const inner = steps[0] ?? dispatch;
    steps.unshift((request) => plugin.around!(request, () => inner(request)));
  }
  const chain: (request: CoreRequest) => Promise<CoreResponse> = steps[0] ?? dispatch;

  const sockets = new Set<Socket>();
  // Dataverse accepts GET URLs up to 32 KB; node's default header limit (16 KB) would refuse them.
  // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview#maximum-url-length
  const server = createServer({ keepAlive: true, maxHeaderSize: 64 * 1024 }, (req, res) => {
    void handleHttp(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; odata.metadata=minimal\r\nConnection: close\r\n\r\n{"error":{"code":"0x0","message":"Malformed HTTP request."}}');
    else socket.destroy();
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let response: CoreResponse;
    const requestId = nextRequestId();
    let request: CoreRequest | undefined;
    try {
      const headers = lowerCaseHeaders(req);
      // Most requests (GETs) have no body: no stream events to wait for.
      let body: Buffer | undefined = EMPTY_BODY;
      if (hasBody(req)) body = await readBody(req, maxBodyBytes);
      else req.resume();
      const method = req.method ?? 'GET';
      request = {
        id: requestId,
        method: METHODS[method] ?? method.toUpperCase(),
        url: req.url ?? '/',
        headers,
        body: body ?? EMPTY_BODY,
        user: callerOf(headers.authorization, identity.userId),
        receivedAt: Date.now(),
        inBatch: false,
      };
      response = body === undefined ? errorResponse(requestTooLarge()) : await chain(request);
    } catch (error) {
      log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      response = errorResponse(internal());
    }
    if (response.drop) {
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    // One header object per answer: CORS headers only matter to browsers, which always send Origin
    // on cross-origin requests; then the response's own; then those the `around` plugins added.
    const headers: Record<string, string> = req.headers.origin === undefined ? {} : { ...CORS_HEADERS };
    const own = response.headers;
    for (const name in own) headers[name] = own[name]!;
    const added = request?.responseHeaders;
    if (added !== undefined) for (const name in added) headers[name] = added[name]!;
    // Dataverse names every request in this header; support tickets and logs refer to it.
    headers['x-ms-service-request-id'] ??= requestId;
    // A string body is written as it is (no intermediate Buffer); its length counted in UTF-8 bytes.
    const body = response.body;
    if (response.status !== 204 && response.status !== 304) headers['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length);
    try {
      res.writeHead(response.status, headers);
      res.end(response.status === 204 || response.status === 304 ? undefined : body);
    } catch (error) {
      // A header value node refuses (a plugin bug): never crash the process for it.
      log(`internal error writing the response to ${req.method} ${req.url}: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) {
        const fallback = JSON.stringify(internal().toBody());
        res.writeHead(500, { 'Content-Type': 'application/json; odata.metadata=minimal', 'Content-Length': String(Buffer.byteLength(fallback)) });
        res.end(fallback);
      } else req.socket.destroy();
    }
  }

  function systemWrite(changes: SystemWrite[], writeOptions: { system?: boolean; user?: string } = {}): (RowValues | undefined)[] {
    const session = writer.session(writeOptions.user ?? identity.userId, writeOptions.system ?? true);
    try {
      const results = store.transaction(() => changes.map((change) => writer.systemWrite(change.entitySet, change.operation ?? 'update', change.id, change.values ?? {}, session)));
      void writer.flush(session);
      return results;
    } catch (error) {
      writer.discard(session);
      throw error;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  core = {
    url: origin,
    serviceRoot: (hostHeader) => `${hostHeader ? `http://${hostHeader.toLowerCase()}` : origin}/api/data/v9.2/`,
    store,
    entities: registry,
    identity,
    write: (change, writeOptions) => systemWrite([change], writeOptions)[0],
    writeAll: systemWrite,
    read: (entitySet, id) => store.get(entitySet, id.toLowerCase())?.values,
    dispatch,
    async close() {
      for (const plugin of plugins) {
        try {
          await plugin.close?.();
        } catch (error) {
          log(`plugin ${plugin.name} close failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      store.close();
    },
  };

  // The organization's root business unit and default user exist from the start (WhoAmI, ownerid).
  if (!store.get(Tables.businessUnit.entitySet, identity.businessUnitId)) {
    systemWrite([
      { entitySet: Tables.businessUnit.entitySet, operation: 'create', id: identity.businessUnitId, values: { name: 'journeyctl' } },
      {
        entitySet: Tables.systemUser.entitySet,
        operation: 'create',
        id: identity.userId,
        values: { fullname: 'Emulator Admin', firstname: 'Emulator', lastname: 'Admin', domainname: 'admin@emulator.local', internalemailaddress: 'admin@emulator.local', businessunitid: identity.businessUnitId, 'businessunitid@type': 'businessunit' },
      },
    ]);
  }

  for (const plugin of plugins) await plugin.start?.(core);
  return core;
}
