/**
 * The seed data set: a small, consistent marketing organisation. Every id is derived from the
 * record's name (`seedId`) and every date is fixed, so seeding twice gives the same rows.
 */
import { serializeDefinition, serializeDesignerState } from '../../definition/index.js';
import { Tables } from '../../model/names.js';
import { JourneyStatus, SegmentStatus, SegmentType, TemplateStatus } from '../../model/optionSets.js';
import type { RowValues } from '../core/types.js';
import { validateJourneyFields } from '../marketing/journeyValidation.js';
import { segmentThen, type SeedDesign } from './seedDesigns.js';
import { seedId } from './seedIds.js';
import { SAMPLE_TILE_PREFIX, SAMPLE_TILE_WEB_RESOURCE, SAMPLE_TILE_XML } from './tileConfigXml.js';

/** One row to create. */
export interface SeedRecord {
  entitySet: string;
  id: string;
  values: RowValues;
}

/** A lookup in stored form, as system writes take it: the id, and the target's logical name in `<attribute>@type`. */
function lookup(attribute: string, target: { logicalName: string }, id: string): RowValues {
  return { [attribute]: id, [`${attribute}@type`]: target.logicalName };
}

/** Creation time of every seed row (fixed, so two seeds are identical). */
export const SEED_CREATED_ON = '2026-01-05T09:00:00Z';

const CONTACTS = [
  // first, last, account, flags
  ['Nancy', 'Davolio', 'Contoso Ltd', {}],
  ['Andrew', 'Fuller', 'Contoso Ltd', { donotemail: true }],
  ['Janet', 'Leverling', 'Contoso Ltd', {}],
  ['Margaret', 'Peacock', 'Fabrikam Inc', { donotphone: true }],
  ['Steven', 'Buchanan', 'Fabrikam Inc', {}],
  ['Michael', 'Suyama', 'Fabrikam Inc', { donotphone: true, donotsms: true }],
  ['Robert', 'King', 'Adventure Works', {}],
  ['Laura', 'Callahan', 'Adventure Works', { donotbulkemail: true }],
  ['Anne', 'Dodsworth', 'Adventure Works', {}],
  ['Adam', 'Barr', 'Adventure Works', { donotemail: true, donotphone: true }],
] as const;

const ACCOUNTS = ['Contoso Ltd', 'Fabrikam Inc', 'Adventure Works'] as const;

const contactId = (first: string, last: string) => seedId(`contact:${first} ${last}`);

/** Ids of the seed records, by role, for tests and docs. */
export const SeedIds = Object.freeze({
  activeUser: seedId('systemuser:Alex Wilber'),
  disabledUser: seedId('systemuser:Former Employee'),
  defaultContentSettings: seedId('contentsettings:Default content settings'),
  dynamicSegment: seedId('segment:All contacts'),
  staticSegment: seedId('segment:VIP customers'),
  draftSegment: seedId('segment:Newsletter prospects'),
  welcomeEmail: seedId('email:Welcome email'),
  newsletterEmail: seedId('email:Monthly newsletter'),
  invitationEmail: seedId('email:Event invitation'),
  page: seedId('page:Event registration page'),
  form: seedId('form:Newsletter sign-up form'),
  event: seedId('event:Contoso Summit 2026'),
  template: seedId('template:Welcome series'),
  tileWebResource: seedId(`webresource:${SAMPLE_TILE_WEB_RESOURCE}`),
  /** The `contoso_smsmessage` record the SMS journey's tile sends (not stored: the emulator has no such table). */
  smsMessage: seedId('contoso_smsmessage:Reminder text'),
  /** The real-time channel definition the payloads in `samples/channels/realtime/` name (inbound and delivery reports on). */
  channelDefinition: '6b3c1a5e-2f4d-4e8a-9b7c-1d2e3f4a5b6c',
  /** Records the journey specs in `samples/specs/` reference by id (`every-tile.yaml`). */
  sampleContentSettings: '70000000-0000-4000-8000-000000000001',
  unsubscribedSegment: 'a0000000-0000-4000-8000-000000000009',
  newsletterSubscribersSegment: 'a0000000-0000-4000-8000-000000000001',
  welcomePage: 'c0000000-0000-4000-8000-000000000001',
  journeys: Object.freeze({
    draft: seedId('journey:Welcome series (draft)'),
    live: seedId('journey:Monthly newsletter'),
    liveSms: seedId('journey:SMS reminders'),
    stopped: seedId('journey:Spring promotion'),
    expired: seedId('journey:2024 event follow-up'),
    error: seedId('journey:Event invitation'),
  }),
});

