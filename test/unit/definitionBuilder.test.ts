import { describe, expect, it } from 'vitest';
import {
  buildGraph,
  collectReferences,
  computeDesignerState,
  DefinitionError,
  journey,
  parseDefinition,
  parseDesignerState,
  serializeDefinition,
  type WorkflowDefinition,
} from '../../src/definition/index.js';
import { storedFixture } from '../helpers/fixtures.js';

const seedCreate = storedFixture('seed-create-definition.json');
const seedValidate = storedFixture('seed-validate-definition.json');
const seedCreateState = storedFixture('seed-create-designer-state.json');

describe('journey builder reproduces the documented examples', () => {
  it('builds the create request definition value for value, and its designer state', () => {
    const j = journey({ target: 'contact', designerState: parseDesignerState(seedCreateState) });
    j.segmentGroup({
      activityItemId: 23,
      merge: 'Union',
      include: [{ id: '24db2671-1529-e911-a9b7-000d3a1e6adc', name: 'TC407937_DynamicSegment_2KZQ1p' }],
    }).email({ activityId: '01_0_2', activityItemId: 32, id: '15bd0ab8-c12a-e911-a9b6-000d3a1e6c14', name: 'Relationship test' });
    const { definition, designerState } = j.build();
    expect(definition).toEqual(JSON.parse(seedCreate));
    // Built in the designer's key order, so the stored text comes out byte for byte.
    expect(serializeDefinition(definition)).toBe(seedCreate);
    expect(designerState).toEqual({ NextActivityID: 8, NextActivityItemID: 42 });
  });

  it('builds the validate request definition value for value, with a computed designer state', () => {
    const j = journey();
    const segments = j.segmentGroup({ activityItemId: 52 });
    segments.include({ id: '056bbe66-f025-e911-a9ba-000d3a1e689f', name: 'TC407937_DynamicSegment_bmkX5u' });
    segments.email({ activityId: '01_0_3', activityItemId: 61, id: '15bd0ab8-c12a-e911-a9b6-000d3a1e6c14', name: 'Relationship test' });
    const { definition, designerState } = j.build();
    expect(definition).toEqual(JSON.parse(seedValidate));
    expect(serializeDefinition(definition)).toBe(seedValidate);
    // Counters strictly above the largest trailing counter (3) and ActivityItemId (61).
    expect(designerState).toEqual({ NextActivityID: 4, NextActivityItemID: 62 });
  });
});

/** Every id and counter rule the builder promises, checked on a built definition. */
function expectConsistentIds(definition: WorkflowDefinition, state: { NextActivityID: number; NextActivityItemID: number }): void {
  const activityIds = definition.map((a) => a.ActivityId);
  expect(new Set(activityIds).size).toBe(activityIds.length);
  const itemIds = definition.flatMap((a) => a.Properties.Items.map((i) => i.ActivityItemId));
  expect(new Set(itemIds).size).toBe(itemIds.length);
  expect(state.NextActivityItemID).toBeGreaterThan(Math.max(...itemIds));
  const counters = activityIds.filter((id) => id.includes('_')).map((id) => Number(id.slice(id.lastIndexOf('_') + 1)));
  if (counters.length) expect(state.NextActivityID).toBeGreaterThan(Math.max(...counters));
  for (const a of definition) {
    if (a.ParentActivityId !== undefined) expect(a.ActivityId.startsWith(`${a.ParentActivityId}_`)).toBe(true);
  }
}

