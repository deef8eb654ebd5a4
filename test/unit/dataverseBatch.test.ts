import { describe, expect, it } from 'vitest';
import { mapBatchResults, parseBatchResponse, serializeBatch, splitMultipart, boundaryOf, type BatchItem } from '../../src/dataverse/index.js';

const ROOT = 'https://org.crm.dynamics.com/api/data/v9.2/';
const ID1 = '11111111-1111-1111-1111-111111111111';
const ID2 = '22222222-2222-2222-2222-222222222222';

function counter(): () => string {
  let n = 0;
  return () => `b${++n}`;
}

describe('serializeBatch', () => {
  it('writes the multipart layout of the Web API docs with CRLF and Content-IDs', () => {
    const items: BatchItem[] = [
      { method: 'GET', path: `accounts(${ID1})/Account_Tasks?$select=subject` },
      {
        changeSet: [
          { method: 'POST', path: 'tasks', body: { subject: 'Task 1' } },
          { method: 'PATCH', path: `tasks(${ID2})`, body: { subject: 'é' }, headers: { 'If-Match': '*', Authorization: 'Bearer x' } },
        ],
      },
    ];
    const batch = serializeBatch(items, ROOT, counter());
    expect(batch.contentType).toBe('multipart/mixed; boundary=batch_b1');
    expect(batch.contentIds).toEqual([['1'], ['2', '3']]);
    expect(batch.body).toBe(
      [
        '--batch_b1',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        'Content-ID: 1',
        '',
        `GET ${ROOT}accounts(${ID1})/Account_Tasks?$select=subject HTTP/1.1`,
        'accept: application/json',
        '',
        '',
        '--batch_b1',
        'Content-Type: multipart/mixed; boundary=changeset_b2',
        '',
        '--changeset_b2',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        'Content-ID: 2',
        '',
        `POST ${ROOT}tasks HTTP/1.1`,
        'content-type: application/json; type=entry',
        '',
        '{"subject":"Task 1"}',
        '--changeset_b2',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        'Content-ID: 3',
        '',
        `PATCH ${ROOT}tasks(${ID2}) HTTP/1.1`,
        'if-match: *',
        'content-type: application/json; type=entry',
        '',
        '{"subject":"é"}',
        '--changeset_b2--',
        '--batch_b1--',
        '',
      ].join('\r\n'),
    );
    expect(batch.body).not.toContain('Bearer');
  });

  it('keeps given Content-IDs and $n references, and rejects GET in a change set', () => {
    const batch = serializeBatch(
      [{ changeSet: [{ method: 'POST', path: 'contacts', body: { firstname: 'A' }, contentId: '7' }, { method: 'PATCH', path: '$7', body: { lastname: 'B' } }] }],
      ROOT,
      counter(),
    );
    expect(batch.contentIds).toEqual([['7', '1']]);
    expect(batch.body).toContain('PATCH $7 HTTP/1.1');
    expect(() => serializeBatch([{ changeSet: [{ method: 'GET', path: 'contacts' }] }], ROOT)).toThrow(/GET is not allowed/);
    expect(() => serializeBatch([{ changeSet: [] }], ROOT)).toThrow(RangeError);
    expect(() => serializeBatch([{ method: 'GET', path: 'a', contentId: '1' }, { method: 'GET', path: 'b', contentId: '1' }], ROOT)).toThrow(/Duplicate/);
  });
});

/** The response example of the Web API batch docs (§4c), CRLF. */
const DOC_RESPONSE = [
  '--batchresponse_c1',
  'Content-Type: multipart/mixed; boundary=changesetresponse_c2',
  '',
  '--changesetresponse_c2',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  'Content-ID: 2',
  '',
  'HTTP/1.1 204 No Content',
  'OData-Version: 4.0',
  `Location: ${ROOT}tasks(${ID1})`,
  `OData-EntityId: ${ROOT}tasks(${ID1})`,
  '',
  '',
  '--changesetresponse_c2--',
  '--batchresponse_c1',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  'Content-ID: 1',
  '',
  'HTTP/1.1 200 OK',
  'Content-Type: application/json; odata.metadata=minimal; odata.streaming=true',
  'OData-Version: 4.0',
  '',
  '{"@odata.context":"x","value":[{"subject":"a"}]}',
  '--batchresponse_c1--',
  '',
].join('\r\n');

