/**
 * Fuzz: 5,000 garbage URLs, `$filter` strings, headers and bodies against the whole emulator.
 * Never a 5xx (other than a deliberate 501 for an unimplemented route), never a hang (each request has a client timeout), every error a Dataverse-shaped
 * JSON body. Inputs come from a fixed seed, so a failure replays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Agent, request } from 'node:http';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

let emulator: RunningEmulator;
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
const TIMEOUT_MS = 10_000;

beforeAll(async () => {
  emulator = await startEmulator({ limits: { windowMs: 300_000, maxRequests: 1_000_000_000, maxExecutionMs: 1e12, maxConcurrent: 10_000 } });
});
afterAll(async () => {
  agent.destroy();
  await emulator.close();
});

interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface Outcome {
  status: number;
  contentType: string;
  body: string;
}

/** Percent-encodes what node:http refuses in a path, keeping stray `%` so malformed escapes get through. */
function toPath(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    out += code > 0x20 && code < 0x7f && char !== '#' ? char : encodeURIComponent(char).replace(/%25/g, '%');
  }
  return out;
}

function send(probe: Probe): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const url = new URL(emulator.url);
    const req = request(
      { host: url.hostname, port: url.port, method: probe.method, path: probe.path, headers: probe.headers, agent, timeout: TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`hang: ${probe.method} ${probe.path}`)));
    req.on('error', reject);
    req.end(probe.body);
  });
}

const sets = ['accounts', 'contacts', 'msdyncrm_customerjourneys', 'msdyncrm_segments', 'customapis', 'systemusers', 'EntityDefinitions', 'WhoAmI', '$batch', '$metadata', ''];
const methods = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD'];
const filterWords = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not', '(', ')', ',', "'", "''", 'null', 'true', 'false', 'contains(', 'startswith(', 'endswith(', 'fullname', 'name', 'statecode', '_ownerid_value', 'createdon', '2024-01-01', '2024-13-45T99:99:99Z', '00000000-0000-0000-0000-000000000000', '1', '-1.5e400', '@p1', 'Microsoft.Dynamics.CRM.In(', 'a/b', 'contact_customer_accounts/any(', 'contact_customer_accounts/all(c:', 'c:', 'c/lastname', 'primarycontactid/fullname', ':', '$', '%', '%zz', '\u0000', '\ud83d\ude00', ' '];

const garbageUrl = fc.record({
  method: fc.constantFrom(...methods),
  prefix: fc.constantFrom('/api/data/v9.2/', '/api/data/v9.0/', '/api/data/v8.2/', '/', '/api/data/v9.2', '/v1.0/users/', '//api//data/'),
  rest: fc.string({ unit: 'binary', maxLength: 120 }),
  set: fc.constantFrom(...sets),
  suffix: fc.constantFrom('', '(', ')', "(name='x')", '(00000000-0000-0000-0000-000000000001)', '/$count', '/$ref', '/Microsoft.Dynamics.CRM.Foo()', '(abc)/x/y/z', '?$top=abc', '?$select=', '?$expand=ownerid($expand=x)', '?$skiptoken=%%%', "?$orderby=name desc desc", '?$count=true&$count=false', '?$apply=groupby((name))', '(00000000-0000-0000-0000-000000000001)/contact_customer_accounts/$ref', '?$expand=contact_customer_accounts($expand=owninguser($expand=', '/teammembership_association(x)/$ref'),
}).map(({ method, prefix, rest, set, suffix }): Probe => ({ method, path: toPath(`${prefix}${set}${suffix}${rest}`), headers: {} }));

const garbageFilter = fc.record({
  set: fc.constantFrom('accounts', 'contacts', 'msdyncrm_customerjourneys', 'EntityDefinitions'),
  words: fc.array(fc.oneof(fc.constantFrom(...filterWords), fc.string({ maxLength: 8 })), { maxLength: 25 }),
  separator: fc.constantFrom(' ', '', '  '),
}).map(({ set, words, separator }): Probe => ({ method: 'GET', path: `/api/data/v9.2/${set}?$filter=${encodeURIComponent(words.join(separator))}`, headers: {} }));