describe('journey builder', () => {
  const EMAIL = '11111111-0000-4000-8000-000000000001';
  const PAGE = '11111111-0000-4000-8000-000000000002';
  const THANKS = '11111111-0000-4000-8000-000000000003';

  function registrationJourney(target: 'contact' | 'account' = 'contact') {
    const j = journey({ target });
    const invite = j
      .segmentGroup({ merge: 'Intersection', include: [{ id: 'seg-a', name: 'A', uniqueName: 'a_unique' }], exclude: [{ id: 'seg-b', name: 'B' }] })
      .email({ id: EMAIL, name: 'Invitation' });
    const page = invite.addPage({ id: PAGE, name: 'Registration' });
    invite.addEvent({ id: 'evt', name: 'Launch' });
    const ifRegistered = invite.trigger({ when: [{ item: page, condition: 'UserRegistered' }, { item: invite, condition: 'EmailOpened' }], logic: 'OR', timeout: { value: 5, unit: 'Day' } });
    ifRegistered.yes.email({ id: THANKS, name: 'Thanks' }).createActivity({ activityType: 'task', title: 'Follow up' });
    return { j, invite, page, ifRegistered };
  }

  it('allocates designer-style ids from one counter and unique ActivityItemIds', () => {
    const { j } = registrationJourney();
    const { definition, designerState } = j.build();
    expect(definition.map((a) => a.ActivityId)).toEqual(['01', '01_0', '01_0_1', '01_0_1_2', '01_0_1_2_3', '01_0_1_2_3_4', '01_0_1_2_5']);
    expectConsistentIds(definition, designerState);
    expect(designerState).toEqual({ NextActivityID: 6, NextActivityItemID: 10 });
  });

  it('writes trigger conditions from handles as string ActivityItemIds, with timeout and logic', () => {
    const { j, page, invite } = registrationJourney();
    const { definition } = j.build();
    const trigger = definition.find((a) => a.ActivityTypeId === 'Trigger')!.Properties.Items[0]!;
    expect(trigger).toMatchObject({
      TimeoutValue: 5,
      TimeoutUnit: 'Day',
      RuleLogic: 'OR',
      ConditionExpressions: [
        { SourceActivityItemId: String(page.activityItemId), Condition: 'UserRegistered' },
        { SourceActivityItemId: String(invite.header.activityItemId), Condition: 'EmailOpened' },
      ],
    });
    // The handle points at the page item nested in the email.
    const email = definition.find((a) => a.ActivityId === invite.activityId)!;
    expect(email.Properties.Items.map((i) => [i.ActivityTypeId, i.ActivityItemId])).toEqual([
      ['Email', invite.header.activityItemId],
      ['LandingPage', page.activityItemId],
      ['Event', page.activityItemId + 1],
    ]);
  });

  it('places trigger children on YesBranch (0) and NoBranch (1), with an empty placeholder for an empty branch', () => {
    const { j, ifRegistered } = registrationJourney();
    const { definition } = j.build();
    const graph = buildGraph(definition);
    const children = graph.childrenOf(ifRegistered.activityId);
    expect(children.map((c) => [c.ActivityTypeId, c.ParentRelationshipType, c.ParentBranchId])).toEqual([
      ['Email', 'YesBranch', 0],
      ['empty', 'NoBranch', 1],
    ]);
    const empty = children[1]!;
    expect(empty.Properties.Items).toEqual([]);
    expect(empty).not.toHaveProperty('EntityTarget');
  });

  it('writes segment inclusion/exclusion, merge method and unique names', () => {
    const { j } = registrationJourney();
    const items = j.build().definition[1]!.Properties.Items;
    expect(items[0]).toMatchObject({ ActivityTypeId: 'Segment', ItemId: null, Name: 'New Segment group', SegmentMergeMethod: 'Intersection' });
    expect(items.slice(1)).toMatchObject([
      { ActivityTypeId: 'SegmentItem', ItemId: 'seg-a', ContainmentMethod: 'Inclusion', DciSegmentName: 'a_unique', SegmentDisplayName: 'A', SegmentSourceType: 'Segment' },
      { ActivityTypeId: 'SegmentItem', ItemId: 'seg-b', ContainmentMethod: 'Exclusion', DciSegmentName: 'B', SegmentDisplayName: 'B' },
    ]);
  });

  it('writes EntityTarget on every non-root, non-placeholder tile for account-based journeys', () => {
    const { j } = registrationJourney('account');
    const { definition } = j.build();
    for (const a of definition) {
      if (a.ActivityTypeId === 'bpf_root' || a.ActivityTypeId === 'empty') expect(a).not.toHaveProperty('EntityTarget');
      else expect(a.EntityTarget).toBe('account');
    }
  });

  it('uses Title "Undefined", system-defined names from records and user titles as not system-defined', () => {
    const { j } = registrationJourney();
    const { definition } = j.build();
    const all = definition.flatMap((a) => a.Properties.Items);
    expect(all.every((i) => i.Title === 'Undefined')).toBe(true);
    expect(definition[0]!.Properties.Items[0]).toEqual({
      ItemId: null,
      ActivityTypeId: 'bpf_root',
      Title: 'Undefined',
      IsNameSystemDefined: true,
      Name: 'New ActivityTypeName_bpf_root_TitleText',
      ActivityItemId: 0,
    });
    const activity = all.find((i) => i.ActivityTypeId === 'CreateCrmActivity')!;
    expect(activity).toMatchObject({
      Name: 'Follow up',
      IsNameSystemDefined: false,
      TemplateEntityLogicalName: 'msdyncrm_taskactivitymarketingtemplate',
      ActivityTypeName: 'task',
      Owner: 'msdyncrm_customerjourney.ownerid',
    });
  });

  it('makes swimlanes from several tiles under the root and splitter branches from .branch()', () => {
    const j = journey();
    j.segmentGroup({ include: [{ id: 's1', name: 'One' }] }).email({ id: 'e1' });
    const split = j.segmentGroup({ include: [{ id: 's2', name: 'Two' }] }).splitter();
    split.branch().email({ id: 'e2' });
    split.branch().waitFor({ value: 2, unit: 'Day' }).launchWorkflow({ id: 'wf', name: 'Notify' });
    split.branch().waitUntil({ until: '2030-01-01T09:00:00Z' });
    const { definition, designerState } = j.build();
    const graph = buildGraph(definition);
    expect(graph.childrenOf('01').map((a) => [a.ActivityTypeId, a.ParentBranchId])).toEqual([
      ['Segment', 0],
      ['Segment', 1],
    ]);
    const branches = graph.childrenOf(split.activityId);
    expect(branches.map((b) => [b.ActivityTypeId, b.ParentBranchId, b.ParentRelationshipType])).toEqual([
      ['SplitterBranch', 0, 'Default'],
      ['SplitterBranch', 1, 'Default'],
      ['SplitterBranch', 2, 'Default'],
    ]);
    const wait = graph.childrenOf(branches[1]!.ActivityId)[0]!.Properties.Items[0]!;
    expect(wait).toMatchObject({ ActivityTypeId: 'Scheduler', OffsetType: 'Duration', ScheduledDurationUnit: 'Day', ScheduledDurationValue: 2 });
    const until = graph.childrenOf(branches[2]!.ActivityId)[0]!.Properties.Items[0]!;
    expect(until).toMatchObject({ OffsetType: 'DateTime', ScheduledDateTime: '2030-01-01T09:00:00Z' });
    expectConsistentIds(definition, designerState);
  });

  it('builds every tile type, custom channel tiles included, and round-trips them byte for byte', () => {
    const j = journey();
    const email = j.segmentGroup({ include: [{ id: 's' }] }).email({ id: 'e', pages: [{ id: 'p' }], events: [{ id: 'ev' }], forms: [{ id: 'f' }], surveys: [{ id: 'sv' }] });
    email
      .createActivity({ activityType: 'appointment' })
      .launchWorkflow({ id: 'wf' })
      .createLead()
      .recordUpdate()
      .linkedInCampaign({ id: 'li' })
      .page({ id: 'p2' })
      .event({ id: 'ev2' })
      .form({ id: 'f2' })
      .survey({ id: 'sv2' })
      .custom({ type: 'cr65f_SmsTile', id: 'sms-1', name: 'Reminder SMS', properties: { cr65f_Template: { locale: 1033 } } });
    const { definition } = j.build();
    const text = serializeDefinition(definition);
    expect(serializeDefinition(parseDefinition(text))).toBe(text);
    expect(JSON.parse(text)).toEqual(definition);
    const kinds = collectReferences(definition).map((r) => `${r.kind}:${r.id}`);
    expect(kinds).toEqual([
      'segment:s',
      'email:e',
      'page:p',
      'event:ev',
      'form:f',
      'survey:sv',
      'activityTemplate:null',
      'workflow:wf',
      'linkedInCampaign:li',
      'page:p2',
      'event:ev2',
      'form:f2',
      'survey:sv2',
      'customChannelEntity:sms-1',
    ]);
    expect(definition.at(-1)!.Properties.Items[0]).toMatchObject({ ActivityTypeId: 'cr65f_SmsTile', ItemId: 'sms-1', cr65f_Template: { locale: 1033 } });
  });

  it('continues automatic ids above pinned ones and rejects duplicate pins', () => {
    const j = journey();
    const first = j.email({ activityId: '01_7', activityItemId: 40 });
    const next = first.email();
    expect(next.activityId).toBe('01_7_8');
    expect(next.header.activityItemId).toBe(41);
    expect(() => next.email({ activityId: '01_7' })).toThrow(DefinitionError);
    expect(() => next.email({ activityItemId: 40 })).toThrow(/ActivityItemId 40 is already used/);
  });

  it('keeps larger counters of an existing designer state', () => {
    const j = journey({ designerState: { NextActivityID: 100, NextActivityItemID: 3, Zoom: 2 } });
    j.email().email();
    const { definition, designerState } = j.build();
    expect(designerState).toEqual({ NextActivityID: 100, NextActivityItemID: 3, Zoom: 2 });
    expect(computeDesignerState(definition)).toEqual({ NextActivityID: 2, NextActivityItemID: 3 });
  });

  it('guards its grammar with plain errors', () => {
    const j = journey();
    const t = j.email().trigger({ when: [{ item: j.header, condition: 'X' }] });
    expect(() => t.email()).toThrow(/go on its .yes or .no branch/);
    t.yes.email();
    expect(() => t.yes.email()).toThrow(/yes branch of trigger "01_0_1" already has a tile/);
    const other = journey();
    expect(() => j.trigger({ when: [{ item: other.header, condition: 'X' }] })).toThrow(/does not point at an item of this journey/);
    expect(() => j.trigger({ when: [] })).toThrow(/at least one condition/);
    const split = j.splitter();
    expect(() => split.email()).toThrow(/go on its branches/);
    expect(() => j.waitUntil({ until: 'soon' })).toThrow(/ISO 8601/);
    expect(() => j.custom({ type: 'x', properties: JSON.parse('{"__proto__":{"a":1}}') })).toThrow(/not allowed/);
    expect(() => j.custom({ type: 'x', properties: JSON.parse('{"deep":[{"constructor":{}}]}') })).toThrow(/"constructor" is not allowed/);
    expect(() => j.custom({ type: 'x', properties: { when: new Date() } })).toThrow(/not a plain JSON object/);
    j.build();
    expect(() => j.email()).toThrow(/already built/);
    expect(() => j.build()).toThrow(/already built/);
  });
});

