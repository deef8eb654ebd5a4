/**
 * Outbound marketing tables (domain.md §1, §4.3, §7) and real-time journeys. Attribute lists hold
 * what journeyctl and the seed data use, with the limits of the Dataverse table references.
 */
import {
  ActiveStatusSet,
  ConsentSet,
  EntityTargetSet,
  JourneyStatus,
  JourneyStatusSet,
  JourneyTypeSet,
  RuntimeStateSet,
  ScopeSet,
  SegmentQueryTypeSet,
  SegmentStatus,
  SegmentTypeSet,
  TemplateStatus,
  TemplateStatusSet,
  journeyStateOf,
} from '../../../model/optionSets.js';
import { JourneyLookups, Tables } from '../../../model/names.js';
import type { EntityDefinition } from '../types.js';
import { bigint, bool, choices, datetime, int, lookup, memo, picklist, text } from './define.js';

const StateActiveInactive = choices({ Active: [0, 'Active'], Inactive: [1, 'Inactive'] });

/** statecode/statuscode of the tables that share the journey status values. */
const journeyLikeState = {
  stateOptions: StateActiveInactive,
  statusOptions: JourneyStatusSet,
  defaultStatus: JourneyStatus.Draft,
  stateOf: journeyStateOf,
};

function journeyLookup(key: keyof typeof JourneyLookups) {
  const names = JourneyLookups[key];
  return lookup(names.attribute, [...names.targetEntitySets], names.navigationProperty);
}

const customerJourney: EntityDefinition = {
  ...Tables.customerJourney,
  attributes: [
    text('msdyncrm_name', 100, { required: true }),
    memo('msdyncrm_workflowdefinition'),
    memo('msdyncrm_customerjourneydesignerstate', 100_000),
    datetime('msdyncrm_startdatetime'),
    datetime('msdyncrm_enddatetime'),
    int('msdyncrm_customerjourneytimezone', -1500, 1500),
    bool('msdyncrm_isrecurring', { default: false }),
    int('msdyncrm_recurrenceintervaldays', 0),
    int('msdyncrm_recurrencecount', 0),
    // -1 (unset) is the column default but no option; accept it as Dataverse does.
    int('msgdpr_requiredconsent', -1, 587030005, { default: -1, options: ConsentSet }),
    picklist('msdyncrm_entitytarget', EntityTargetSet, { required: true, default: 0 }),
    picklist('msdyncrm_type', JourneyTypeSet, { default: 192350000 }),
    picklist('msdyncrm_scope', ScopeSet, { default: 270100000 }),
    memo('msdyncrm_validationresults'),
    memo('msdyncrm_description', 5000),
    text('msdyncrm_purpose', 1000),
    bigint('msdyncrm_lockdowndateinmilliseconds'),
    journeyLookup('contentSettings'),
    journeyLookup('suppressionSegment'),
    journeyLookup('template'),
    journeyLookup('linkedInCampaign'),
    journeyLookup('publishedBy'),
  ],
  state: journeyLikeState,
};

const journeyTemplate: EntityDefinition = {
  ...Tables.journeyTemplate,
  attributes: [
    text('msdyncrm_name', 100, { required: true }),
    memo('msdyncrm_workflowdefinition'),
    memo('msdyncrm_customerjourneydesignerstate', 100_000),
    picklist('msdyncrm_entitytarget', EntityTargetSet, { required: true, default: 0 }),
    bool('msdyncrm_isrecurring', { default: false }),
    int('msdyncrm_recurrencecount', 0),
    int('msdyncrm_recurrenceintervaldays', 0),
    int('msdyncrm_language', 0, 100_000, { default: 1033 }),
    picklist(
      'msdyncrm_purposeoption',
      choices({
        Announcement: [0, 'Announcement'],
        Multipurpose: [1, 'Multipurpose'],
        Onboarding: [2, 'Onboarding'],
        EventMarketing: [3, 'Event marketing'],
        LargeDeals: [4, 'Large deals'],
        Newsletters: [5, 'Newsletters'],
        EmailMarketing: [6, 'Email marketing'],
      }),
    ),
    lookup('msdyncrm_origin', [Tables.customerJourney.entitySet], 'msdyncrm_origin'),
    text('msdyncrm_customerjourneyid', 100),
    memo('msdyncrm_validationresults'),
    memo('msdyncrm_description', 5000),
  ],
  state: {
    stateOptions: StateActiveInactive,
    statusOptions: TemplateStatusSet,
    defaultStatus: TemplateStatus.Live,
    stateOf: (status) => (status === TemplateStatus.Inactive ? 1 : 0),
  },
};

const activeInactive = {
  stateOptions: StateActiveInactive,
  statusOptions: ActiveStatusSet,
  defaultStatus: 1,
  stateOf: (status: number) => (status === 2 ? 1 : 0),
};

const journeyIteration: EntityDefinition = {
  ...Tables.journeyIteration,
  attributes: [
    text('msdyncrm_name', 256),
    int('msdyncrm_iterationnumber', 0, 2_147_483_647, { required: true }),
    datetime('msdyncrm_startdate'),
    datetime('msdyncrm_enddate'),
    memo('msdyncrm_workflowdefinition'),
    memo('msdyncrm_designerstate', 100_000),
    lookup('msdyncrm_customerjourneyid', [Tables.customerJourney.entitySet], 'msdyncrm_CustomerJourneyId'),
  ],
  state: activeInactive,
};

const journeyRuntimeState: EntityDefinition = {
  ...Tables.journeyRuntimeState,
  attributes: [
    text('msdyncrm_name', 100),
    picklist('msdyncrm_runtimestate', RuntimeStateSet),
    datetime('msdyncrm_runtimestatetimestamp'),
    lookup('msdyncrm_customerjourneyid', [Tables.customerJourney.entitySet], 'msdyncrm_CustomerJourneyId'),
  ],
  state: activeInactive,
};

