/**
 * What a custom channel interaction is about and what it says: the parameters of
 * `msdyncrm_CustomChannelActivityCreateInteraction`, named the same on the client and in the emulator.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/developer/create-custom-channel-activity-interaction
 */

/** The journey tile, contact and message an interaction is about (ids lower-case, without braces). */
export interface InteractionSubject {
  /** The journey tile's activity id (`msdyncrm_activityid`), passed as `ActivityId`. */
  activityId: string;
  journeyId: string;
  iterationId: string;
  contactId: string;
  /** Logical name of the channel's custom entity (= the tile XML's EntityType). */
  entityType: string;
  /** Id of the custom-entity record (the message) chosen in the tile. */
  entityId: string;
}

/** One response of a provider: the id of a tile `<ResponseType>`, plus the keyword for the `custom="True"` one. */
export interface InteractionResponse {
  responseType: string;
  triggerKeyword?: string;
}
