/**
 * Samples are tests: every file under samples/ does what its README says, run the way a user runs
 * it (the built CLI, in a fresh working folder, so commands that need a service use the embedded
 * emulator of that folder, seeded on first use).
 *
 * What each file must do is written in `test/samples/expectations/*.yaml` (format below and in
 * samples/README.md). A file under samples/ that no expectation covers fails the test, and so does
 * an expectation for a file that does not exist.
 *
 * Keys are paths relative to samples/; a key ending in `/` covers every file under that folder
 * (its checks run on the folder). Values (all optional, at least one):
 * - `about: TEXT`: documentation only (READMEs); nothing to run.
 * - `validate: { exit, rules?, pointer? }`: `journeyctl validate FILE` exits `exit` (0, 1, or 2 for
 *   an input error); `rules`: rule ids that must be among its findings; `pointer`: a finding points there.
 * - `online: { exit, rules? }`: `journeyctl validate --online FILE` on the embedded emulator.
 * - `fmtCheck: EXIT`: `journeyctl definition fmt --check FILE` exits EXIT.
 * - `apply: created`: `journeyctl journeys apply FILE` on a fresh store creates the journey (exit 0).
 * - `run: [{ args, exit, stdout?, stderr?, stdoutIsFile? }]`: any command; `{file}` in args is the
 *   sample's absolute path and `{samples}` the samples folder; `stdout`/`stderr`: texts the output
 *   contains; `stdoutIsFile`: stdout equals the sample byte for byte.
 * - `contract: { kind, valid }`: the library parser of a real-time channel contract (`outbound-payload`,
 *   `outbound-response`, `notification`, `inbound`) accepts it or refuses it with an input error.
 * - `serve: { endpoint, status }`: posted to `journeyctl channel serve` (embedded emulator of a fresh
 *   folder), answered with `status`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseInboundPayload, parseNotificationPayload, parseOutboundPayload, parseOutboundResponse } from '../../src/channels/index.js';
import { isInputError } from '../../src/errors.js';
import { cliPath, repoRoot, runCli } from '../helpers/cli.js';

const samplesDir = join(repoRoot, 'samples');
const expectationsDir = join(repoRoot, 'test', 'samples', 'expectations');

interface RunCheck {
  args: string[];
  exit: number;
  stdout?: string[];
  stderr?: string[];
  stdoutIsFile?: boolean;
}
interface Expectation {
  about?: string;
  validate?: { exit: number; rules?: string[]; pointer?: string };
  online?: { exit: number; rules?: string[] };
  fmtCheck?: number;
  apply?: 'created';
  run?: RunCheck[];
  contract?: { kind: 'outbound-payload' | 'outbound-response' | 'notification' | 'inbound'; valid: boolean };
  serve?: { endpoint: string; status: number };
}
const KNOWN_KEYS = new Set(['about', 'validate', 'online', 'fmtCheck', 'apply', 'run', 'contract', 'serve']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
const rel = (path: string) => relative(samplesDir, path).split('\\').join('/');

/** Every expectations file, merged; a path given twice is an error. */
function loadExpectations(): Map<string, Expectation> {
  const all = new Map<string, Expectation>();
  for (const name of readdirSync(expectationsDir).filter((n) => n.endsWith('.yaml')).sort()) {
    const map = parseYaml(readFileSync(join(expectationsDir, name), 'utf8')) as Record<string, Expectation>;
    for (const [key, expectation] of Object.entries(map)) {
      if (all.has(key)) throw new Error(`${name}: samples/${key} already has an expectation`);
      const unknown = Object.keys(expectation).filter((k) => !KNOWN_KEYS.has(k));
      if (unknown.length > 0 || Object.keys(expectation).length === 0) throw new Error(`${name}: samples/${key}: unknown or no checks (${unknown.join(', ')})`);
      all.set(key, expectation);
    }
  }
  return all;
}

const expectations = loadExpectations();
const entries = [...expectations.entries()];
const abs = (key: string) => join(samplesDir, key.endsWith('/') ? key.slice(0, -1) : key);
const fresh = () => mkdtempSync(join(tmpdir(), 'journeyctl-sample-'));
const fill = (args: string[], key: string) => args.map((a) => a.replaceAll('{file}', abs(key)).replaceAll('{samples}', samplesDir));

