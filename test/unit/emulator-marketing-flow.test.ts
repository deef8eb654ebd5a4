import { describe, expect, it } from 'vitest';
import type { Activity } from '../../src/definition/types.js';
import { contactFlow, parseSegmentMemberIds, segmentGroupContacts } from '../../src/emulator/marketing/journeyFlow.js';
import { stableId } from '../../src/emulator/marketing/stableId.js';

const id = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
const SEG_A = 'aaaaaaaa-0000-0000-0000-000000000001';
const SEG_B = 'aaaaaaaa-0000-0000-0000-000000000002';
const SEG_X = 'aaaaaaaa-0000-0000-0000-000000000003';
const members: Record<string, string[]> = {
  [SEG_A]: [id(1), id(2), id(3)],
  [SEG_B]: [id(3), id(4)],
  [SEG_X]: [id(2)],
};
const lookup = (segmentId: string) => members[segmentId];

function activity(ActivityId: string, ActivityTypeId: string, parent: string | undefined, items: Record<string, unknown>[] = [], rel = 'Default'): Activity {
  const a: Activity = {
    ActivityId,
    ActivityTypeId,
    ParentBranchId: 0,
    ParentRelationshipType: rel as Activity['ParentRelationshipType'],
    Properties: { Items: [{ ItemId: null, ActivityTypeId, ActivityItemId: 0 }, ...items.map((i, n) => ({ ActivityItemId: n + 1, ActivityTypeId: 'SegmentItem', ItemId: null, ...i }))] },
  };
  if (parent !== undefined) a.ParentActivityId = parent;
  return a;
}

describe('segment groups', () => {
  it('unions inclusions and removes exclusions', () => {
    const group = activity('g', 'Segment', '01', [{ ItemId: SEG_A }, { ItemId: SEG_B.toUpperCase() }, { ItemId: SEG_X, ContainmentMethod: 'Exclusion' }]);
    expect([...segmentGroupContacts(group, lookup)].sort()).toEqual([id(1), id(3), id(4)]);
  });

  it('intersects when the merge method says so, and ignores unknown segments', () => {
    const group = activity('g', 'Segment', '01', [{ ItemId: SEG_A }, { ItemId: SEG_B }]);
    group.Properties.Items[0]!.SegmentMergeMethod = 'Intersect';
    expect([...segmentGroupContacts(group, lookup)]).toEqual([id(3)]);
    const unknown = activity('g', 'Segment', '01', [{ ItemId: 'bbbbbbbb-0000-0000-0000-000000000009' }]);
    expect(segmentGroupContacts(unknown, lookup).size).toBe(0);
  });
});

describe('contact flow', () => {
  const root = activity('01', 'bpf_root', undefined);
  const group = activity('01_0', 'Segment', '01', [{ ItemId: SEG_A }]);

  it('passes the contacts of a segment group to every tile below it, minus suppressed ones', () => {
    const definition = [root, group, activity('01_0_1', 'Email', '01_0'), activity('01_0_1_2', 'sample_channel', '01_0_1')];
    const flow = contactFlow(definition, lookup, new Set([id(2)]));
    expect([...(flow.get('01_0_1_2') ?? [])].sort()).toEqual([id(1), id(3)]);
    expect(flow.has('01')).toBe(false);
  });

  it('takes only the NoBranch under a trigger', () => {
    const definition = [root, group, activity('t', 'Trigger', '01_0'), activity('yes', 'sample_channel', 't', [], 'YesBranch'), activity('no', 'sample_channel', 't', [], 'NoBranch')];
    const flow = contactFlow(definition, lookup);
    expect(flow.has('yes')).toBe(false);
    expect(flow.get('no')?.size).toBe(3);
  });

  it('gives nothing to tiles outside any segment group and survives cycles', () => {
    const definition = [root, activity('lonely', 'sample_channel', '01'), activity('c1', 'Email', 'c2'), activity('c2', 'Email', 'c1')];
    expect(contactFlow(definition, lookup).size).toBe(0);
    const cyclic = [root, group, activity('x', 'Email', 'y'), activity('y', 'Segment', 'x', [{ ItemId: SEG_B }])];
    const flow = contactFlow(cyclic, lookup);
    expect([...(flow.get('x') ?? [])].sort()).toEqual([id(3), id(4)]);
  });

  it('merges contacts arriving from two segment groups', () => {
    const second = activity('01_1', 'Segment', '01', [{ ItemId: SEG_B }]);
    const definition = [root, group, second, activity('m', 'sample_channel', '01_0'), activity('n', 'sample_channel', 'm')];
    const both = [root, group, second, activity('s2', 'Segment', '01_0', [{ ItemId: SEG_B }]), activity('t2', 'Email', 's2')];
    expect(contactFlow(definition, lookup).get('n')?.size).toBe(3);
    expect([...(contactFlow(both, lookup).get('t2') ?? [])].sort()).toEqual([id(1), id(2), id(3), id(4)]);
  });
});

describe('static segment members', () => {
  it('reads crm-prefixed ids from the JSON array and skips junk', () => {
    expect(parseSegmentMemberIds(JSON.stringify([`crm${id(1)}`, `{${id(2).toUpperCase()}}`, 'crmnot-a-guid', 7]))).toEqual([id(1), id(2)]);
    expect(parseSegmentMemberIds('not json')).toBeUndefined();
    expect(parseSegmentMemberIds(null)).toBeUndefined();
    expect(parseSegmentMemberIds('[]')).toEqual([]);
  });
});

describe('stable ids', () => {
  it('are GUIDs, equal for equal parts and different otherwise', () => {
    const a = stableId('x', 'y');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableId('x', 'y')).toBe(a);
    expect(stableId('xy')).not.toBe(a);
  });
});
