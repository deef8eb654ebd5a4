import type { InputLocation } from '../errors.js';

/** How serious a finding is. `off` only appears in configuration, never on a finding. */
export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

/**
 * The one finding type shared by offline rules and server faults
 * (`msdyncrm_CustomerJourneyValidate`). A documented server fault keeps its server name as
 * `ruleId` (e.g. `ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations`); offline-only
 * rules have kebab-case ids.
 */
export interface Finding {
  ruleId: string;
  severity: Severity;
  /** ActivityId of the tile the finding is about; `""` for the whole journey. */
  activityId: string;
  /** ActivityItemId of the item, when the finding is about one item. */
  itemId?: number;
  message: string;
  /** Details, e.g. the id of the offending element (server: `ErrorMessageArguments`). */
  arguments: string[];
  /** Where: file and JSON pointer into that file's document. */
  location: InputLocation;
}
