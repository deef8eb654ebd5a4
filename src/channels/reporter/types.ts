/**
 * The shapes the interaction reporter works with: a custom channel activity row (as the reporter
 * needs it) and a provider response to report through
 * `msdyncrm_CustomChannelActivityCreateInteraction`.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/developer/create-custom-channel-activity-interaction
 */

import type { InteractionResponse, InteractionSubject } from '../../model/interaction.js';

/** One `msdyncrm_customerjourneycustomchannelactivity` row, reduced to what a report needs. */
export interface ChannelActivity extends InteractionSubject {
  /** Primary key of the row (`msdyncrm_customerjourneycustomchannelactivityid`). */
  rowId: string;
  /** `msdyncrm_name`. */
  name?: string;
  /** `createdon` (ISO-8601). */
  createdOn?: string;
  /** `modifiedon` (ISO-8601). */
  modifiedOn?: string;
}

/** One response of a provider: the id of a tile `<ResponseType>`, plus the keyword for the `custom="True"` one. */
export type ProviderResponse = InteractionResponse;
