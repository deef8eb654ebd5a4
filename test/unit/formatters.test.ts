import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  buildReport,
  escapeData,
  escapeProperty,
  formatGithub,
  formatGithubSummary,
  formatJson,
  formatJunit,
  formatReport,
  formatSarif,
  formatText,
  FORMATS,
  RULES,
  validateJourney,
  type CheckedRule,
  type FileReport,
  type ValidationReport,
} from '../../src/validation/index.js';
import { simpleDefinition, triggerDefinition } from '../../src/validation/rules/examples.js';
import { reportSchemaErrors, sarifErrors, xmlValidity } from '../helpers/validationSchemas.js';

const NASTY = 'Bad <tile> & "quotes" \'apos\' 100% : , \u0001 control\nsecond line \r]]> \uD800';

function sampleReport(): ValidationReport {
  const broken = structuredClone(triggerDefinition());
  (broken[2]!.Properties as { Items: Record<string, unknown>[] }).Items[0]!.ItemId = 'not a guid';
  const rules: CheckedRule[] = [
    ...RULES.map((rule) => ({ id: rule.id, severity: rule.defaultSeverity, summary: rule.summary, helpUri: `https://example.test/rules#${rule.id}` })),
    { id: 'nasty-rule', severity: 'warning', summary: NASTY },
  ];
  const nasty = validateJourney({ definition: simpleDefinition(), file: 'dir with space/ünï,côde:.json' }, {
    customRules: [{ id: 'nasty-rule', severity: 'warning', message: NASTY, selector: '$[0]', assert: 'no-match' }],
  });
  const files: FileReport[] = [
    { path: 'journeys/broken.json', findings: validateJourney({ definition: broken, file: 'journeys/broken.json' }).map((f) => ({ ...f, line: 3, column: 7 })) },
    { path: 'journeys/clean.json', findings: [] },
    { path: 'dir with space/ünï,côde:.json', findings: nasty },
    { path: '-', findings: validateJourney({ definition: '{', file: '-' }) },
  ];
  return buildReport(files, rules);
}

