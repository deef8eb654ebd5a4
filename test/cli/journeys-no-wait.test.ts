/**
 * `journeys go-live --no-wait` on the embedded emulator: the command exits at once, and a later
 * command that opens the same store finds the transition finished once its simulated duration is
 * over (the due time is stored, not held by a timer of the process that exited). `go-live` of a
 * Live journey says so and writes nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeedIds } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';

const cwd = mkdtempSync(join(tmpdir(), 'journeys-no-wait-'));
const cli = (args: string[]) => runCli(['journeys', ...args], { cwd });

async function statusOf(id: string): Promise<number> {
  const got = await cli(['get', id, '--format', 'json']);
  expect(got.code, got.stderr).toBe(0);
  return (JSON.parse(got.stdout) as { statusCode: number }).statusCode;
}

describe('journeys go-live --no-wait (embedded emulator)', () => {
  it('returns while Going live; a later command finds the journey Live', async () => {
    const id = SeedIds.journeys.draft;
    const started = await cli(['go-live', id, '--no-wait', '--format', 'json']);
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ id, operation: 'goLive', result: 'running' });
    // Each command is a new process opening the store; none of them waits for the transition.
    let status = await statusOf(id);
    for (let attempt = 0; attempt < 30 && status === 192350006; attempt++) {
      await new Promise((r) => setTimeout(r, 200));
      status = await statusOf(id);
    }
    expect(status).toBe(192350001);
    const listed = await cli(['list', '--status', 'GoingLive', '--format', 'json']);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('go-live of a Live journey says it is already live and writes nothing', async () => {
    const id = SeedIds.journeys.live;
    const before = await cli(['get', id, '--format', 'json']);
    const result = await cli(['go-live', id]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('already live');
    expect(result.stdout).not.toMatch(/succeeded/);
    const after = await cli(['get', id, '--format', 'json']);
    expect(JSON.parse(after.stdout)).toEqual(JSON.parse(before.stdout));
    const json = await cli(['go-live', id, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, result: 'already live', statusCode: 192350001 });
  });
});
