/** `journeyctl realtime …` end to end: exit codes, formats and errors as a user sees them. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { repoRoot, runCli } from '../helpers/cli.js';

const sample = join(repoRoot, 'samples', 'realtime-channel');
const cwd = mkdtempSync(join(tmpdir(), 'jctl-rt-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function brokenSpec(): string {
  const spec = parseYaml(readFileSync(join(sample, 'channel.yaml'), 'utf8')) as Record<string, any>;
  spec.channel.outboundEndpoint = '/contoso_Nope';
  spec.channel.supportsAccount = false;
  const file = join(cwd, 'broken.yaml');
  writeFileSync(file, stringify(spec));
  return file;
}

describe('journeyctl realtime', () => {
  it('new prints a spec that lint accepts (exit 0)', async () => {
    const created = await runCli(['realtime', 'new', '--type', 'custom', '--format', 'json'], { cwd });
    expect(created.code).toBe(0);
    writeFileSync(join(cwd, 'custom.json'), created.stdout);
    expect(JSON.parse(created.stdout).channel.type).toBe('Custom');
    const lint = await runCli(['realtime', 'lint', 'custom.json', join(sample, 'channel.yaml')], { cwd });
    expect(lint.code).toBe(0);
  });

  it('lint reports cross-piece findings with file, line and pointer, exit 1, in every format', async () => {
    const file = brokenSpec();
    const text = await runCli(['realtime', 'lint', file], { cwd });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('realtime-outbound-endpoint');
    expect(text.stdout).toMatch(/\d+:\d+\s+error\s+outboundEndpoint/);
    const json = await runCli(['realtime', 'lint', file, '--format', 'json'], { cwd });
    expect(json.stdout).toContain('"pointer": "/channel/outboundEndpoint"');
    const sarif = await runCli(['realtime', 'lint', file, '--format', 'sarif'], { cwd });
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string }[] }[] }).runs[0]!.results;
    expect(results.map((r) => r.ruleId)).toEqual(expect.arrayContaining(['realtime-outbound-endpoint', 'realtime-sms-supports-account']));
    const junit = await runCli(['realtime', 'lint', file, '--format', 'junit'], { cwd });
    expect(junit.stdout).toContain('<testcase classname=');
    const never = await runCli(['realtime', 'lint', file, '--fail-on', 'never', '--format', 'json'], { cwd });
    expect(never.code).toBe(0);
  });

  it('lint and apply exit 2 for unreadable or invalid specs, with the pointer', async () => {
    writeFileSync(join(cwd, 'invalid.yaml'), 'channel:\n  type: Fax\n');
    const lint = await runCli(['realtime', 'lint', 'invalid.yaml', 'missing.yaml'], { cwd });
    expect(lint.code).toBe(2);
    expect(lint.stderr).toContain('invalid.yaml');
    const apply = await runCli(['realtime', 'apply', brokenSpec()], { cwd });
    expect(apply.code).toBe(2);
    expect(apply.stderr).toContain('realtime-outbound-endpoint at /channel/outboundEndpoint');
    expect(apply.stderr).not.toMatch(/\n\s+at /);
  });

  it('conformance exits 1 with the failing handler and writes JUnit', async () => {
    const result = await runCli(['realtime', 'conformance', join(sample, 'channel.yaml'), '--handler', join(sample, 'handlers', 'failing.mjs'), '--format', 'junit'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stdout.match(/<failure /g)).toHaveLength(4);
  });

  it('conformance and emulator start refuse bad bindings with exit 2', async () => {
    const missing = await runCli(['realtime', 'conformance', join(sample, 'channel.yaml'), '--handler', 'nope.mjs'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot load the handler module');
    const badBinding = await runCli(['emulator', 'start', '--in-memory', '--port', '0', '--custom-api', 'no-equals-sign'], { cwd });
    expect(badBinding.code).toBe(2);
    expect(badBinding.stderr).toContain('--custom-api');
  });
});
