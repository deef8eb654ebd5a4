/**
 * Small promises of docs/cli.md: `customapi generate` needs `--prefix` (exit 2 saying so) and
 * what it prints passes `customapi lint`; `audit --resume` on a finished audit says it finished
 * (not that it was interrupted) and changes nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

describe('customapi generate', () => {
  it('documents --prefix as required and exits 2 without it', async () => {
    expect(readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8')).toMatch(/customapi generate[^\n]*\n?[^\n]*requires\s+`--prefix P`/);
    const result = await runCli(['customapi', 'generate', 'outbound-channel']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/prefix/);
  });

  it.each(['outbound-channel', 'delivery-report', 'inbound'])('%s output passes its own linter', async (kind) => {
    const dir = mkdtempSync(join(tmpdir(), 'customapi-generate-'));
    const generated = await runCli(['customapi', 'generate', kind, '--prefix', 'new1']);
    expect(generated.code, generated.stderr).toBe(0);
    const file = join(dir, 'api.yaml');
    writeFileSync(file, generated.stdout);
    const lint = await runCli(['customapi', 'lint', file, '--prefix', 'new1']);
    expect(lint.code, lint.stdout).toBe(0);
    expect(lint.stdout).not.toMatch(/: error /);
  });
});

describe('audit --resume on a finished audit', () => {
  it('says it finished and exits 2 without running again', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'audit-finished-'));
    const first = await runCli(['audit', '--out', 'out', '--format', 'json'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    const report = readFileSync(join(cwd, 'out', 'audit-report.json'), 'utf8');
    const again = await runCli(['audit', '--out', 'out', '--format', 'json', '--resume'], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already finished/);
    expect(again.stderr).not.toMatch(/interrupted\b(?!, so)|resuming after/);
    expect(readFileSync(join(cwd, 'out', 'audit-report.json'), 'utf8')).toBe(report);
  });
});