// Tab and latin-1 bytes are legal in header values and must not break the response headers.
const headerValue = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constantFrom(0x09, 0x80, 0xa0, 0xe9, 0xff)).map((code) => String.fromCharCode(code)), maxLength: 80 });
const garbageHeaders = fc.record({
  method: fc.constantFrom('GET', 'PATCH', 'DELETE', 'POST'),
  target: fc.constantFrom('accounts', `accounts(${'0'.repeat(8)}-0000-0000-0000-000000000001)`, 'WhoAmI()', '$batch', `systemusers`),
  prefer: fc.oneof(headerValue, fc.constantFrom('odata.maxpagesize=0', 'odata.maxpagesize=-5', 'odata.include-annotations="*', 'return=representation,,,', 'odata.maxpagesize=1e9')),
  ifMatch: fc.oneof(headerValue, fc.constantFrom('*', 'W/"', 'W/"abc"', 'null')),
  ifNoneMatch: fc.oneof(headerValue, fc.constantFrom('*', 'null', 'W/"1"')),
  contentType: fc.oneof(headerValue, fc.constantFrom('multipart/mixed', 'multipart/mixed; boundary=', 'multipart/mixed; boundary="', 'application/json; charset=utf-16', 'text/xml')),
  authorization: fc.oneof(headerValue, fc.constantFrom('Bearer ', 'Bearer a.b.c', 'Bearer a.eyJvaWQiOjF9.c', 'Bearer ..')),
  body: fc.oneof(fc.constant(''), headerValue),
}).map(({ method, target, prefer, ifMatch, ifNoneMatch, contentType, authorization, body }): Probe => ({
  method,
  path: `/api/data/v9.2/${target}`,
  headers: { Prefer: prefer, 'If-Match': ifMatch, 'If-None-Match': ifNoneMatch, 'Content-Type': contentType, Authorization: authorization },
  ...(method === 'GET' || method === 'DELETE' ? {} : { body: Buffer.from(body) }),
}));

const jsonish = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 200 }),
  fc.record({ name: fc.anything(), fullname: fc.anything(), '__proto__': fc.anything(), 'ownerid@odata.bind': fc.oneof(fc.string(), fc.constant('/systemusers(00000000-0000-0000-0000-000000000000)'), fc.constant('$1')), statuscode: fc.anything(), createdon: fc.anything() }).map((value) => JSON.stringify(value)),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
const batchish = fc.array(fc.oneof(fc.constantFrom('--b', '--b--', '--c', '--c--', 'Content-Type: application/http', 'Content-Type: multipart/mixed; boundary=c', 'Content-ID: 1', '', 'GET accounts HTTP/1.1', 'POST /api/data/v9.2/accounts HTTP/1.1', 'PATCH $1 HTTP/1.1', 'DELETE $2 HTTP/1.1', 'GET http://x/api/data/v9.2/WhoAmI HTTP/1.1', '{"name":"n"}', '{"name":'), fc.string({ maxLength: 40 })), { maxLength: 30 }).map((lines) => lines.join(fc.sample(fc.constantFrom('\r\n', '\n'), 1)[0]));
const garbageBody = fc.oneof(
  fc.record({ method: fc.constantFrom('POST', 'PATCH', 'PUT'), target: fc.constantFrom('accounts', 'contacts', 'customapis', 'msdyncrm_customerjourneys', `accounts(00000000-0000-0000-0000-00000000000${1})`, `accounts(00000000-0000-0000-0000-000000000001)/name`, 'msdyncrm_CustomerJourneyValidate', 'WhoAmI'), body: jsonish }).map(
    ({ method, target, body }): Probe => ({ method, path: `/api/data/v9.2/${target}`, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(body, 'latin1') }),
  ),
  batchish.map((body): Probe => ({ method: 'POST', path: '/api/data/v9.2/$batch', headers: { 'Content-Type': 'multipart/mixed; boundary=b' }, body: Buffer.from(body) })),
);

/** Runs probes with bounded concurrency and checks every answer. */
async function run(probes: Probe[]): Promise<{ statuses: Map<number, number> }> {
  const statuses = new Map<number, number>();
  let index = 0;
  const worker = async () => {
    while (index < probes.length) {
      const probe = probes[index++]!;
      const outcome = await send(probe);
      statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
      const label = `${probe.method} ${probe.path} -> ${outcome.status} ${outcome.body.slice(0, 300)}`;
      // 501 is the deliberate answer for a route the emulator does not implement; anything else
      // from 500 up is a crash.
      if (outcome.status !== 501) expect(outcome.status, label).toBeLessThan(500);
      if (outcome.status >= 400 && probe.method !== 'HEAD') {
        expect(outcome.contentType, label).toMatch(/^application\/json/);
        const body = JSON.parse(outcome.body) as { error?: { code?: unknown; message?: unknown } };
        expect(typeof body.error?.code, label).toBe('string');
        expect(typeof body.error?.message, label).toBe('string');
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { statuses };
}

describe('emulator fuzz', () => {
  it('5,000 garbage requests: no 5xx, no hang, Dataverse-shaped errors', async () => {
    const probes = [
      ...fc.sample(garbageUrl, { numRuns: 1250, seed: 1 }),
      ...fc.sample(garbageFilter, { numRuns: 1250, seed: 2 }),
      ...fc.sample(garbageHeaders, { numRuns: 1250, seed: 3 }),
      ...fc.sample(garbageBody, { numRuns: 1250, seed: 4 }),
    ];
    expect(probes).toHaveLength(5000);
    const { statuses } = await run(probes);
    const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    expect(total).toBe(5000);
    // Garbage is mostly refused; the few accepted are valid by chance.
    const refused = [...statuses].filter(([status]) => status >= 400).reduce((sum, [, count]) => sum + count, 0);
    expect(refused).toBeGreaterThan(4000);
  }, 300_000);
});
