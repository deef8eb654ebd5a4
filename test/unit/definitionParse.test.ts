import { describe, expect, it } from 'vitest';
import {
  DefinitionError,
  isDefinitionError,
  parseDefinition,
  serializeDefinition,
  type WorkflowDefinition,
} from '../../src/definition/index.js';
import { isInputError } from '../../src/errors.js';
import { fixtureText, storedFixture } from '../helpers/fixtures.js';

const seedCreate = storedFixture('seed-create-definition.json');
const seedValidate = storedFixture('seed-validate-definition.json');
const designerLike = fixtureText('designer-like-definition.json');

/** The relationship spellings the parser normalises, applied to raw JSON for comparisons. */
function normalizeRelationships(def: unknown[]): unknown[] {
  const canonical: Record<string, string> = { default: 'Default', yesbranch: 'YesBranch', nobranch: 'NoBranch' };
  return def.map((a) => {
    const activity = a as Record<string, unknown>;
    return { ...activity, ParentRelationshipType: canonical[String(activity.ParentRelationshipType).toLowerCase()] };
  });
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function expectDefinitionError(fn: () => unknown, pointer: string, message: RegExp): DefinitionError {
  const error = catchError(fn);
  expect(error).not.toBeInstanceOf(TypeError);
  expect(isDefinitionError(error)).toBe(true);
  const definitionError = error as DefinitionError;
  expect(definitionError.kind).toBe('input');
  expect(definitionError.location.pointer).toBe(pointer);
  expect(definitionError.message).toMatch(message);
  expect(definitionError.message).not.toMatch(/undefined|TypeError|Cannot read/);
  return definitionError;
}

describe('parseDefinition + serializeDefinition round trip', () => {
  it.each([
    ['create', seedCreate],
    ['validate', seedValidate],
  ])('reproduces the documented %s request definition byte for byte', (_, text) => {
    const def = parseDefinition(text);
    expect(serializeDefinition(def)).toBe(text);
  });

  it('accepts an already-parsed array and a definition encoded twice', () => {
    const fromArray = parseDefinition(JSON.parse(seedCreate));
    const fromDoubleEncoded = parseDefinition(JSON.stringify(seedCreate));
    expect(serializeDefinition(fromArray)).toBe(seedCreate);
    expect(serializeDefinition(fromDoubleEncoded)).toBe(seedCreate);
  });

  it('does not alias or change the caller’s array', () => {
    const input = JSON.parse(designerLike) as Record<string, unknown>[];
    const before = JSON.stringify(input);
    const def = parseDefinition(input);
    def[0]!.Properties.Items[0]!.Name = 'changed';
    expect(JSON.stringify(input)).toBe(before);
  });

  it('keeps designer-written input value-identical: keys, values, order, unknown types and properties', () => {
    const raw = JSON.parse(designerLike) as Record<string, unknown>[];
    const def = parseDefinition(designerLike);
    const written = JSON.parse(serializeDefinition(def)) as Record<string, unknown>[];
    // Same values, activities and items in the same order; relationship casing normalised.
    expect(written).toEqual(normalizeRelationships(raw));
    expect(written.map((a) => a.ActivityId)).toEqual(raw.map((a) => a.ActivityId));
    expect(def.map((a) => a.ParentRelationshipType)).toEqual([
      'Default',
      'Default',
      'Default',
      'Default',
      'Default',
      'Default',
      'YesBranch',
      'Default',
      'NoBranch',
      'Default',
    ]);
    // The unknown tile type and its nested unknown values survive untouched.
    const sms = written.find((a) => a.ActivityTypeId === 'cr65f_SmsTile') as unknown as WorkflowDefinition[number];
    expect(sms.Properties.Items[0]!.cr65f_MessageTemplate).toEqual({ locale: 1033, parts: ['Hi', { field: 'firstname' }] });
    // The empty placeholder keeps its empty Items and gains no EntityTarget.
    const empty = written.find((a) => a.ActivityTypeId === 'empty')!;
    expect(empty).not.toHaveProperty('EntityTarget');
    expect((empty.Properties as { Items: unknown[] }).Items).toEqual([]);
  });

  it('writes the designer key order with unknown keys after known ones, in their original order', () => {
    const def = parseDefinition(designerLike);
    const written = JSON.parse(serializeDefinition(def)) as Record<string, Record<string, unknown>>[];
    expect(Object.keys(written[1]!)).toEqual([
      'ActivityTypeId',
      'ParentActivityId',
      'ParentBranchId',
      'ParentRelationshipType',
      'ActivityId',
      'Properties',
      'EntityTarget',
      'TileColor',
    ]);
    expect(Object.keys(written[1]!.Properties!)).toEqual(['Items', 'Layout']);
    expect(Object.keys(written[0]!)).toEqual(['ActivityTypeId', 'ParentBranchId', 'ParentRelationshipType', 'ActivityId', 'Properties', 'DesignerZoom']);
    const smsItem = (written[9]!.Properties as { Items: Record<string, unknown>[] }).Items[0]!;
    expect(Object.keys(smsItem)).toEqual([
      'ItemId',
      'ActivityTypeId',
      'Title',
      'IsNameSystemDefined',
      'Name',
      'ActivityItemId',
      'Description',
      'cr65f_MessageTemplate',
      'ResponseTypes',
    ]);
    const trigger = (written[5]!.Properties as { Items: Record<string, unknown>[] }).Items[0]!;
    expect(Object.keys(trigger)).toEqual([
      'ItemId',
      'ActivityTypeId',
      'Title',
      'IsNameSystemDefined',
      'Name',
      'ActivityItemId',
      'TimeoutValue',
      'TimeoutUnit',
      'RuleLogic',
      'ConditionExpressions',
    ]);
  });

  it('is byte-identical on a second round trip, compact and pretty', () => {
    const once = serializeDefinition(parseDefinition(designerLike));
    expect(serializeDefinition(parseDefinition(once))).toBe(once);
    const pretty = serializeDefinition(parseDefinition(designerLike), { pretty: true });
    expect(pretty).toContain('\n  {\n    "ActivityTypeId": "bpf_root"');
    expect(serializeDefinition(parseDefinition(pretty), { pretty: true })).toBe(pretty);
    expect(JSON.parse(pretty)).toEqual(JSON.parse(once));
  });

  it('treats ActivityIds as opaque: GUID ids and ids that do not follow the tree parse unchanged', () => {
    const def = parseDefinition([
      { ActivityTypeId: 'bpf_root', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: 'root-guid', Properties: { Items: [] } },
      {
        ActivityTypeId: 'Email',
        ParentActivityId: 'root-guid',
        ParentBranchId: 0,
        ParentRelationshipType: 'Default',
        ActivityId: '9f0c6e0a-1111-4a4a-9999-000000000001',
        Properties: { Items: [{ ItemId: null, ActivityTypeId: 'Email', ActivityItemId: 1 }] },
      },
    ]);
    expect(def.map((a) => a.ActivityId)).toEqual(['root-guid', '9f0c6e0a-1111-4a4a-9999-000000000001']);
  });
});

describe('parseDefinition on malformed input', () => {
  it('reports JSON syntax errors with line, column and offset', () => {
    const error = expectDefinitionError(() => parseDefinition('[\n  {"ActivityTypeId": "bpf_root",}\n]', { file: 'journey.json' }), '', /line 2, column 33 \(offset 34\)/);
    expect(error.location.file).toBe('journey.json');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('reports truncated JSON and empty input', () => {
    expectDefinitionError(() => parseDefinition('[{"ActivityTypeId":'), '', /not valid JSON at line 1/);
    expectDefinitionError(() => parseDefinition('   '), '', /empty/);
  });

  it('prefixes every pointer with basePointer', () => {
    expectDefinitionError(
      () => parseDefinition('{"a":1}', { basePointer: '/msdyncrm_workflowdefinition' }),
      '/msdyncrm_workflowdefinition',
      /must be a JSON array of activities, not an object/,
    );
    const bad = JSON.parse(seedCreate);
    bad[2].Properties.Items[0].ActivityItemId = '32';
    expectDefinitionError(
      () => parseDefinition(JSON.stringify(bad), { basePointer: '/msdyncrm_workflowdefinition' }),
      '/msdyncrm_workflowdefinition/2/Properties/Items/0/ActivityItemId',
      /ActivityItemId must be an integer, not the string "32"/,
    );
  });

  it.each([
    ['a non-object activity', (d: unknown[]) => (d[1] = 'Segment'), '/1', /activity must be a JSON object, not the string "Segment"/],
    ['a null activity', (d: unknown[]) => (d[1] = null), '/1', /activity must be a JSON object, not null/],
    ['a missing ActivityId', (d: any[]) => delete d[1].ActivityId, '/1/ActivityId', /has no ActivityId/],
    ['a numeric ActivityTypeId', (d: any[]) => (d[1].ActivityTypeId = 7), '/1/ActivityTypeId', /must be a non-empty string, not the number 7/],
    ['a string ParentBranchId', (d: any[]) => (d[1].ParentBranchId = '0'), '/1/ParentBranchId', /non-negative integer/],
    ['a negative ParentBranchId', (d: any[]) => (d[1].ParentBranchId = -1), '/1/ParentBranchId', /non-negative integer, not the number -1/],
    ['an unknown relationship', (d: any[]) => (d[1].ParentRelationshipType = 'Maybe'), '/1/ParentRelationshipType', /Default, YesBranch or NoBranch/],
    ['a missing Properties', (d: any[]) => delete d[1].Properties, '/1/Properties', /no Properties/],
    ['a missing Properties.Items', (d: any[]) => (d[1].Properties = {}), '/1/Properties/Items', /no Items array/],
    ['Items not an array', (d: any[]) => (d[1].Properties.Items = { 0: {} }), '/1/Properties/Items', /must be an array, not an object/],
    ['a non-object item', (d: any[]) => (d[1].Properties.Items[1] = 42), '/1/Properties/Items/1', /item must be a JSON object, not the number 42/],
    ['an array item', (d: any[]) => (d[1].Properties.Items[0] = []), '/1/Properties/Items/0', /item must be a JSON object, not an array/],
    ['a numeric ItemId', (d: any[]) => (d[1].Properties.Items[1].ItemId = 5), '/1/Properties/Items/1/ItemId', /record id string or null/],
    ['a missing ActivityItemId', (d: any[]) => delete d[1].Properties.Items[0].ActivityItemId, '/1/Properties/Items/0/ActivityItemId', /no ActivityItemId/],
    ['a boolean Name', (d: any[]) => (d[2].Properties.Items[0].Name = true), '/2/Properties/Items/0/Name', /Name must be a string, not true/],
    ['a string IsNameSystemDefined', (d: any[]) => (d[2].Properties.Items[0].IsNameSystemDefined = 'yes'), '/2/Properties/Items/0/IsNameSystemDefined', /true or false/],
    ['a numeric EntityTarget', (d: any[]) => (d[2].EntityTarget = 0), '/2/EntityTarget', /EntityTarget must be a string/],
    ['a null ParentActivityId', (d: any[]) => (d[2].ParentActivityId = null), '/2/ParentActivityId', /non-empty string, not null/],
  ])('rejects %s with a pointer, from text and from an array', (_, mutate, pointer, message) => {
    const def = JSON.parse(seedCreate) as unknown[];
    mutate(def as any[]);
    expectDefinitionError(() => parseDefinition(JSON.stringify(def)), pointer, message);
    expectDefinitionError(() => parseDefinition(def), pointer, message);
  });

  it('rejects a non-array top level of any type', () => {
    for (const value of ['"just text"', '42', 'null', 'true', '{}']) {
      expectDefinitionError(() => parseDefinition(value), '', /must be a JSON array/);
    }
    expectDefinitionError(() => parseDefinition(undefined), '', /must be a JSON array of activities, not nothing/);
  });

  it('rejects ParentActivityId cycles, naming the ids', () => {
    const def = JSON.parse(seedCreate) as any[];
    def[1].ParentActivityId = '01_0_2'; // segment under email, email under segment
    expectDefinitionError(() => parseDefinition(def), '/1/ParentActivityId', /cycle: "01_0" -> "01_0_2" -> "01_0"/);
    const self = JSON.parse(seedCreate) as any[];
    self[2].ParentActivityId = '01_0_2';
    expectDefinitionError(() => parseDefinition(self), '/2/ParentActivityId', /"01_0_2" is its own parent/);
  });

  it('accepts a dangling ParentActivityId (a semantic problem for the validator)', () => {
    const def = JSON.parse(seedCreate) as any[];
    def[2].ParentActivityId = 'nowhere';
    expect(parseDefinition(def)[2]!.ParentActivityId).toBe('nowhere');
  });

  it('rejects __proto__ and constructor keys anywhere, from text and from objects', () => {
    const text = seedCreate.replace('"EntityTarget":"contact"}]', '"EntityTarget":"contact","__proto__":{"polluted":true}}]');
    expectDefinitionError(() => parseDefinition(text), '/2/__proto__', /"__proto__" is not allowed/);
    const escaped = seedCreate.replace('"SegmentMergeMethod"', '"\\u005f_proto__":{"x":1},"SegmentMergeMethod"');
    expectDefinitionError(() => parseDefinition(escaped), '/1/Properties/Items/0/__proto__', /"__proto__" is not allowed/);
    const nested = JSON.parse(seedCreate);
    nested[1].Properties.Items[1].Extra = JSON.parse('{"constructor":{"prototype":{"polluted":true}}}');
    expectDefinitionError(() => parseDefinition(nested), '/1/Properties/Items/1/Extra/constructor', /"constructor" is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects values JSON cannot carry and reference cycles in object input', () => {
    const withFunction = JSON.parse(seedCreate);
    withFunction[0].Properties.Items[0].Name = () => 'x';
    expectDefinitionError(() => parseDefinition(withFunction), '/0/Properties/Items/0/Name', /function/);
    const withNaN = JSON.parse(seedCreate);
    withNaN[0].ParentBranchId = Number.NaN;
    expectDefinitionError(() => parseDefinition(withNaN), '/0/ParentBranchId', /NaN/);
    const cyclic = JSON.parse(seedCreate);
    cyclic[0].Properties.Self = cyclic[0];
    expectDefinitionError(() => parseDefinition(cyclic), '/0/Properties/Self', /reference cycle/);
  });

  it('is an InputError for the CLI (exit code 2, location printed)', () => {
    const error = catchError(() => parseDefinition('nope', { file: 'x.json' }));
    expect(isInputError(error)).toBe(true);
    expect((error as Error).name).toBe('DefinitionError');
  });
});

describe('parseDefinition on a definition encoded twice', () => {
  it('still rejects forbidden keys inside the inner text', () => {
    const inner = storedFixture('seed-create-definition.json').replace('"EntityTarget":"contact"}]', '"EntityTarget":"contact","__proto__":{}}]');
    expectDefinitionError(() => parseDefinition(JSON.stringify(inner)), '/2/__proto__', /"__proto__" is not allowed/);
  });
});
