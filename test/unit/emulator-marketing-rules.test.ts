import { describe, expect, it } from 'vitest';
import { JourneyStatus } from '../../src/model/optionSets.js';
import { JOURNEY_FIELD_LOCKS } from '../../src/model/transitions.js';
import { checkJourneyDelete, checkJourneyUpdate, clientTransitions, lockColumnOf } from '../../src/emulator/marketing/journeyRules.js';
import { structureSignature } from '../../src/definition/structure.js';
import { parseStoredDefinition, sameStructure } from '../../src/emulator/marketing/definitionStructure.js';

const S = JourneyStatus;

function definition(overrides: { emailItemId?: string; extraTile?: boolean; parentOfEmail?: string } = {}): string {
  const activities: unknown[] = [
    { ActivityTypeId: 'bpf_root', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01', Properties: { Items: [{ ItemId: null, ActivityTypeId: 'bpf_root', ActivityItemId: 0 }] } },
    {
      ActivityTypeId: 'Segment',
      ParentActivityId: '01',
      ParentBranchId: 0,
      ParentRelationshipType: 'Default',
      ActivityId: '01_0',
      EntityTarget: 'contact',
      Properties: { Items: [{ ItemId: null, ActivityTypeId: 'Segment', ActivityItemId: 1, SegmentMergeMethod: 'Union' }, { ItemId: 'a0000000-0000-0000-0000-000000000001', ActivityTypeId: 'SegmentItem', ActivityItemId: 2 }] },
    },
    {
      ActivityTypeId: 'Email',
      ParentActivityId: overrides.parentOfEmail ?? '01_0',
      ParentBranchId: 0,
      ParentRelationshipType: 'Default',
      ActivityId: '01_0_3',
      EntityTarget: 'contact',
      Properties: { Items: [{ ItemId: overrides.emailItemId ?? 'b0000000-0000-0000-0000-000000000001', ActivityTypeId: 'Email', ActivityItemId: 3, Name: 'Welcome' }] },
    },
  ];
  if (overrides.extraTile) {
    activities.push({ ActivityTypeId: 'Email', ParentActivityId: '01_0_3', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01_0_3_4', Properties: { Items: [{ ItemId: null, ActivityTypeId: 'Email', ActivityItemId: 4 }] } });
  }
  return JSON.stringify(activities);
}

function journey(status: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { statuscode: status, statecode: 0, msdyncrm_name: 'J', msdyncrm_workflowdefinition: definition(), ...extra };
}

describe('journey status transitions (client PATCH)', () => {
  it('allows Draft -> Going live and sets the matching statecode', () => {
    const result = checkJourneyUpdate(journey(S.Draft), { statuscode: S.GoingLive });
    expect(result).toEqual({ ok: true, extraValues: { statecode: 0 } });
  });

  it('allows Draft -> Expired with statecode 1 (Inactive)', () => {
    const result = checkJourneyUpdate(journey(S.Draft), { statuscode: S.Expired });
    expect(result.ok && result.extraValues.statecode).toBe(1);
  });

  it('refuses a transition outside the table, naming the allowed statuses', () => {
    const result = checkJourneyUpdate(journey(S.Draft), { statuscode: S.Stopping });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.refusal.status).toBe(400);
    expect(result.refusal.code).toBe('0x80040265');
    expect(result.refusal.message).toContain('Stopping (192350007)');
    expect(result.refusal.message).toContain('Going live (192350006)');
    expect(result.refusal.message).toContain('Expired (192350004)');
  });

  it('refuses statuses only the service sets (Draft is not, but Live/Error/Stopped are)', () => {
    for (const [from, to] of [
      [S.Live, S.Error],
      [S.Live, S.Stopped],
    ] as const) {
      const result = checkJourneyUpdate(journey(from), { statuscode: to });
      expect(result.ok, `${from} -> ${to}`).toBe(false);
      if (!result.ok) expect(result.refusal.message).toContain('set by the service');
    }
  });

  it('allows Live-editable -> Live (saving edits of a live journey)', () => {
    expect(checkJourneyUpdate(journey(S.LiveEditable), { statuscode: S.Live }).ok).toBe(true);
  });

  it('refuses any status change while the service completes Going live or Stopping', () => {
    for (const from of [S.GoingLive, S.Stopping]) {
      const result = checkJourneyUpdate(journey(from), { statuscode: S.Error });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.refusal.message).toMatch(/Poll until/);
      expect(clientTransitions(from)).toEqual([]);
    }
  });

  it('treats writing the current status as no transition', () => {
    expect(checkJourneyUpdate(journey(S.Live), { statuscode: S.Live }).ok).toBe(true);
  });

  it('refuses a statecode that does not belong to the statuscode', () => {
    const result = checkJourneyUpdate(journey(S.Draft), { statuscode: S.GoingLive, statecode: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.refusal.message).toContain('statecode 1 does not match');
  });

  it('offers clients every table transition except service-set targets', () => {
    expect(clientTransitions(S.Live).sort()).toEqual([S.Stopping, S.GoingLive, S.LiveEditable].sort());
    expect(clientTransitions(S.Error).sort()).toEqual([S.GoingLive, S.Stopping].sort());
  });
});

describe('field locks by status', () => {
  it('lets Draft edit every field of the matrix', () => {
    const values = Object.fromEntries(Object.keys(JOURNEY_FIELD_LOCKS).map((f) => [f, 'changed']));
    expect(checkJourneyUpdate(journey(S.Draft), values).ok).toBe(true);
  });

  it('locks every field of the matrix while Live, and names it', () => {
    for (const field of Object.keys(JOURNEY_FIELD_LOCKS)) {
      const result = checkJourneyUpdate(journey(S.Live), { [field]: 'changed' });
      expect(result.ok, field).toBe(false);
      if (!result.ok) {
        expect(result.refusal.message).toContain(field);
        expect(result.refusal.message).toContain('Live (192350001)');
      }
    }
  });

  it('follows the matrix in Live-editable and Stopped', () => {
    for (const status of [S.LiveEditable, S.Stopped]) {
      for (const [field, editable] of Object.entries(JOURNEY_FIELD_LOCKS)) {
        expect(checkJourneyUpdate(journey(status), { [field]: 'changed' }).ok, `${status} ${field}`).toBe(editable.includes(status));
      }
    }
  });

  it('lets Live-editable and Stopped move the start only while the journey has not started', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const future = journey(S.Stopped, { msdyncrm_startdatetime: '2026-07-01T00:00:00Z' });
    const past = journey(S.LiveEditable, { msdyncrm_startdatetime: '2026-05-01T00:00:00Z' });
    expect(checkJourneyUpdate(future, { msdyncrm_startdatetime: '2026-08-01T00:00:00Z' }, now).ok).toBe(true);
    const refused = checkJourneyUpdate(past, { msdyncrm_startdatetime: '2026-08-01T00:00:00Z' }, now);
    expect(refused.ok || refused.refusal.message).toContain('msdyncrm_startdatetime');
    expect(checkJourneyUpdate(journey(S.Draft, { msdyncrm_startdatetime: '2026-05-01T00:00:00Z' }), { msdyncrm_startdatetime: '2026-08-01T00:00:00Z' }, now).ok).toBe(true);
  });

  it('accepts an unchanged value of a locked field (GUIDs without case or braces)', () => {
    const before = journey(S.Live, { msdyncrm_contentsettingsid: 'c0000000-0000-0000-0000-00000000000a', msdyncrm_name: 'Same' });
    expect(checkJourneyUpdate(before, { msdyncrm_contentsettingsid: '{C0000000-0000-0000-0000-00000000000A}', msdyncrm_name: 'Same' }).ok).toBe(true);
  });

  it('edits Error like Draft so a failed go-live can be fixed', () => {
    expect(lockColumnOf(S.Error)).toBe(S.Draft);
    expect(checkJourneyUpdate(journey(S.Error), { msdyncrm_workflowdefinition: definition({ extraTile: true }) }).ok).toBe(true);
  });

  it('allows tile settings but not structure in Live-editable and Stopped', () => {
    for (const status of [S.LiveEditable, S.Stopped]) {
      expect(checkJourneyUpdate(journey(status), { msdyncrm_workflowdefinition: definition({ emailItemId: 'b0000000-0000-0000-0000-000000000002' }) }).ok).toBe(true);
      const added = checkJourneyUpdate(journey(status), { msdyncrm_workflowdefinition: definition({ extraTile: true }) });
      expect(added.ok).toBe(false);
      if (!added.ok) expect(added.refusal.message).toContain('tile structure');
      expect(checkJourneyUpdate(journey(status), { msdyncrm_workflowdefinition: definition({ parentOfEmail: '01' }) }).ok).toBe(false);
    }
  });

  it('treats the items of a tile (segments of a group, pages of an email) as settings', () => {
    const withSecondSegment = JSON.parse(definition()) as { Properties: { Items: unknown[] } }[];
    withSecondSegment[1]!.Properties.Items.push({ ItemId: 'a0000000-0000-0000-0000-000000000002', ActivityTypeId: 'SegmentItem', ActivityItemId: 9 });
    expect(checkJourneyUpdate(journey(S.Stopped), { msdyncrm_workflowdefinition: JSON.stringify(withSecondSegment) }).ok).toBe(true);
  });

  it('locks the definition entirely while Live', () => {
    const result = checkJourneyUpdate(journey(S.Live), { msdyncrm_workflowdefinition: definition({ emailItemId: 'b0000000-0000-0000-0000-000000000002' }) });
    expect(result.ok).toBe(false);
  });

  it('leaves fields outside the matrix editable', () => {
    expect(checkJourneyUpdate(journey(S.Live), { msdyncrm_description: 'notes' }).ok).toBe(true);
  });
});

describe('delete protection', () => {
  it('refuses deleting Live, Live-editable, Going live and Stopping journeys with a way out', () => {
    for (const status of [S.Live, S.LiveEditable, S.GoingLive, S.Stopping]) {
      const refusal = checkJourneyDelete(journey(status));
      expect(refusal?.status, String(status)).toBe(400);
      expect(refusal?.message).toContain('Stop it first');
    }
  });

  it('allows deleting Draft, Stopped, Error and Expired journeys', () => {
    for (const status of [S.Draft, S.Stopped, S.Error, S.Expired]) expect(checkJourneyDelete(journey(status))).toBeUndefined();
  });
});

describe('definition structure', () => {
  it('ignores item settings and activity order, but not parents, types or relationship', () => {
    const base = JSON.parse(definition()) as unknown[];
    const reordered = JSON.stringify([...base].reverse());
    expect(sameStructure(definition(), reordered)).toBe(true);
    expect(sameStructure(definition(), definition({ emailItemId: 'x' }))).toBe(true);
    expect(sameStructure(definition(), definition({ parentOfEmail: '01' }))).toBe(false);
    const relationship = JSON.parse(definition()) as { ParentRelationshipType: string }[];
    relationship[2]!.ParentRelationshipType = 'default';
    expect(sameStructure(definition(), JSON.stringify(relationship))).toBe(true);
    relationship[2]!.ParentRelationshipType = 'YesBranch';
    expect(sameStructure(definition(), JSON.stringify(relationship))).toBe(false);
  });

  it('reads unparsable definitions as absent and compares them as strings', () => {
    expect(parseStoredDefinition('{not json')).toBeUndefined();
    expect(parseStoredDefinition('{"a":1}')).toBeUndefined();
    expect(parseStoredDefinition('[1]')).toBeUndefined();
    expect(sameStructure('{bad', '{bad')).toBe(true);
    expect(sameStructure('{bad', definition())).toBe(false);
    expect(structureSignature(parseStoredDefinition(definition())!)).toHaveLength(3);
  });
});