const customChannelActivity: EntityDefinition = {
  ...Tables.customChannelActivity,
  attributes: [
    text('msdyncrm_name', 100, { required: true }),
    text('msdyncrm_activityid', 100, { required: true }),
    text('msdyncrm_entitytype', 100, { required: true }),
    text('msdyncrm_entityid', 100, { required: true }),
    lookup('msdyncrm_customerjourney', [Tables.customerJourney.entitySet], 'msdyncrm_customerjourney', { required: true }),
    lookup('msdyncrm_customerjourneyiteration', [Tables.journeyIteration.entitySet], 'msdyncrm_customerjourneyiteration', { required: true }),
    lookup('msdyncrm_contact', [Tables.contact.entitySet], 'msdyncrm_contact', { required: true }),
  ],
  state: activeInactive,
};

const segment: EntityDefinition = {
  ...Tables.segment,
  attributes: [
    text('msdyncrm_segmentname', 100, { required: true }),
    picklist('msdyncrm_segmenttype', SegmentTypeSet, { required: true, default: 192350000 }),
    memo('msdyncrm_segmentquery', 4000),
    memo('msdyncrm_segmentmemberids'),
    picklist('msdyncrm_querytype', SegmentQueryTypeSet),
    int('msdyncrm_segmentsize', 0),
    datetime('msdyncrm_lastevaluationtime'),
    text('msdyncrm_segmentqueryname', 100),
    memo('msdyncrm_description', 2000),
    picklist('msdyncrm_scope', ScopeSet),
  ],
  state: { ...journeyLikeState, statusOptions: JourneyStatusSet, defaultStatus: SegmentStatus.Draft },
};

const marketingEmail: EntityDefinition = {
  ...Tables.marketingEmail,
  attributes: [
    text('msdyncrm_name', 200, { required: true }),
    text('msdyncrm_subject', 256),
    text('msdyncrm_fromemail', 100),
    text('msdyncrm_fromname', 100),
    text('msdyncrm_replytoemail', 100),
    text('msdyncrm_to', 500),
    memo('msdyncrm_emailbody'),
    memo('msdyncrm_designerhtml'),
    text('msdyncrm_previewtext', 200),
    memo('msdyncrm_textpart'),
    picklist('msdyncrm_messagedesignation', choices({ Commercial: [0, 'Commercial'], Transactional: [1, 'Transactional'] }), { default: 0 }),
    picklist('msdyncrm_email_contenttype', choices({ Default: [0, 'Default'], ConfirmationRequest: [1, 'Confirmation request'] }), { default: 0 }),
    int('msdyncrm_email_contentlanguage', 0, 100_000),
    lookup('msdyncrm_fromuser', [Tables.systemUser.entitySet], 'msdyncrm_FromUser'),
  ],
  state: journeyLikeState,
};

const simpleMarketing = (table: typeof Tables.marketingPage, extra: EntityDefinition['attributes'] = []): EntityDefinition => ({
  ...table,
  attributes: [text(table.primaryName, 100, { required: true }), ...extra],
  state: journeyLikeState,
});

const marketingPage = simpleMarketing(Tables.marketingPage, [text('msdyncrm_partialurl', 200), memo('msdyncrm_content')]);
const marketingForm = simpleMarketing(Tables.marketingForm, [memo('msdyncrm_content')]);
const linkedInCampaign = simpleMarketing(Tables.linkedInCampaign);

const contentSettings: EntityDefinition = {
  ...Tables.contentSettings,
  attributes: [
    text('msdyncrm_name', 100, { required: true }),
    text('msdyncrm_addressmain', 500),
    text('msdyncrm_addressline2', 500),
    text('msdyncrm_subscriptioncenter', 500),
    text('msdyncrm_forwardtoafriend', 500),
    text('msdyncrm_facebookurl', 500),
    text('msdyncrm_twitterurl', 500),
    text('msdyncrm_linkedinurl', 500),
    text('msdyncrm_instagramurl', 500),
    text('msdyncrm_youtubeurl', 500),
    bool('msdyncrm_default', { default: false }),
    bool('msdyncrm_isbusinessunitdefault', { default: false }),
  ],
  state: journeyLikeState,
};

const event: EntityDefinition = {
  ...Tables.event,
  attributes: [
    text('msevtmgt_name', 200, { required: true }),
    datetime('msevtmgt_eventstartdate'),
    datetime('msevtmgt_eventenddate'),
    text('msevtmgt_readableeventid', 100),
    text('msevtmgt_eventurl', 500),
  ],
};

const realTimeJourney: EntityDefinition = {
  ...Tables.realTimeJourney,
  attributes: [
    text('msdynmkt_name', 200, { required: true }),
    memo('msdynmkt_description', 4000),
    memo('msdynmkt_journeydefinition'),
    picklist(
      'msdynmkt_journeytype',
      choices({ TriggerBased: [534120000, 'Trigger-based'], SegmentBased: [534120001, 'Segment-based'] }),
    ),
    datetime('msdynmkt_startdatetime'),
    datetime('msdynmkt_enddatetime'),
  ],
};

/** Outbound marketing and real-time journey tables. */
export const marketingEntities: EntityDefinition[] = [
  customerJourney,
  journeyTemplate,
  journeyIteration,
  journeyRuntimeState,
  customChannelActivity,
  segment,
  marketingEmail,
  marketingPage,
  marketingForm,
  contentSettings,
  event,
  linkedInCampaign,
  realTimeJourney,
];
