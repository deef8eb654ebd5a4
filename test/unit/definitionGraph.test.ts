import { describe, expect, it } from 'vitest';
import {
  activityIdCounter,
  buildGraph,
  collectReferences,
  computeDesignerState,
  DefinitionError,
  parseDefinition,
  parseDesignerState,
  serializeDesignerState,
  type WorkflowDefinition,
} from '../../src/definition/index.js';
import { fixtureText, storedFixture } from '../helpers/fixtures.js';

const designerLike = parseDefinition(fixtureText('designer-like-definition.json'));

describe('buildGraph on designer output whose ActivityIds do not follow the tree', () => {
  const graph = buildGraph(designerLike);

  it('finds structure only through ParentActivityId', () => {
    expect(graph.root?.ActivityId).toBe('01');
    // Trigger 01_2_4_7 hangs under the scheduler 01_2_4_14_19, not under "01_2_4".
    expect(graph.parentOf('01_2_4_7')?.ActivityId).toBe('01_2_4_14_19');
    expect(graph.parentOf('01_2_4_7_11_26_30')?.ActivityId).toBe('01_2_4_7_11_32');
    expect(graph.parentOf('01')).toBeUndefined();
    expect(graph.parentOf('missing')).toBeUndefined();
  });

  it('orders children by ParentBranchId, then stored order', () => {
    // The email's children: scheduler (branch 0, stored later) before the event (branch 1).
    expect(graph.childrenOf('01_2_4').map((a) => a.ActivityId)).toEqual(['01_2_4_14_19', '01_2_4_5']);
    expect(graph.childrenOf('01').map((a) => a.ActivityId)).toEqual(['01_2', '01_40']);
    expect(graph.childrenOf('01_2_4_7').map((a) => a.ParentRelationshipType)).toEqual(['YesBranch', 'NoBranch']);
    expect(graph.childrenOf('01_40')).toEqual([]);
  });

  it('walks depth-first, parents before children, and can skip a subtree', () => {
    const order: string[] = [];
    graph.walk((a, { depth }) => {
      order.push(`${depth}:${a.ActivityId}`);
    });
    expect(order).toEqual([
      '0:01',
      '1:01_2',
      '2:01_2_4',
      '3:01_2_4_14_19',
      '4:01_2_4_7',
      '5:01_2_4_7_11_32',
      '6:01_2_4_7_11_26_30',
      '5:01_2_4_7_12',
      '3:01_2_4_5',
      '1:01_40',
    ]);
    const skipped: string[] = [];
    graph.walk((a) => {
      skipped.push(a.ActivityId);
      return a.ActivityTypeId !== 'Trigger';
    });
    expect(skipped).not.toContain('01_2_4_7_11_32');
    expect(skipped).toContain('01_40');
  });

  it('visits activities with dangling parents and duplicate ids too, once each', () => {
    const def = parseDefinition(fixtureText('designer-like-definition.json')) as WorkflowDefinition;
    def.push({ ...def[3]!, ActivityId: 'orphan-child', ParentActivityId: 'orphan' });
    def.push({ ...def[3]!, ActivityId: 'orphan', ParentActivityId: 'nowhere' });
    def.push({ ...def[3]! }); // duplicate ActivityId 01_2_4_5
    const seen: string[] = [];
    buildGraph(def).walk((a, { parent }) => {
      seen.push(`${a.ActivityId}<${parent?.ActivityId ?? ''}`);
    });
    expect(seen).toHaveLength(def.length);
    expect(seen.indexOf('orphan<')).toBeLessThan(seen.indexOf('orphan-child<orphan'));
    expect(seen.filter((s) => s.startsWith('01_2_4_5<'))).toHaveLength(2);
  });
});

