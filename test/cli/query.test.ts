/** `journeyctl query` end to end (run `npm run build` first). */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('journeyctl query', () => {
  it('prints what a JSONPath selects in each definition, as text and as JSON', async () => {
    const text = await runCli(['query', '$[*].ActivityTypeId', 'samples/definitions/account-based.json', 'samples/records/all-tile-types.record.json']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('samples/definitions/account-based.json\t/0/ActivityTypeId\t"bpf_root"');
    expect(lines.some((line) => line.startsWith('samples/records/all-tile-types.record.json\t/'))).toBe(true);

    const json = await runCli(['query', '$[*].Properties.Items[1:].ActivityTypeId', 'samples/definitions', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const results = JSON.parse(json.stdout) as { path: string; matches: { pointer: string; value: unknown }[] }[];
    const documented = results.find((result) => result.path.endsWith('documented-segment-email-page.json'))!;
    expect(documented.matches.map((match) => match.value)).toContain('SegmentItem');
    for (const match of documented.matches) expect(match.pointer).toMatch(/^\/\d+\/Properties\/Items\/[1-9]\d*\/ActivityTypeId$/);
  });

  it('reads standard input and returns no lines when nothing matches', async () => {
    const result = await runCli(['query', '$[*].NoSuchProperty', '-'], { stdin: '[]' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('refuses script expressions and unreadable input with exit 2', async () => {
    const script = await runCli(['query', '$[?(@.ActivityTypeId=="Email")]', 'samples/definitions']);
    expect(script.code).toBe(2);
    expect(script.stderr).toContain('disabled');
    expect((await runCli(['query', 'ActivityTypeId', 'samples/definitions'])).code).toBe(2);
    expect((await runCli(['query', '$[*]', 'samples/no-such-file.json'])).code).toBe(2);
    const broken = await runCli(['query', '$[*]', 'samples/invalid/not-json.definition.json']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('not valid JSON');
  });
});