const VIP_MEMBERS = [contactId('Nancy', 'Davolio'), contactId('Margaret', 'Peacock'), contactId('Robert', 'King'), contactId('Adam', 'Barr')];

function designValues(design: SeedDesign): RowValues {
  return {
    msdyncrm_workflowdefinition: serializeDefinition(design.definition),
    msdyncrm_customerjourneydesignerstate: serializeDesignerState(design.designerState),
  };
}

const allContacts = { id: SeedIds.dynamicSegment, name: 'All contacts' };
const vips = { id: SeedIds.staticSegment, name: 'VIP customers' };

interface SeedJourney {
  id: string;
  name: string;
  status: number;
  design: SeedDesign;
  start: string;
  end: string;
  /** Store the error check's results, as a failed go-live does. */
  withValidationResults?: boolean;
}

const JOURNEYS: SeedJourney[] = [
  {
    id: SeedIds.journeys.draft,
    name: 'Welcome series (draft)',
    status: JourneyStatus.Draft,
    design: segmentThen([vips], { kind: 'email', emailId: SeedIds.welcomeEmail, name: 'Welcome email' }),
    start: '2026-09-01T08:00:00Z',
    end: '2027-08-31T08:00:00Z',
  },
  {
    id: SeedIds.journeys.live,
    name: 'Monthly newsletter',
    status: JourneyStatus.Live,
    design: segmentThen([allContacts], { kind: 'email', emailId: SeedIds.newsletterEmail, name: 'Monthly newsletter', pageId: SeedIds.page }),
    start: '2026-01-01T08:00:00Z',
    end: '2027-12-31T08:00:00Z',
  },
  {
    id: SeedIds.journeys.liveSms,
    name: 'SMS reminders',
    status: JourneyStatus.Live,
    // The message record lives in the channel's own table, which the emulator does not have; its
    // fixed id still lets the runtime create custom channel activities that point to it.
    design: segmentThen([vips], { kind: 'custom', activityTypeId: SAMPLE_TILE_PREFIX, name: 'Reminder text', entityId: SeedIds.smsMessage }),
    start: '2026-01-01T08:00:00Z',
    end: '2027-12-31T08:00:00Z',
  },
  {
    id: SeedIds.journeys.stopped,
    name: 'Spring promotion',
    status: JourneyStatus.Stopped,
    design: segmentThen([allContacts], { kind: 'email', emailId: SeedIds.newsletterEmail, name: 'Monthly newsletter' }),
    start: '2026-03-01T08:00:00Z',
    end: '2026-06-30T08:00:00Z',
  },
  {
    id: SeedIds.journeys.expired,
    name: '2024 event follow-up',
    status: JourneyStatus.Expired,
    design: segmentThen([vips], { kind: 'email', emailId: SeedIds.welcomeEmail, name: 'Welcome email' }),
    start: '2024-05-01T08:00:00Z',
    end: '2024-07-31T08:00:00Z',
  },
  {
    id: SeedIds.journeys.error,
    name: 'Event invitation',
    status: JourneyStatus.Error,
    // Its email tile was never given an email: the go-live check failed (results added below).
    design: segmentThen([allContacts], { kind: 'email', emailId: null, name: 'Event invitation' }),
    start: '2026-10-01T08:00:00Z',
    end: '2026-12-31T08:00:00Z',
    withValidationResults: true,
  },
];

