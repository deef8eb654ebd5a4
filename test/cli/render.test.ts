/**
 * handle() prints what a handler returns, in the command's --format, through emit(): json and yaml
 * print the data, text the command's own text, a report's formats its own formatter; notices go
 * to stderr after the output; the exit code ends the command.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handle } from '../../src/cli/command.js';
import { ExitError } from '../../src/cli/exit.js';
import { reportResult, rowsResult, type AnyCommandResult } from '../../src/cli/render.js';

let out: string[];
let err: string[];

beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

const rows = [{ id: 'a', n: 1 }];
const run = (format: string | undefined, result: AnyCommandResult | void) => handle('test', () => result)({ format });

describe('handle() and emit()', () => {
  it('prints rows as a table, json or yaml', async () => {
    await run('table', rowsResult(rows, [{ header: 'ID', value: (r) => r.id }]));
    await run('json', rowsResult(rows, []));
    await run('yaml', rowsResult(rows, []));
    expect(out).toEqual(['ID\n--\na\n', '[\n  {\n    "id": "a",\n    "n": 1\n  }\n]\n', '- id: a\n  n: 1\n']);
  });

  it('prints text for commands without --format, and nothing for an empty text or no result', async () => {
    await handle('test', () => ({ data: 1, text: () => 'one' }))({});
    await run('text', { data: [], text: () => '' });
    await run('text', undefined);
    expect(out).toEqual(['one\n']);
  });

  it("uses a report's own formatter for its formats, and a result's fixed format", async () => {
    await run('sarif', reportResult({ n: 1 }, 'sarif', () => '{"sarif":true}\n'));
    await run('json', { data: { wrote: ['x'] }, text: () => 'wrote x', format: 'text' });
    expect(out).toEqual(['{"sarif":true}\n', 'wrote x\n']);
  });

  it('writes notices to stderr after the output, then ends with the exit code', async () => {
    await expect(run('text', { data: 1, text: () => 'found', notices: ['1 error'], exitCode: 1 })).rejects.toEqual(new ExitError(1));
    expect(out).toEqual(['found\n']);
    expect(err).toEqual(['1 error\n']);
    await expect(run('text', { data: 1, text: () => 'ok', exitCode: 0 })).resolves.toBeUndefined();
  });
});
