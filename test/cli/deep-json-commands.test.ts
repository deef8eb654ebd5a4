/**
 * Every command that reads JSON reports a document nested past the limit as an input error with
 * the file and the JSON pointer where the limit was passed, exit 2: journeys apply|create|import,
 * customapi lint.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'deep-json-'));
const deepFile = join(dir, 'deep.json');
writeFileSync(deepFile, `${'['.repeat(5000)}${']'.repeat(5000)}`);
const exportFolder = join(dir, 'export');
cpSync(join(repoRoot, 'samples', 'exports', 'thank-attendees'), exportFolder, { recursive: true });
writeFileSync(join(exportFolder, 'definition.json'), `${'['.repeat(5000)}${']'.repeat(5000)}`);

describe.each([
  [['journeys', 'apply', deepFile], deepFile],
  [['journeys', 'create', deepFile], deepFile],
  [['journeys', 'import', exportFolder], join(exportFolder, 'definition.json')],
  [['customapi', 'lint', deepFile], deepFile],
])('journeyctl %s', (args, file) => {
  it('exits 2 naming the file and where the limit was passed', async () => {
    const result = await runCli(args, { cwd: dir });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/nested more than 256 levels/);
    expect(result.stderr).toMatch(/ at \/(0\/)*0? ?\)?/);
    expect(result.stderr).not.toMatch(/Maximum call stack|internal error/);
  });
});
