import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInputError, type InputError } from '../../src/errors.js';
import { expandInputs, globToRegExp, loadJourneyDocument, loadJourneyDocuments, loadJourneyText } from '../../src/io/index.js';
import { repoRoot } from '../helpers/cli.js';

const DEFINITION_TEXT = readFileSync(join(repoRoot, 'samples', 'definitions', 'documented-segment-email-page.json'), 'utf8');
const DEFINITION = JSON.parse(DEFINITION_TEXT) as unknown[];
let dir: string;

function write(name: string, content: string | object): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

async function loadError(path: string, options = {}): Promise<InputError> {
  const error = await loadJourneyDocument(path, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isInputError(error)) throw new Error(`expected an input error, got ${String(error)}`);
  return error;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'journeyctl-io-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadJourneyDocument: each kind of input', () => {
  it('a raw definition (JSON array)', async () => {
    const doc = await loadJourneyDocument(write('def.json', DEFINITION_TEXT));
    expect(doc).toMatchObject({ kind: 'definition', definitionPointer: '', syntax: 'json' });
    expect(doc.definition).toEqual(DEFINITION);
    expect(doc.fields).toBeUndefined();
  });

  it('a definition stored as a JSON string (as the Web API holds it)', async () => {
    const doc = await loadJourneyDocument(write('def-string.json', JSON.stringify(JSON.stringify(DEFINITION))));
    expect(doc.kind).toBe('definition');
    expect(doc.definition).toEqual(DEFINITION);
  });

  it('a journey record: definition and designer state decoded, the other fields kept', async () => {
    const doc = await loadJourneyDocument(join(repoRoot, 'samples', 'seed-create-request.json'));
    expect(doc.kind).toBe('record');
    expect(doc.definitionPointer).toBe('/msdyncrm_workflowdefinition');
    expect(doc.designerState).toEqual({ NextActivityID: 8, NextActivityItemID: 42 });
    expect(doc.fields).toMatchObject({ msdyncrm_name: 'Simple Email Sample', msdyncrm_customerjourneytimezone: 92 });
    expect(Object.keys(doc.fields!)).not.toContain('msdyncrm_workflowdefinition');
    expect(doc.definition.map((a) => a.ActivityId)).toEqual(['01', '01_0', '01_0_2']);
  });

  it('a validate request body: FieldValue* parameters mapped to journey attributes', async () => {
    const doc = await loadJourneyDocument(join(repoRoot, 'samples', 'seed-validate-request.json'));
    expect(doc.kind).toBe('validate-request');
    expect(doc.definitionPointer).toBe('/FieldValueWorkflowDefinition');
    expect(doc.fields).toMatchObject({
      msdyncrm_name: 'Sample Customer Journey',
      msdyncrm_isrecurring: true,
      _msdyncrm_contentsettingsid_value: '{1922B1D8-0523-E911-A9BA-000D3A1E689F}',
    });
  });

  it('an export folder, given as the folder or as its journey.json', async () => {
    const folder = join(repoRoot, 'samples', 'exports', 'thank-attendees');
    for (const path of [folder, join(folder, 'journey.json')]) {
      const doc = await loadJourneyDocument(path);
      expect(doc).toMatchObject({ kind: 'export', file: folder, definitionFile: join(folder, 'definition.json') });
      expect(doc.designerState).toBeDefined();
      expect(doc.fields?.msdyncrm_name).toBe('Thank attendees');
    }
  });

  it('a YAML spec, compiled, with its unresolved names', async () => {
    const doc = await loadJourneyDocument(join(repoRoot, 'samples', 'specs', 'welcome.yaml'));
    expect(doc).toMatchObject({ kind: 'spec', syntax: 'yaml' });
    expect(doc.spec?.name).toBe('Welcome new contacts');
    expect(doc.unresolved?.length).toBeGreaterThan(0);
    expect(doc.designerState?.NextActivityItemID).toBeGreaterThan(0);
  });

  it('a JSON spec', async () => {
    const doc = await loadJourneyDocument(join(repoRoot, 'samples', 'specs', 'thank-attendees.spec.json'));
    expect(doc).toMatchObject({ kind: 'spec', syntax: 'json' });
  });

  it('stdin (-): JSON or YAML, detected from the text', async () => {
    const json = await loadJourneyDocument('-', { readStdin: async () => DEFINITION_TEXT });
    expect(json).toMatchObject({ kind: 'definition', file: '-' });
    const yaml = await loadJourneyDocument('-', { readStdin: async () => 'name: From stdin\ntiles:\n  - email: Hello\n' });
    expect(yaml).toMatchObject({ kind: 'spec', syntax: 'yaml', file: '-' });
  });

  it('ignores a UTF-8 byte-order mark', async () => {
    const doc = await loadJourneyDocument(write('bom.json', `\uFEFF${DEFINITION_TEXT}`));
    expect(doc.definition).toHaveLength(3);
  });

  it('validates records against the schema only when asked', async () => {
    const record = { msdyncrm_name: 'n'.repeat(101), msdyncrm_workflowdefinition: JSON.stringify(DEFINITION) };
    const path = write('long-name.json', record);
    await expect(loadJourneyDocument(path)).resolves.toMatchObject({ kind: 'record' });
    expect((await loadError(path, { validateSchema: true })).location).toEqual({ file: path, pointer: '/msdyncrm_name', line: 2, column: 20 });
  });
});

