/** `journeyctl channel lint-tile`, spawned from the built CLI (run `npm run build` first). */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

const TILES = 'samples/channels/tiles';
const GOOD = `${TILES}/contoso_SmsTileCustomerJourneyDesignerTileConfig.xml`;
const BROKEN = `${TILES}/contoso_BrokenTileCustomerJourneyDesignerTileConfig.xml`;
const LAUGHS = `${TILES}/contoso_LaughsCustomerJourneyDesignerTileConfig.xml`;
const MALFORMED = `${TILES}/contoso_MalformedCustomerJourneyDesignerTileConfig.xml`;

interface JsonFinding {
  ruleId: string;
  severity: string;
  location: { file: string; pointer: string };
  line?: number;
}

describe('journeyctl channel lint-tile', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'journeyctl-tile-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('exits 0 with no output on stdout for a clean tile', async () => {
    const result = await runCli(['channel', 'lint-tile', GOOD]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('0 errors, 0 warnings in 1 file');
  });

  it('exits 1 and prints one line per finding with file, line, rule and path', async () => {
    const result = await runCli(['channel', 'lint-tile', BROKEN]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines).toContain(`${BROKEN}:9: error tile-guid LookupViewId "push-lookup-view" is not a GUID (at /LibraryTile/ChannelProperties/LookupViewId)`);
    expect(lines.filter((l) => l.includes(' error '))).toHaveLength(6);
    expect(result.stderr).toContain('6 errors, 1 warning in 1 file');
  });

  it('writes findings as JSON with --format json', async () => {
    const result = await runCli(['channel', 'lint-tile', BROKEN, '--format', 'json', '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const findings = JSON.parse(result.stdout) as JsonFinding[];
    expect(findings.map((f) => f.ruleId)).toContain('tile-custom-response-type-count');
    const duplicate = findings.find((f) => f.ruleId === 'tile-response-type-duplicate')!;
    expect(duplicate.location).toEqual({ file: BROKEN, pointer: '/LibraryTile/ResponseTypes/ResponseType[2]/@id' });
    expect(duplicate.line).toBe(18);
  });

  it('prints an empty JSON array for a clean tile', async () => {
    const result = await runCli(['channel', 'lint-tile', GOOD, '-f', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('honours --fail-on: warnings fail with warning, nothing fails with never', async () => {
    const warnOnly = join(scratch, 'contoso_WarnTileCustomerJourneyDesignerTileConfig.xml');
    copyFileSync(resolve(repoRoot, GOOD), warnOnly);
    // the copy's cssFileName no longer matches its own name: a warning only
    expect((await runCli(['channel', 'lint-tile', warnOnly])).code).toBe(0);
    expect((await runCli(['channel', 'lint-tile', warnOnly, '--fail-on', 'warning'])).code).toBe(1);
    expect((await runCli(['channel', 'lint-tile', BROKEN, '--fail-on', 'never'])).code).toBe(0);
  });

  it('exits 2 for a billion-laughs file, saying why, without a stack trace', async () => {
    const result = await runCli(['channel', 'lint-tile', LAUGHS]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: XML declares a DOCTYPE or ENTITY on line 2; journeyctl refuses them (no entity expansion) (${LAUGHS})`);
    expect(result.stderr).toContain('hint: remove the <!DOCTYPE');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for malformed XML and still lints the other files', async () => {
    const result = await runCli(['channel', 'lint-tile', MALFORMED, BROKEN]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: malformed XML on line 5, column \d+/);
    expect(result.stdout.trim().split('\n')).toHaveLength(7);
  });

  it('exits 2 for a missing file', async () => {
    const result = await runCli(['channel', 'lint-tile', 'no/such/tile.xml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: file not found (no/such/tile.xml)');
  });

  it('exits 2 without a file or subcommand', async () => {
    expect((await runCli(['channel', 'lint-tile'])).code).toBe(2);
    const bare = await runCli(['channel']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Name a channel subcommand');
  });
});
