/**
 * The built-in `webhook` provider: POSTs each activity as JSON to a URL and reads the responses
 * from the answer.
 *
 * Request body: `{ "idempotencyKey": "<row id>", "activity": { rowId, activityId, journeyId,
 * iterationId, contactId, entityType, entityId, name } }`, header `Idempotency-Key`.
 * Answer: 2xx with `{ "responses": [{ "responseType": "sent" }, …] }` (or an empty body: no
 * response yet). 408/429/5xx and network errors are retried; other statuses are dead-lettered.
 */
import axios from 'axios';
import type { ChannelActivity, ProviderResponse } from '../reporter/types.js';
import { ProviderError, type ChannelProvider, type ProviderSendContext } from './types.js';

/** Options of {@link webhookProvider}. */
export interface WebhookProviderOptions {
  url: string;
  /** Extra request headers (e.g. an API key; never logged). */
  headers?: Readonly<Record<string, string>>;
  /** Per-request timeout. @default 20000 (the platform's plug-in limit for channel calls) */
  timeoutInMs?: number;
}

/** Parse the webhook's answer into responses. */
export function parseWebhookAnswer(body: unknown): ProviderResponse[] {
  if (body === undefined || body === null || body === '') return [];
  const list = (body as { responses?: unknown }).responses;
  if (!Array.isArray(list)) throw new ProviderError('the webhook answered without a "responses" array', { retryable: false });
  return list.map((item, i) => {
    const r = item as { responseType?: unknown; triggerKeyword?: unknown };
    if (typeof r?.responseType !== 'string' || r.responseType === '') {
      throw new ProviderError(`the webhook's responses[${i}] has no responseType string`, { retryable: false });
    }
    if (r.triggerKeyword !== undefined && typeof r.triggerKeyword !== 'string') {
      throw new ProviderError(`the webhook's responses[${i}].triggerKeyword must be a string`, { retryable: false });
    }
    return { responseType: r.responseType, ...(typeof r.triggerKeyword === 'string' ? { triggerKeyword: r.triggerKeyword } : {}) };
  });
}

/** Create a webhook provider. */
export function webhookProvider(options: WebhookProviderOptions): ChannelProvider {
  const http = axios.create({ timeout: options.timeoutInMs ?? 20_000, proxy: false, validateStatus: () => true });
  return {
    name: `webhook ${new URL(options.url).origin}`,
    async send(activity: ChannelActivity, context: ProviderSendContext): Promise<readonly ProviderResponse[]> {
      let status: number;
      let data: unknown;
      try {
        const response = await http.post(options.url, { idempotencyKey: context.idempotencyKey, activity }, {
          headers: { ...options.headers, 'content-type': 'application/json', 'idempotency-key': context.idempotencyKey },
          signal: context.abortSignal,
        });
        status = response.status;
        data = response.data;
      } catch (error) {
        throw new ProviderError(`webhook unreachable: ${(error as Error).message}`, { retryable: true, cause: error });
      }
      if (status >= 200 && status < 300) return parseWebhookAnswer(data);
      const retryable = status === 408 || status === 429 || status >= 500;
      throw new ProviderError(`webhook answered HTTP ${status}`, { retryable });
    },
  };
}