describe('journey builder id collisions with unusual pins', () => {
  it('skips automatic ids that a pinned id of another shape already spells', () => {
    const j = journey({ rootActivityId: 'r', rootActivityItemId: 5 });
    // 'r_0' is not designer-style (the root is not numeric), so it does not move the counter.
    const a = j.email({ activityId: 'r_0' });
    const b = j.email();
    expect(a.activityId).toBe('r_0');
    expect(b.activityId).toBe('r_1');
    const { definition, designerState } = j.build();
    expect(definition[0]!.Properties.Items[0]!.ActivityItemId).toBe(5);
    // Automatic item ids continue above the pinned 5.
    expect(definition.flatMap((x) => x.Properties.Items.map((i) => i.ActivityItemId))).toEqual([5, 6, 7]);
    expect(designerState).toEqual({ NextActivityID: 2, NextActivityItemID: 8 });
  });

  it('rejects pinning an id an automatic tile already has', () => {
    const j = journey();
    const first = j.email();
    expect(() => first.email({ activityId: first.activityId })).toThrow(/already used/);
    expect(() => first.email({ activityId: '01' })).toThrow(/already used/);
  });
});

describe('custom tile types that are also Object.prototype names', () => {
  it.each(['__proto__', 'constructor', 'toString'])('a %s tile gets its type as its name and round-trips', (type) => {
    const root = journey();
    root.custom({ type, id: '44444444-4444-4444-8444-444444444444' });
    const built = root.build();
    const tile = built.definition.find((a) => a.ActivityTypeId === type)!;
    expect(tile.Properties.Items[0]!.Name).toBe(type);
    expect(parseDefinition(serializeDefinition(built.definition))).toEqual(built.definition);
  });
});
