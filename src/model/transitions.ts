import { JourneyStatus, JourneyStatusSet, labelOf } from './optionSets.js';

/**
 * Allowed `statuscode` transitions of `msdyncrm_customerjourney`, from the table's metadata
 * TransitionData (Dataverse table reference for msdyncrm_customerjourney). Whether Dataverse
 * enforces it for API writes is undocumented; journeyctl refuses anything outside it before
 * sending a request, and the emulator enforces it.
 */
export const JOURNEY_TRANSITIONS: Readonly<Record<number, readonly number[]>> = Object.freeze({
  [JourneyStatus.Draft]: [JourneyStatus.GoingLive, JourneyStatus.Expired],
  [JourneyStatus.Live]: [
    JourneyStatus.Stopping,
    JourneyStatus.Stopped,
    JourneyStatus.GoingLive,
    JourneyStatus.LiveEditable,
    JourneyStatus.Error,
  ],
  [JourneyStatus.Stopped]: [JourneyStatus.Expired, JourneyStatus.GoingLive],
  [JourneyStatus.LiveEditable]: [JourneyStatus.Live, JourneyStatus.Error, JourneyStatus.GoingLive],
  [JourneyStatus.Expired]: [],
  [JourneyStatus.Error]: [JourneyStatus.GoingLive, JourneyStatus.Stopping],
  [JourneyStatus.GoingLive]: [JourneyStatus.Live, JourneyStatus.Error],
  [JourneyStatus.Stopping]: [JourneyStatus.Stopped, JourneyStatus.Error],
});

/** Statuses a journey may move to from `from` (empty for unknown or terminal statuses). */
export function allowedJourneyTransitions(from: number): readonly number[] {
  return JOURNEY_TRANSITIONS[from] ?? [];
}

/** Whether moving a journey from `from` to `to` is allowed. Staying in the same status is allowed. */
export function isJourneyTransitionAllowed(from: number, to: number): boolean {
  return from === to || allowedJourneyTransitions(from).includes(to);
}

/** "Draft (192350000)" — a status for messages. */
export function describeJourneyStatus(status: number): string {
  return `${labelOf(JourneyStatusSet, status) ?? 'Unknown'} (${status})`;
}

/**
 * Statuses in which the tile structure (pipeline) may be edited: only Draft. Live-editable and
 * Stopped allow settings only; see the field lock matrix (go-live documentation).
 */
export const STRUCTURE_EDITABLE_STATUSES: readonly number[] = [JourneyStatus.Draft];

/** Journey fields and the statuses in which each may be edited (go-live documentation lock matrix). */
export const JOURNEY_FIELD_LOCKS: Readonly<Record<string, readonly number[]>> = Object.freeze({
  msdyncrm_name: [JourneyStatus.Draft, JourneyStatus.LiveEditable, JourneyStatus.Stopped],
  msdyncrm_startdatetime: [JourneyStatus.Draft, JourneyStatus.LiveEditable, JourneyStatus.Stopped],
  msdyncrm_enddatetime: [JourneyStatus.Draft, JourneyStatus.LiveEditable, JourneyStatus.Stopped],
  msdyncrm_isrecurring: [JourneyStatus.Draft],
  msdyncrm_recurrencecount: [JourneyStatus.Draft, JourneyStatus.LiveEditable, JourneyStatus.Stopped],
  msdyncrm_recurrenceintervaldays: [JourneyStatus.Draft, JourneyStatus.LiveEditable, JourneyStatus.Stopped],
  msdyncrm_contentsettingsid: [JourneyStatus.Draft],
  msdyncrm_suppressionsegmentid: [JourneyStatus.Draft],
  msdyncrm_customerjourneytimezone: [JourneyStatus.Draft],
  msdyncrm_customerjourneytemplate: [JourneyStatus.Draft, JourneyStatus.LiveEditable, JourneyStatus.Stopped],
});
