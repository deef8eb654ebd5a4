/** The outbound custom channel interaction reporter. */
export type { ChannelActivity, ProviderResponse } from './types.js';
export {
  InteractionReporter,
  runReporter,
  watermarkKey,
  environmentOf,
  type ReporterOptions,
  type ReporterSummary,
  type ProviderRetryOptions,
} from './InteractionReporter.js';
export { ACTIVITY_SELECT, activityFromRow, createInteractionParameters, activityFilterExpression, type ActivityFilter } from './activityRows.js';
export { loadChannelTiles } from './tiles.js';
export { reconcileInFlight, landedResponses, CUSTOM_CHANNEL_RESPONSE_INTERACTION, type ReconcileResult } from './reconcile.js';
export { sendReports, type SendOutcome } from './sendReports.js';
