/**
 * `journeyctl audit` as users run it (the built CLI): against an emulator by --url (only GET
 * requests reach it), against the embedded default, resumable, with bad options refused (exit 2).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { seedAuditData, type AuditSeedExpectations } from '../helpers/auditSeed.js';
import { cliPath, runCli } from '../helpers/cli.js';
import { startTestEmulator } from '../helpers/emulator.js';

let emulator: RunningEmulator;
let seed: AuditSeedExpectations;
let dir: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  seed = seedAuditData(emulator, 120);
  dir = await mkdtemp(join(tmpdir(), 'audit-cli-'));
});

afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('journeyctl audit', () => {
  it('audits an environment by --url with GET requests only, prints a summary and writes the reports', async () => {
    const before = emulator.requestLog.length;
    const out = join(dir, 'url');
    const result = await runCli(['audit', '--url', emulator.url, '--out', out, '--report', 'json,csv', '--page-size', '50', '--resolve-owners', '--graph-url', emulator.url], {
      cwd: dir,
      env: { DATAVERSE_URL: '', DATAVERSE_TOKEN: '' },
    });
    expect(result.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Audited ${seed.journeys} journeys`);
    expect(result.stdout).toContain(join(out, 'audit-report.json'));
    expect(result.stderr).toContain('journeys: 120 (3 pages)');
    const methods = new Set(emulator.requestLog.slice(before).map((e) => e.method));
    expect([...methods]).toEqual(['GET']);
    const report = JSON.parse(await readFile(join(out, 'audit-report.json'), 'utf8'));
    expect(report.summary.journeys).toBe(seed.journeys);
    expect(report.summary.risks['owner-missing']).toBe(seed.ownerMissingWithGraph);
    expect(report.source.url).toBe(emulator.url);
    expect(existsSync(join(out, 'audit-journeys.csv'))).toBe(true);
    expect(existsSync(join(out, 'audit-report.html'))).toBe(false);
  });

  it('audits the embedded emulator when no URL is configured, with an archive', async () => {
    const cwd = await mkdtemp(join(dir, 'embedded-'));
    const result = await runCli(['audit', '--out', 'out', '--archive', 'archive', '--report', 'md'], { cwd, env: { DATAVERSE_URL: '', DATAVERSE_TOKEN: '' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Audited 6 journeys/);
    const markdown = await readFile(join(cwd, 'out', 'audit-summary.md'), 'utf8');
    expect(markdown).toContain('| Journeys | 6 |');
    const manifest = JSON.parse(await readFile(join(cwd, 'archive', 'manifest.json'), 'utf8'));
    expect(manifest.count).toBe(6);
  });

  it('refuses an unknown format and a resume without a checkpoint (exit 2)', async () => {
    const bad = await runCli(['audit', '--url', emulator.url, '--out', join(dir, 'bad'), '--report', 'pdf'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown report format "pdf"');
    const resume = await runCli(['audit', '--url', emulator.url, '--out', join(dir, 'nothing'), '--resume'], { cwd: dir });
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('no audit to resume');
  });
});

describe('journeyctl audit interrupted', () => {
  it('stops on SIGINT with exit 1 and a checkpoint, and --resume finishes it', async () => {
    const out = join(dir, 'interrupted');
    // Slow journey pages down so the interruption lands in the middle of the audit.
    emulator.setFaults([{ match: { method: 'GET', path: '^msdyncrm_customerjourneys' }, probability: 1, latencyMs: 150 }]);
    const child = spawn(process.execPath, [cliPath, 'audit', '--url', emulator.url, '--out', out, '--report', 'json', '--page-size', '10'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', DATAVERSE_URL: '', DATAVERSE_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const code = await new Promise<number | null>((resolvePromise) => {
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('journeys: 20 (2 pages)') && !child.killed) child.kill('SIGINT');
      });
      child.on('close', resolvePromise);
    });
    emulator.setFaults([]);
    expect(code).toBe(1);
    expect(stderr).toContain('The audit was interrupted');
    expect(stderr).toContain('--resume');
    const checkpoint = JSON.parse(await readFile(join(out, 'audit-checkpoint.json'), 'utf8'));
    expect(checkpoint.journeysDone).toBe(false);
    expect(checkpoint.summary.journeys).toBeGreaterThanOrEqual(20);
    expect(checkpoint.summary.journeys).toBeLessThan(seed.journeys);

    const resumed = await runCli(['audit', '--url', emulator.url, '--out', out, '--report', 'json', '--resume'], { cwd: dir, env: { DATAVERSE_URL: '', DATAVERSE_TOKEN: '' } });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('resuming after');
    const report = JSON.parse(await readFile(join(out, 'audit-report.json'), 'utf8'));
    expect(report.summary.journeys).toBe(seed.journeys);
    expect(report.journeys.map((j: { id: string }) => j.id)).toEqual(seed.ids);
  }, 60_000);
});
