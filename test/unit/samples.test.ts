/**
 * Every sample validates against its schema (and loads); every file in samples/invalid is
 * rejected with a pointer to the offending place: by its schema or the parser, or, for the
 * `rule-<rule id>.json` files, by the offline validator's rule it is named for.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isInputError } from '../../src/errors.js';
import { loadJourneyDocument } from '../../src/io/index.js';
import { VALIDATE_REQUEST_SCHEMA_ID, validateAgainstSchema, type SchemaIssue } from '../../src/schemas/index.js';
import { RULES, validateJourney } from '../../src/validation/index.js';
import { repoRoot } from '../helpers/cli.js';

const samplesDir = join(repoRoot, 'samples');
const invalidDir = join(samplesDir, 'invalid');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** Which schema each valid sample must satisfy, and the documents embedded in it as strings. */
function schemaChecks(path: string): { schema: string; value: unknown; at: string }[] {
  const rel = relative(samplesDir, path).split('\\').join('/');
  if (rel.endsWith('.yaml') || rel.endsWith('.yml')) return [{ schema: 'journey-spec', value: parseYaml(readFileSync(path, 'utf8')), at: '' }];
  if (rel.endsWith('.spec.json')) return [{ schema: 'journey-spec', value: readJson(path), at: '' }];
  if (rel.startsWith('definitions/') || rel.endsWith('/definition.json')) return [{ schema: 'workflow-definition', value: readJson(path), at: '' }];
  if (rel.endsWith('/designer-state.json')) {
    return [{ schema: 'https://journeyctl.dev/schemas/journey-record.schema.json#/$defs/designerState', value: readJson(path), at: '' }];
  }
  if (rel === 'seed-validate-request.json') {
    const body = readJson(path) as Record<string, string>;
    return [
      { schema: VALIDATE_REQUEST_SCHEMA_ID, value: body, at: '' },
      { schema: 'workflow-definition', value: JSON.parse(body.FieldValueWorkflowDefinition!), at: '/FieldValueWorkflowDefinition' },
    ];
  }
  if (rel.endsWith('.record.json') || rel === 'seed-create-request.json' || rel.endsWith('/journey.json')) {
    const record = readJson(path) as Record<string, unknown>;
    const checks = [{ schema: 'journey-record', value: record, at: '' }];
    // The Web API stores the definition and designer state as JSON strings: check what they hold.
    if (typeof record.msdyncrm_workflowdefinition === 'string') {
      checks.push({ schema: 'workflow-definition', value: JSON.parse(record.msdyncrm_workflowdefinition), at: '/msdyncrm_workflowdefinition' });
    }
    if (typeof record.msdyncrm_customerjourneydesignerstate === 'string') {
      checks.push({
        schema: 'https://journeyctl.dev/schemas/journey-record.schema.json#/$defs/designerState',
        value: JSON.parse(record.msdyncrm_customerjourneydesignerstate),
        at: '/msdyncrm_customerjourneydesignerstate',
      });
    }
    return checks;
  }
  throw new Error(`samples/${rel} has no schema rule in this test: add one`);
}

/** The journey samples; other areas keep their own samples in other folders (e.g. channels/). */
const JOURNEY_SAMPLE_FOLDERS = ['definitions', 'records', 'exports', 'specs'];
const validSamples = [
  ...readdirSync(samplesDir).filter((n) => n.endsWith('.json')).map((n) => join(samplesDir, n)),
  ...JOURNEY_SAMPLE_FOLDERS.flatMap((folder) => filesUnder(join(samplesDir, folder))),
].filter((p) => !p.endsWith('.md'));

describe('valid samples', () => {
  it('cover the documented examples, every kind of document and every spec', () => {
    const rel = validSamples.map((p) => relative(samplesDir, p).split('\\').join('/'));
    expect(rel).toEqual(
      expect.arrayContaining([
        'seed-create-request.json',
        'seed-validate-request.json',
        'definitions/documented-segment-email-page.json',
        'definitions/all-tile-types.json',
        'definitions/swimlanes.json',
        'definitions/account-based.json',
        'exports/thank-attendees/definition.json',
        'specs/welcome.yaml',
        'specs/every-tile.yaml',
        'specs/swimlanes.yaml',
        'specs/account-based.yaml',
      ]),
    );
  });

  it.each(validSamples.map((p) => [relative(samplesDir, p), p]))('%s validates against its schema', (_rel, path) => {
    for (const check of schemaChecks(path)) {
      const issues: SchemaIssue[] = validateAgainstSchema(check.schema, check.value);
      expect({ at: check.at, issues }).toEqual({ at: check.at, issues: [] });
    }
  });

  it.each(validSamples.filter((p) => !p.includes('/exports/')).map((p) => [relative(samplesDir, p), p]))('%s loads as a journey document', async (_rel, path) => {
    if (path.endsWith('designer-state.json')) return;
    const document = await loadJourneyDocument(path, { validateSchema: true });
    expect(document.definition.length).toBeGreaterThan(1);
    expect(document.definition[0]!.ActivityTypeId).toBe('bpf_root');
  });

  it('loads the export folder with its designer state and record fields', async () => {
    const document = await loadJourneyDocument(join(samplesDir, 'exports', 'thank-attendees'), { validateSchema: true });
    expect(document.kind).toBe('export');
    expect(document.designerState).toEqual({ NextActivityID: 3, NextActivityItemID: 4 });
    expect(document.fields?.msdyncrm_name).toBe('Thank attendees');
  });
});

/**
 * What rejects each invalid sample and where it points. `schema`: the schema for its kind
 * (`.definition.json`, `.record.json`, `.spec.yaml`) reports this pointer as its most specific
 * issue. `load`: loading it (parser or spec compiler) throws an input error at this pointer.
 */