/** Every seed row, parents before children, in a fixed order. */
export function seedRecords(): SeedRecord[] {
  const records: SeedRecord[] = [];
  const add = (entitySet: string, id: string, values: RowValues) => records.push({ entitySet, id, values: { createdon: SEED_CREATED_ON, ...values } });

  add(Tables.systemUser.entitySet, SeedIds.activeUser, {
    firstname: 'Alex',
    lastname: 'Wilber',
    fullname: 'Alex Wilber',
    domainname: 'alexw@contoso.example',
    internalemailaddress: 'alexw@contoso.example',
    azureactivedirectoryobjectid: seedId('aad:Alex Wilber'),
    isdisabled: false,
  });
  add(Tables.systemUser.entitySet, SeedIds.disabledUser, {
    firstname: 'Former',
    lastname: 'Employee',
    fullname: 'Former Employee',
    domainname: 'former@contoso.example',
    internalemailaddress: 'former@contoso.example',
    azureactivedirectoryobjectid: seedId('aad:Former Employee'),
    isdisabled: true,
  });

  for (const name of ACCOUNTS) {
    add(Tables.account.entitySet, seedId(`account:${name}`), {
      name,
      emailaddress1: `info@${name.split(' ')[0]!.toLowerCase()}.example`,
      numberofemployees: 100 * name.length,
    });
  }
  for (const [first, last, account, flags] of CONTACTS) {
    add(Tables.contact.entitySet, contactId(first, last), {
      firstname: first,
      lastname: last,
      emailaddress1: `${first}.${last}@${account.split(' ')[0]!.toLowerCase()}.example`.toLowerCase(),
      mobilephone: `+1 555 01${String(CONTACTS.findIndex((c) => c[0] === first)).padStart(2, '0')}`,
      ...flags,
      ...lookup('parentcustomerid', Tables.account, seedId(`account:${account}`)),
    });
  }

  add(Tables.contentSettings.entitySet, SeedIds.defaultContentSettings, {
    msdyncrm_name: 'Default content settings',
    msdyncrm_addressmain: 'Contoso Ltd, 1 Microsoft Way, Redmond, WA 98052',
    msdyncrm_subscriptioncenter: 'https://contoso.example/subscriptions',
    msdyncrm_forwardtoafriend: 'https://contoso.example/forward',
    msdyncrm_default: true,
    statuscode: JourneyStatus.Live,
  });
  add(Tables.contentSettings.entitySet, seedId('contentsettings:Regional content settings'), {
    msdyncrm_name: 'Regional content settings',
    msdyncrm_addressmain: 'Contoso GmbH, Musterstrasse 1, 10115 Berlin',
    msdyncrm_subscriptioncenter: 'https://contoso.example/de/subscriptions',
    msdyncrm_default: false,
    statuscode: JourneyStatus.Draft,
  });

  add(Tables.segment.entitySet, SeedIds.dynamicSegment, {
    msdyncrm_segmentname: 'All contacts',
    msdyncrm_segmenttype: SegmentType.Dynamic,
    msdyncrm_segmentquery: 'PROFILE(contact)',
    statuscode: SegmentStatus.Live,
  });
  add(Tables.segment.entitySet, SeedIds.staticSegment, {
    msdyncrm_segmentname: 'VIP customers',
    msdyncrm_segmenttype: SegmentType.Static,
    msdyncrm_segmentmemberids: JSON.stringify(VIP_MEMBERS.map((id) => `crm${id}`)),
    msdyncrm_segmentsize: VIP_MEMBERS.length,
    statuscode: SegmentStatus.Live,
  });
  add(Tables.segment.entitySet, SeedIds.draftSegment, {
    msdyncrm_segmentname: 'Newsletter prospects',
    msdyncrm_segmenttype: SegmentType.Dynamic,
    msdyncrm_segmentquery: 'PROFILE(contact).FILTER(donotbulkemail == false)',
    statuscode: SegmentStatus.Draft,
  });

  const email = (id: string, name: string, subject: string, status: number) =>
    add(Tables.marketingEmail.entitySet, id, {
      msdyncrm_name: name,
      msdyncrm_subject: subject,
      msdyncrm_fromname: 'Contoso Marketing',
      msdyncrm_fromemail: 'marketing@contoso.example',
      msdyncrm_emailbody: `<html><body><h1>${subject}</h1><p>{{contact.firstname}}, hello from Contoso.</p></body></html>`,
      statuscode: status,
      ...lookup('msdyncrm_fromuser', Tables.systemUser, SeedIds.activeUser),
    });
  email(SeedIds.welcomeEmail, 'Welcome email', 'Welcome to Contoso', JourneyStatus.Live);
  email(SeedIds.newsletterEmail, 'Monthly newsletter', 'News from Contoso', JourneyStatus.Live);
  email(SeedIds.invitationEmail, 'Event invitation', 'You are invited to Contoso Summit 2026', JourneyStatus.Draft);

  add(Tables.marketingPage.entitySet, SeedIds.page, {
    msdyncrm_name: 'Event registration page',
    msdyncrm_partialurl: 'summit-2026',
    statuscode: JourneyStatus.Live,
  });
  add(Tables.marketingForm.entitySet, SeedIds.form, { msdyncrm_name: 'Newsletter sign-up form', statuscode: JourneyStatus.Live });
  add(Tables.event.entitySet, SeedIds.event, {
    msevtmgt_name: 'Contoso Summit 2026',
    msevtmgt_eventstartdate: '2026-11-10T09:00:00Z',
    msevtmgt_eventenddate: '2026-11-11T17:00:00Z',
    msevtmgt_readableeventid: 'Contoso_Summit_2026',
  });

  // Dataverse stores web resource content base64-encoded.
  add(Tables.webResource.entitySet, SeedIds.tileWebResource, {
    name: SAMPLE_TILE_WEB_RESOURCE,
    displayname: 'Contoso SMS tile',
    webresourcetype: 4,
    content: Buffer.from(SAMPLE_TILE_XML, 'utf8').toString('base64'),
  });

  addSampleReferences(add);

  const templateDesign = segmentThen([vips], { kind: 'email', emailId: SeedIds.welcomeEmail, name: 'Welcome email' });
  add(Tables.journeyTemplate.entitySet, SeedIds.template, {
    msdyncrm_name: 'Welcome series',
    msdyncrm_description: 'Send the welcome email to a segment.',
    msdyncrm_entitytarget: 0,
    msdyncrm_language: 1033,
    msdyncrm_purposeoption: 2,
    statuscode: TemplateStatus.Live,
    ...designValues(templateDesign),
  });

  for (const journey of JOURNEYS) {
    const values: RowValues = {
      msdyncrm_name: journey.name,
      statuscode: journey.status,
      msdyncrm_startdatetime: journey.start,
      msdyncrm_enddatetime: journey.end,
      msdyncrm_customerjourneytimezone: 92,
      msdyncrm_entitytarget: 0,
      msdyncrm_isrecurring: false,
      ...designValues(journey.design),
      ...lookup('msdyncrm_contentsettingsid', Tables.contentSettings, SeedIds.defaultContentSettings),
      ...lookup('msdyncrm_customerjourneytemplate', Tables.journeyTemplate, SeedIds.template),
      ...lookup('ownerid', Tables.systemUser, journey.status === JourneyStatus.Expired ? SeedIds.disabledUser : SeedIds.activeUser),
    };
    // The same check the status machine runs on go-live, so the stored results have the real shape.
    if (journey.withValidationResults) values.msdyncrm_validationresults = JSON.stringify(validateJourneyFields(values));
    add(Tables.customerJourney.entitySet, journey.id, values);
  }
  return records;
}

