/**
 * journeyctl: the public library entry. The emulator has its own entry, `journeyctl/emulator`.
 */
export * from './errors.js';
export { isGuid, parseGuid } from './util/guid.js';
export * from './model/optionSets.js';
export * from './model/names.js';
export * from './model/transitions.js';
export * from './model/journeyRecord.js';
export * from './definition/index.js';
export * from './schemas/index.js';
export * from './io/index.js';
export * from './validation/index.js';
export * from './dataverse/index.js';
export * from './channels/index.js';
export * from './journeys/index.js';
export * from './audit/index.js';
