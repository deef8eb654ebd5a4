/** `journeyctl definition fmt|tree|refs`, through the built CLI (run `npm run build` first). */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { repoRoot, runCli } from '../helpers/cli.js';

const sample = (...parts: string[]): string => join(repoRoot, 'samples', ...parts);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'journeyctl-cli-def-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('definition fmt', () => {
  it('prints the canonical form: designer key order, two-space indent', async () => {
    const result = await runCli(['definition', 'fmt', sample('definitions', 'documented-segment-email-page.json')]);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>[];
    // The documented example writes Description before DciSegmentName; canonical order puts it last.
    const segmentItem = (printed[1]!.Properties as { Items: Record<string, unknown>[] }).Items[1]!;
    expect(Object.keys(segmentItem).at(-1)).toBe('Description');
    expect(result.stdout.startsWith('[\n  {\n    "ActivityTypeId": "bpf_root"')).toBe(true);
  });

  it('--check exits 0 on a canonical file and prints nothing', async () => {
    const result = await runCli(['definition', 'fmt', '--check', sample('definitions', 'all-tile-types.json')]);
    expect(result).toMatchObject({ code: 0, stdout: '' });
  });

  it('--check exits 1 and names a file that is not canonical', async () => {
    const file = sample('definitions', 'documented-segment-email-page.json');
    const result = await runCli(['definition', 'fmt', '--check', file]);
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe(file);
  });

  it('--write rewrites in place, after which --check passes; --compact writes the stored one-line form', async () => {
    const file = join(dir, 'doc.json');
    copyFileSync(sample('definitions', 'documented-segment-email-page.json'), file);
    expect((await runCli(['definition', 'fmt', '--write', file])).code).toBe(0);
    expect((await runCli(['definition', 'fmt', '--check', file])).code).toBe(0);
    expect((await runCli(['definition', 'fmt', '--write', '--compact', file])).code).toBe(0);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(1);
  });

  it('formats a record: the definition string re-serialized compactly, the record indented', async () => {
    const result = await runCli(['definition', 'fmt', sample('seed-create-request.json')]);
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout) as Record<string, string>;
    expect(record.msdyncrm_name).toBe('Simple Email Sample');
    expect(JSON.parse(record.msdyncrm_workflowdefinition!)).toHaveLength(3);
    expect(record.msdyncrm_customerjourneydesignerstate).toBe('{"NextActivityID":8,"NextActivityItemID":42}');
  });

  it('reads stdin with -', async () => {
    const text = readFileSync(sample('definitions', 'swimlanes.json'), 'utf8');
    const result = await runCli(['definition', 'fmt', '-'], { stdin: text });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(text);
    const check = await runCli(['definition', 'fmt', '--check', '-'], { stdin: text.replace(/\n  /g, '\n ') });
    expect(check).toMatchObject({ code: 1, stdout: '-\n' });
  });

  it('prints the definition a spec compiles to, but refuses --check on a spec', async () => {
    const printed = await runCli(['definition', 'fmt', sample('specs', 'welcome.yaml')]);
    expect(printed.code).toBe(0);
    expect((JSON.parse(printed.stdout) as { ActivityTypeId: string }[]).map((a) => a.ActivityTypeId)).toContain('Trigger');
    const check = await runCli(['definition', 'fmt', '--check', sample('specs', 'welcome.yaml')]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('not a definition');
  });

  it('bad input exits 2 with file and pointer, without a stack trace', async () => {
    const file = sample('invalid', 'missing-items.definition.json');
    const result = await runCli(['definition', 'fmt', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:26:19 at /1/Properties/Items`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing file exits 2', async () => {
    const result = await runCli(['definition', 'fmt', join(dir, 'nope.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('file not found');
  });
});

describe('definition tree', () => {
  it('draws tiles, names, referenced records and both branch kinds', async () => {
    const result = await runCli(['definition', 'tree', sample('definitions', 'all-tile-types.json')]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('all-tile-types.json (contact, 18 tiles)');
    expect(lines).toContain('Segment group "New contacts" [01_0] union');
    expect(lines).toContain('  exclude segment "Unsubscribed contacts" #3 -> a0000000-0000-4000-8000-000000000002 (Unsubscribed_contacts_4d5e6f)');
    expect(lines).toContain('  page "Welcome page" #5 -> c0000000-0000-4000-8000-000000000001');
    expect(lines).toContain('Trigger "Registered?" [01_0_1_2] when UserRegistered on #5 "Welcome page", timeout 5 Day');
    expect(lines).toContain('├─ yes');
    expect(lines).toContain('└─ no');
    expect(lines).toContain('   ├─ branch 1');
    expect(lines).toContain('   └─ branch 2');
    expect(lines).toContain('         (empty) [01_0_1_2_7_8_10_12_13_14_15_16_18]');
  });

  it('names the journey and its target from a record, and draws swimlanes', async () => {
    const record = await runCli(['definition', 'tree', sample('records', 'account-based.record.json')]);
    expect(record.stdout.split('\n')[0]).toBe('Account-based briefing (account, 4 tiles)');
    const lanes = await runCli(['definition', 'tree', sample('specs', 'swimlanes.yaml')]);
    expect(lanes.stdout).toContain('├─ lane 1');
    expect(lanes.stdout).toContain('└─ lane 2');
  });

  it('exits 2 on a spec error, with the spec pointer and line', async () => {
    const file = sample('invalid', 'unknown-handle.spec.yaml');
    const result = await runCli(['definition', 'tree', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:7:22 at /tiles/2/trigger/when/0/item`);
  });
});

