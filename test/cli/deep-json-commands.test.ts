/**
 * Every command that reads JSON reports a document nested past the limit as an input error with
 * the file and the JSON pointer where the limit was passed, exit 2: journeys apply|create|import,
 * definition fmt|tree|refs, query, customapi lint|apply, realtime lint|apply.
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
  [['customapi', 'apply', deepFile], deepFile],
  [['realtime', 'lint', deepFile], deepFile],
  [['realtime', 'apply', deepFile], deepFile],
  [['definition', 'fmt', deepFile], deepFile],
  [['definition', 'tree', deepFile], deepFile],
  [['definition', 'refs', deepFile], deepFile],
  [['query', '$..id', deepFile], deepFile],
])('journeyctl %s', (args, file) => {
  it('exits 2 naming the file and where the limit was passed', async () => {
    const result = await runCli(args, { cwd: dir });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/nested more than 256 levels/);
    // The array at level 257 is the first past the limit of 256: its pointer has 256 tokens.
    expect(result.stderr).toContain(` at ${'/0'.repeat(256)})`);
    expect(result.stderr).not.toMatch(/Maximum call stack|internal error/);
  });
});

describe('journeyctl customapi lint of a file it could not read', () => {
  it('counts the file as unread in its summary, not as linted clean', async () => {
    const result = await runCli(['customapi', 'lint', deepFile], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('0 errors, 0 warnings in 0 files; 1 file could not be read');
  });
});