describe('loadJourneyDocument: bad input is an InputError with file and pointer', () => {
  it('a missing file', async () => {
    const error = await loadError(join(dir, 'nope.json'));
    expect(error.message).toBe('file not found');
    expect(error.location.file).toBe(join(dir, 'nope.json'));
  });

  it('a folder that is not an export', async () => {
    mkdirSync(join(dir, 'empty-folder'), { recursive: true });
    expect((await loadError(join(dir, 'empty-folder'))).message).toContain('definition.json');
  });

  it('an empty file', async () => {
    expect((await loadError(write('empty.json', '  \n'))).message).toBe('is empty');
  });

  it('JSON syntax errors, with line and column', async () => {
    const error = await loadError(write('broken.json', '[\n  {"a": 1,,}\n]'));
    expect(error).toMatchObject({ name: 'DocumentError', reason: 'syntax' });
    expect(error.location).toMatchObject({ pointer: '', line: 2, column: 11 });
    expect(error.message).not.toMatch(/line/);
  });

  it('YAML syntax errors, with line and column', async () => {
    const error = await loadError(write('broken.yaml', 'name: x\ntiles:\n  - email: [unclosed\n'));
    expect(error).toMatchObject({ name: 'DocumentError', reason: 'syntax', message: expect.stringMatching(/^not valid YAML/) });
    expect(error.location.line).toBeGreaterThanOrEqual(3);
  });

  it('a document of no known kind', async () => {
    expect((await loadError(write('other.json', { hello: 'world' }))).message).toContain('cannot tell what this document is');
    expect((await loadError(write('number.json', '42'))).location.pointer).toBe('');
  });

  it('a record whose definition string is broken: the pointer continues into the string', async () => {
    const broken = structuredClone(DEFINITION) as Record<string, unknown>[];
    delete (broken[2]!.Properties as Record<string, unknown>).Items;
    const path = write('broken-record.json', { msdyncrm_name: 'x', msdyncrm_workflowdefinition: JSON.stringify(broken) });
    // The line and column are those of the string that holds the definition.
    expect((await loadError(path)).location).toEqual({ file: path, pointer: '/msdyncrm_workflowdefinition/2/Properties/Items', line: 3, column: 34 });
  });

  it('a broken designer state in a record', async () => {
    const path = write('bad-state.json', { msdyncrm_name: 'x', msdyncrm_workflowdefinition: JSON.stringify(DEFINITION), msdyncrm_customerjourneydesignerstate: '{"NextActivityID":"8"}' });
    expect((await loadError(path)).location.pointer).toBe('/msdyncrm_customerjourneydesignerstate/NextActivityID');
  });

  it('a broken definition.json in an export folder names that file', async () => {
    const folder = join(dir, 'bad-export');
    write('bad-export/definition.json', '[{"ActivityTypeId": 5}]');
    const error = await loadError(folder);
    expect(error.location).toEqual({ file: join(folder, 'definition.json'), pointer: '/0/ActivityTypeId', line: 1, column: 21 });
  });

  it('a definition error in a JSON file gets the line of the offending value', () => {
    const text = '[\n  {\n    "ActivityTypeId": "bpf_root",\n    "ParentBranchId": "zero",\n    "ParentRelationshipType": "Default",\n    "ActivityId": "01",\n    "Properties": {"Items": []}\n  }\n]\n';
    let error: unknown;
    try {
      loadJourneyText(text, 'x.json');
    } catch (e) {
      error = e;
    }
    expect(isInputError(error) && error.location.pointer).toBe('/0/ParentBranchId');
    expect(isInputError(error) && error.location).toMatchObject({ line: 4, column: 23 });
  });
});

