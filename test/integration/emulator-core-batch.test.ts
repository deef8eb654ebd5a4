/** `$batch` over raw HTTP: response framing, atomic change sets, Content-ID references, continue-on-error. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createEmulatorCore } from '../../src/emulator/core/server.js';
import type { EmulatorCore } from '../../src/emulator/core/types.js';

let core: EmulatorCore;
let root: string;
beforeAll(async () => {
  core = await createEmulatorCore();
  root = core.serviceRoot();
});
afterAll(async () => {
  await core.close();
});

interface Part {
  method: string;
  url: string;
  body?: unknown;
  contentId?: string;
  headers?: Record<string, string>;
}

function httpPart(part: Part): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (part.contentId) lines.push(`Content-ID: ${part.contentId}`);
  lines.push('', `${part.method} ${part.url} HTTP/1.1`);
  if (part.body !== undefined) lines.push('Content-Type: application/json; type=entry');
  for (const [name, value] of Object.entries(part.headers ?? {})) lines.push(`${name}: ${value}`);
  lines.push('', part.body === undefined ? '' : JSON.stringify(part.body));
  return lines.join('\r\n');
}

/** Builds a batch body: arrays are change sets. */
function batchBody(boundary: string, items: (Part | Part[])[]): string {
  const chunks: string[] = [];
  for (const item of items) {
    if (Array.isArray(item)) {
      const changeset = `changeset_${randomUUID()}`;
      chunks.push(`--${boundary}\r\nContent-Type: multipart/mixed; boundary=${changeset}\r\n\r\n`);
      for (const part of item) chunks.push(`--${changeset}\r\n${httpPart(part)}\r\n`);
      chunks.push(`--${changeset}--\r\n`);
    } else chunks.push(`--${boundary}\r\n${httpPart(item)}\r\n`);
  }
  chunks.push(`--${boundary}--\r\n`);
  return chunks.join('');
}

async function batch(items: (Part | Part[])[], headers: Record<string, string> = {}) {
  const boundary = `batch_${randomUUID()}`;
  const response = await fetch(`${root}$batch`, {
    method: 'POST',
    headers: { 'Content-Type': `multipart/mixed;boundary=${boundary}`, ...headers },
    body: batchBody(boundary, items),
  });
  const text = await response.text();
  const statusLines = [...text.matchAll(/^HTTP\/1\.1 (\d{3}) ([A-Za-z -]+)\r$/gm)].map((match) => Number(match[1]));
  return { status: response.status, contentType: response.headers.get('content-type')!, text, statusLines };
}

describe('$batch', () => {
  it('answers with the exact framing DWA parses', async () => {
    const id = randomUUID();
    const answer = await batch([[{ method: 'POST', url: `${root}accounts`, body: { accountid: id, name: 'Framed' }, contentId: '1' }], { method: 'GET', url: `accounts(${id})?$select=name` }]);
    expect(answer.status).toBe(200);
    const boundary = /boundary=(batchresponse_[0-9a-f-]{36})$/.exec(answer.contentType)![1]!;
    expect(answer.text.startsWith(`--${boundary}\r\n`)).toBe(true);
    expect(answer.text).toMatch(/Content-Type: multipart\/mixed; boundary=changesetresponse_[0-9a-f-]{36}\r\n/);
    expect(answer.text).toContain('Content-ID: 1\r\n');
    expect(answer.text).toContain('HTTP/1.1 204 No Content\r\n');
    expect(answer.text).toContain(`OData-EntityId: ${root}accounts(${id})\r\n`);
    expect(answer.text).toContain(`Location: ${root}accounts(${id})\r\n`);
    expect(answer.text).toContain('HTTP/1.1 200 OK\r\n');
    expect(answer.text).toContain('"name":"Framed"');
    expect(answer.text.trimEnd().endsWith(`--${boundary}--`)).toBe(true);
    expect(answer.statusLines).toEqual([204, 200]);
  });

  it('resolves Content-ID references in URLs and @odata.bind within a change set', async () => {
    const answer = await batch([
      [
        { method: 'POST', url: 'accounts', body: { name: 'Parent' }, contentId: '1' },
        { method: 'PATCH', url: '$1', body: { telephone1: '555-0100' }, contentId: '2', headers: { 'If-Match': '*' } },
        { method: 'POST', url: '/api/data/v9.2/contacts', body: { lastname: 'Child', 'parentcustomerid_account@odata.bind': '$1' }, contentId: '3' },
      ],
    ]);
    expect(answer.statusLines).toEqual([204, 204, 204]);
    const accountId = /accounts\(([0-9a-f-]{36})\)/.exec(answer.text)![1]!;
    expect(core.read('accounts', accountId)?.telephone1).toBe('555-0100');
    const contactId = /contacts\(([0-9a-f-]{36})\)/.exec(answer.text)![1]!;
    expect(core.read('contacts', contactId)?.parentcustomerid).toBe(accountId);
  });

  it('rolls a change set back when a part fails; without continue-on-error: outer 400 and only the failed part', async () => {
    const before = core.store.count('accounts');
    const answer = await batch([{ method: 'GET', url: 'accounts?$top=1' }, [
      { method: 'POST', url: 'accounts', body: { name: 'Will roll back' }, contentId: '1' },
      { method: 'POST', url: 'accounts', body: { name: 'x'.repeat(200) }, contentId: '2' },
    ], { method: 'GET', url: 'accounts?$top=1' }]);
    expect(answer.status).toBe(400);
    expect(answer.statusLines).toEqual([400]);
    expect(answer.text).toContain('"code":"0x80044331"');
    expect(answer.text).toMatch(/REQ_ID: [0-9a-f-]{36}/);
    expect(core.store.count('accounts')).toBe(before);
  });

  it('with continue-on-error: outer 200 and every part answered', async () => {
    const answer = await batch(
      [
        { method: 'GET', url: `accounts(${randomUUID()})` },
        [{ method: 'POST', url: 'accounts', body: { name: 'Kept' } }],
        { method: 'DELETE', url: `accounts(${randomUUID()})` },
      ],
      { Prefer: 'odata.continue-on-error' },
    );
    expect(answer.status).toBe(200);
    expect(answer.statusLines).toEqual([404, 204, 404]);
  });

  it('refuses GET inside a change set, unknown Content-IDs, and malformed batches with JSON errors', async () => {
    const get = await batch([[{ method: 'GET', url: 'accounts' }]]);
    expect(get.status).toBe(400);
    expect(get.text).toMatch(/GET requests are not allowed inside a change set/);
    const unknown = await batch([[{ method: 'PATCH', url: '$9', body: { name: 'x' } }]]);
    expect(unknown.text).toContain("Content-ID Reference: '$9' does not exist in the batch context.");
    const malformed = await fetch(`${root}$batch`, { method: 'POST', headers: { 'Content-Type': 'multipart/mixed; boundary=b' }, body: '--b\r\nnot a header line\r\n' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/json/);
    const noBoundary = await fetch(`${root}$batch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(noBoundary.status).toBe(400);
    expect(((await noBoundary.json()) as any).error.message).toMatch(/multipart\/mixed/);
  });
});
