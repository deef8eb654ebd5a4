/**
 * `validateFiles`, the library's validation of files and folders: reports in input order with
 * positions from the same parse, the same reports with and without worker threads, streamed
 * formats equal to the all-at-once ones, typed input errors, and the README's example run as a
 * user runs it (`import … from 'journeyctl'`). The worker-thread path runs from the build
 * (`npm run build` first): workers load compiled modules.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as source from '../../src/index.js';
import { repoRoot } from '../helpers/cli.js';
import { sarifErrors } from '../helpers/validationSchemas.js';

type Library = typeof source;

let work: string;
let corpus: string;
let built: Library;

/** Collect a run's reports (the run is iterated once). */
async function reports(run: source.ValidationRun): Promise<source.FileReport[]> {
  const out: source.FileReport[] = [];
  for await (const file of run) out.push(file);
  return out;
}

/** A report without its error objects (compared across threads as data). */
function plain(files: readonly source.FileReport[]): unknown {
  return files.map(({ inputError, ...file }) => ({ ...file, inputError: inputError && { name: inputError.name, message: inputError.message, location: inputError.location, reason: (inputError as { reason?: string }).reason } }));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'journeyctl-validate-files-'));
  corpus = join(work, 'corpus');
  mkdirSync(corpus);
  const samples = ['samples/definitions/account-based.json', 'samples/invalid/name-too-long.record.json', 'samples/invalid/rule-single-root.json', 'samples/specs/welcome.yaml'];
  // 240 files: valid, with findings, broken, and other JSON that is skipped, in a known order.
  for (let i = 0; i < 240; i++) {
    const name = `f${String(i).padStart(3, '0')}`;
    if (i % 17 === 5) writeFileSync(join(corpus, `${name}.json`), '{"not": "a journey"}');
    else if (i % 23 === 7) writeFileSync(join(corpus, `${name}.json`), '[{"ActivityTypeId": ');
    else {
      const sample = samples[i % samples.length]!;
      writeFileSync(join(corpus, `${name}${sample.endsWith('.yaml') ? '.yaml' : '.json'}`), readFileSync(join(repoRoot, sample)));
    }
  }
  built = (await import(pathToFileURL(resolve(repoRoot, 'dist/index.js')).href)) as Library;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('validateFiles', () => {
  it('reports every file in input order, skips other JSON, and counts unparseable input as input errors', async () => {
    const run = source.validateFiles([corpus], { workers: 0, now: 0 });
    const files = await reports(run);
    const names = files.map((file) => file.path.slice(corpus.length + 1));
    expect(names).toEqual([...names].sort());
    expect(run.skipped).toHaveLength(Array.from({ length: 240 }, (_, i) => i).filter((i) => i % 17 === 5).length);
    expect(files.length + run.skipped.length).toBe(240);
    expect(run.summary.files).toBe(files.length);
    const broken = files.filter((file) => file.inputError);
    expect(broken.length).toBeGreaterThan(5);
    expect(run.inputErrors).toEqual(broken.map((file) => file.inputError));
    for (const file of broken) {
      expect(file.inputError).toMatchObject({ name: 'DocumentError', reason: 'syntax', location: { file: file.path, line: 1, column: 21 } });
      expect(file.findings).toEqual([expect.objectContaining({ ruleId: 'definition-parse', line: 1, column: 21 })]);
    }
    const record = files.find((file) => file.findings.some((finding) => finding.ruleId === 'journey-name'))!;
    // Positions come from the same parse: the line and column of the pointer's value.
    const at = record.findings.find((finding) => finding.ruleId === 'journey-name')!;
    const lines = readFileSync(record.path, 'utf8').split('\n');
    expect(lines[at.line! - 1]!.slice(at.column! - 1)).toMatch(/^"A journey name that goes on and on/);
  });

  it('gives the same reports, in the same order, on worker threads', async () => {
    const inline = await reports(built.validateFiles([corpus], { workers: 0, now: 0 }));
    const threaded = built.validateFiles([corpus], { workers: 2, now: 0 });
    const files = await reports(threaded);
    expect(plain(files)).toEqual(plain(inline));
    expect(files.filter((file) => file.inputError).every((file) => built.isDocumentError(file.inputError))).toBe(true);
  });

  it('holds files to the size limit and names the reason', async () => {
    const run = source.validateFiles([join(repoRoot, 'samples/definitions/account-based.json')], { limits: { maxBytes: 100 }, workers: 0 });
    const [file] = await reports(run);
    expect(file!.inputError).toMatchObject({ name: 'DocumentError', reason: 'too-large', message: 'is larger than 100 bytes' });
  });

  it('reads standard input, byte-order mark and all, once', async () => {
    const text = `\uFEFF${readFileSync(join(repoRoot, 'samples/specs/welcome.yaml'), 'utf8')}`;
    let reads = 0;
    const run = source.validateFiles(['-'], { readStdin: async () => (reads++, text), workers: 0 });
    const files = await reports(run);
    expect(reads).toBe(1);
    expect(files).toEqual([{ path: '-', findings: expect.any(Array) }]);
    expect(run.inputErrors).toEqual([]);
  });

  it('throws typed errors: a missing path before any report, nothing to validate after the last', async () => {
    await expect(reports(source.validateFiles([join(work, 'missing.json')]))).rejects.toMatchObject({ name: 'DocumentError', reason: 'not-found' });
    const empty = join(work, 'empty');
    mkdirSync(empty);
    await expect(reports(source.validateFiles([empty]))).rejects.toMatchObject({ name: 'NothingToValidateError', kind: 'input', skipped: [] });
  });
});

describe('streamed formats', () => {
  it('render exactly what the all-at-once formatters render', async () => {
    const report = await source.collectReport(source.validateFiles([corpus], { workers: 0, now: 0 }));
    for (const format of source.FORMATS) {
      const run = source.validateFiles([corpus], { workers: 0, now: 0 });
      let streamed = '';
      for await (const chunk of source.streamReport(format, run, { toolVersion: '1.0.0' })) streamed += chunk;
      expect(streamed, format).toBe(source.formatReport(format, report, { toolVersion: '1.0.0' }));
    }
    // The JSON report is the text JSON.stringify writes for the whole document.
    const json = source.formatJson(report);
    expect(json).toBe(`${JSON.stringify(JSON.parse(json), null, 2)}\n`);
    expect(sarifErrors(JSON.parse(source.formatSarif(report)))).toEqual([]);
  });
});

describe('the README example', () => {
  it('turns a folder into SARIF, importing from journeyctl', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!).find((code) => code.includes('validateFiles'));
    expect(block).toBeDefined();
    // Inside the package, 'journeyctl' resolves to its own build, as it does for a user.
    const script = join(repoRoot, 'test', `.readme-validate-${process.pid}.mjs`);
    writeFileSync(script, block!);
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd: repoRoot });
      const sarifFile = /: (.*\.sarif)$/m.exec(stdout)![1]!;
      const log = JSON.parse(readFileSync(sarifFile, 'utf8'));
      expect(sarifErrors(log)).toEqual([]);
      expect(stdout).toMatch(/^\d+ files checked, 0 errors, 0 unreadable/);
    } finally {
      rmSync(script, { force: true });
    }
  });
});