describe('loadJourneyDocuments and expandInputs', () => {
  it('walk folders (an export folder is one document), keep going past bad files, and skip other files', async () => {
    const root = join(dir, 'tree');
    write('tree/a.json', DEFINITION_TEXT);
    write('tree/b.yaml', 'name: B\ntiles:\n  - email: Hello\n');
    write('tree/bad.json', '{');
    write('tree/notes.md', '# not a journey');
    write('tree/exported/definition.json', DEFINITION_TEXT);
    write('tree/exported/journey.json', { msdyncrm_name: 'Exported' });
    const results = [];
    for await (const result of loadJourneyDocuments([root])) results.push(result);
    expect(results.map((r) => [r.path.slice(root.length + 1), r.ok])).toEqual([
      ['a.json', true],
      ['b.yaml', true],
      ['bad.json', false],
      ['exported', true],
    ]);
    const bad = results[2]!;
    expect(!bad.ok && bad.error.location.file).toBe(join(root, 'bad.json'));
  });

  it('expand globs and drop duplicates, in argument order', () => {
    const specs = join(repoRoot, 'samples', 'specs');
    const files = expandInputs([join(specs, 'welcome.yaml'), join(specs, '*.yaml')]);
    expect(files[0]).toBe(join(specs, 'welcome.yaml'));
    expect(files.filter((f) => f.endsWith('welcome.yaml'))).toHaveLength(1);
    expect(files.every((f) => f.endsWith('.yaml'))).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(expandInputs([join(repoRoot, 'samples', '**', 'thank-*')])).toEqual(
      expect.arrayContaining([join(repoRoot, 'samples', 'exports', 'thank-attendees'), join(specs, 'thank-attendees.spec.json')]),
    );
  });

  it('keep stdin as -', () => {
    expect(expandInputs(['-'])).toEqual(['-']);
  });

  it('reject missing paths and globs that match nothing', () => {
    expect(() => expandInputs([join(dir, 'missing.json')])).toThrow('file not found');
    expect(() => expandInputs([join(dir, '*.nothing')])).toThrow(/no files match/);
  });

  it.each([
    ['*.json', 'a.json', true],
    ['*.json', 'd/a.json', false],
    ['**/*.json', 'a.json', true],
    ['**/*.json', 'd/e/a.json', true],
    ['a?.yaml', 'ab.yaml', true],
    ['*.{yaml,yml}', 'x.yml', true],
    ['x.json', 'xxjson', false],
  ])('glob %s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});

describe('source positions', () => {
  it('a missing property gets the line of its parent; a place inside a definition string, the line of the string', async () => {
    let error: unknown;
    try {
      loadJourneyText('name: x\ntiles:\n  - email: E\n  - wait: {}\n', 'w.yaml');
    } catch (e) {
      error = e;
    }
    expect(isInputError(error) && error.location.pointer).toBe('/tiles/1/wait/for');
    expect(isInputError(error) && error.location).toMatchObject({ line: 4, column: 11 });
    const broken = structuredClone(DEFINITION) as Record<string, unknown>[];
    delete broken[1]!.ActivityId;
    const path = write('string-def.json', { msdyncrm_name: 'x', msdyncrm_workflowdefinition: JSON.stringify(broken) });
    expect((await loadError(path)).location).toMatchObject({ line: 3, column: 34 });
  });
});
