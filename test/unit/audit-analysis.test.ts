/** Journey analysis, segment limits, mapping and the effort formula. */
import { describe, expect, it } from 'vitest';
import {
  analyzeJourney,
  BASE_HOURS,
  estimateEffort,
  journeyLevel,
  normalizeName,
  OwnerBook,
  RISKS,
  summarizeSegment,
  TILE_HOURS,
  type AuditLookups,
} from '../../src/audit/index.js';
import { journey, serializeDefinition } from '../../src/definition/index.js';
import { JourneyStatus, SegmentQueryType, SegmentStatus, SegmentType } from '../../src/model/optionSets.js';

const SEG = '11111111-1111-4111-8111-111111111111';
const EMAIL = '22222222-2222-4222-8222-222222222222';
const USER = '33333333-3333-4333-8333-333333333333';

function lookups(overrides: Partial<AuditLookups> = {}): AuditLookups {
  return {
    segments: new Map([[SEG, summarizeSegment({ msdyncrm_segmentid: SEG, msdyncrm_segmentname: 'VIP', msdyncrm_segmenttype: SegmentType.Static, statuscode: SegmentStatus.Live, msdyncrm_segmentmemberids: '["crm1"]' })]]),
    emails: new Map([[EMAIL, { name: 'Welcome', status: 'Live' }]]),
    events: new Map(),
    contentSettings: new Map([['cs', { name: 'CS', status: 'Live', subscriptionCenter: true }]]),
    templates: new Map(),
    tiles: [{ prefix: 'contoso_Sms', entityType: 'contoso_smsmessage' }],
    realTimeJourneys: new Map([[normalizeName('Welcome  Journey'), 'Welcome Journey']]),
    owner: (id) => (id === USER ? { name: 'Owner', status: 'disabled' } : undefined),
    ...overrides,
  };
}

function record(definition: string | null, fields: Record<string, unknown> = {}) {
  return {
    msdyncrm_customerjourneyid: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    msdyncrm_name: 'welcome journey',
    statuscode: JourneyStatus.Live,
    msdyncrm_workflowdefinition: definition,
    _ownerid_value: USER,
    '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'systemuser',
    _msdyncrm_contentsettingsid_value: 'cs',
    ...fields,
  };
}