describe('samples/ and their expectations', () => {
  it('every file under samples/ has an expectation', () => {
    const covered = (file: string) => expectations.has(file) || [...expectations.keys()].some((key) => key.endsWith('/') && file.startsWith(key));
    expect(filesUnder(samplesDir).map(rel).filter((file) => !covered(file))).toEqual([]);
  });

  it('every expectation names a sample that exists', () => {
    const missing = [...expectations.keys()].filter((key) => {
      try {
        return statSync(abs(key)).isDirectory() !== key.endsWith('/');
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });
});

describe('validate (one run over every sample with a validate expectation)', () => {
  const checked = entries.filter(([, e]) => e.validate !== undefined);
  let report: { files: { path: string; findings: { ruleId: string; severity: string; pointer: string }[] }[] };
  let stderr = '';
  let code: number | null = null;
  beforeAll(async () => {
    const result = await runCli(['validate', '--format', 'json', ...checked.map(([key]) => abs(key))], { cwd: fresh() });
    report = JSON.parse(result.stdout) as typeof report;
    stderr = result.stderr;
    code = result.code;
  });

  it('exits with the highest expected exit code', () => {
    expect(code).toBe(Math.max(...checked.map(([, e]) => e.validate!.exit)));
  });

  it.each(checked)('%s', (key, expectation) => {
    const path = abs(key);
    const files = report.files.filter((f) => f.path === path || f.path.startsWith(`${path}/`));
    expect(files.length, `no report for ${key}`).toBeGreaterThan(0);
    const findings = files.flatMap((f) => f.findings);
    const inputError = stderr.split('\n').some((line) => line.startsWith('error: ') && line.includes(`(${path}`));
    const exit = inputError ? 2 : findings.some((f) => f.severity === 'error') ? 1 : 0;
    const want = expectation.validate!;
    expect({ exit, rules: [...new Set(findings.map((f) => f.ruleId))] }).toEqual({ exit: want.exit, rules: expect.arrayContaining(want.rules ?? []) });
    if (want.rules === undefined) expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    if (want.pointer !== undefined) expect(findings.map((f) => f.pointer)).toContain(want.pointer);
  });
});

describe.concurrent('commands run on each sample', () => {
  const runs = entries.flatMap(([key, e]) => {
    const list: [string, RunCheck][] = (e.run ?? []).map((check) => [key, check]);
    if (e.fmtCheck !== undefined) list.push([key, { args: ['definition', 'fmt', '--check', '{file}'], exit: e.fmtCheck }]);
    if (e.apply !== undefined) list.push([key, { args: ['journeys', 'apply', '{file}'], exit: 0, stdout: [e.apply] }]);
    if (e.online !== undefined) list.push([key, { args: ['validate', '--online', '--format', 'json', '{file}'], exit: e.online.exit, stdout: e.online.rules ?? [] }]);
    return list;
  });

  it.each(runs.map(([key, check]) => [`${key}: journeyctl ${check.args.join(' ')}`, key, check] as const))('%s', async (_name, key, check) => {
    const result = await runCli(fill(check.args, key), { cwd: fresh() });
    const shown = `${result.stdout}\n${result.stderr}`;
    expect(result.code, shown).toBe(check.exit);
    for (const text of check.stdout ?? []) expect(result.stdout).toContain(text);
    for (const text of check.stderr ?? []) expect(result.stderr).toContain(text);
    if (check.stdoutIsFile) expect(result.stdout).toBe(readFileSync(abs(key), 'utf8'));
  });
});

describe('real-time channel contracts', () => {
  const parsers = {
    'outbound-payload': parseOutboundPayload,
    'outbound-response': (input: object) => parseOutboundResponse(input),
    notification: parseNotificationPayload,
    inbound: parseInboundPayload,
  } as const;
  const checked = entries.filter(([, e]) => e.contract !== undefined);
  it.each(checked)('%s', (key, expectation) => {
    const { kind, valid } = expectation.contract!;
    const body = JSON.parse(readFileSync(abs(key), 'utf8')) as object;
    if (valid) {
      expect(() => parsers[kind](body)).not.toThrow();
    } else {
      let error: unknown;
      try {
        parsers[kind](body);
      } catch (caught) {
        error = caught;
      }
      expect(isInputError(error), String(error)).toBe(true);
    }
  });
});

describe('channel serve on the embedded emulator of a fresh folder', () => {
  const checked = entries.filter(([, e]) => e.serve !== undefined);
  const http = axios.create({ proxy: false, validateStatus: () => true });
  let child: ReturnType<typeof spawn> | undefined;
  let url = '';
  let output = '';
  beforeAll(async () => {
    const server = spawn(process.execPath, [cliPath, 'channel', 'serve', '--port', '0'], { cwd: fresh(), env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    server.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
    url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      server.stdout!.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      server.on('exit', (code) => reject(new Error(`channel serve exited ${code} before listening: ${output}`)));
    });
  });
  afterAll(() => {
    child?.kill('SIGINT');
  });

  it.each(checked)('%s', async (key, expectation) => {
    const { endpoint, status } = expectation.serve!;
    const answer = await http.post(`${url}${endpoint}`, JSON.parse(readFileSync(abs(key), 'utf8')));
    expect({ status: answer.status, body: answer.data as unknown }).toMatchObject({ status });
  });

  it('refuses a body nested past the limit with 400 and the pointer where it was passed', async () => {
    const endpoints = [...new Set(checked.map(([, e]) => e.serve!.endpoint))];
    expect(endpoints.length).toBeGreaterThan(0);
    for (const endpoint of endpoints) {
      const body = `{"Message": ${'['.repeat(5000)}${']'.repeat(5000)}}`;
      const answer = await http.post(`${url}${endpoint}`, body, { headers: { 'content-type': 'application/json' } });
      expect(answer.status, endpoint).toBe(400);
      expect((answer.data as { pointer?: string }).pointer, endpoint).toBe(`/Message${'/0'.repeat(255)}`);
    }
    expect(output).not.toMatch(/Maximum call stack|internal error/);
  });
});
