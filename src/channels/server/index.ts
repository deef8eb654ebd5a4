/** HTTP adapters of custom channels: late delivery receipts (`channel receive`) and the real-time adapter (`channel serve`). */
export { startReceiptServer, parseReceipts, type Receipt, type ReceiptServer, type ReceiptServerOptions } from './receiptServer.js';
export { startRealtimeAdapter, type RealtimeAdapterOptions } from './realtimeAdapter.js';
export { HttpRefusal, MAX_BODY_BYTES, type ListeningServer, type ListenOptions } from './http.js';
