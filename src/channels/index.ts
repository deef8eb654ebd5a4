/**
 * Custom channels: outbound tile XML, real-time channel contracts and the custom APIs they
 * need. (The interaction reporter and the HTTP adapters live beside these modules.)
 */
export * from './tile/index.js';
export * from './realtime/index.js';
export * from './customApi/index.js';
export * from './reporter/index.js';
export * from './ledger/index.js';
export * from './providers/index.js';
export * from './server/index.js';
export { applyCustomApi, type ApplyCustomApiResult, type ApplyCustomApiOptions } from './customApi/apply.js';
