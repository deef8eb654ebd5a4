/**
 * The channel servers read request bodies with the one document reader: a body nested past the
 * limit is refused with 400 and the JSON pointer where the limit was passed, over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, readJsonBody, type ListeningServer } from '../../src/channels/server/http.js';

let server: ListeningServer;
beforeAll(async () => {
  server = await listen({ 'POST /echo': async (request) => ({ status: 200, body: { received: await readJsonBody(request) } }) });
});
afterAll(() => server.close());

async function post(body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('channel request bodies', () => {
  it('are parsed as JSON', async () => {
    expect(await post('{"RequestId": "r1"}')).toEqual({ status: 200, body: { received: { RequestId: 'r1' } } });
  });

  it('nested past the limit: 400 with the pointer where it was passed, never 500', async () => {
    const answer = await post(`{"Message": ${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('the body is nested more than 256 levels deep (line 1, column 268)');
    expect(answer.body.pointer).toBe(`/Message${'/0'.repeat(255)}`);
  });

  it('not JSON: 400 with the line and column', async () => {
    const answer = await post('{"RequestId": }');
    expect(answer).toEqual({ status: 400, body: { error: 'the body is not valid JSON: value expected (line 1, column 15)' } });
  });
});
