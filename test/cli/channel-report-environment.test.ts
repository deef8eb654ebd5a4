/**
 * The reporter's ledger belongs to one environment (organization id, service root, creation time
 * of the caller's business unit). Against another environment — the embedded emulator after
 * `emulator reset`, or `--url` at another emulator holding the same ids — a report is never
 * silently skipped: by default each environment gets its own ledger, and an explicitly given
 * ledger of another environment is refused with exit code 2.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { withEmulator } from '../helpers/emulator.js';

interface Summary {
  activities: { seen: number; handedOff: number; alreadyHandled: number };
  reports: { confirmed: number };
}

const parse = (stdout: string): Summary => JSON.parse(stdout) as Summary;
const ledgers = (dir: string): string[] => (existsSync(join(dir, '.journeyctl')) ? readdirSync(join(dir, '.journeyctl')).filter((f) => /^reporter-ledger\..*\.sqlite$/.test(f)) : []);

describe('channel report: one ledger per environment', () => {
  it('reports again after `emulator reset` of the embedded emulator instead of saying "already handled"', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ledger-env-reset-'));
    const first = await runCli(['channel', 'report', '--provider', 'simulated', '--format', 'json', '--quiet'], { cwd, env: { DATAVERSE_URL: undefined } });
    expect(first.code).toBe(0);
    const before = parse(first.stdout);
    expect(before.activities.handedOff).toBeGreaterThan(0);

    const again = await runCli(['channel', 'report', '--provider', 'simulated', '--format', 'json', '--quiet'], { cwd, env: { DATAVERSE_URL: undefined } });
    expect(again.code).toBe(0);
    expect(parse(again.stdout).activities).toMatchObject({ handedOff: 0, alreadyHandled: before.activities.handedOff });

    const reset = await runCli(['emulator', 'reset', '--seed'], { cwd, env: { DATAVERSE_URL: undefined } });
    expect(reset.code).toBe(0);
    const after = await runCli(['channel', 'report', '--provider', 'simulated', '--format', 'json', '--quiet'], { cwd, env: { DATAVERSE_URL: undefined } });
    expect(after.code).toBe(0);
    expect(parse(after.stdout).activities).toMatchObject({ handedOff: before.activities.handedOff, alreadyHandled: 0 });
    expect(ledgers(cwd)).toHaveLength(2);
  }, 120_000);

  it('with --url at another emulator holding the same ids: its own default ledger, or exit 2 for an explicit ledger of the first', async () => {
    await withEmulator({ seed: true }, async (a) => {
      await withEmulator({ seed: true }, async (b) => {
        const cwd = mkdtempSync(join(tmpdir(), 'ledger-env-url-'));
        const run = (url: string, extra: string[] = []) => runCli(['channel', 'report', '--url', url, '--provider', 'simulated', '--format', 'json', '--quiet', ...extra], { cwd });

        const onA = await run(a.url);
        expect(onA.code).toBe(0);
        const handed = parse(onA.stdout).activities.handedOff;
        expect(handed).toBeGreaterThan(0);
        const onB = await run(b.url);
        expect(onB.code).toBe(0);
        expect(parse(onB.stdout).activities).toMatchObject({ handedOff: handed, alreadyHandled: 0 });
        expect(ledgers(cwd)).toHaveLength(2);

        const explicit = join(cwd, 'a.sqlite');
        expect((await run(a.url, ['--ledger', explicit])).code).toBe(0);
        const refused = await run(b.url, ['--ledger', explicit]);
        expect(refused.code).toBe(2);
        expect(refused.stdout).toBe('');
        expect(refused.stderr).toContain('a.sqlite');
        expect(refused.stderr).toMatch(/belongs to organization .* at http:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\//);
        expect(refused.stderr).toMatch(/omit --ledger/);
        // Nothing was sent to B under the refused ledger.
        const retry = await runCli(['channel', 'retry', '--url', b.url, '--ledger', explicit, '--provider', 'simulated'], { cwd });
        expect(retry.code).toBe(2);
      });
    });
  }, 120_000);
});
