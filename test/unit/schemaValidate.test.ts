import { describe, expect, it } from 'vitest';
import { isInputError } from '../../src/errors.js';
import {
  SCHEMA_IDS,
  assertValidDefinition,
  assertValidJourneyRecord,
  assertValidJourneySpec,
  describeIssues,
  loadSchema,
  validateAgainstSchema,
} from '../../src/schemas/index.js';

const ROOT = {
  ActivityTypeId: 'bpf_root',
  ParentBranchId: 0,
  ParentRelationshipType: 'Default',
  ActivityId: '01',
  Properties: { Items: [{ ItemId: null, ActivityTypeId: 'bpf_root', ActivityItemId: 0 }] },
};

function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('schemas', () => {
  it('have stable $ids and draft 2020-12', () => {
    for (const [name, id] of Object.entries(SCHEMA_IDS)) {
      const schema = loadSchema(name as keyof typeof SCHEMA_IDS);
      expect(schema.$id).toBe(id);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });
});

describe('validateAgainstSchema', () => {
  it('returns no issues for a valid value', () => {
    expect(validateAgainstSchema('workflow-definition', [ROOT])).toEqual([]);
  });

  it('accepts every casing of ParentRelationshipType, as the parser does', () => {
    for (const casing of ['default', 'DEFAULT', 'yesBranch', 'nobranch', 'NoBranch']) {
      expect(validateAgainstSchema('workflow-definition', [{ ...ROOT, ParentRelationshipType: casing }])).toEqual([]);
    }
    expect(validateAgainstSchema('workflow-definition', [{ ...ROOT, ParentRelationshipType: 'Yes' }])[0]?.pointer).toBe('/0/ParentRelationshipType');
  });

  it('keeps unknown properties and unknown tile types', () => {
    const custom = { ...ROOT, ActivityTypeId: 'Custom_sms', Extra: { deep: [1, 2] }, Properties: { Items: [{ ActivityTypeId: 'Custom_sms', ActivityItemId: 1, Whatever: true }] } };
    expect(validateAgainstSchema('workflow-definition', [ROOT, custom])).toEqual([]);
  });

  it('points at the missing property, where the parser points', () => {
    const { ActivityId: _dropped, ...noId } = ROOT;
    const issues = validateAgainstSchema('workflow-definition', [noId]);
    expect(issues).toEqual([expect.objectContaining({ pointer: '/0/ActivityId', keyword: 'required', message: 'missing required property "ActivityId"' })]);
  });

  it('points at an unknown property of a closed object (specs)', () => {
    const issues = validateAgainstSchema('journey-spec', { name: 'x', colour: 'red' });
    expect(issues).toEqual([expect.objectContaining({ pointer: '/colour', message: 'unknown property "colour"' })]);
  });

  it('points at forbidden keys at any depth', () => {
    const def = JSON.parse('[{"ActivityTypeId":"bpf_root","ParentBranchId":0,"ParentRelationshipType":"Default","ActivityId":"01","Properties":{"Items":[]},"X":{"a":{"constructor":1}}}]');
    const issues = validateAgainstSchema('workflow-definition', def);
    expect(issues[0]).toMatchObject({ pointer: '/0/X/a/constructor', message: 'property name "constructor" is not allowed' });
  });

  it('escapes pointer tokens (RFC 6901) and prefixes basePointer', () => {
    const issues = validateAgainstSchema('journey-record', { msdyncrm_name: 'x', 'a/b@odata.bind': 'nope' }, { basePointer: '/records/3' });
    expect(issues[0]!.pointer).toBe('/records/3/a~1b@odata.bind');
  });

  it('says what a pattern means when the schema has a title', () => {
    const issues = validateAgainstSchema('journey-spec', { name: 'x', tiles: [{ wait: { for: 'soon' } }] });
    expect(issues[0]).toMatchObject({ pointer: '/tiles/0/wait/for', message: expect.stringContaining('a duration like 30m') });
  });

  it('checks record option sets, lengths, dates and binds', () => {
    const record = {
      msdyncrm_name: 'n'.repeat(101),
      statuscode: 5,
      msdyncrm_entitytarget: 2,
      msdyncrm_startdatetime: 'tomorrow',
      'msdyncrm_SuppressionSegmentId@odata.bind': '/msdyncrm_contentsettingss(1922b1d8-0523-e911-a9ba-000d3a1e689f)',
    };
    const pointers = validateAgainstSchema('journey-record', record).map((i) => i.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining(['/msdyncrm_name', '/statuscode', '/msdyncrm_entitytarget', '/msdyncrm_startdatetime', '/msdyncrm_SuppressionSegmentId@odata.bind']),
    );
  });

  it('validates a sub-schema addressed by $id and fragment', () => {
    const id = `${SCHEMA_IDS['journey-record']}#/$defs/designerState`;
    expect(validateAgainstSchema(id, { NextActivityID: 3, NextActivityItemID: 4 })).toEqual([]);
    expect(validateAgainstSchema(id, { NextActivityID: -1, NextActivityItemID: 4 })[0]!.pointer).toBe('/NextActivityID');
  });

  it('describes issues in one line', () => {
    const text = describeIssues([
      { pointer: '/a', message: 'm1', keyword: 'type', schemaPath: '' },
      { pointer: '', message: 'm2', keyword: 'type', schemaPath: '' },
    ]);
    expect(text).toBe('/a: m1; /: m2');
  });
});

describe('assertValid helpers', () => {
  it('throw an InputError with file and the most specific pointer', () => {
    const error = thrown(() => assertValidDefinition([{ ...ROOT, ParentBranchId: -1 }], { file: 'j.json' }));
    expect(isInputError(error)).toBe(true);
    if (!isInputError(error)) return;
    expect(error.location).toEqual({ file: 'j.json', pointer: '/0/ParentBranchId' });
    expect(error.message).toContain('not a valid workflow definition');
    expect(error.hint).toContain(SCHEMA_IDS['workflow-definition']);
  });

  it('pass valid values', () => {
    expect(() => assertValidJourneyRecord({ msdyncrm_name: 'ok' })).not.toThrow();
    expect(() => assertValidJourneySpec({ name: 'ok', tiles: [] })).not.toThrow();
  });

  it('reject a spec with both tiles and swimlanes', () => {
    const error = thrown(() => assertValidJourneySpec({ name: 'x', tiles: [], swimlanes: [[]] }));
    expect(isInputError(error) && error.location.pointer).toBe('');
  });
});
