/**
 * `journeyctl validate` end to end: spawns the built CLI (run `npm run build` first) and checks
 * stdout, the report formats and the exit-code contract for every format.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { reportSchemaErrors, sarifErrors, xmlValidity } from '../helpers/validationSchemas.js';

const VALID = ['samples/definitions', 'samples/records', 'samples/specs', 'samples/exports'];
const FORMATS = ['text', 'json', 'sarif', 'junit', 'github'] as const;

let work: string;

/** Line and column (1-based) where `needle` starts in a file. */
function positionOf(file: string, needle: string): { line: number; column: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((text) => text.includes(needle));
  return { line: line + 1, column: lines[line]!.indexOf(needle) + 1 };
}

function record(name: string, change: (record: Record<string, unknown>, definition: Record<string, unknown>[]) => void): string {
  const value = JSON.parse(readFileSync('samples/records/account-based.record.json', 'utf8')) as Record<string, unknown>;
  const definition = JSON.parse(value.msdyncrm_workflowdefinition as string) as Record<string, unknown>[];
  change(value, definition);
  value.msdyncrm_workflowdefinition = JSON.stringify(definition);
  const file = join(work, name);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'journeyctl-validate-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('journeyctl validate', () => {
  it('passes the valid samples (exit 0) and reports every file of samples/invalid with a finding (exit 2: one is not JSON)', async () => {
    const valid = await runCli(['validate', ...VALID, '--format', 'json']);
    expect(valid.code, valid.stderr).toBe(0);
    const validReport = JSON.parse(valid.stdout);
    expect(validReport.summary.errors).toBe(0);
    expect(validReport.files.length).toBeGreaterThanOrEqual(10);

    const invalid = await runCli(['validate', 'samples/invalid', '--format', 'json']);
    // not-json.definition.json cannot be parsed: an input error (exit 2) in every command, and
    // still one finding in the report among the findings of every other file.
    expect(invalid.code, invalid.stderr).toBe(2);
    expect(invalid.stderr).toContain('error: not valid JSON: property name expected (samples/invalid/not-json.definition.json:2:54 at /)');
    const report = JSON.parse(invalid.stdout);
    expect(reportSchemaErrors(report)).toEqual([]);
    const files = readdirSync('samples/invalid').filter((name) => /\.(json|ya?ml)$/.test(name));
    expect(report.files.map((file: { path: string }) => file.path).sort()).toEqual(files.map((name) => `samples/invalid/${name}`).sort());
    for (const file of report.files) {
      expect(file.findings.filter((f: { severity: string }) => f.severity === 'error').length, file.path).toBeGreaterThan(0);
    }
    const ruleOf = (name: string): string[] => report.files.find((file: { path: string }) => file.path.endsWith(name)).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ruleOf('bind-wrong-entity-set.record.json')).toContain('lookup-bind');
    expect(ruleOf('status-not-an-option.record.json')).toContain('journey-status');
    expect(ruleOf('name-too-long.record.json')).toContain('journey-name');
    expect(ruleOf('start-not-a-date.record.json')).toContain('start-before-end');
    expect(ruleOf('not-json.definition.json')).toEqual(['definition-parse']);
    expect(ruleOf('prototype-key.definition.json')).toEqual(['definition-parse']);
    // samples/invalid/rule-<rule-id>.json are catalogue failing examples: each trips its rule.
    const ruleSamples = files.filter((name) => name.startsWith('rule-'));
    expect(ruleSamples.length).toBeGreaterThan(5);
    for (const name of ruleSamples) expect(ruleOf(name), name).toContain(name.slice('rule-'.length, -'.json'.length));
  });

  for (const format of FORMATS) {
    it(`keeps the exit-code contract in ${format} mode`, async () => {
      const bad = await runCli(['validate', 'samples/invalid/name-too-long.record.json', '--format', format]);
      expect(bad.code, bad.stderr).toBe(1);
      expect(bad.stdout.length).toBeGreaterThan(0);
      expect((await runCli(['validate', 'samples/invalid/name-too-long.record.json', '--format', format, '--fail-on', 'never'])).code).toBe(0);
      const warningOnly = 'samples/definitions/custom-channel-tile.json';
      expect((await runCli(['validate', warningOnly, '--format', format])).code).toBe(0);
      expect((await runCli(['validate', warningOnly, '--format', format, '--fail-on', 'warning'])).code).toBe(1);
      const missing = await runCli(['validate', join(work, 'missing.json'), '--format', format]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('file not found');
      // Unreadable input wins over findings in other files.
      expect((await runCli(['validate', 'samples/invalid/name-too-long.record.json', join(work, 'missing.json'), '--format', format])).code).toBe(2);
    });
  }

  it('is a usage error without paths, with two formats on stdout, and with an unknown rule', async () => {
    const none = await runCli(['validate']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no input');
    expect((await runCli(['validate', VALID[0]!, '--format', 'json', '--format', 'sarif'])).code).toBe(2);
    const unknown = await runCli(['validate', VALID[0]!, '--rule', 'no-such-rule=off']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown rule "no-such-rule"');
    expect((await runCli(['validate', VALID[0]!, '--rule', 'unknown-tile-type=loud'])).code).toBe(2);
    expect((await runCli(['validate', VALID[0]!, '--output', 'pdf=x.pdf'])).code).toBe(2);
  });

  it('writes SARIF that validates against the SARIF 2.1.0 schema, with line and column of each pointer', async () => {
    const sarifFile = join(work, 'out.sarif');
    const result = await runCli(['validate', 'samples/invalid/bind-wrong-entity-set.record.json', 'samples/invalid/parent-cycle.definition.json', '--output', `sarif=${sarifFile}`, '--format', 'text']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('lookup-bind');
    const log = JSON.parse(readFileSync(sarifFile, 'utf8'));
    expect(sarifErrors(log)).toEqual([]);
    const lookup = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'lookup-bind');
    const expected = positionOf('samples/invalid/bind-wrong-entity-set.record.json', '"/msdyncrm_contentsettingses(');
    expect(lookup.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'samples/invalid/bind-wrong-entity-set.record.json' },
      region: { startLine: expected.line, startColumn: expected.column },
    });
    const driverRules = log.runs[0].tool.driver.rules.map((rule: { id: string }) => rule.id);
    expect(driverRules).toContain('no-cycles');
    expect(driverRules[lookup.ruleIndex]).toBe('lookup-bind');
  });

  it('points findings inside a definition stored as a JSON string at that string property', async () => {
    const file = record('embedded.record.json', (_record, definition) => {
      definition[2]!.ActivityId = definition[1]!.ActivityId;
    });
    const result = await runCli(['validate', file, '--format', 'sarif']);
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout);
    expect(sarifErrors(log)).toEqual([]);
    const finding = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'unique-activity-id');
    expect(finding.locations[0].logicalLocations[0].fullyQualifiedName).toBe('/msdyncrm_workflowdefinition/2/ActivityId');
    const at = positionOf(file, '"[{');
    expect(finding.locations[0].physicalLocation.region).toEqual({ startLine: at.line, startColumn: at.column });
  });

  it('writes JUnit XML: one suite per file, one case per rule checked', async () => {
    const result = await runCli(['validate', 'samples/invalid/name-too-long.record.json', ...VALID.slice(0, 1), '--format', 'junit']);
    expect(result.code).toBe(1);
    expect(xmlValidity(result.stdout)).toBe(true);
    const suites = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(result.stdout).testsuites.testsuite;
    expect(suites[0].name).toBe('samples/invalid/name-too-long.record.json');
    expect(suites[0].failures).toBe('1');
    const names = suites[0].testcase.map((testcase: { name: string }) => testcase.name);
    expect(names).toContain('journey-name');
    expect(new Set(names).size).toBe(names.length);
    for (const suite of suites.slice(1)) expect(suite.testcase).toHaveLength(names.length);
  });

  it('writes GitHub annotations and appends a Markdown summary to $GITHUB_STEP_SUMMARY', async () => {
    const summary = join(work, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const result = await runCli(['validate', 'samples/invalid/name-too-long.record.json', '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(result.code).toBe(1);
    const at = positionOf('samples/invalid/name-too-long.record.json', '"msdyncrm_name"');
    expect(result.stdout).toMatch(new RegExp(`^::error file=samples/invalid/name-too-long\\.record\\.json,line=${at.line},col=\\d+,title=journey-name::The journey name is \\d+ characters long`, 'm'));
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown.startsWith('# earlier step\n## journeyctl validate')).toBe(true);
    expect(markdown).toContain('`journey-name`');
  });

  it('reads standard input with -', async () => {
    const text = readFileSync('samples/invalid/name-too-long.record.json', 'utf8');
    const result = await runCli(['validate', '-', '--format', 'json'], { stdin: text });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.files[0].path).toBe('-');
    expect(report.files[0].findings[0]).toMatchObject({ ruleId: 'journey-name', pointer: '/msdyncrm_name' });
    expect(report.files[0].findings[0].line).toBeGreaterThan(1);
  });

  it('applies .journeyctl.json found upward from the working directory, --config, and --rule', async () => {
    const project = join(work, 'project');
    mkdirSync(join(project, 'nested'), { recursive: true });
    writeFileSync(
      join(project, '.journeyctl.json'),
      JSON.stringify({
        rules: { 'unknown-tile-type': 'error' },
        customRules: [{ id: 'no-scheduler', severity: 'warning', message: 'No wait tiles', selector: '$[*]', where: { ActivityTypeId: 'Scheduler' }, assert: 'no-match' }],
      }),
    );
    const tile = join(process.cwd(), 'samples/definitions/custom-channel-tile.json');
    const accountBased = join(process.cwd(), 'samples/definitions/account-based.json');
    const fromConfig = await runCli(['validate', tile, accountBased, '--format', 'json'], { cwd: join(project, 'nested') });
    expect(fromConfig.code).toBe(1);
    const findings = JSON.parse(fromConfig.stdout).files.flatMap((file: { findings: unknown[] }) => file.findings);
    expect(findings).toContainEqual(expect.objectContaining({ ruleId: 'unknown-tile-type', severity: 'error' }));
    expect(findings).toContainEqual(expect.objectContaining({ ruleId: 'no-scheduler', severity: 'warning' }));
    // --rule wins over the file.
    expect((await runCli(['validate', tile, '--rule', 'unknown-tile-type=warning'], { cwd: project })).code).toBe(0);
    // --config names the file explicitly.
    expect((await runCli(['validate', tile, '--config', join(project, '.journeyctl.json')])).code).toBe(1);
    // A broken configuration is a usage error that says where.
    writeFileSync(join(work, 'broken.json'), JSON.stringify({ customRules: [{ id: 'x', message: 'm', selector: '$[?(@.a)]', assert: 'match' }] }));
    const broken = await runCli(['validate', tile, '--config', join(work, 'broken.json')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('/customRules/0/selector');
  });

  it('applies the change rules against --baseline', async () => {
    const live = { statuscode: 192350003 };
    const baseline = record('baseline.record.json', (value) => Object.assign(value, live));
    const renamed = record('renamed.record.json', (value, definition) => {
      Object.assign(value, live, { msdyncrm_name: 'Renamed' });
      ((definition[2]!.Properties as { Items: Record<string, unknown>[] }).Items[0]!).Name = 'Renamed tile';
    });
    const restructured = record('restructured.record.json', (value, definition) => {
      Object.assign(value, live, { msdyncrm_customerjourneytimezone: 4 });
      definition.pop();
    });
    expect((await runCli(['validate', renamed, '--baseline', baseline])).code).toBe(0);
    const result = await runCli(['validate', restructured, '--baseline', baseline, '--format', 'json']);
    expect(result.code).toBe(1);
    const ids = JSON.parse(result.stdout).files[0].findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ids).toEqual(expect.arrayContaining(['structure-locked-by-status', 'field-locked-by-status']));
    expect((await runCli(['validate', restructured, '--baseline', join(work, 'none.json')])).code).toBe(2);
  });

  it('prints text grouped by file without colour when not on a terminal, and --quiet leaves out clean files', async () => {
    const result = await runCli(['validate', 'samples/definitions', 'samples/invalid/name-too-long.record.json']);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('\u001b[');
    expect(result.stdout).toContain('samples/definitions/account-based.json: ok');
    expect(result.stdout).toMatch(/samples\/invalid\/name-too-long\.record\.json\n {2}\d+:\d+ +error +The journey name/);
    const quiet = await runCli(['validate', 'samples/definitions', 'samples/invalid/name-too-long.record.json', '--quiet']);
    expect(quiet.stdout).not.toContain('account-based.json: ok');
  });
});

describe('repeatable options before paths', () => {
  it('take one value each, so `--format json path` keeps the path a path', async () => {
    const result = await runCli(['validate', '--format', 'json', '--rule', 'unknown-tile-type=off', 'samples/definitions/custom-channel-tile.json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { files: { path: string; findings: unknown[] }[] };
    expect(report.files.map((f) => f.path)).toEqual(['samples/definitions/custom-channel-tile.json']);
    expect(report.files[0]!.findings).toEqual([]);
  });
});
