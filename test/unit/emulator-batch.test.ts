/** `$batch` request parsing: what clients actually send (DWA, the docs' examples, hand-written LF bodies). */
import { describe, expect, it } from 'vitest';
import { boundaryOf, parseBatch, parseMultipart, MAX_BATCH_OPERATIONS } from '../../src/emulator/core/batch.js';
import { isWebApiError } from '../../src/emulator/core/errors.js';

const docsExample = [
  '--batch_AAA123',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  '',
  'GET /api/data/v9.2/accounts?$select=name HTTP/1.1',
  '',
  '--batch_AAA123',
  'Content-Type: multipart/mixed; boundary="changeset_BBB456"',
  '',
  '--changeset_BBB456',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  'Content-ID: 1',
  '',
  'POST /api/data/v9.2/tasks HTTP/1.1',
  'Content-Type: application/json; type=entry',
  '',
  '{"subject":"Task 1"}',
  '--changeset_BBB456',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  'Content-ID: 2',
  '',
  'PATCH $1 HTTP/1.1',
  'Content-Type: application/json; type=entry',
  'If-Match: *',
  '',
  '{"subject":"Task 1 updated"}',
  '--changeset_BBB456--',
  '--batch_AAA123--',
  '',
];

function expectBadRequest(fn: () => unknown, message: RegExp) {
  try {
    fn();
  } catch (error) {
    expect(isWebApiError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as { status: number }).status).toBe(400);
    return;
  }
  throw new Error('expected a 400');
}

describe('boundaryOf', () => {
  it('reads quoted and unquoted boundaries, with or without a space', () => {
    expect(boundaryOf('multipart/mixed; boundary="batch_1"')).toBe('batch_1');
    expect(boundaryOf('multipart/mixed;boundary=dwa_batch_abc')).toBe('dwa_batch_abc');
    expect(boundaryOf('Multipart/Mixed; charset=utf-8; boundary=b')).toBe('b');
    expect(boundaryOf('application/json')).toBeUndefined();
    expect(boundaryOf('multipart/mixed')).toBeUndefined();
    expect(boundaryOf(undefined)).toBeUndefined();
  });
});

describe('parseBatch', () => {
  for (const [label, eol] of [
    ['CRLF', '\r\n'],
    ['LF', '\n'],
  ] as const) {
    it(`parses the documented example with ${label} line endings`, () => {
      const items = parseBatch(docsExample.join(eol), 'batch_AAA123');
      expect(items).toHaveLength(2);
      expect(items[0]).toMatchObject({ kind: 'request', operation: { method: 'GET', url: '/api/data/v9.2/accounts?$select=name', body: '' } });
      const changeset = items[1]!;
      if (changeset.kind !== 'changeset') throw new Error('expected a change set');
      expect(changeset.operations.map((op) => [op.contentId, op.method, op.url, op.body])).toEqual([
        ['1', 'POST', '/api/data/v9.2/tasks', '{"subject":"Task 1"}'],
        ['2', 'PATCH', '$1', '{"subject":"Task 1 updated"}'],
      ]);
      expect(changeset.operations[1]!.headers.get('if-match')).toBe('*');
    });
  }

  it('tolerates a preamble, absolute URLs and a missing final line break (DWA style)', () => {
    const body = [
      '',
      '--dwa_batch_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'GET http://127.0.0.1:1234/api/data/v9.2/accounts HTTP/1.1',
      'Accept: application/json',
      '',
      '--dwa_batch_1--',
    ].join('\r\n');
    const items = parseBatch(body, 'dwa_batch_1');
    expect(items).toEqual([{ kind: 'request', operation: expect.objectContaining({ method: 'GET', url: 'http://127.0.0.1:1234/api/data/v9.2/accounts' }) }]);
  });

  it('refuses a body without the closing delimiter, a bad request line, nested change sets and too many operations', () => {
    expectBadRequest(() => parseBatch('--b\r\nContent-Type: application/http\r\n\r\nGET /x HTTP/1.1\r\n', 'b'), /closing delimiter/);
    expectBadRequest(() => parseBatch('--b\r\nContent-Type: application/http\r\n\r\nnot a request line\r\n--b--', 'b'), /request line/);
    expectBadRequest(() => parseBatch('--b\r\nContent-Type: text/plain\r\n\r\nGET /x HTTP/1.1\r\n--b--', 'b'), /application\/http/);
    const nested = ['--b', 'Content-Type: multipart/mixed; boundary=c', '', '--c', 'Content-Type: multipart/mixed; boundary=d', '', '--d--', '--c--', '--b--'].join('\r\n');
    expectBadRequest(() => parseBatch(nested, 'b'), /nested/);
    const part = ['--b', 'Content-Type: application/http', '', 'GET /api/data/v9.2/accounts HTTP/1.1', ''];
    const many = [...Array.from({ length: MAX_BATCH_OPERATIONS + 1 }, () => part.join('\r\n')), '--b--'].join('\r\n');
    expectBadRequest(() => parseBatch(many, 'b'), /more than 1000 operations/);
  });
});

describe('parseMultipart', () => {
  it('keeps part content exactly, dropping only the line break that belongs to the delimiter', () => {
    const parts = parseMultipart('--x\r\nA: 1\r\n\r\nline one\r\n\r\nline three\r\n--x--\r\n', 'x');
    expect(parts).toHaveLength(1);
    expect(parts[0]!.headers.get('a')).toBe('1');
    expect(parts[0]!.content).toBe('line one\n\nline three');
  });
});