const INVALID: Record<string, { schema?: string; load?: string }> = {
  'activity-item-id-not-integer.definition.json': { schema: '/1/Properties/Items/1/ActivityItemId', load: '/1/Properties/Items/1/ActivityItemId' },
  'item-not-an-object.definition.json': { schema: '/2/Properties/Items/0', load: '/2/Properties/Items/0' },
  'missing-items.definition.json': { schema: '/1/Properties/Items', load: '/1/Properties/Items' },
  'not-json.definition.json': { load: '' },
  'parent-branch-negative.definition.json': { schema: '/2/ParentBranchId', load: '/2/ParentBranchId' },
  // A cycle is the one thing a schema cannot see: only the parser rejects it.
  'parent-cycle.definition.json': { load: '/0/ParentActivityId' },
  'prototype-key.definition.json': { schema: '/1/Properties/Items/0/__proto__', load: '/1/Properties/Items/0/__proto__' },
  'relationship-type-unknown.definition.json': { schema: '/1/ParentRelationshipType', load: '/1/ParentRelationshipType' },
  'bind-wrong-entity-set.record.json': { schema: '/msdyncrm_contentsettingsId@odata.bind', load: '/msdyncrm_contentsettingsId@odata.bind' },
  'definition-missing-activity-id.record.json': { load: '/msdyncrm_workflowdefinition/1/ActivityId' },
  'name-too-long.record.json': { schema: '/msdyncrm_name', load: '/msdyncrm_name' },
  'start-not-a-date.record.json': { schema: '/msdyncrm_startdatetime', load: '/msdyncrm_startdatetime' },
  'status-not-an-option.record.json': { schema: '/statuscode', load: '/statuscode' },
  'trigger-without-conditions.spec.yaml': { schema: '/tiles/2/trigger/when', load: '/tiles/2/trigger/when' },
  'two-tile-kinds.spec.yaml': { schema: '/tiles/1', load: '/tiles/1' },
  'unknown-handle.spec.yaml': { load: '/tiles/2/trigger/when/0/item' },
  'unknown-tile-kind.spec.yaml': { schema: '/tiles/1/mail', load: '/tiles/1/mail' },
  'wait-bad-duration.spec.yaml': { schema: '/tiles/1/wait/for', load: '/tiles/1/wait/for' },
};

function schemaOf(name: string): string {
  if (name.endsWith('.definition.json')) return 'workflow-definition';
  if (name.endsWith('.record.json')) return 'journey-record';
  if (name.endsWith('.spec.yaml')) return 'journey-spec';
  throw new Error(`name ${name} does not say its kind`);
}

/** Samples that parse and pass their schema but break one offline rule, named in the file name. */
const RULE_SAMPLE = /^rule-(.+)\.json$/;
const ruleSamples = (): string[] => readdirSync(invalidDir).filter((n) => RULE_SAMPLE.test(n)).sort();

describe('invalid samples', () => {
  it('are all listed here with the place they break', () => {
    const files = readdirSync(invalidDir).filter((n) => !n.endsWith('.md') && !RULE_SAMPLE.test(n));
    expect(files.sort()).toEqual(Object.keys(INVALID).sort());
  });

  it('name only rules that are in the catalogue', () => {
    const ids = new Set(RULES.map((rule) => rule.id));
    const named = ruleSamples().map((n) => RULE_SAMPLE.exec(n)![1]!);
    expect(named.length).toBeGreaterThan(0);
    for (const id of named) expect(ids.has(id), `rule ${id} named by a sample is in the catalogue`).toBe(true);
  });

  it.each(ruleSamples())('%s loads, and the offline validator reports the rule it is named for, with a pointer', async (name) => {
    const ruleId = RULE_SAMPLE.exec(name)![1]!;
    const path = join(invalidDir, name);
    const document = await loadJourneyDocument(path);
    const findings = validateJourney({
      definition: document.definition,
      ...(document.fields ? { fields: document.fields } : {}),
      ...(document.designerState ? { designerState: document.designerState } : {}),
      file: path,
    });
    const errors = findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.ruleId)).toContain(ruleId);
    for (const finding of errors.filter((f) => f.ruleId === ruleId)) {
      expect(finding.location.pointer, `${ruleId} finding carries a JSON pointer`).toMatch(/^(\/|$)/);
      expect(finding.location.file).toBe(path);
    }
  });

  it.each(Object.entries(INVALID).filter(([, e]) => e.schema !== undefined))('%s is rejected by its schema at %j', (name, expected) => {
    const text = readFileSync(join(invalidDir, name), 'utf8');
    const value: unknown = name.endsWith('.yaml') ? parseYaml(text) : JSON.parse(text);
    const issues = validateAgainstSchema(schemaOf(name), value);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]!.pointer).toBe(expected.schema);
  });

  it.each(Object.entries(INVALID).filter(([, e]) => e.schema === undefined))('%s passes its schema (only the parser can reject it)', (name) => {
    if (name === 'not-json.definition.json') return;
    const text = readFileSync(join(invalidDir, name), 'utf8');
    const value: unknown = name.endsWith('.yaml') ? parseYaml(text) : JSON.parse(text);
    expect(validateAgainstSchema(schemaOf(name), value)).toEqual([]);
  });

  it.each(Object.entries(INVALID))('%s fails to load with a located input error', async (name, expected) => {
    const path = join(invalidDir, name);
    const error = await loadJourneyDocument(path, { validateSchema: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isInputError(error)).toBe(true);
    if (!isInputError(error)) return;
    expect(error.location.file).toBe(path);
    expect(error.location.pointer).toBe(expected.load);
    expect(error.message).not.toMatch(/TypeError|undefined/);
  });
});
