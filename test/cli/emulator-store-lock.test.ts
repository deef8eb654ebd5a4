/**
 * One writer per store: while `journeyctl emulator start` serves a store, `emulator reset|seed|
 * export` and a second `emulator start` on it are refused with exit 2 naming the server's pid; a
 * lock left by a process that is gone is taken over.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../helpers/cli.js';

describe('emulator store lock', () => {
  it('refuses reset, seed, export and a second start while a server holds the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-lock-'));
    const data = join(dir, 'store');
    const server = spawn(process.execPath, [cliPath, 'emulator', 'start', '--data', data, '--port', '0', '--seed'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        server.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          if (out.includes('listening on')) resolve();
        });
        void exited.then((code) => reject(new Error(`server exited ${code}`)));
      });
      for (const args of [['reset'], ['seed'], ['export'], ['start', '--port', '0']]) {
        const result = await runCli(['emulator', ...args, '--data', data], { timeoutMs: 30_000 });
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
        expect(result.stderr).toContain(`pid ${server.pid}`);
        expect(result.stdout).toBe('');
      }
    } finally {
      server.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    // Released on stop: maintenance works again.
    const reset = await runCli(['emulator', 'reset', '--data', data]);
    expect(reset.code, reset.stderr).toBe(0);
  });

  it('takes over a stale lock', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'store-lock-')), 'store');
    expect((await runCli(['emulator', 'seed', '--data', data])).code).toBe(0);
    // A pid far above any pid_max: no such process.
    writeFileSync(join(data, 'server.lock'), JSON.stringify({ pid: 2 ** 30, startedAt: '2026-01-01T00:00:00Z' }));
    const reset = await runCli(['emulator', 'reset', '--data', data]);
    expect(reset.code, reset.stderr).toBe(0);
  });
});
