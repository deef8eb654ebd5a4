/**
 * The emulator core's public surface for `src/emulator/index.ts` and plugins.
 */
export { createEmulatorCore, DEFAULT_IDENTITY } from './server.js';
export * as errors from './errors.js';
export { WebApiError, isWebApiError } from './errors.js';
export type { EmulatorStore } from './store.js';
export { formatDateTime, isGuid } from './values.js';
export type * from './types.js';