describe('parseBatchResponse', () => {
  it('reads change sets and single answers with status, headers and body', () => {
    const entries = parseBatchResponse('multipart/mixed; boundary=batchresponse_c1', DOC_RESPONSE);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ kind: 'changeSet', responses: [{ status: 204, contentId: '2' }] });
    const created = entries[0]!.kind === 'changeSet' ? entries[0]!.responses[0]! : undefined;
    expect(created?.headers['odata-entityid']).toBe(`${ROOT}tasks(${ID1})`);
    expect(entries[1]).toMatchObject({ kind: 'response', response: { status: 200, contentId: '1' } });
    const get = entries[1]!.kind === 'response' ? entries[1]!.response : undefined;
    expect(JSON.parse(get!.bodyText)).toEqual({ '@odata.context': 'x', value: [{ subject: 'a' }] });
  });

  it('tolerates LF line endings, a preamble and a quoted boundary', () => {
    const lf = `preamble\n${DOC_RESPONSE.replace(/\r\n/g, '\n')}`;
    const entries = parseBatchResponse('multipart/mixed; boundary="batchresponse_c1"', lf);
    expect(entries.map((e) => e.kind)).toEqual(['changeSet', 'response']);
    expect(boundaryOf('multipart/mixed;boundary=abc')).toBe('abc');
    expect(splitMultipart('--x\r\nA\r\n--x\r\nB\r\n--x--', 'x')).toEqual(['A', 'B']);
  });

  it('rejects bodies that are not multipart', () => {
    expect(() => parseBatchResponse('application/json', '{"error":{}}')).toThrow(SyntaxError);
    expect(() => parseBatchResponse('multipart/mixed; boundary=zz', 'nothing here')).toThrow(SyntaxError);
  });
});

const error = (status: number, code: string, message: string, contentId?: string): string =>
  [
    '--batchresponse_r',
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    ...(contentId ? [`Content-ID: ${contentId}`] : []),
    '',
    `HTTP/1.1 ${status} Bad Request`,
    'REQ_ID: req-9',
    'Content-Type: application/json; odata.metadata=minimal',
    '',
    JSON.stringify({ error: { code, message } }),
  ].join('\r\n');

describe('mapBatchResults', () => {
  const items: BatchItem[] = [
    { method: 'POST', path: 'contacts', body: { a: 1 } },
    { changeSet: [{ method: 'POST', path: 'tasks', body: {} }, { method: 'POST', path: 'tasks', body: { subject: 'x'.repeat(300) } }] },
    { method: 'DELETE', path: `contacts(${ID2})` },
  ];
  const ids = [['1'], ['2', '3'], ['4']];

  it('fails a whole change set answered by its failed part, and stops after it without continue-on-error', () => {
    const body = `${error(400, '0x80044331', 'A validation error occurred.', '3')}\r\n--batchresponse_r--\r\n`;
    const results = mapBatchResults(items, ids, 0, parseBatchResponse('multipart/mixed; boundary=batchresponse_r', body), 1);
    expect(results.map((r) => [r.index, r.ok, r.status])).toEqual([
      [0, true, 0],
      [1, false, 400],
      [2, false, 400],
      [3, false, 0],
    ]);
    expect(results[2]!.error).toMatchObject({ code: '0x80044331', requestId: 'req-9' });
    expect(results[1]!.error?.message).toMatch(/Rolled back/);
    expect(results[3]!.error?.message).toMatch(/Not executed/);
  });

  it('reports each operation with continue-on-error', () => {
    const okPart = (contentId: string, status: number, extra: string[] = []): string =>
      ['--batchresponse_r', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', `Content-ID: ${contentId}`, '', `HTTP/1.1 ${status} X`, ...extra, '', ''].join('\r\n');
    const body = [
      okPart('1', 204, [`OData-EntityId: ${ROOT}contacts(${ID1})`]),
      error(400, '0x80044331', 'too long', '3'),
      okPart('4', 204),
      '--batchresponse_r--',
    ].join('\r\n');
    const results = mapBatchResults(items, ids, 10, parseBatchResponse('multipart/mixed; boundary=batchresponse_r', body), 2);
    expect(results.map((r) => [r.index, r.ok, r.status])).toEqual([
      [10, true, 204],
      [11, false, 400],
      [12, false, 400],
      [13, true, 204],
    ]);
    expect(results[0]!.entityId).toBe(ID1);
    expect(results.every((r) => r.attempts === 2)).toBe(true);
  });
});
