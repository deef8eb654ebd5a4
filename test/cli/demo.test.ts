/**
 * `npm start` runs the demo to the end: the built `dist/demo/main.js`, in a clean working
 * directory, twice (the second run must succeed too). Needs `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const demoPath = join(repoRoot, 'dist', 'demo', 'main.js');

function runDemo(cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [demoPath], { cwd, env: { ...process.env, DATAVERSE_URL: undefined, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm start (the demo)', () => {
  let cwd: string;
  beforeAll(async () => {
    if (!existsSync(demoPath)) throw new Error(`${demoPath} is missing: run "npm run build" first`);
    cwd = await mkdtemp(join(tmpdir(), 'demo-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('runs every step to "Done." with exit 0, on a clean directory and again', async () => {
    for (const run of [1, 2]) {
      const result = await runDemo(cwd);
      expect(result.code, `run ${run}: ${result.stderr}${result.stdout.slice(-2000)}`).toBe(0);
      expect(result.stdout.trimEnd().endsWith('Done.')).toBe(true);
      expect(result.stdout).not.toContain('failed:');
      expect(result.stdout).toContain('offline validation: no findings');
      expect(result.stdout).toContain('result: Valid');
      expect(result.stdout).toMatch(/status: Live \(192350001\)/);
      expect(result.stdout).toMatch(/status: Stopped \(192350002\)/);
      expect(result.stdout).toMatch(/wrote \.journeyctl\/demo\/export\/Demo-welcome-and-registration-0d3e5a1c\//);
    }
    const folder = join(cwd, '.journeyctl', 'demo', 'export', 'Demo-welcome-and-registration-0d3e5a1c');
    expect((await readdir(folder)).sort()).toEqual(['definition.json', 'designer-state.json', 'journey.json']);
  });
});
