/**
 * Seeds an emulator store for migration-audit tests: journeys covering every tile type and every
 * status, the segments, emails, events, content settings, template, tile web resource, system
 * users, custom channel activities and real-time journeys they use. Rows are written straight to
 * the store in one transaction (fast, and no runtime simulator runs), and the seed returns its own
 * expectations: every count computed from what was written, never from an audit.
 */
import { randomUUID } from 'node:crypto';
import { journey, serializeDefinition, serializeDesignerState, type JourneyBuilder } from '../../src/definition/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { SAMPLE_TILE_PREFIX, SAMPLE_TILE_WEB_RESOURCE, SAMPLE_TILE_XML } from '../../src/emulator/seed/tileConfigXml.js';
import { Tables } from '../../src/model/names.js';
import { JourneyStatus, SegmentQueryType, SegmentStatus, SegmentType, journeyStateOf } from '../../src/model/optionSets.js';

const id = (n: number, kind: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export const AUDIT_SEED_IDS = Object.freeze({
  activeUser: id(1, 0xa1),
  disabledUser: id(2, 0xa1),
  /** A user that exists in Dataverse but whose Entra account is gone (Graph answers 404). */
  goneUser: id(3, 0xa1),
  missingUser: id(4, 0xa1),
  staticSegment: id(1, 0xb1),
  dynamicSegment: id(2, 0xb1),
  interactionSegment: id(3, 0xb1),
  bigStaticSegment: id(4, 0xb1),
  email: id(1, 0xc1),
  email2: id(2, 0xc1),
  futureEvent: id(1, 0xd1),
  pastEvent: id(2, 0xd1),
  contentSettingsWithCenter: id(1, 0xe1),
  contentSettingsPlain: id(2, 0xe1),
  template: id(1, 0xf1),
  page: id(1, 0x11),
  form: id(1, 0x12),
});

const S = AUDIT_SEED_IDS;
const STATUSES = [
  JourneyStatus.Draft,
  JourneyStatus.Live,
  JourneyStatus.Stopped,
  JourneyStatus.LiveEditable,
  JourneyStatus.Expired,
  JourneyStatus.Error,
  JourneyStatus.GoingLive,
  JourneyStatus.Stopping,
];
const ACTIVE = new Set<number>([JourneyStatus.Live, JourneyStatus.LiveEditable, JourneyStatus.GoingLive, JourneyStatus.Stopping, JourneyStatus.Error]);
const LABELS: Record<number, string> = {
  [JourneyStatus.Draft]: 'Draft',
  [JourneyStatus.Live]: 'Live',
  [JourneyStatus.Stopped]: 'Stopped',
  [JourneyStatus.LiveEditable]: 'Live, editable',
  [JourneyStatus.Expired]: 'Expired',
  [JourneyStatus.Error]: 'Error',
  [JourneyStatus.GoingLive]: 'Going live',
  [JourneyStatus.Stopping]: 'Stopping',
};

/** The designs, chosen by `i % DESIGNS.length`; together they use every documented tile type. */
const DESIGNS: ((j: JourneyBuilder) => void)[] = [
  (j) => {
    j.segmentGroup({ include: [{ id: S.staticSegment, name: 'VIP' }] }).email({
      id: S.email,
      name: 'Welcome',
      pages: [{ id: S.page, name: 'Page' }],
      events: [{ id: S.futureEvent, name: 'Summit' }],
      forms: [{ id: S.form, name: 'Form' }],
      surveys: [{ id: null, name: 'Survey' }],
    });
  },
  (j) => {
    const mail = j.segmentGroup({ include: [{ id: S.dynamicSegment, name: 'All' }] }).email({ id: S.email2, name: 'News' });
    const t = mail.trigger({ when: [{ item: mail, condition: 'EmailOpened' }] });
    t.yes.createActivity({ activityType: 'task' });
    t.no.waitFor({ value: 2, unit: 'Day' });
  },
  (j) => {
    const lane = j.segmentGroup({ include: [{ id: S.dynamicSegment, name: 'All' }] }).email({ id: S.email, name: 'Lane 1' });
    // Only the yes branch: the no branch gets the designer's `empty` placeholder.
    lane.trigger({ when: [{ item: lane, condition: 'EmailClicked' }] }).yes.email({ id: S.email2, name: 'Thanks' });
    j.segmentGroup({ include: [{ id: S.interactionSegment, name: 'Clicked' }] }).launchWorkflow({ id: id(9, 0x77), name: 'Flow' });
  },
  (j) => {
    const split = j.segmentGroup({ include: [{ id: S.bigStaticSegment, name: 'Big' }] }).splitter();
    split.branch().createLead();
    split.branch().recordUpdate();
  },
  (j) => {
    j.segmentGroup({ include: [{ id: S.dynamicSegment, name: 'All' }] })
      .linkedInCampaign({ id: id(8, 0x77), name: 'LinkedIn' })
      .event({ id: S.pastEvent, name: 'Old event' })
      .page({ id: S.page, name: 'Page' })
      .form({ id: S.form, name: 'Form' })
      .survey({ id: null, name: 'Survey' });
  },
  (j) => {
    j.segmentGroup({ include: [{ id: S.staticSegment, name: 'VIP' }] }).custom({ type: SAMPLE_TILE_PREFIX, id: id(7, 0x77), title: 'SMS' });
  },
  (j) => {
    j.segmentGroup({ include: [{ id: S.dynamicSegment, name: 'All' }] })
      .custom({ type: 'Scheduler', properties: { WaitUntilMonday: true, WaitUntilFromHour: 9 } })
      .custom({ type: 'Mystery_Tile', id: id(6, 0x77), title: 'Mystery' });
  },
];

/** Expectations of a seeded audit, computed from the rows written. */
export interface AuditSeedExpectations {
  journeys: number;
  byStatus: Record<string, number>;
  tilesByType: Record<string, number>;
  referencesByKind: Record<string, number>;
  customChannelActivities: number;
  liveAtRemoval: number;
  swimlanes: number;
  customChannel: number;
  unknownTile: number;
  smartScheduling: number;
  segmentMemberExport: number;
  segmentOutsideLimits: number;
  subscriptionCenter: number;
  eventAfterRemoval: number;
  ownerDisabled: number;
  ownerMissing: number;
  /** With Graph: the gone user's journeys become missing too. */
  ownerMissingWithGraph: number;
  recreated: number;
  segments: number;
  emails: number;
  /** Journey ids in id order. */
  ids: string[];
  /** Every ActivityTypeId written (activities and items). */
  allTypes: string[];
}

function add(counts: Record<string, number>, key: string, by = 1) {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Seed `count` journeys (plus what they reference) and return the expectations. */
export function seedAuditData(emulator: RunningEmulator, count: number): AuditSeedExpectations {
  const store = emulator.store;
  const now = '2026-06-01T00:00:00Z';
  const expect: AuditSeedExpectations = {
    journeys: count,
    byStatus: {},
    tilesByType: {},
    referencesByKind: {},
    customChannelActivities: 0,
    liveAtRemoval: 0,
    swimlanes: 0,
    customChannel: 0,
    unknownTile: 0,
    smartScheduling: 0,
    segmentMemberExport: 0,
    segmentOutsideLimits: 0,
    subscriptionCenter: 0,
    eventAfterRemoval: 0,
    ownerDisabled: 0,
    ownerMissing: 0,
    ownerMissingWithGraph: 0,
    recreated: 0,
    segments: 4,
    emails: 2,
    ids: [],
    allTypes: [],
  };
  const allTypes = new Set<string>();
  const put = (table: { entitySet: string; primaryId: string }, rowId: string, values: Record<string, unknown>) => {
    store.insert(table.entitySet, rowId, { [table.primaryId]: rowId, createdon: now, modifiedon: now, versionnumber: store.nextVersion(), ...values });
  };
  const lookup = (attribute: string, logicalName: string, target: string) => ({ [attribute]: target, [`${attribute}@type`]: logicalName });
  const designs = DESIGNS.map((design) => {
    const j = journey();
    design(j);
    const built = j.build();
    const definition = serializeDefinition(built.definition);
    const tiles: Record<string, number> = {};
    const refs: Record<string, number> = {};
    let rootChildren = 0;
    const parsed = JSON.parse(definition) as { ActivityTypeId: string; ParentActivityId?: string; Properties: { Items: { ActivityTypeId: string }[] } }[];
    const rootId = (parsed.find((a) => a.ActivityTypeId === 'bpf_root') as { ActivityId?: string } | undefined)?.ActivityId;
    const refKind: Record<string, string> = {
      SegmentItem: 'segment', Email: 'email', LandingPage: 'page', MarketingForm: 'form', Event: 'event', Survey: 'survey',
      InvokeWorkflow: 'workflow', CreateCrmActivity: 'activityTemplate', LinkedInCampaign: 'linkedInCampaign',
      [SAMPLE_TILE_PREFIX]: 'customChannelEntity', Mystery_Tile: 'customChannelEntity',
    };
    for (const a of parsed) {
      allTypes.add(a.ActivityTypeId);
      for (const item of a.Properties.Items) allTypes.add(item.ActivityTypeId);
      if (a.ActivityTypeId !== 'bpf_root' && a.ActivityTypeId !== 'empty') add(tiles, a.ActivityTypeId);
      if (a.ParentActivityId === rootId && a.ActivityTypeId !== 'empty') rootChildren++;
      for (const item of a.Properties.Items) if (refKind[item.ActivityTypeId]) add(refs, refKind[item.ActivityTypeId]!);
    }
    return { definition, designerState: serializeDesignerState(built.designerState), tiles, refs, swimlanes: rootChildren > 1, text: definition };
  });

  store.transaction(() => {
    put(Tables.systemUser, S.activeUser, { fullname: 'Active Owner', isdisabled: false, azureactivedirectoryobjectid: id(1, 0xaa) });
    put(Tables.systemUser, S.disabledUser, { fullname: 'Disabled Owner', isdisabled: true, azureactivedirectoryobjectid: id(2, 0xaa) });
    // Enabled in Dataverse, but its Entra object id matches no Graph user: deleted in Entra ID.
    put(Tables.systemUser, S.goneUser, { fullname: 'Gone Owner', isdisabled: false });
    put(Tables.segment, S.staticSegment, { msdyncrm_segmentname: 'VIP', msdyncrm_segmenttype: SegmentType.Static, statuscode: SegmentStatus.Live, statecode: 0, msdyncrm_segmentmemberids: JSON.stringify(['crm1', 'crm2']) });
    put(Tables.segment, S.dynamicSegment, { msdyncrm_segmentname: 'All', msdyncrm_segmenttype: SegmentType.Dynamic, statuscode: SegmentStatus.Live, statecode: 0, msdyncrm_segmentquery: 'PROFILE(contact)', msdyncrm_querytype: SegmentQueryType.ProfileBased });
    put(Tables.segment, S.interactionSegment, { msdyncrm_segmentname: 'Clicked', msdyncrm_segmenttype: SegmentType.Dynamic, statuscode: SegmentStatus.Live, statecode: 0, msdyncrm_segmentquery: 'INTERACTION(EmailClicked)', msdyncrm_querytype: SegmentQueryType.InteractionBased });
    put(Tables.segment, S.bigStaticSegment, { msdyncrm_segmentname: 'Big', msdyncrm_segmenttype: SegmentType.Static, statuscode: SegmentStatus.Live, statecode: 0, msdyncrm_segmentmemberids: JSON.stringify(Array.from({ length: 150 }, (_, i) => `crm${i}`)) });
    put(Tables.marketingEmail, S.email, { msdyncrm_name: 'Welcome', statuscode: JourneyStatus.Live, statecode: 0 });
    put(Tables.marketingEmail, S.email2, { msdyncrm_name: 'News', statuscode: JourneyStatus.Draft, statecode: 0 });
    put(Tables.event, S.futureEvent, { msevtmgt_name: 'Summit', msevtmgt_eventstartdate: '2026-11-10T09:00:00Z' });
    put(Tables.event, S.pastEvent, { msevtmgt_name: 'Old event', msevtmgt_eventstartdate: '2025-03-10T09:00:00Z' });
    put(Tables.contentSettings, S.contentSettingsWithCenter, { msdyncrm_name: 'With centre', msdyncrm_subscriptioncenter: 'https://example.test/sub', statuscode: JourneyStatus.Live, statecode: 0 });
    put(Tables.contentSettings, S.contentSettingsPlain, { msdyncrm_name: 'Plain', statuscode: JourneyStatus.Live, statecode: 0 });
    put(Tables.journeyTemplate, S.template, { msdyncrm_name: 'Template', statuscode: 192350001, statecode: 0, msdyncrm_entitytarget: 0 });
    put(Tables.webResource, id(1, 0x99), { name: SAMPLE_TILE_WEB_RESOURCE, webresourcetype: 4, content: Buffer.from(SAMPLE_TILE_XML, 'utf8').toString('base64') });

    for (let i = 0; i < count; i++) {
      const journeyId = id(i, 0x01);
      const status = STATUSES[i % STATUSES.length]!;
      const designIndex = i % DESIGNS.length;
      const design = designs[designIndex]!;
      const owner = i % 10 === 0 ? S.disabledUser : i % 10 === 1 ? S.missingUser : i % 10 === 2 ? S.goneUser : S.activeUser;
      const contentSettings = i % 2 === 0 ? S.contentSettingsWithCenter : S.contentSettingsPlain;
      const name = `Journey ${i}`;
      put(Tables.customerJourney, journeyId, {
        msdyncrm_name: name,
        statuscode: status,
        statecode: journeyStateOf(status),
        msdyncrm_workflowdefinition: design.definition,
        msdyncrm_customerjourneydesignerstate: design.designerState,
        msdyncrm_startdatetime: '2026-01-01T00:00:00Z',
        ...(i % 3 === 0 ? { msdyncrm_enddatetime: '2026-12-31T00:00:00Z' } : {}),
        msdyncrm_isrecurring: false,
        msdyncrm_entitytarget: 0,
        msdyncrm_scope: 270100000,
        ...lookup('ownerid', 'systemuser', owner),
        ...lookup('msdyncrm_contentsettingsid', 'msdyncrm_contentsettings', contentSettings),
        ...lookup('msdyncrm_customerjourneytemplate', 'msdyncrm_customerjourneytemplate', S.template),
      });
      expect.ids.push(journeyId);
      add(expect.byStatus, LABELS[status]!);
      for (const [type, n] of Object.entries(design.tiles)) add(expect.tilesByType, type, n);
      for (const [kind, n] of Object.entries(design.refs)) add(expect.referencesByKind, kind, n);
      add(expect.referencesByKind, 'contentSettings');
      add(expect.referencesByKind, 'template');
      if (ACTIVE.has(status)) expect.liveAtRemoval++;
      if (design.swimlanes) expect.swimlanes++;
      if (designIndex === 5) {
        expect.customChannel++;
        const activities = i % 3;
        for (let k = 0; k < activities; k++) {
          put(Tables.customChannelActivity, randomUUID(), {
            msdyncrm_name: `SMS ${i}/${k}`,
            msdyncrm_activityid: '01_1',
            msdyncrm_entitytype: 'contoso_smsmessage',
            msdyncrm_entityid: id(7, 0x77),
            ...lookup('msdyncrm_customerjourney', 'msdyncrm_customerjourney', journeyId),
            ...lookup('msdyncrm_customerjourneyiteration', 'msdyncrm_customerjourneyiteration', id(i, 0x02)),
            ...lookup('msdyncrm_contact', 'contact', id(k, 0x03)),
            statecode: 0,
            statuscode: 1,
          });
          expect.customChannelActivities++;
        }
      }
      if (designIndex === 6) {
        expect.unknownTile++;
        expect.smartScheduling++;
      }
      if (design.text.includes(S.staticSegment) || design.text.includes(S.bigStaticSegment)) expect.segmentMemberExport++;
      if (design.text.includes(S.interactionSegment) || design.text.includes(S.bigStaticSegment)) expect.segmentOutsideLimits++;
      if (contentSettings === S.contentSettingsWithCenter && (design.tiles.Email ?? 0) > 0) expect.subscriptionCenter++;
      if (design.text.includes(S.futureEvent)) expect.eventAfterRemoval++;
      if (owner === S.disabledUser) expect.ownerDisabled++;
      if (owner === S.missingUser) expect.ownerMissing++;
      if (owner === S.missingUser || owner === S.goneUser) expect.ownerMissingWithGraph++;
    }
    // Real-time journeys recreated with the names of a few outbound ones (one differs in case and spacing).
    for (const n of [0, 1, 2]) {
      if (n >= count) continue;
      put(Tables.realTimeJourney, id(n, 0x55), { msdynmkt_name: n === 2 ? `  JOURNEY   ${n} ` : `Journey ${n}` });
      expect.recreated++;
    }
  });
  expect.allTypes = [...allTypes].sort();
  return expect;
}