describe('definition refs', () => {
  it('lists referenced records as a table', async () => {
    const result = await runCli(['definition', 'refs', sample('seed-create-request.json')]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KIND\s+ID\s+NAME\s+TILE\s+ITEM$/);
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/)[0])).toEqual(['segment', 'email', 'contentSettings']);
  });

  it('--format json gives every field, with pointers into the document', async () => {
    const result = await runCli(['definition', 'refs', '--format', 'json', sample('seed-create-request.json')]);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows[0]).toMatchObject({
      kind: 'segment',
      id: '24db2671-1529-e911-a9b7-000d3a1e6adc',
      dciSegmentName: 'TC407937_DynamicSegment_2KZQ1p',
      containment: 'Inclusion',
      activityId: '01_0',
      activityItemId: 24,
      pointer: '/msdyncrm_workflowdefinition/1/Properties/Items/1',
      resolved: true,
    });
    expect(rows[2]).toMatchObject({ kind: 'contentSettings', id: '1922b1d8-0523-e911-a9ba-000d3a1e689f', pointer: '/msdyncrm_contentsettingsId@odata.bind' });
  });

  it('--format yaml; names from a spec are marked unresolved', async () => {
    const result = await runCli(['definition', 'refs', '-f', 'yaml', sample('specs', 'welcome.yaml')]);
    expect(result.code).toBe(0);
    const rows = parseYaml(result.stdout) as { kind: string; id: string | null; name?: string; resolved: boolean }[];
    expect(rows.every((r) => r.id === null && r.resolved === false)).toBe(true);
    expect(rows.map((r) => `${r.kind}:${r.name}`)).toEqual(
      expect.arrayContaining(['segment:Newsletter subscribers', 'page:Welcome page', 'contentSettings:Default content settings']),
    );
  });

  it('an unknown format is a usage error (exit 2)', async () => {
    const result = await runCli(['definition', 'refs', '--format', 'xml', sample('seed-create-request.json')]);
    expect(result.code).toBe(2);
  });
});

describe('help', () => {
  it.each(['fmt', 'tree', 'refs'])('definition %s --help shows examples', async (command) => {
    const result = await runCli(['definition', command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
  });

  it('a document written by hand with CRLF line endings is still canonical', async () => {
    const file = join(dir, 'crlf.json');
    writeFileSync(file, readFileSync(sample('definitions', 'swimlanes.json'), 'utf8').replace(/\n/g, '\r\n'));
    expect((await runCli(['definition', 'fmt', '--check', file])).code).toBe(0);
  });
});