/**
 * What the samples (`samples/specs/`, `samples/channels/realtime/`) reference, so that they run as
 * written on a fresh store: the segments, emails and page the specs name, the ids `every-tile.yaml`
 * binds, and the real-time channel definition the payloads name.
 */
function addSampleReferences(add: (entitySet: string, id: string, values: RowValues) => void): void {
  add(Tables.contentSettings.entitySet, SeedIds.sampleContentSettings, {
    msdyncrm_name: 'Sample content settings',
    msdyncrm_addressmain: 'Contoso Ltd, 1 Microsoft Way, Redmond, WA 98052',
    msdyncrm_subscriptioncenter: 'https://contoso.example/subscriptions',
    msdyncrm_default: false,
    statuscode: JourneyStatus.Live,
  });
  const segment = (id: string, name: string, query: string) =>
    add(Tables.segment.entitySet, id, {
      msdyncrm_segmentname: name,
      msdyncrm_segmenttype: SegmentType.Dynamic,
      msdyncrm_segmentquery: query,
      statuscode: SegmentStatus.Live,
    });
  segment(SeedIds.newsletterSubscribersSegment, 'Newsletter subscribers', 'PROFILE(contact).FILTER(donotbulkemail == false)');
  segment(SeedIds.unsubscribedSegment, 'Unsubscribed contacts', 'PROFILE(contact).FILTER(donotbulkemail == true)');
  segment(seedId('segment:Competitors'), 'Competitors', 'PROFILE(account).FILTER(name == "Fabrikam Inc")');
  segment(seedId('segment:Event attendees'), 'Event attendees', 'PROFILE(contact).FILTER(donotemail == false)');
  const email = (name: string, subject: string) =>
    add(Tables.marketingEmail.entitySet, seedId(`email:${name}`), {
      msdyncrm_name: name,
      msdyncrm_subject: subject,
      msdyncrm_fromname: 'Contoso Marketing',
      msdyncrm_fromemail: 'marketing@contoso.example',
      msdyncrm_emailbody: `<html><body><h1>${subject}</h1></body></html>`,
      statuscode: JourneyStatus.Live,
      ...lookup('msdyncrm_fromuser', Tables.systemUser, SeedIds.activeUser),
    });
  email('Thanks for registering', 'Thank you for registering');
  email('Reminder to register', 'There is still time to register');
  email('Thank you for attending', 'Thank you for attending Contoso Summit 2026');
  add(Tables.marketingPage.entitySet, SeedIds.welcomePage, { msdyncrm_name: 'Welcome page', msdyncrm_partialurl: 'welcome', statuscode: JourneyStatus.Live });
  add(Tables.channelDefinition.entitySet, SeedIds.channelDefinition, {
    msdyn_name: 'Contoso SMS',
    msdyn_displayname: 'Contoso SMS',
    msdyn_channeltype: 'SMS',
    msdyn_outboundendpointurltemplate: '/cr65f_OutboundCustomApi',
    msdyn_hasinbound: true,
    msdyn_hasdeliveryreceipt: true,
  });
}
