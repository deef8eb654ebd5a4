/** `journeyctl emulator start|seed|reset|export`, spawned from the built CLI. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { spawnEmulator } from '../helpers/emulatorProcess.js';

interface ExportFile {
  format: string;
  version: number;
  tables: Record<string, { id: string; version: number; values: Record<string, unknown> }[]>;
}

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;

/**
 * The export with wall-clock stamps replaced: `modifiedon`, and times the emulator stamps itself
 * (its bootstrap rows, iterations and interactions of live journeys, also inside JSON strings)
 * record when the seed ran, not what it wrote. Only times inside the test run are replaced, so
 * the seed's own fixed dates are still compared.
 */
function withoutWriteTimes(dump: ExportFile, from: number, to: number): ExportFile {
  const stamp = (text: string) =>
    text.replace(ISO_TIME, (time) => {
      const at = Date.parse(time);
      return at >= from - 1000 && at <= to + 1000 ? '<time of the run>' : time;
    });
  for (const rows of Object.values(dump.tables)) {
    for (const row of rows) {
      for (const [key, value] of Object.entries(row.values)) if (typeof value === 'string') row.values[key] = stamp(value);
    }
  }
  return dump;
}

describe('journeyctl emulator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'journeyctl-emulator-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('start prints "listening on <url>" first, serves the Web API and exits 0 on SIGTERM', async () => {
    const server = await spawnEmulator(['--in-memory', '--port', '0', '--no-seed']);
    expect(server.firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/api/data/v9.2/WhoAmI`);
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('UserId');
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('start seeds a new store and keeps it across restarts; SIGINT stops it cleanly too', async () => {
    const data = join(dir, 'started');
    const first = await spawnEmulator(['--data', data, '--port', '0']);
    const count = await fetch(`${first.url}/api/data/v9.2/msdyncrm_customerjourneys/$count`);
    expect(Number(await count.text())).toBeGreaterThanOrEqual(5);
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(0);
    // A clean stop closes the store, which checkpoints the WAL into the database file.
    expect(existsSync(join(data, 'emulator.sqlite'))).toBe(true);
    expect(existsSync(join(data, 'emulator.sqlite-wal'))).toBe(false);
    expect(first.stderr()).toMatch(/seeded \d+ sample records/);

    const second = await spawnEmulator(['--data', data, '--port', '0']);
    expect(second.stderr()).not.toMatch(/seeded/);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('seed is deterministic: two stores seeded apart export the same rows', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const from = Date.now();
    const seeded = await runCli(['emulator', 'seed', '--data', a]);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/^seeded [1-9]\d* records\n$/);
    expect((await runCli(['emulator', 'seed', '--data', a])).stdout).toBe('seeded 0 records\n');
    expect((await runCli(['emulator', 'seed', '--data', b])).code).toBe(0);

    const exportA = await runCli(['emulator', 'export', '--data', a]);
    expect(exportA.code).toBe(0);
    const outFile = join(dir, 'b.json');
    expect((await runCli(['emulator', 'export', '--data', b, '--out', outFile])).code).toBe(0);
    const dumpA = JSON.parse(exportA.stdout) as ExportFile;
    const dumpB = JSON.parse(readFileSync(outFile, 'utf8')) as ExportFile;
    expect(dumpA.format).toBe('journeyctl-emulator-export');
    expect(Object.keys(dumpA.tables)).toEqual(expect.arrayContaining(['contacts', 'msdyncrm_customerjourneys', 'msdyncrm_segments', 'msdyncrm_contentsettingss']));
    const to = Date.now();
    expect(withoutWriteTimes(dumpB, from, to)).toEqual(withoutWriteTimes(dumpA, from, to));
    // The seed's own rows carry its fixed creation date.
    expect(dumpA.tables.contacts!.every((row) => row.values.createdon === '2026-01-05T09:00:00Z')).toBe(true);

    const statuses = dumpA.tables.msdyncrm_customerjourneys!.map((row) => row.values.statuscode).sort();
    // Draft, Live, Stopped, Expired, Error (and a second Live journey with the SMS tile).
    expect(new Set(statuses)).toEqual(new Set([192350000, 192350001, 192350002, 192350004, 192350005]));
  });

  it('reset empties the store, and reset --seed brings back only the seed', async () => {
    const data = join(dir, 'reset');
    expect((await runCli(['emulator', 'seed', '--data', data])).code).toBe(0);
    const reset = await runCli(['emulator', 'reset', '--data', data]);
    expect(reset).toMatchObject({ code: 0, stdout: 'reset\n' });
    const empty = JSON.parse((await runCli(['emulator', 'export', '--data', data])).stdout) as ExportFile;
    expect(empty.tables.contacts).toBeUndefined();
    const reseeded = await runCli(['emulator', 'reset', '--data', data, '--seed']);
    expect(reseeded.code).toBe(0);
    expect(reseeded.stdout).toMatch(/^reset; seeded \d+ records\n$/);
  });

  it('refuses bad input with exit code 2 and says where', async () => {
    const limits = join(dir, 'limits.json');
    writeFileSync(limits, JSON.stringify({ maxConcurrent: 0 }));
    const badLimits = await runCli(['emulator', 'start', '--in-memory', '--port', '0', '--limits', limits]);
    expect(badLimits.code).toBe(2);
    expect(badLimits.stdout).toBe('');
    expect(badLimits.stderr).toContain('limits.json at /maxConcurrent');
    expect(badLimits.stderr).not.toMatch(/\n\s+at /);

    const faults = join(dir, 'faults.json');
    writeFileSync(faults, '[{"probability": 1, "status": 503,}]');
    const badFaults = await runCli(['emulator', 'start', '--in-memory', '--port', '0', '--faults', faults]);
    expect(badFaults.code).toBe(2);
    expect(badFaults.stderr).toContain('not valid JSON');

    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    try {
      const taken = await runCli(['emulator', 'start', '--in-memory', '--port', String((busy.address() as AddressInfo).port)]);
      expect(taken.code).toBe(2);
      expect(taken.stderr).toContain('the port is in use');
      expect(taken.stderr).toContain('hint: --port 0');
    } finally {
      busy.close();
    }

    const missing = await runCli(['emulator', 'export', '--data', join(dir, 'nothing-here')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no emulator store');
  });

  it('documents every subcommand with examples', async () => {
    for (const command of ['start', 'seed', 'reset', 'export']) {
      const help = await runCli(['emulator', command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Examples:');
    }
  });
});