describe('collectReferences', () => {
  it('lists the records of the documented example with pointers', () => {
    const def = parseDefinition(storedFixture('seed-create-definition.json'));
    expect(collectReferences(def, { basePointer: '/msdyncrm_workflowdefinition' })).toEqual([
      {
        kind: 'segment',
        id: '24db2671-1529-e911-a9b7-000d3a1e6adc',
        name: 'TC407937_DynamicSegment_2KZQ1p',
        dciSegmentName: 'TC407937_DynamicSegment_2KZQ1p',
        containment: 'Inclusion',
        activityId: '01_0',
        activityItemId: 24,
        tileType: 'SegmentItem',
        pointer: '/msdyncrm_workflowdefinition/1/Properties/Items/1',
      },
      {
        kind: 'email',
        id: '15bd0ab8-c12a-e911-a9b6-000d3a1e6c14',
        name: 'Relationship test',
        activityId: '01_0_2',
        activityItemId: 32,
        tileType: 'Email',
        pointer: '/msdyncrm_workflowdefinition/2/Properties/Items/0',
      },
    ]);
  });

  it('maps designer tiles, standalone events, activity templates and custom channel tiles', () => {
    const refs = collectReferences(designerLike).map((r) => [r.kind, r.id, r.tileType, r.activityItemId]);
    expect(refs).toEqual([
      ['segment', null, 'SegmentItem', 5],
      ['email', '8c1ad2b7-0d1f-e811-a951-000d3a1bef5e', 'Email', 27],
      ['page', 'b1f3c0e2-0d1f-e811-a951-000d3a1bef5e', 'LandingPage', 28],
      ['event', '0e4f8e11-1c1f-e811-a951-000d3a1bef5e', 'Event', 29],
      ['email', '2c0e6a44-0e1f-e811-a951-000d3a1bef5e', 'Email', 33],
      ['activityTemplate', null, 'CreateCrmActivity', 34],
      ['customChannelEntity', '6f1c2a90-7b3e-4d7a-9e52-3f0a1b2c4d5e', 'cr65f_SmsTile', 41],
    ]);
    const template = collectReferences(designerLike).find((r) => r.kind === 'activityTemplate');
    expect(template?.table).toBe('msdyncrm_phonecallactivitymarketingtemplate');
  });

  it('reads exclusion in any casing and ignores unknown tiles without a record id', () => {
    const def = parseDefinition(storedFixture('seed-create-definition.json'));
    def[1]!.Properties.Items[1]!.ContainmentMethod = 'exclusion';
    def.push({
      ActivityTypeId: 'new_Mystery',
      ParentActivityId: '01_0_2',
      ParentBranchId: 0,
      ParentRelationshipType: 'Default',
      ActivityId: '01_0_2_9',
      Properties: { Items: [{ ItemId: null, ActivityTypeId: 'new_Mystery', ActivityItemId: 50 }] },
    });
    const refs = collectReferences(def);
    expect(refs[0]!.containment).toBe('Exclusion');
    expect(refs.map((r) => r.tileType)).not.toContain('new_Mystery');
  });
});

describe('designer state', () => {
  it('parses and writes the documented state', () => {
    const text = storedFixture('seed-create-designer-state.json');
    const state = parseDesignerState(text);
    expect(state).toEqual({ NextActivityID: 8, NextActivityItemID: 42 });
    expect(serializeDesignerState(state)).toBe(text);
    expect(serializeDesignerState({ Extra: true, NextActivityItemID: 2, NextActivityID: 1 } as never)).toBe('{"NextActivityID":1,"NextActivityItemID":2,"Extra":true}');
  });

  it('rejects malformed states with a pointer', () => {
    const cases: [unknown, string, RegExp][] = [
      ['{"NextActivityID":1', '/msdyncrm_customerjourneydesignerstate', /not valid JSON at line 1, column 20/],
      ['[]', '/msdyncrm_customerjourneydesignerstate', /must be a JSON object, not an array/],
      ['{"NextActivityItemID":1}', '/msdyncrm_customerjourneydesignerstate/NextActivityID', /no NextActivityID/],
      ['{"NextActivityID":1,"NextActivityItemID":"2"}', '/msdyncrm_customerjourneydesignerstate/NextActivityItemID', /non-negative integer, not the string "2"/],
      ['{"NextActivityID":1,"NextActivityItemID":2,"__proto__":{}}', '/msdyncrm_customerjourneydesignerstate/__proto__', /not allowed/],
    ];
    for (const [input, pointer, message] of cases) {
      let error: unknown;
      try {
        parseDesignerState(input, { basePointer: '/msdyncrm_customerjourneydesignerstate' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DefinitionError);
      expect((error as DefinitionError).location.pointer).toBe(pointer);
      expect((error as DefinitionError).message).toMatch(message);
    }
  });

  it('computes counters strictly above ids in use, keeping larger existing values and extra keys', () => {
    // Largest trailing counter in the fixture is 40 (01_40); largest ActivityItemId is 41.
    expect(computeDesignerState(designerLike)).toEqual({ NextActivityID: 41, NextActivityItemID: 42 });
    expect(computeDesignerState(designerLike, { NextActivityID: 50, NextActivityItemID: 10, Zoom: 1 })).toEqual({
      NextActivityID: 50,
      NextActivityItemID: 42,
      Zoom: 1,
    });
  });

  it('reads trailing counters of designer-style ids only', () => {
    expect(activityIdCounter('01_0_7')).toBe(7);
    expect(activityIdCounter('01_2_4_7_11_26_30')).toBe(30);
    expect(activityIdCounter('01')).toBeUndefined();
    expect(activityIdCounter('9f0c6e0a-1111-4a4a-9999-000000000001')).toBeUndefined();
    expect(activityIdCounter('01_x')).toBeUndefined();
  });
});
