/**
 * Custom APIs that run in the emulator: a customapi row becomes a callable action or function,
 * its parameters and response properties are checked against the definition, and its
 * implementation is a function, a JavaScript module or an HTTP endpoint bound at start.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCustomApi } from '../../src/channels/customApi/apply.js';
import type { CustomApiSpec } from '../../src/channels/customApi/spec.js';
import { DataverseClient } from '../../src/dataverse/index.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';

const dir = mkdtempSync(join(tmpdir(), 'jctl-capi-'));
writeFileSync(join(dir, 'handlers.mjs'), `
export default async function ({ parameters }) { return { Reversed: [...parameters.Text].reverse().join('') }; }
export async function count({ parameters }) { return { Length: parameters.Text.length }; }
`);

let endpoint: Server;
let endpointUrl = '';
let emulator: RunningEmulator;
let client: DataverseClient;

const api = (uniqueName: string, extra: Partial<CustomApiSpec> = {}): CustomApiSpec => ({
  uniqueName,
  isPrivate: true,
  requestParameters: [
    { uniqueName: 'Text', type: 'String' },
    { uniqueName: 'Times', type: 'Integer', isOptional: true },
  ],
  responseProperties: [{ uniqueName: 'Reversed', type: 'String' }],
  ...extra,
});

async function post(name: string, body: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const response = await fetch(`${emulator.serviceRoot}${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

beforeAll(async () => {
  endpoint = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const request = JSON.parse(body) as { name: string; parameters: { Text: string } };
      if (request.parameters.Text === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{not json');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Reversed: `http:${request.parameters.Text}` }));
    });
  });
  await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', () => r()));
  endpointUrl = `http://127.0.0.1:${(endpoint.address() as { port: number }).port}/`;
  emulator = await startTestEmulator({
    customApiTimeoutMs: 300,
    customApiBaseDir: dir,
    customApis: {
      test_Fn: ({ parameters }) => ({ Reversed: String(parameters.Text).toUpperCase() }),
      test_Module: './handlers.mjs',
      test_Named: './handlers.mjs#count',
      test_Http: endpointUrl,
      test_Throws: () => {
        throw new Error('the provider refused the message');
      },
      test_Slow: () => new Promise((r) => setTimeout(() => r({ Reversed: 'late' }), 2_000)),
      test_BadOutput: () => ({ Reversed: 42 }),
      test_Extra: () => ({ Reversed: 'x', Other: 1 }),
      test_Bound: ({ target }) => ({ Reversed: `${target?.entitySet}:${target?.id}` }),
      test_Notify: async ({ parameters, execute }) => {
        const result = await execute('msdyn_D365ChannelsNotification', { notificationPayLoad: parameters.Text });
        return { Reversed: JSON.stringify(result) };
      },
    },
  });
  client = new DataverseClient({ url: emulator.url, auth: { none: true } });
  for (const name of ['test_Fn', 'test_Module', 'test_Http', 'test_Throws', 'test_Slow', 'test_BadOutput', 'test_Extra', 'test_Notify', 'test_Unbound']) await applyCustomApi(client, api(name));
  await applyCustomApi(client, api('test_Bound', { bindingType: 'Entity', boundEntityLogicalName: 'contact', requestParameters: [] }));
  await applyCustomApi(client, api('test_Named', { responseProperties: [{ uniqueName: 'Length', type: 'Integer' }] }));
  await applyCustomApi(client, api('test_Function', { isFunction: true, requestParameters: [], responseProperties: [{ uniqueName: 'Reversed', type: 'String' }] }));
});

afterAll(async () => {
  client.close();
  await emulator.close();
  await new Promise((r) => endpoint.close(r));
});

describe('custom API runtime', () => {
  it('calls a function, a module export, a named export and an HTTP endpoint', async () => {
    expect((await post('test_Fn', { Text: 'abc' })).json).toMatchObject({ Reversed: 'ABC' });
    const module = await post('test_Module', { Text: 'abc' });
    expect(module.status).toBe(200);
    expect(module.json).toEqual({ '@odata.context': expect.stringContaining('$metadata#Microsoft.Dynamics.CRM.test_ModuleResponse'), Reversed: 'cba' });
    expect((await post('test_Named', { Text: 'abcd' })).json.Length).toBe(4);
    expect((await post('test_Http', { Text: 'abc' })).json.Reversed).toBe('http:abc');
  });

  it('answers null response properties without an implementation, and serves functions by GET', async () => {
    expect((await post('test_Unbound', { Text: 'abc' })).json.Reversed).toBeNull();
    const fn = await fetch(`${emulator.serviceRoot}test_Function()`);
    expect(fn.status).toBe(200);
    expect((await fetch(`${emulator.serviceRoot}test_Function`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(404);
  });

  it('calls an entity-bound custom API on its record and refuses it unbound', async () => {
    const contact = await client.create('contacts', { lastname: 'Bound' });
    const bound = await post(`contacts(${contact.id})/Microsoft.Dynamics.CRM.test_Bound`, {});
    expect([bound.status, bound.json.Reversed]).toEqual([200, `contacts:${contact.id}`]);
    expect((await post('test_Bound', {})).status).toBe(404);
  });

  it("checks request parameters against the definition with Dataverse's errors", async () => {
    const missing = await post('test_Fn', {});
    expect([missing.status, missing.json.error.code]).toEqual([400, '0x80040203']);
    expect(missing.json.error.message).toContain("'Text'");
    const wrongType = await post('test_Fn', { Text: 5 });
    expect([wrongType.status, wrongType.json.error.code]).toEqual([400, '0x0']);
    expect(wrongType.json.error.message).toContain('Edm.String');
    const unknown = await post('test_Fn', { Text: 'a', Nope: 1 });
    expect(unknown.json.error.message).toBe("The parameter 'Nope' in the request payload is not a valid parameter for the operation 'test_Fn'.");
    expect((await post('test_Fn', { Text: 'a', Times: 1.5 })).status).toBe(400);
  });

  it('turns a throwing, slow or malformed implementation into a plug-in error, never a crash', async () => {
    const thrown = await post('test_Throws', { Text: 'a' });
    expect([thrown.status, thrown.json.error.code, thrown.json.error.message]).toEqual([400, '0x80040265', 'the provider refused the message']);
    const slow = await post('test_Slow', { Text: 'a' });
    expect([slow.status, slow.json.error.code]).toEqual([400, '0x80040265']);
    expect(slow.json.error.message).toContain('timed-out');
    const malformed = await post('test_Http', { Text: 'malformed' });
    expect(malformed.json.error.message).toContain('malformed JSON');
    expect((await post('test_BadOutput', { Text: 'a' })).json.error.message).toContain("'Reversed' to a value that is not String");
    expect((await post('test_Extra', { Text: 'a' })).json.error.message).toContain("'Other'");
    // The emulator still answers afterwards.
    expect((await post('test_Fn', { Text: 'ok' })).status).toBe(200);
  });

  it('lets an implementation execute other messages, as a plug-in does', async () => {
    const definitionId = (await client.create('msdyn_channeldefinitions', { msdyn_name: 'n', msdyn_channeltype: 'SMS', msdyn_outboundendpointurltemplate: '/x' })).id;
    const payload = JSON.stringify({ ChannelDefinitionId: definitionId, RequestId: 'r1', MessageId: 'm1', From: '+1', OrganizationId: 'o', Status: 'Delivered' });
    const answer = await post('test_Notify', { Text: payload });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.json.Reversed as string)).toMatchObject({ responseMessage: expect.stringContaining('Accepted') });
    const failing = await post('test_Notify', { Text: '{}' });
    expect(failing.json.error.message).toContain('msdyn_D365ChannelsNotification failed with 400');
  });

  it('refuses to start with a module that does not exist', async () => {
    await expect(startEmulator({ customApis: { test_X: './nope.mjs' }, customApiBaseDir: dir })).rejects.toMatchObject({ name: 'InputError' });
  });
});
