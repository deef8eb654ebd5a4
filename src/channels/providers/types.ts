/**
 * The provider interface: what a module passed as `--provider ./my-provider.js` exports (as its
 * default export, an object or a factory returning one).
 */
import type { ChannelActivity, ProviderResponse } from '../reporter/types.js';

/** What the reporter passes with each activity. */
export interface ProviderSendContext {
  /**
   * Stable for the activity (its row id): a provider that may see the same activity twice (the
   * reporter crashed after the hand-off and before recording it) uses it to send the message once.
   */
  idempotencyKey: string;
  /** Aborted when the reporter stops (SIGINT) and the hand-off should be given up. */
  abortSignal: AbortSignal;
}

/**
 * A channel provider: takes one custom channel activity to the external service (SMS gateway,
 * push service…) and answers the responses known at once (typically `sent`; `delivered` too when
 * the service confirms synchronously). Later responses arrive through `channel receive`.
 */
export interface ChannelProvider {
  /** Shown in logs and the summary. */
  readonly name: string;
  /**
   * Hand one activity to the service. Throw to report a failure: a {@link ProviderError} with
   * `retryable: false` goes straight to the dead-letter list, anything else is retried with backoff.
   */
  send(activity: ChannelActivity, context: ProviderSendContext): Promise<readonly ProviderResponse[]>;
  /** Release connections when the reporter ends. */
  close?(): Promise<void> | void;
}

/** A module's default export: a provider, or a factory given the CLI's `--provider-option key=value` pairs. */
export type ProviderModuleExport = ChannelProvider | ((options: Readonly<Record<string, string>>) => ChannelProvider | Promise<ChannelProvider>);

/** A provider failure; `retryable` (default true) says whether sending again may succeed. */
export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly retryable: boolean;
  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? true;
  }
}

/** Whether an error is a {@link ProviderError} (by name, so a provider bundling its own copy counts). */
export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof Error && error.name === 'ProviderError' && typeof (error as { retryable?: unknown }).retryable === 'boolean';
}