describe('analyzeJourney', () => {
  it('counts tiles and references, maps them and flags risks', () => {
    const j = journey();
    j.segmentGroup({ include: [{ id: SEG, name: 'VIP' }] }).email({ id: EMAIL, name: 'Welcome' });
    j.segmentGroup({ include: [{ id: SEG, name: 'VIP' }] }).custom({ type: 'contoso_Sms', id: EMAIL });
    const { row, references } = analyzeJourney(record(serializeDefinition(j.build().definition)), lookups());
    expect(row.tiles).toEqual({ Email: 1, Segment: 2, contoso_Sms: 1 });
    expect(row.tileCount).toBe(4);
    expect(row.swimlanes).toBe(2);
    expect(row.customChannelTileTypes).toEqual(['contoso_Sms']);
    expect(row.unknownTileTypes).toEqual([]);
    expect(row.mapping).toBe('none');
    expect(row.tileLevels).toEqual({ equivalent: 0, partial: 3, none: 1 });
    expect(row.risks).toEqual(['live-at-removal', 'swimlanes', 'custom-channel', 'segment-member-export', 'subscription-center', 'owner-disabled']);
    expect(row.ownerStatus).toBe('disabled');
    expect(row.recreatedAs).toBe('Welcome Journey');
    expect(references.map((r) => [r.kind, r.resolution])).toEqual([
      ['segment', 'found'],
      ['email', 'found'],
      ['segment', 'found'],
      ['customChannelEntity', 'unchecked'],
      ['contentSettings', 'found'],
    ]);
    const expected = BASE_HOURS + 3 * TILE_HOURS.partial + TILE_HOURS.none + row.risks.reduce((sum, r) => sum + RISKS[r].hours, 0);
    expect(row.effortHours).toBe(Math.ceil(expected * 4) / 4);
  });

  it('reports an unreadable definition instead of throwing', () => {
    const { row, references } = analyzeJourney(record('[{"broken"'), lookups());
    expect(row.definitionError).toMatch(/./);
    expect(row.mapping).toBe('none');
    expect(row.tileCount).toBe(0);
    expect(references.map((r) => r.kind)).toEqual(['contentSettings']);
  });

  it('flags smart scheduling and unknown tiles; an empty journey is equivalent', () => {
    const j = journey();
    j.segmentGroup().custom({ type: 'Scheduler', properties: { WaitUntilFriday: true } }).custom({ type: 'Weird' });
    const { row } = analyzeJourney(record(serializeDefinition(j.build().definition), { statuscode: JourneyStatus.Draft }), lookups());
    expect(row.risks).toContain('smart-scheduling');
    expect(row.risks).toContain('unknown-tile');
    expect(row.risks).not.toContain('live-at-removal');
    expect(row.unknownTileTypes).toEqual(['Weird']);
    const empty = analyzeJourney(record(null, { statuscode: JourneyStatus.Expired }), lookups());
    expect(empty.row.mapping).toBe('equivalent');
    expect(empty.row.tileCount).toBe(0);
  });

  it('stores record-data keys like __proto__ as plain counts', () => {
    const j = journey();
    j.custom({ type: 'Placeholder', title: 'Tile' });
    const text = serializeDefinition(j.build().definition).replace(/"Placeholder"/g, '"__proto__"');
    const { row } = analyzeJourney(record(text), lookups());
    expect(row.definitionError).toBeNull();
    expect(Object.getOwnPropertyDescriptor(row.tiles, '__proto__')?.value).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('segments and the Segment Migration Solution limits', () => {
  it('finds each documented limit', () => {
    const s = (fields: Record<string, unknown>) => summarizeSegment({ msdyncrm_segmentid: 'x', msdyncrm_segmentname: 'n', ...fields }).outsideMigrationLimits;
    expect(s({ msdyncrm_segmenttype: SegmentType.Dynamic, msdyncrm_segmentquery: 'PROFILE(contact)', msdyncrm_querytype: SegmentQueryType.ProfileBased })).toEqual([]);
    expect(s({ msdyncrm_segmenttype: SegmentType.Dynamic, msdyncrm_querytype: SegmentQueryType.InteractionBased, msdyncrm_segmentquery: 'x' })).toEqual(['interaction-based']);
    expect(s({ msdyncrm_segmenttype: SegmentType.Dynamic })).toEqual(['no-definition']);
    expect(s({ msdyncrm_segmenttype: SegmentType.Dynamic, msdyncrm_segmentquery: 'PROFILE(contact)', statuscode: SegmentStatus.Expired })).toEqual(['expired']);
    expect(s({ msdyncrm_segmenttype: SegmentType.Static, msdyncrm_segmentmemberids: JSON.stringify(Array.from({ length: 101 }, (_, i) => i)) })).toEqual(['static-over-100-members']);
    expect(s({ msdyncrm_segmenttype: SegmentType.Static, msdyncrm_segmentmemberids: JSON.stringify(Array.from({ length: 100 }, (_, i) => i)) })).toEqual([]);
    expect(s({ msdyncrm_segmenttype: SegmentType.Dynamic, msdyncrm_segmentquery: 'PROFILE(contact).TRAVERSE(account)' })).toEqual(['entity-traversal']);
    expect(s({ msdyncrm_segmenttype: SegmentType.Compound, msdyncrm_segmentquery: 'SEGMENT(a) UNION SEGMENT(b)' })).toEqual(['complex-nesting']);
  });
});

describe('mapping and owners', () => {
  it('takes the weakest level of the tiles', () => {
    expect(journeyLevel([])).toBe('equivalent');
    expect(journeyLevel(['equivalent', 'partial'])).toBe('partial');
    expect(journeyLevel(['partial', 'none', 'equivalent'])).toBe('none');
  });

  it('adds base, tile and risk hours, rounded up to a quarter hour', () => {
    expect(estimateEffort({ equivalent: 0, partial: 0, none: 0 }, [])).toBe(BASE_HOURS);
    expect(estimateEffort({ equivalent: 1, partial: 1, none: 1 }, ['swimlanes'])).toBe(Math.ceil((BASE_HOURS + 0.25 + 0.75 + 2 + 2) * 4) / 4);
  });

  it('combines Dataverse and Entra states of owners', async () => {
    const users = new Map([
      ['a', { name: 'A', disabled: false, aadObjectId: 'oa' }],
      ['b', { name: 'B', disabled: true, aadObjectId: 'ob' }],
      ['c', { name: 'C', disabled: false, aadObjectId: null }],
      ['d', { name: 'D', disabled: false, aadObjectId: 'od' }],
    ]);
    const asked: string[] = [];
    const book = new OwnerBook(users, {
      status: async (oid) => {
        asked.push(oid);
        return oid === 'od' ? 'disabled' : 'active';
      },
    });
    await book.resolve(['a', 'b', 'c', 'd', 'a', 'zzz']);
    expect(asked.sort()).toEqual(['oa', 'ob', 'od']);
    expect(book.owner('a', 'systemuser')?.status).toBe('active');
    expect(book.owner('b', 'systemuser')?.status).toBe('disabled');
    expect(book.owner('c', 'systemuser')?.status).toBe('missing');
    expect(book.owner('d', 'systemuser')?.status).toBe('disabled');
    expect(book.owner('zzz', 'systemuser')?.status).toBe('missing');
    expect(book.owner('team1', 'team')).toBeUndefined();
  });
});
