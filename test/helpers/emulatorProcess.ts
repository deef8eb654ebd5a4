/**
 * Run `journeyctl emulator start` as a child process (the built CLI) and wait for its first stdout
 * line, `listening on <url>`. Run `npm run build` before tests that use it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cliPath, repoRoot } from './cli.js';

/** A spawned emulator server. */
export interface EmulatorProcess {
  child: ChildProcessWithoutNullStreams;
  /** Origin from the first stdout line. */
  url: string;
  /** The first stdout line, exactly. */
  firstLine: string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or the signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawn `journeyctl emulator start <args>` and resolve once it prints its URL. */
export function spawnEmulator(args: readonly string[], options: { timeoutMs?: number; cwd?: string } = {}): Promise<EmulatorProcess> {
  if (!existsSync(cliPath)) return Promise.reject(new Error(`${cliPath} is missing: run "npm run build" first`));
  const child = spawn(process.execPath, [cliPath, 'emulator', 'start', ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the emulator did not print its URL in time; stderr:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      const firstLine = stdout.slice(0, newline);
      const match = /^listening on (http:\/\/\S+)$/.exec(firstLine);
      if (!match) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected first line: ${firstLine}`));
        return;
      }
      resolve({ child, url: match[1]!, firstLine, stderr: () => stderr, exited });
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code} before listening; stderr:\n${stderr}`));
    });
  });
}
