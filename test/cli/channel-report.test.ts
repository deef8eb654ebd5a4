/**
 * `journeyctl channel report` / `retry` as a user runs them (the built CLI, spawned), against an
 * emulator started by the test: a run killed with SIGKILL at five random points and restarted
 * each time still reports every response exactly once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { SeedIds, type RunningEmulator } from '../../src/emulator/index.js';
import { cliPath, repoRoot, runCli } from '../helpers/cli.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { exactlyOnceProblems, populateActivities, testClient } from '../helpers/channelActivities.js';

const batchRequests = (emulator: RunningEmulator): number => emulator.requestLog.filter((e) => e.path.includes('$batch')).length;

/**
 * Spawn `channel report` and SIGKILL it once the emulator has received `batches` more `$batch`
 * requests from it (a random point in the middle of reporting, not a time). Resolves with whether
 * it was killed (rather than having finished first).
 */
function reportKilledAfter(emulator: RunningEmulator, args: readonly string[], batches: number): Promise<{ killed: boolean }> {
  const start = batchRequests(emulator);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, 'channel', 'report', ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
    const watch = setInterval(() => {
      if (batchRequests(emulator) - start >= batches) child.kill('SIGKILL');
    }, 5);
    child.on('exit', (_code, signal) => {
      clearInterval(watch);
      resolve({ killed: signal === 'SIGKILL' });
    });
  });
}

describe('channel report (CLI)', () => {
  let emulator: RunningEmulator;
  let dir: string;
  beforeAll(async () => {
    emulator = await startTestEmulator({ seed: true });
    dir = mkdtempSync(join(tmpdir(), 'channel-report-'));
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('survives kill -9 at five random points and ends with exactly one sent and one delivered per activity', async () => {
    const client = testClient(emulator);
    await populateActivities(client, 10_000);
    client.close();
    const ledger = join(dir, 'kill.sqlite');
    const args = ['--url', emulator.url, '--ledger', ledger, '--provider', 'simulated', '--batch-size', '50', '--quiet'];
    let kills = 0;
    for (let i = 0; i < 5; i++) {
      // 10,000 activities make 20,000 reports = 400 batches of 50: kill somewhere in the first 60.
      const outcome = await reportKilledAfter(emulator, args, 1 + Math.floor(Math.random() * 60));
      if (outcome.killed) kills++;
    }
    expect(kills).toBe(5);
    const final = await runCli(['channel', 'report', ...args, '--format', 'json'], { timeoutMs: 240_000 });
    expect(final.stderr).toBe('');
    expect(final.code).toBe(0);
    const summary = JSON.parse(final.stdout) as { reports: { pending: number; inFlight: number } };
    expect(summary.reports).toMatchObject({ pending: 0, inFlight: 0 });
    // Killed mid-request: some intents were in flight, and a restart asked the server about them.
    expect(emulator.requestLog.some((e) => e.path.includes('msdyncrm_LoadInteractionsPublic'))).toBe(true);
    expect(exactlyOnceProblems(emulator)).toEqual([]);
  }, 400_000);

  it('dead-letters provider failures (exit 1), lists them, and `channel retry` replays them', async () => {
    // Its own emulator and folder: the kill -9 test's 10,000 activities and load stay out of it.
    const emulator = await startTestEmulator({ seed: true });
    onTestFinished(() => emulator.close());
    const dir = mkdtempSync(join(tmpdir(), 'channel-retry-'));
    const ledger = join(dir, 'retry.sqlite');
    // The seed's own Live SMS activities (2) with a provider failing every hand-off.
    const seedJourney = SeedIds.journeys.liveSms;
    const common = ['--url', emulator.url, '--ledger', ledger, '--journey', seedJourney];
    const failed = await runCli(['channel', 'report', ...common, '--provider', 'simulated', '--simulate-failure-rate', '1', '--format', 'json']);
    expect(failed.code).toBe(1);
    const summary = JSON.parse(failed.stdout) as { activities: { deadLettered: number } };
    expect(summary.activities.deadLettered).toBeGreaterThan(0);

    const list = await runCli(['channel', 'retry', '--list', '--ledger', ledger, '--format', 'json']);
    expect(list.code).toBe(0);
    const dead = JSON.parse(list.stdout) as { activities: { rowId: string; error: string }[] };
    expect(dead.activities).toHaveLength(summary.activities.deadLettered);
    expect(dead.activities[0]!.error).toMatch(/simulated failure/);

    const retried = await runCli(['channel', 'retry', '--url', emulator.url, '--ledger', ledger, '--provider', 'simulated', '--format', 'json']);
    expect(retried.code).toBe(0);
    const after = JSON.parse(retried.stdout) as { activities: { handedOff: number }; reports: { confirmed: number } };
    expect(after.activities.handedOff).toBe(summary.activities.deadLettered);
    expect(after.reports.confirmed).toBe(2 * summary.activities.deadLettered);
  }, 60_000);

  it('refuses bad options with exit code 2 and a clear message', async () => {
    const noProvider = await runCli(['channel', 'report', '--url', emulator.url, '--ledger', join(dir, 'x.sqlite'), '--provider', './no-such-provider.js']);
    expect(noProvider.code).toBe(2);
    expect(noProvider.stderr).toMatch(/cannot load the provider module \.\/no-such-provider\.js/);
    const webhook = await runCli(['channel', 'report', '--url', emulator.url, '--ledger', join(dir, 'x.sqlite'), '--provider', 'webhook']);
    expect(webhook.code).toBe(2);
    expect(webhook.stderr).toMatch(/--webhook-url/);
  });

  it('finishes the requests in flight on SIGINT, leaves nothing ambiguous, and a rerun completes the work', async () => {
    const own = await startTestEmulator({ seed: true });
    try {
      const client = testClient(own);
      await populateActivities(client, 3000);
      client.close();
      const args = ['--url', own.url, '--ledger', join(dir, 'sigint.sqlite'), '--provider', 'simulated', '--batch-size', '20', '--format', 'json'];
      const start = batchRequests(own);
      const child = spawn(process.execPath, [cliPath, 'channel', 'report', ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const watch = setInterval(() => {
        if (batchRequests(own) - start >= 10) {
          clearInterval(watch);
          child.kill('SIGINT');
        }
      }, 5);
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      clearInterval(watch);
      expect(stderr).toMatch(/SIGINT: finishing the requests in flight/);
      expect(code).toBe(0);
      const interrupted = JSON.parse(stdout) as { interrupted: boolean; reports: { confirmed: number; inFlight: number; pending: number } };
      expect(interrupted.interrupted).toBe(true);
      expect(interrupted.reports.inFlight).toBe(0);
      expect(interrupted.reports.confirmed).toBeLessThan(6000);
      const rest = await runCli(['channel', 'report', ...args], { timeoutMs: 120_000 });
      expect(rest.code).toBe(0);
      expect(exactlyOnceProblems(own)).toEqual([]);
    } finally {
      await own.close();
    }
  }, 200_000);
});