describe('formatters', () => {
  const report = sampleReport();

  it('builds a report whose summary counts every file', () => {
    expect(report.summary).toEqual({ files: 4, errors: 2, warnings: 1, infos: 0 });
  });

  it('json: validates against schemas/validation-report.schema.json and carries every finding', () => {
    const document = JSON.parse(formatJson(report));
    expect(reportSchemaErrors(document)).toEqual([]);
    expect(document.files.map((file: { path: string }) => file.path)).toEqual(report.files.map((file) => file.path));
    expect(document.files[0].findings[0]).toMatchObject({ ruleId: 'item-id-guid', severity: 'error', activityId: '01_0_2', itemId: 32, pointer: '/2/Properties/Items/0/ItemId', line: 3, column: 7 });
    expect(document.files[3].findings[0]).toMatchObject({ ruleId: 'definition-parse', line: null, column: null });
    expect(document.summary).toEqual({ files: 4, errors: 2, warnings: 1, infos: 0 });
    // The schema is strict: an unknown property is rejected.
    expect(reportSchemaErrors({ ...document, extra: 1 })).not.toEqual([]);
  });

  it('sarif: validates against the SARIF 2.1.0 schema, with rule metadata and physical locations', () => {
    const log = JSON.parse(formatSarif(report, { toolVersion: '1.2.3' }));
    expect(sarifErrors(log)).toEqual([]);
    const run = log.runs[0];
    expect(run.tool.driver.version).toBe('1.2.3');
    expect(run.tool.driver.rules.map((rule: { id: string }) => rule.id)).toEqual([...RULES.map((rule) => rule.id), 'nasty-rule']);
    expect(run.results).toHaveLength(3);
    const first = run.results[0];
    expect(run.tool.driver.rules[first.ruleIndex].id).toBe(first.ruleId);
    expect(first.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'journeys/broken.json' }, region: { startLine: 3, startColumn: 7 } });
    expect(first.locations[0].logicalLocations[0].fullyQualifiedName).toBe('/2/Properties/Items/0/ItemId');
    expect(run.results[1].locations[0].physicalLocation.artifactLocation.uri).toBe('dir%20with%20space/%C3%BCn%C3%AF%2Cc%C3%B4de%3A.json');
    expect(run.results[1].level).toBe('warning');
  });

  it('sarif: describes rule ids that are not in the catalogue (server faults)', () => {
    const serverReport = buildReport([{ path: 'a.json', findings: [{ ruleId: 'ErrorSomethingNew', severity: 'info', activityId: '', message: 'm', arguments: [], location: { file: 'a.json', pointer: '' } }] }], []);
    const log = JSON.parse(formatSarif(serverReport));
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].tool.driver.rules[0].id).toBe('ErrorSomethingNew');
    expect(log.runs[0].results[0].level).toBe('note');
  });

  it('junit: well-formed XML, one suite per file, one case per rule checked, failures at or above --fail-on', () => {
    for (const failOn of ['error', 'warning', 'never'] as const) {
      const xml = formatJunit(report, { failOn });
      expect(xmlValidity(xml)).toBe(true);
      const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
      const suites = parsed.testsuites.testsuite;
      expect(suites).toHaveLength(4);
      expect(suites.map((suite: { name: string }) => suite.name)).toEqual(report.files.map((file) => file.path));
      for (const suite of suites) expect(suite.testcase).toHaveLength(report.rules.length);
      const failures = suites.reduce((sum: number, suite: { failures: string }) => sum + Number(suite.failures), 0);
      expect(failures).toBe(failOn === 'error' ? 2 : failOn === 'warning' ? 3 : 0);
      // Streamed: the root carries no totals; readers add up the suites.
      expect(parsed.testsuites.failures).toBeUndefined();
    }
    const xml = formatJunit(report);
    expect(xml).not.toMatch(/[\u0001\uD800]/);
    expect(xml).toContain('Bad &lt;tile&gt; &amp; &quot;quotes&quot;');
  });

  it('github: one escaped workflow command per finding', () => {
    const lines = formatGithub(report).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`::error file=journeys/broken.json,line=3,col=7,title=item-id-guid::${escapeData(report.files[0]!.findings[0]!.message)} [01_0_2]`);
    expect(lines[1]).toMatch(/^::warning file=dir with space\/ünï%2Ccôde%3A\.json,title=nasty-rule::/);
    expect(lines[1]).toContain('100%25 : , ');
    expect(lines[1]).toContain('%0Asecond line %0D');
    expect(lines[1]).not.toContain('\n');
    expect(lines[3]).toContain('2 error(s), 1 warning(s) in 4 file(s)');
    expect(escapeProperty('a:b,c%d\n')).toBe('a%3Ab%2Cc%25d%0A');
  });

  it('github summary: a Markdown table with pipes escaped', () => {
    const summary = formatGithubSummary(buildReport([{ path: 'a|b.json', findings: [{ ruleId: 'r', severity: 'error', activityId: '', message: 'x | y', arguments: [], location: { file: 'a|b.json', pointer: '' }, line: 2 }] }], []));
    expect(summary).toContain('| error | a\\|b.json | 2 | `r` | x \\| y |');
    expect(summary).toContain('**1** error(s)');
  });

  it('text: grouped by file, colour only when asked, quiet leaves out clean files', () => {
    const text = formatText(report);
    expect(text).not.toContain('\u001b[');
    expect(text).toContain('journeys/broken.json\n  3:7      error   ');
    expect(text).toContain('journeys/clean.json: ok');
    expect(text.trimEnd().split('\n').at(-1)).toBe('3 problems (2 errors, 1 warning, 0 info) in 3 of 4 files.');
    expect(formatText(report, { quiet: true })).not.toContain('clean.json');
    expect(formatText(report, { color: true })).toContain('\u001b[31m');
    expect(formatText(buildReport([{ path: 'a', findings: [] }], []))).toBe('a: ok\nNo problems in 1 file.\n');
  });

  it('formatReport covers every --format name', () => {
    for (const format of FORMATS) expect(formatReport(format, report).length).toBeGreaterThan(10);
  });
});
