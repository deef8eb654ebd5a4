/**
 * docs/realtime-channels.md: every command of its `sh` block runs, in order, in an empty
 * directory (embedded emulator), and the last one is a passing conformance run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

const guide = readFileSync(join(repoRoot, 'docs', 'realtime-channels.md'), 'utf8');
const block = /```sh\n([\s\S]*?)```/.exec(guide)?.[1] ?? '';
const commands = block.split('\n').filter((line) => line.trim() !== '');
const cwd = mkdtempSync(join(tmpdir(), 'jctl-guide-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** Split a command line of the guide into arguments (the guide uses no quotes). */
const argsOf = (line: string): string[] => line.trim().split(/\s+/).slice(1);

describe('the real-time channel guide', () => {
  it('is a handful of journeyctl realtime commands, from new to conformance', () => {
    expect(commands.length).toBeGreaterThanOrEqual(5);
    expect(commands.length).toBeLessThanOrEqual(8);
    expect(commands.every((line) => line.startsWith('journeyctl realtime '))).toBe(true);
    expect(commands[0]).toContain('realtime new');
    expect(commands.at(-1)).toContain('realtime conformance');
  });

  it('runs every command with exit code 0 and ends with a passing conformance run', async () => {
    let last = '';
    for (const line of commands) {
      const result = await runCli(argsOf(line), { cwd, env: { DATAVERSE_URL: undefined }, timeoutMs: 120_000 });
      expect({ line, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ line, code: 0, stderr: '' });
      last = result.stdout;
    }
    expect(last).toMatch(/\b0 failed\b/);
    expect(last).not.toMatch(/^FAIL/m);
  }, 300_000);
});
