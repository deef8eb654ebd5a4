/**
 * Colour is decided in one place (`useColor`: --no-color, NO_COLOR, FORCE_COLOR, terminal), and
 * progress is a bar on a terminal, a plain line per step otherwise, nothing with --quiet.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useColor } from '../../src/cli/context.js';
import { createProgress } from '../../src/cli/progress.js';

const tty = { isTTY: true as const };
const pipe = { isTTY: false as const };

describe('useColor', () => {
  it('colours a terminal and not a pipe by default', () => {
    expect(useColor({ color: true }, tty, {})).toBe(true);
    expect(useColor({ color: true }, pipe, {})).toBe(false);
  });
  it('--no-color wins over everything', () => {
    expect(useColor({ color: false }, tty, {})).toBe(false);
    expect(useColor({ color: false }, pipe, { FORCE_COLOR: '1' })).toBe(false);
  });
  it('NO_COLOR turns colour off, even with FORCE_COLOR', () => {
    expect(useColor({ color: true }, tty, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ color: true }, tty, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    // An empty NO_COLOR is unset (https://no-color.org).
    expect(useColor({ color: true }, tty, { NO_COLOR: '' })).toBe(true);
  });
  it('FORCE_COLOR colours a pipe; FORCE_COLOR=0 does not force', () => {
    expect(useColor({ color: true }, pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor({ color: true }, pipe, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor({ color: true }, pipe, { FORCE_COLOR: 'false' })).toBe(false);
  });
});

/** A stderr stand-in that records what is written. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text(): string };
  Object.assign(stream, { isTTY, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, text: () => chunks.join('') });
  return stream;
}

describe('createProgress', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one plain line per step when stderr is not a terminal', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    const progress = createProgress({ title: 'export', quiet: false, color: false, stream: fakeStream(false) });
    progress.update(1, 2, 'a', 'exported 1/2: a');
    progress.update(2, 2, 'b');
    progress.step('wrote report.html');
    progress.stop();
    expect(lines).toEqual(['exported 1/2: a\n', 'export: 2/2 b\n', 'wrote report.html\n']);
  });

  it('prints nothing with --quiet', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stream = fakeStream(true);
    const progress = createProgress({ title: 'export', quiet: true, color: false, stream });
    progress.update(1, 2);
    progress.step('x');
    progress.stop();
    expect(write).not.toHaveBeenCalled();
    expect(stream.text()).toBe('');
  });

  it('draws a bar on a terminal', () => {
    const stream = fakeStream(true);
    const progress = createProgress({ title: 'export', quiet: false, color: false, stream });
    progress.update(1, 4, 'first');
    progress.update(4, 4, 'last');
    progress.stop();
    expect(stream.text()).toMatch(/export [#-]+ 4\/4 last/);
  });
});
