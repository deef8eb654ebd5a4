/** Channel providers for the interaction reporter: the interface, `simulated`, `webhook`, module loading. */
export { ProviderError, type ChannelProvider, type ProviderSendContext, type ProviderModuleExport } from './types.js';
export { simulatedProvider, type SimulatedProviderOptions } from './simulated.js';
export { webhookProvider, parseWebhookAnswer, type WebhookProviderOptions } from './webhook.js';
export { loadProvider, type ProviderSelection } from './load.js';
