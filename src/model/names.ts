/**
 * Logical names, entity set names and attribute names of the tables journeyctl works with.
 *
 * Always address a table by its EntitySetName: several are irregular plurals
 * (`msdyncrm_customerjourneys`, `msdyncrm_contentsettingss`) that differ from the
 * LogicalCollectionName shown in older references (`msdyncrm_customerjourneies`).
 * See https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-service-documents
 */

export interface TableNames {
  /** Logical name (`msdyncrm_customerjourney`). */
  readonly logicalName: string;
  /** Entity set name used in Web API URLs (`msdyncrm_customerjourneys`). */
  readonly entitySet: string;
  /** Primary key attribute. */
  readonly primaryId: string;
  /** Primary name attribute. */
  readonly primaryName: string;
}

function table(logicalName: string, entitySet: string, primaryName: string, primaryId = `${logicalName}id`): TableNames {
  return Object.freeze({ logicalName, entitySet, primaryId, primaryName });
}

export const Tables = Object.freeze({
  customerJourney: table('msdyncrm_customerjourney', 'msdyncrm_customerjourneys', 'msdyncrm_name'),
  journeyTemplate: table('msdyncrm_customerjourneytemplate', 'msdyncrm_customerjourneytemplates', 'msdyncrm_name'),
  journeyIteration: table('msdyncrm_customerjourneyiteration', 'msdyncrm_customerjourneyiterations', 'msdyncrm_name'),
  journeyRuntimeState: table('msdyncrm_customerjourneyruntimestate', 'msdyncrm_customerjourneyruntimestates', 'msdyncrm_name'),
  customChannelActivity: table(
    'msdyncrm_customerjourneycustomchannelactivity',
    'msdyncrm_customerjourneycustomchannelactivities',
    'msdyncrm_name',
  ),
  segment: table('msdyncrm_segment', 'msdyncrm_segments', 'msdyncrm_segmentname'),
  marketingEmail: table('msdyncrm_marketingemail', 'msdyncrm_marketingemails', 'msdyncrm_name'),
  marketingPage: table('msdyncrm_marketingpage', 'msdyncrm_marketingpages', 'msdyncrm_name'),
  marketingForm: table('msdyncrm_marketingform', 'msdyncrm_marketingforms', 'msdyncrm_name'),
  contentSettings: table('msdyncrm_contentsettings', 'msdyncrm_contentsettingss', 'msdyncrm_name'),
  event: table('msevtmgt_event', 'msevtmgt_events', 'msevtmgt_name'),
  linkedInCampaign: table('msdyncrm_linkedincampaign', 'msdyncrm_linkedincampaigns', 'msdyncrm_name'),
  contact: table('contact', 'contacts', 'fullname'),
  account: table('account', 'accounts', 'name'),
  systemUser: table('systemuser', 'systemusers', 'fullname'),
  team: table('team', 'teams', 'name'),
  businessUnit: table('businessunit', 'businessunits', 'name'),
  workflow: table('workflow', 'workflows', 'name'),
  webResource: table('webresource', 'webresourceset', 'name'),
  customApi: table('customapi', 'customapis', 'name'),
  customApiRequestParameter: table('customapirequestparameter', 'customapirequestparameters', 'name'),
  customApiResponseProperty: table('customapiresponseproperty', 'customapiresponseproperties', 'name'),
  channelDefinition: table('msdyn_channeldefinition', 'msdyn_channeldefinitions', 'msdyn_name'),
  channelInstance: table('msdyn_channelinstance', 'msdyn_channelinstances', 'msdyn_name'),
  channelMessagePart: table('msdyn_channelmessagepart', 'msdyn_channelmessageparts', 'msdyn_name'),
  realTimeJourney: table('msdynmkt_journey', 'msdynmkt_journeys', 'msdynmkt_name'),
  timeZoneDefinition: table('timezonedefinition', 'timezonedefinitions', 'standardname'),
});

export type TableKey = keyof typeof Tables;

