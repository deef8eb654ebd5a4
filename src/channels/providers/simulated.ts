/**
 * The simulated provider, for the demo and tests: deterministic, no network. Every activity is
 * answered `sent` then `delivered`; optionally some activities also get the tile's keyword
 * response, and some fail (by a stable hash of the row id, so reruns behave the same).
 */
import { createHash } from 'node:crypto';
import type { ChannelActivity, ProviderResponse } from '../reporter/types.js';
import { ProviderError, type ChannelProvider } from './types.js';

/** Options of {@link simulatedProvider}. */
export interface SimulatedProviderOptions {
  /** Response ids for a successful send. @default ['sent', 'delivered'] */
  responses?: readonly string[];
  /** Also answer a keyword response for this fraction of activities (0–1). @default 0 */
  keywordRate?: number;
  /** The custom response type's id. @default 'keyword' */
  keywordResponseType?: string;
  /** The keyword text. @default 'YES' */
  keyword?: string;
  /** Fail (not retryable) this fraction of activities (0–1), for dead-letter drills. @default 0 */
  failureRate?: number;
}

/** A number in [0, 1) derived from the row id and a salt. */
function stableFraction(rowId: string, salt: string): number {
  return createHash('sha256').update(`${salt}:${rowId}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** Create the simulated provider. */
export function simulatedProvider(options: SimulatedProviderOptions = {}): ChannelProvider {
  const responses = options.responses ?? ['sent', 'delivered'];
  return {
    name: 'simulated',
    send(activity: ChannelActivity): Promise<readonly ProviderResponse[]> {
      if (stableFraction(activity.rowId, 'fail') < (options.failureRate ?? 0)) {
        return Promise.reject(new ProviderError(`simulated failure for activity ${activity.rowId}`, { retryable: false }));
      }
      const out: ProviderResponse[] = responses.map((responseType) => ({ responseType }));
      if (stableFraction(activity.rowId, 'keyword') < (options.keywordRate ?? 0)) {
        out.push({ responseType: options.keywordResponseType ?? 'keyword', triggerKeyword: options.keyword ?? 'YES' });
      }
      return Promise.resolve(out);
    },
  };
}
