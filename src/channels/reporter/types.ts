/**
 * The shapes the interaction reporter works with: a custom channel activity row (as the reporter
 * needs it) and a provider response to report through
 * `msdyncrm_CustomChannelActivityCreateInteraction`.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/developer/create-custom-channel-activity-interaction
 */

/** One `msdyncrm_customerjourneycustomchannelactivity` row, reduced to what a report needs. */
export interface ChannelActivity {
  /** Primary key of the row (`msdyncrm_customerjourneycustomchannelactivityid`). */
  rowId: string;
  /** The journey tile's activity id (`msdyncrm_activityid`), passed as `ActivityId`. */
  activityId: string;
  journeyId: string;
  iterationId: string;
  contactId: string;
  /** Logical name of the channel's custom entity (= the tile XML's EntityType). */
  entityType: string;
  /** Id of the custom-entity record (the message) chosen in the tile. */
  entityId: string;
  /** `msdyncrm_name`. */
  name?: string;
  /** `createdon` (ISO-8601). */
  createdOn?: string;
  /** `modifiedon` (ISO-8601). */
  modifiedOn?: string;
}

/** One response of a provider: the id of a tile `<ResponseType>`, plus the keyword for the `custom="True"` one. */
export interface ProviderResponse {
  responseType: string;
  triggerKeyword?: string;
}