/** Attributes of `msdyncrm_customerjourney`. */
export const JourneyAttributes = Object.freeze({
  id: 'msdyncrm_customerjourneyid',
  name: 'msdyncrm_name',
  statusCode: 'statuscode',
  stateCode: 'statecode',
  workflowDefinition: 'msdyncrm_workflowdefinition',
  designerState: 'msdyncrm_customerjourneydesignerstate',
  startDateTime: 'msdyncrm_startdatetime',
  endDateTime: 'msdyncrm_enddatetime',
  timeZone: 'msdyncrm_customerjourneytimezone',
  isRecurring: 'msdyncrm_isrecurring',
  recurrenceIntervalDays: 'msdyncrm_recurrenceintervaldays',
  recurrenceCount: 'msdyncrm_recurrencecount',
  requiredConsent: 'msgdpr_requiredconsent',
  entityTarget: 'msdyncrm_entitytarget',
  type: 'msdyncrm_type',
  scope: 'msdyncrm_scope',
  validationResults: 'msdyncrm_validationresults',
  description: 'msdyncrm_description',
  purpose: 'msdyncrm_purpose',
  createdOn: 'createdon',
  modifiedOn: 'modifiedon',
  versionNumber: 'versionnumber',
});

/** A lookup of a table: how it is read (`_x_value`) and written (`nav@odata.bind`). */
export interface LookupNames {
  /** Lookup attribute logical name. */
  readonly attribute: string;
  /** Read-only property in Web API responses (`_<attribute>_value`). */
  readonly valueProperty: string;
  /** Single-valued navigation property used with `@odata.bind`. */
  readonly navigationProperty: string;
  /** Entity set of the referenced table(s). */
  readonly targetEntitySets: readonly string[];
}

function lookup(attribute: string, navigationProperty: string, ...targetEntitySets: string[]): LookupNames {
  return Object.freeze({ attribute, valueProperty: `_${attribute}_value`, navigationProperty, targetEntitySets });
}

/** Lookups of `msdyncrm_customerjourney` with their bind names (casing matters for `@odata.bind`). */
export const JourneyLookups = Object.freeze({
  contentSettings: lookup('msdyncrm_contentsettingsid', 'msdyncrm_contentsettingsId', 'msdyncrm_contentsettingss'),
  suppressionSegment: lookup('msdyncrm_suppressionsegmentid', 'msdyncrm_SuppressionSegmentId', 'msdyncrm_segments'),
  template: lookup('msdyncrm_customerjourneytemplate', 'msdyncrm_CustomerJourneyTemplate', 'msdyncrm_customerjourneytemplates'),
  linkedInCampaign: lookup('msdyncr2_linkedincampaign', 'msdyncr2_LinkedInCampaign', 'msdyncrm_linkedincampaigns'),
  owner: lookup('ownerid', 'ownerid', 'systemusers', 'teams'),
  publishedBy: lookup('msdyncrm_publishedby', 'msdyncrm_publishedby', 'systemusers'),
});

/** Attributes of `msdyncrm_customerjourneycustomchannelactivity`. */
export const CustomChannelActivityAttributes = Object.freeze({
  id: 'msdyncrm_customerjourneycustomchannelactivityid',
  name: 'msdyncrm_name',
  activityId: 'msdyncrm_activityid',
  entityType: 'msdyncrm_entitytype',
  entityId: 'msdyncrm_entityid',
  journey: lookup('msdyncrm_customerjourney', 'msdyncrm_customerjourney', 'msdyncrm_customerjourneys'),
  iteration: lookup('msdyncrm_customerjourneyiteration', 'msdyncrm_customerjourneyiteration', 'msdyncrm_customerjourneyiterations'),
  contact: lookup('msdyncrm_contact', 'msdyncrm_contact', 'contacts'),
});

/** Custom actions of outbound marketing and the real-time channel base solution. */
export const Actions = Object.freeze({
  customerJourneyValidate: 'msdyncrm_CustomerJourneyValidate',
  customChannelActivityCreateInteraction: 'msdyncrm_CustomChannelActivityCreateInteraction',
  loadInteractionsPublic: 'msdyncrm_LoadInteractionsPublic',
  channelsNotification: 'msdyn_D365ChannelsNotification',
  channelsInbound: 'msdyn_D365ChannelsInbound',
  whoAmI: 'WhoAmI',
});

/** The OData namespace that must prefix bound operations, `@odata.type` values and query functions. */
export const ODATA_NAMESPACE = 'Microsoft.Dynamics.CRM';
