import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { journey } from '../../src/definition/builder.js';
import { compileSpec } from '../../src/definition/spec.js';
import { parseDuration } from '../../src/definition/specNormalize.js';
import { buildGraph, type Activity, type Item } from '../../src/definition/index.js';
import { isInputError } from '../../src/errors.js';
import { loadJourneyText } from '../../src/io/index.js';
import { Consent } from '../../src/model/optionSets.js';
import { repoRoot } from '../helpers/cli.js';

const sample = (name: string): unknown => parseYaml(readFileSync(join(repoRoot, 'samples', 'specs', name), 'utf8'));
const header = (a: Activity): Item => a.Properties.Items[0]!;
const byType = (def: Activity[], type: string): Activity[] => def.filter((a) => a.ActivityTypeId === type);

function compileError(spec: unknown): { message: string; pointer?: string; file?: string } {
  try {
    compileSpec(spec, { file: 'spec.yaml' });
  } catch (error) {
    if (!isInputError(error)) throw error;
    return { message: error.message, pointer: error.location.pointer, file: error.location.file };
  }
  throw new Error('expected the spec to be rejected');
}

describe('compileSpec: the welcome sample (references by name)', () => {
  const compiled = compileSpec(sample('welcome.yaml'));

  it('sets the record fields in Web API shape', () => {
    expect(compiled.fields).toEqual({
      msdyncrm_name: 'Welcome new contacts',
      msdyncrm_description: 'Welcome email, then a thank-you or a reminder depending on registration.',
      msdyncrm_entitytarget: 0,
      msdyncrm_type: 192350000,
      msdyncrm_startdatetime: '2026-09-01T08:00:00Z',
      msdyncrm_enddatetime: '2026-12-01T08:00:00Z',
      msdyncrm_customerjourneytimezone: 92,
      msdyncrm_isrecurring: false,
      msgdpr_requiredconsent: Consent.Marketing,
    });
  });

  it('keeps ItemId null and the name for records known by name, and lists them as unresolved', () => {
    const email = byType(compiled.definition, 'Email')[0]!;
    expect(header(email)).toMatchObject({ ItemId: null, Name: 'Welcome email', IsNameSystemDefined: true });
    expect(compiled.unresolved.map((u) => [u.kind, u.name, u.pointer])).toEqual([
      ['contentSettings', 'Default content settings', '/contentSettings'],
      ['suppressionSegment', 'Unsubscribed contacts', '/suppressionSegment'],
      ['segment', 'Newsletter subscribers', '/tiles/0/segment/include/0'],
      ['segment', 'Competitors', '/tiles/0/segment/exclude/0'],
      ['email', 'Welcome email', '/tiles/1/email'],
      ['page', 'Welcome page', '/tiles/1/email/page'],
      ['email', 'Thanks for registering', '/tiles/2/trigger/yes/0/email'],
      ['email', 'Reminder to register', '/tiles/2/trigger/no/1/email'],
    ]);
    // Each unresolved item points at the item that still needs its id.
    for (const u of compiled.unresolved.filter((x) => x.activityId !== '')) {
      const activity = compiled.definition.find((a) => a.ActivityId === u.activityId)!;
      const item = activity.Properties.Items.find((i) => i.ActivityItemId === u.activityItemId)!;
      expect(item).toMatchObject({ ItemId: null });
      expect([item.Name, item.SegmentDisplayName]).toContain(u.name);
    }
  });

  it('writes segment containment, unique names and the merge method', () => {
    const items = byType(compiled.definition, 'Segment')[0]!.Properties.Items;
    expect(items.map((i) => [i.ActivityTypeId, i.ContainmentMethod ?? i.SegmentMergeMethod, i.DciSegmentName])).toEqual([
      ['Segment', 'Union', undefined],
      ['SegmentItem', 'Inclusion', 'Newsletter subscribers'],
      ['SegmentItem', 'Exclusion', 'Competitors_77aa88'],
    ]);
    expect(header(byType(compiled.definition, 'Segment')[0]!)).toMatchObject({ Name: 'New contacts', IsNameSystemDefined: false });
  });

  it('points the trigger condition at the page through its handle, with yes/no branches', () => {
    const page = byType(compiled.definition, 'Email')[0]!.Properties.Items[1]!;
    const trigger = byType(compiled.definition, 'Trigger')[0]!;
    expect(header(trigger)).toMatchObject({
      TimeoutValue: 5,
      TimeoutUnit: 'Day',
      RuleLogic: 'AND',
      ConditionExpressions: [{ SourceActivityItemId: String(page.ActivityItemId), Condition: 'UserRegistered' }],
    });
    const children = buildGraph(compiled.definition).childrenOf(trigger.ActivityId);
    expect(children.map((c) => [c.ActivityTypeId, c.ParentRelationshipType, c.ParentBranchId])).toEqual([
      ['Email', 'YesBranch', 0],
      ['Scheduler', 'NoBranch', 1],
    ]);
    const wait = children[1]!;
    expect(header(wait)).toMatchObject({ OffsetType: 'Duration', ScheduledDurationValue: 2, ScheduledDurationUnit: 'Day' });
    expect(buildGraph(compiled.definition).childrenOf(wait.ActivityId).map((c) => header(c).Name)).toEqual(['Reminder to register']);
  });

  it('computes a designer state above every id in use', () => {
    const maxItem = Math.max(...compiled.definition.flatMap((a) => a.Properties.Items.map((i) => i.ActivityItemId)));
    expect(compiled.designerState.NextActivityItemID).toBeGreaterThan(maxItem);
    expect(compiled.designerState.NextActivityID).toBeGreaterThanOrEqual(compiled.definition.length - 1);
  });
});

