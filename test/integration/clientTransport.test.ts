/**
 * Socket-level behaviour the emulator cannot stage precisely, against a tiny raw `node:http`
 * server on loopback: nextLinks followed byte for byte, timeouts, proxies, 401 refresh,
 * affinity cookies, the dop hint and aborts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DataverseClient } from '../../src/dataverse/index.js';
import { FakeClientSecretCredential } from '../helpers/credentials.js';

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
}

let server: http.Server | undefined;
afterEach(async () => {
  if (server) {
    const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
    server.closeAllConnections();
    await closing;
  }
  server = undefined;
  delete process.env.http_proxy;
});

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen[]) => void): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => handler(req, res, seen));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', ...headers });
  res.end(JSON.stringify(body));
}

describe('transport edge cases', () => {
  it('follows @odata.nextLink exactly as given, with the same Prefer', async () => {
    const skip = "$skiptoken=%3Ccookie%20pagenumber=%222%22%20pagingcookie=%22%253ccookie%2520page%253d%25221%2522%253e%22%20/%3E";
    const { origin, seen } = await serve((req, res) => {
      if (!req.url!.includes('skiptoken')) json(res, 200, { value: [{ n: 1 }], '@odata.nextLink': `${origin}/api/data/v9.2/contacts?$select=n&${skip}` });
      else json(res, 200, { value: [{ n: 2 }] });
    });
    const client = new DataverseClient({ url: origin });
    const rows: unknown[] = [];
    for await (const row of client.query('contacts', { select: ['n'], maxPageSize: 1 })) rows.push(row);
    client.close();
    expect(rows).toEqual([{ n: 1 }, { n: 2 }]);
    expect(seen[1]!.url).toBe(`/api/data/v9.2/contacts?$select=n&${skip}`);
    expect(seen.map((s) => s.headers.prefer)).toEqual(['odata.maxpagesize=1', 'odata.maxpagesize=1']);
  });

  it('refuses to follow a nextLink to another origin', async () => {
    const { origin, seen } = await serve((_req, res) => json(res, 200, { value: [], '@odata.nextLink': 'http://127.0.0.2:9/api/data/v9.2/contacts?$skiptoken=x' }));
    const client = new DataverseClient({ url: origin, auth: { token: 'tok' } });
    const pages = client.query('contacts').byPage();
    await pages.next();
    await expect(pages.next()).rejects.toThrow(/not the Dataverse environment/);
    client.close();
    expect(seen).toHaveLength(1);
  });

  it('retries an idempotent request that timed out', async () => {
    const { origin, seen } = await serve((_req, res, all) => {
      if (all.length === 1) return; // never answer the first attempt
      json(res, 200, { UserId: 'u', BusinessUnitId: 'b', OrganizationId: 'o' });
    });
    const client = new DataverseClient({ url: origin, timeoutInMs: 200, retry: { baseDelayInMs: 1 } });
    expect((await client.whoAmI()).UserId).toBe('u');
    client.close();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]!.headers['x-ms-client-request-id']).toBe(seen[1]!.headers['x-ms-client-request-id']);
  });

  it('does not resend a non-idempotent action after a lost answer', async () => {
    const { origin, seen } = await serve((req) => req.socket.destroy());
    const client = new DataverseClient({ url: origin, retry: { baseDelayInMs: 1 } });
    await expect(client.callAction('contoso_Send', { n: 1 })).rejects.toMatchObject({ name: 'NetworkError', kind: 'service' });
    client.close();
    expect(seen).toHaveLength(1);
  });

  it('never routes loopback traffic through the environment proxy, unless told to', async () => {
    const { origin } = await serve((_req, res) => json(res, 200, { UserId: 'u' }));
    process.env.http_proxy = 'http://127.0.0.1:9'; // nothing listens there
    const direct = new DataverseClient({ url: origin });
    expect((await direct.whoAmI()).UserId).toBe('u');
    direct.close();
    const proxied = new DataverseClient({ url: origin, proxy: 'environment', retry: { maxAttempts: 1 } });
    await expect(proxied.whoAmI()).rejects.toMatchObject({ name: 'NetworkError' });
    proxied.close();
  });

  it('refreshes the token once after a 401', async () => {
    const { origin, seen } = await serve((_req, res, all) => {
      if (all.length === 1) json(res, 401, { error: { code: '0x80044302', message: 'Request is not authenticated.' } });
      else json(res, 200, { UserId: 'u' });
    });
    const credential = new FakeClientSecretCredential('t', 'c', 's');
    const client = new DataverseClient({ url: origin, auth: { credential } });
    expect((await client.whoAmI()).UserId).toBe('u');
    client.close();
    expect(credential.tokensIssued).toBe(2);
    expect(seen[0]!.headers.authorization).not.toBe(seen[1]!.headers.authorization);
    expect(seen[1]!.headers.authorization).toBe(`Bearer ${credential.lastToken}`);
  });

  it('reports a persistent 401 as an AuthenticationError that says what to do', async () => {
    const { origin } = await serve((_req, res) => json(res, 401, { error: { code: '0x80044302', message: 'Request is not authenticated.' } }));
    const client = new DataverseClient({ url: origin, auth: { token: 'expired' } });
    await expect(client.whoAmI()).rejects.toMatchObject({ name: 'AuthenticationError', status: 401, code: '0x80044302', hint: expect.stringContaining('DATAVERSE_TOKEN') });
    client.close();
  });

  it('drops the affinity cookie by default and keeps it when asked', async () => {
    const { origin, seen } = await serve((_req, res) => json(res, 200, { UserId: 'u' }, { 'set-cookie': 'ARRAffinity=abc123; Path=/; HttpOnly' }));
    const plain = new DataverseClient({ url: origin });
    await plain.whoAmI();
    await plain.whoAmI();
    plain.close();
    expect(seen[1]!.headers.cookie).toBeUndefined();
    const sticky = new DataverseClient({ url: origin, affinityCookie: true });
    await sticky.whoAmI();
    await sticky.whoAmI();
    sticky.close();
    expect(seen[3]!.headers.cookie).toBe('ARRAffinity=abc123');
  });

  it('sends the OData headers, a user agent and a request id, and adopts x-ms-dop-hint', async () => {
    const { origin, seen } = await serve((_req, res) => json(res, 200, { UserId: 'u' }, { 'x-ms-dop-hint': '3' }));
    const client = new DataverseClient({ url: origin, concurrency: { initialConcurrency: 10 } });
    await client.whoAmI();
    client.close();
    expect(seen[0]!.headers).toMatchObject({ 'odata-version': '4.0', 'odata-maxversion': '4.0', accept: 'application/json' });
    expect(seen[0]!.headers['user-agent']).toMatch(/^journeyctl\/\S+ node\//);
    expect(seen[0]!.headers['x-ms-client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(client.limiterState().limit).toBe(3);
  });

  it('addresses bound actions and functions with the qualified name', async () => {
    const bodies: string[] = [];
    const { origin, seen } = await serve((req, res) => {
      if (req.method === 'POST') {
        res.writeHead(204);
        res.end();
      } else json(res, 200, { ok: true });
    });
    server!.prependListener('request', (req: http.IncomingMessage) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => bodies.push(text));
    });
    const client = new DataverseClient({ url: origin });
    const id = '11111111-2222-4333-8444-555555555555';
    expect(await client.callAction('contoso_Bump', { By: 2 }, { bound: { entitySet: 'accounts', key: id } })).toBeUndefined();
    expect(await client.callFunction('contoso_Top', { N: 3 }, { bound: { entitySet: 'accounts' } })).toEqual({ ok: true });
    client.close();
    expect(seen.map((s) => s.url)).toEqual([
      `/api/data/v9.2/accounts(${id})/Microsoft.Dynamics.CRM.contoso_Bump`,
      '/api/data/v9.2/accounts/Microsoft.Dynamics.CRM.contoso_Top(N=@p1)?@p1=3',
    ]);
    expect(JSON.parse(bodies[0]!)).toEqual({ By: 2 });
  });

  it('aborts an in-flight request', async () => {
    const { origin } = await serve(() => undefined); // never answers
    const client = new DataverseClient({ url: origin });
    const controller = new AbortController();
    const pending = client.whoAmI({ abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    client.close();
  });
});
