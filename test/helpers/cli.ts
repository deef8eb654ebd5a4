/**
 * Spawns the built CLI (`node dist/cli/main.js`) the way a user would, for CLI tests.
 * Run `npm run build` before tests that use it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** An empty user config folder for spawned CLIs (no saved connections). */
const ISOLATED_CONFIG = resolve(tmpdir(), `journeyctl-test-config-${process.pid}`);

/** The built CLI entry point. */
export const cliPath = resolve(repoRoot, 'dist', 'cli', 'main.js');

/** Options for {@link runCli}. */
export interface RunCliOptions {
  /** Text written to the CLI's stdin; stdin is closed immediately when absent. */
  stdin?: string;
  /** Extra environment variables, merged over the test process's environment. */
  env?: Record<string, string | undefined>;
  /** Working directory. @default the repository root */
  cwd?: string;
  /** Kill the CLI after this many milliseconds (a safety net, not an assertion). @default 60000 */
  timeoutMs?: number;
}

/** What a CLI run produced. */
export interface CliResult {
  /** Exit code; `null` only when the process was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `journeyctl <args>` as a child process and collect its output and exit code.
 * Colour is disabled (`NO_COLOR=1`) so assertions see plain text.
 */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  if (!existsSync(cliPath)) {
    return Promise.reject(new Error(`${cliPath} is missing: run "npm run build" before the CLI tests`));
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? repoRoot,
      // A config folder of its own: a connection the developer saved (journeyctl auth) must not redirect tests.
      env: { ...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: ISOLATED_CONFIG, APPDATA: ISOLATED_CONFIG, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    // A CLI that does not read stdin may close it early; ignore EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}
