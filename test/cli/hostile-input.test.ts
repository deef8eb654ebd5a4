/**
 * Deep, unparseable and missing input in every command that reads JSON (run `npm run build`
 * first): one exit code (2) for input that cannot be read or parsed, an error that names the
 * file, the line and the JSON pointer where the nesting limit was passed, and folder runs that
 * still validate and report every other file. Also: a run that finds nothing to validate, and
 * folders of symbolic links.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

/** The pointer of the first value nested deeper than 256 levels (the record is level 1, `/deep` level 2). */
const DEEP_POINTER = `/deep${'/a'.repeat(255)}`;

/** A journey record with a property nested `levels` deep: `{"deep": {"a": {"a": …}}}`. */
function deepRecord(levels: number): string {
  const record = JSON.parse(readFileSync(join(repoRoot, 'samples/records/account-based.record.json'), 'utf8')) as Record<string, unknown>;
  const head = JSON.stringify(record).slice(0, -1);
  return `${head},\n"deep": ${'{"a": '.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}}\n`;
}

let work: string;
let deepFile: string;
let notJson: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'journeyctl-hostile-'));
  deepFile = join(work, 'deep.record.json');
  writeFileSync(deepFile, deepRecord(5000));
  notJson = join(work, 'broken.json');
  writeFileSync(notJson, '[{"ActivityTypeId": "bpf_root",,}]');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What every command must say about the deep file: exit 2, the file, line, pointer, no stack trace. */
function expectDeepError(result: { code: number | null; stderr: string }): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toContain('is nested more than 256 levels deep');
  expect(result.stderr).toContain(`${deepFile}:2:`);
  expect(result.stderr).toContain(`at ${DEEP_POINTER})`);
  expect(result.stderr).not.toContain('internal error');
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('JSON nested past the limit', () => {
  it('validate: exit 2 with file, line and pointer', async () => {
    expectDeepError(await runCli(['validate', deepFile]));
  });

  it('validate of a folder: every other file is still validated and reported', async () => {
    const folder = join(work, 'mixed');
    mkdirSync(folder);
    cpSync(join(repoRoot, 'samples/definitions/account-based.json'), join(folder, 'a.json'));
    cpSync(deepFile, join(folder, 'b.record.json'));
    cpSync(join(repoRoot, 'samples/invalid/name-too-long.record.json'), join(folder, 'c.record.json'));
    const result = await runCli(['validate', folder, '--format', 'json']);
    expect(result.code, result.stderr).toBe(2);
    const report = JSON.parse(result.stdout) as { files: { path: string; findings: { ruleId: string; pointer: string; line: number | null }[] }[]; summary: { files: number } };
    expect(report.files.map((file) => file.path)).toEqual(['a.json', 'b.record.json', 'c.record.json'].map((name) => join(folder, name)));
    expect(report.files[0]!.findings).toEqual([]);
    expect(report.files[1]!.findings).toEqual([expect.objectContaining({ ruleId: 'definition-parse', pointer: DEEP_POINTER, line: 2 })]);
    expect(report.files[2]!.findings.map((finding) => finding.ruleId)).toContain('journey-name');
    expect(report.summary.files).toBe(3);
    expect(result.stderr).toContain('is nested more than 256 levels deep');
  });

  for (const command of ['fmt', 'tree', 'refs']) {
    it(`definition ${command}: exit 2 with file, line and pointer`, async () => {
      expectDeepError(await runCli(['definition', command, deepFile]));
    });
  }

  it('query: exit 2 with file, line and pointer', async () => {
    expectDeepError(await runCli(['query', '$[*].ActivityTypeId', deepFile]));
  });

  it('journeys apply: exit 2 before anything is written', async () => {
    const cwd = mkdtempSync(join(work, 'apply-'));
    expectDeepError(await runCli(['journeys', 'apply', deepFile], { cwd }));
  });

  it('journeys import: exit 2 naming the definition.json of the export folder', async () => {
    const cwd = mkdtempSync(join(work, 'import-'));
    const exported = join(cwd, 'exports', 'deep');
    cpSync(join(repoRoot, 'samples/exports/thank-attendees'), exported, { recursive: true });
    const definitionFile = join(exported, 'definition.json');
    writeFileSync(definitionFile, `[\n${'['.repeat(300)}${']'.repeat(300)}]\n`);
    const result = await runCli(['journeys', 'import', join(cwd, 'exports'), '--dry-run'], { cwd });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`is nested more than 256 levels deep (${definitionFile}:2:`);
    expect(result.stderr).toContain(`at ${'/0'.repeat(256)})`);
  });

  it('customapi lint: exit 2 with file, line and pointer', async () => {
    const spec = join(work, 'deep-api.json');
    writeFileSync(spec, `{"uniqueName": "contoso_Deep",\n"description": ${'['.repeat(400)}${']'.repeat(400)}}`);
    const result = await runCli(['customapi', 'lint', spec]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`is nested more than 256 levels deep (${spec}:2:`);
    expect(result.stderr).toContain(`at /description${'/0'.repeat(255)})`);
  });
});

describe('input that is not JSON has one exit code in every command', () => {
  for (const args of [['validate'], ['definition', 'fmt'], ['definition', 'tree'], ['definition', 'refs'], ['query', '$[*]'], ['journeys', 'apply']]) {
    it(`${args.join(' ')}: exit 2 with the line and column of the syntax error`, async () => {
      const cwd = mkdtempSync(join(work, 'syntax-'));
      const result = await runCli([...args, notJson], { cwd });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`not valid JSON: property name expected (${notJson}:1:32 at /)`);
    });
  }
});

describe('a run that finds nothing to validate', () => {
  it('exits 2 for a folder without JSON or YAML files, and says so', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.md'), '# nothing here');
    const result = await runCli(['validate', empty, '--format', 'json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`error: nothing to validate: no JSON or YAML files under ${empty}`);
  });

  it('exits 2 for a folder of files that are no journey documents (channel payloads), and says so', async () => {
    const result = await runCli(['validate', 'samples/channels/realtime', '--format', 'sarif']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/error: nothing to validate: \d+ file\(s\) under samples\/channels\/realtime, none of them a journey document/);
    const query = await runCli(['query', '$[*]', 'samples/channels/realtime']);
    expect(query.code).toBe(2);
    expect(query.stderr).toContain('nothing to query');
  });
});

describe('symbolic links', () => {
  it('are followed to files and folders, and a link cycle ends', async () => {
    const folder = join(work, 'links');
    mkdirSync(join(folder, 'nested'), { recursive: true });
    symlinkSync(resolve(repoRoot, 'samples/definitions/account-based.json'), join(folder, 'account-based.json'));
    symlinkSync(resolve(repoRoot, 'samples/invalid/name-too-long.record.json'), join(folder, 'nested', 'long.record.json'));
    symlinkSync(resolve(repoRoot, 'samples/specs'), join(folder, 'specs'));
    symlinkSync(folder, join(folder, 'nested', 'loop'));
    const result = await runCli(['validate', folder, '--format', 'json']);
    expect(result.code, result.stderr).toBe(1);
    const paths = (JSON.parse(result.stdout) as { files: { path: string }[] }).files.map((file) => file.path.slice(folder.length + 1));
    expect(paths).toEqual(expect.arrayContaining(['account-based.json', 'nested/long.record.json', 'specs/welcome.yaml']));
    expect(paths.filter((path) => path.endsWith('account-based.json'))).toEqual(['account-based.json']);
    expect(new Set(paths).size).toBe(paths.length);
  });
});
