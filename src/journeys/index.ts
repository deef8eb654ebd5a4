/**
 * Journeys as code: the journey client (CRUD, create from template, go-live and stop pollers,
 * online validation) and apply.
 */
export * from './JourneyClient.js';
export * from './JourneyPoller.js';
export * from './operationState.js';
export * from './errors.js';
export * from './validateOnline.js';
export * from './apply.js';
export { resolveNames, type ResolvedJourney } from './resolveNames.js';
export { fieldsToRecord, draftToRecord, isJourneyDraft, recordToValidatorFields, type JourneyDraft, type InputOrigin } from './journeyInput.js';
export * from './exportFormat.js';
export * from './importJourneys.js';
export * from './diff.js';
export { validateFilesOnline, type ValidateFilesOnlineOptions } from './validateFilesOnline.js';