describe('compileSpec builds what the builder builds', () => {
  it('the every-tile sample equals the same journey written with the builder, value for value', () => {
    const compiled = compileSpec(sample('every-tile.yaml'));
    const g = (n: number, k: string): string => `${k}0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const j = journey({ target: 'contact' });
    const email = j
      .segmentGroup({
        title: 'New contacts',
        merge: 'Union',
        include: [{ id: g(1, 'a'), name: 'Newsletter subscribers', uniqueName: 'Newsletter_subscribers_1a2b3c' }],
        exclude: [{ id: g(2, 'a'), name: 'Unsubscribed contacts', uniqueName: 'Unsubscribed_contacts_4d5e6f' }],
      })
      .email({ id: g(1, 'b'), name: 'Welcome email' });
    const page = email.addPage({ id: g(1, 'c'), name: 'Welcome page' });
    email.addEvent({ id: g(1, 'd'), name: 'Launch event' });
    email.addForm({ id: g(1, 'f'), name: 'Registration form' });
    email.addSurvey({ id: g(1, 'e'), name: 'Onboarding survey' });
    const trigger = email.trigger({ title: 'Registered?', when: [{ item: page, condition: 'UserRegistered' }], timeout: { value: 5, unit: 'Day' } });
    trigger.yes
      .createActivity({ activityType: 'phonecall', id: g(2, 'b'), title: 'Call new registrant' })
      .launchWorkflow({ id: g(3, 'b'), name: 'Notify sales' })
      .createLead({ title: 'Create lead' })
      .recordUpdate({ title: 'Record updated' });
    const splitter = trigger.no.waitFor({ title: 'Wait 2 days', value: 2, unit: 'Day' }).splitter({ title: 'Split' });
    splitter.branch().linkedInCampaign({ id: g(1, '9'), name: 'Spring campaign' });
    splitter
      .branch()
      .event({ id: g(2, 'd'), name: 'Follow-up webinar' })
      .page({ id: g(2, 'c'), name: 'Webinar page' })
      .form({ id: g(2, 'f'), name: 'Webinar form' })
      .survey({ id: g(2, 'e'), name: 'Webinar feedback' })
      .trigger({ title: 'Opened?', when: [{ item: email, condition: 'EmailOpened' }], logic: 'OR', timeout: { value: 12, unit: 'Hour' } })
      .yes.email({ id: g(4, 'b'), name: 'Thanks for opening' });
    const built = j.build();
    expect(compiled.definition).toEqual(built.definition);
    expect(compiled.designerState).toEqual(built.designerState);
    expect(compiled.unresolved).toEqual([]);
    expect(compiled.fields).toMatchObject({
      'msdyncrm_contentsettingsId@odata.bind': '/msdyncrm_contentsettingss(70000000-0000-4000-8000-000000000001)',
      'msdyncrm_SuppressionSegmentId@odata.bind': '/msdyncrm_segments(a0000000-0000-4000-8000-000000000009)',
      msdyncrm_isrecurring: true,
      msdyncrm_recurrenceintervaldays: 30,
      msdyncrm_recurrencecount: 2,
    });
  });

  it('uses every documented tile type in the every-tile sample', () => {
    const types = new Set(compileSpec(sample('every-tile.yaml')).definition.flatMap((a) => [a.ActivityTypeId, ...a.Properties.Items.map((i) => i.ActivityTypeId)]));
    for (const type of ['bpf_root', 'Segment', 'SegmentItem', 'Email', 'LandingPage', 'Event', 'CreateCrmActivity', 'InvokeWorkflow', 'CreateLead', 'Scheduler', 'Trigger', 'Splitter', 'SplitterBranch', 'Survey', 'RecordUpdate', 'LinkedInCampaign', 'MarketingForm', 'empty']) {
      expect(types).toContain(type);
    }
  });

  it('makes swimlanes: each lane a child of the root, numbered by ParentBranchId', () => {
    const { definition } = compileSpec(sample('swimlanes.yaml'));
    const lanes = buildGraph(definition).childrenOf('01');
    expect(lanes.map((l) => [l.ActivityTypeId, l.ParentBranchId, header(l).Name])).toEqual([
      ['Segment', 0, 'Prospects'],
      ['Segment', 1, 'Customers'],
    ]);
  });

  it('targets accounts on every tile of an account-based journey', () => {
    const { definition, fields } = compileSpec(sample('account-based.yaml'));
    expect(fields.msdyncrm_entitytarget).toBe(1);
    expect(new Set(definition.filter((a) => a.ActivityTypeId !== 'bpf_root').map((a) => a.EntityTarget))).toEqual(new Set(['account']));
    expect(header(byType(definition, 'Scheduler')[0]!)).toMatchObject({ ScheduledDurationValue: 1, ScheduledDurationUnit: 'Week' });
    expect(header(byType(definition, 'CreateCrmActivity')[0]!)).toMatchObject({ ActivityTypeName: 'task', TemplateEntityLogicalName: 'msdyncrm_taskactivitymarketingtemplate' });
  });

  it('normalises GUID strings to ids (braces dropped, lower case) and other strings to names', () => {
    const { definition, unresolved } = compileSpec({ name: 'x', tiles: [{ email: '{15BD0AB8-C12A-E911-A9B6-000D3A1E6C14}' }, { workflow: 'Notify sales' }] });
    expect(header(byType(definition, 'Email')[0]!).ItemId).toBe('15bd0ab8-c12a-e911-a9b6-000d3a1e6c14');
    expect(header(byType(definition, 'InvokeWorkflow')[0]!)).toMatchObject({ ItemId: null, Name: 'Notify sales' });
    expect(unresolved.map((u) => u.kind)).toEqual(['workflow']);
  });

  it('treats a string on create-lead and record-update tiles as a title, not an unresolved record', () => {
    const { definition, unresolved } = compileSpec({ name: 'x', tiles: [{ lead: 'Hot lead' }, { recordUpdate: 'Touch' }] });
    expect(header(byType(definition, 'CreateLead')[0]!)).toMatchObject({ Name: 'Hot lead', IsNameSystemDefined: false, ItemId: null });
    expect(unresolved).toEqual([]);
  });

  it('writes a wait-until scheduler and trigger timeouts in hours or days', () => {
    const { definition } = compileSpec({
      name: 'x',
      tiles: [
        { email: { name: 'E', handle: 'e' } },
        { wait: { until: '2026-10-01T08:00:00Z' } },
        { trigger: { when: [{ item: 'e', condition: 'EmailOpened' }], timeout: '1w' } },
      ],
    });
    expect(header(byType(definition, 'Scheduler')[0]!)).toMatchObject({ ScheduledDateTime: '2026-10-01T08:00:00Z' });
    expect(header(byType(definition, 'Trigger')[0]!)).toMatchObject({ TimeoutValue: 7, TimeoutUnit: 'Day' });
    // Both branches left empty get the designer's placeholder.
    expect(byType(definition, 'empty')).toHaveLength(2);
  });
});

describe('compileSpec errors point into the spec', () => {
  it('an unknown handle', () => {
    expect(compileError({ name: 'x', tiles: [{ email: 'E' }, { trigger: { when: [{ item: 'nope', condition: 'EmailOpened' }] } }] })).toMatchObject({
      pointer: '/tiles/1/trigger/when/0/item',
      file: 'spec.yaml',
      message: expect.stringContaining('"nope"'),
    });
  });

  it('a handle used twice', () => {
    expect(compileError({ name: 'x', tiles: [{ email: { name: 'A', handle: 'h' } }, { email: { name: 'B', handle: 'h' } }] }).pointer).toBe('/tiles/1/email/handle');
  });

  it('a tile after a trigger or split in the same list', () => {
    const trigger = { trigger: { when: [{ item: 'e', condition: 'EmailOpened' }] } };
    expect(compileError({ name: 'x', tiles: [{ email: { name: 'E', handle: 'e' } }, trigger, { email: 'late' }] })).toMatchObject({
      pointer: '/tiles/2',
      message: expect.stringContaining('cannot follow a trigger'),
    });
    expect(compileError({ name: 'x', tiles: [{ split: [[{ email: 'a' }], [{ email: 'b' }]] }, { email: 'late' }] }).pointer).toBe('/tiles/1');
  });

  it('a trigger timeout the designer cannot express', () => {
    expect(compileError({ name: 'x', tiles: [{ email: { name: 'E', handle: 'e' } }, { trigger: { when: [{ item: 'e', condition: 'C' }], timeout: '30m' } }] }).pointer).toBe(
      '/tiles/1/trigger/timeout',
    );
  });

  it('a schema violation, before any building', () => {
    expect(compileError({ name: 'x', tiles: [{ wait: {} }] }).pointer).toBe('/tiles/0/wait/for');
    expect(compileError({ tiles: [] }).pointer).toBe('/name');
    expect(compileError('not a spec').pointer).toBe('');
  });

  it('keys that could pollute prototypes are rejected, and nothing is polluted', () => {
    const spec = JSON.parse('{"name":"x","tiles":[{"email":{"name":"E","__proto__":{"polluted":true}}}]}');
    expect(compileError(spec).pointer).toBe('/tiles/0/email/__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('YAML specs get line and column in the location', () => {
    const text = 'name: x\ntiles:\n  - email: E\n  - wait: { for: soon }\n';
    let error: unknown;
    try {
      loadJourneyText(text, 'welcome.yaml');
    } catch (e) {
      error = e;
    }
    expect(isInputError(error)).toBe(true);
    if (!isInputError(error)) return;
    expect(error.location).toEqual({ file: 'welcome.yaml', pointer: '/tiles/1/wait/for', line: 4, column: 18 });
  });
});

describe('parseDuration', () => {
  it.each([
    ['30m', { value: 30, unit: 'Minute' }],
    ['2h', { value: 2, unit: 'Hour' }],
    ['5 days', { value: 5, unit: 'Day' }],
    ['1w', { value: 1, unit: 'Week' }],
    ['1mo', { value: 1, unit: 'Month' }],
    [3, { value: 3, unit: 'Day' }],
  ] as const)('%j', (input, expected) => {
    expect(parseDuration(input, '/x')).toEqual(expected);
  });

  it('rejects anything else with the pointer', () => {
    expect(() => parseDuration('soon', '/tiles/0/wait/for', 'a.yaml')).toThrow(/not a duration/);
  });
});
