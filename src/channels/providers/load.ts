/**
 * Resolve `--provider`: `simulated`, `webhook` or the path of a module whose default export is a
 * {@link ChannelProvider} (or a factory of one).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../../errors.js';
import { simulatedProvider, type SimulatedProviderOptions } from './simulated.js';
import type { ChannelProvider, ProviderModuleExport } from './types.js';
import { webhookProvider } from './webhook.js';

/** What `--provider` and its companion options say. */
export interface ProviderSelection {
  /** `simulated`, `webhook`, or a module path (`./my-provider.js`). */
  provider: string;
  webhookUrl?: string;
  simulated?: SimulatedProviderOptions;
  /** `key=value` options for a module's factory. */
  options?: Readonly<Record<string, string>>;
  /** Resolve module paths against this directory. @default process.cwd() */
  cwd?: string;
}

function isProvider(value: unknown): value is ChannelProvider {
  return typeof value === 'object' && value !== null && typeof (value as ChannelProvider).send === 'function';
}

/** Build the provider a selection names. Throws an {@link InputError} for an unusable choice. */
export async function loadProvider(selection: ProviderSelection): Promise<ChannelProvider> {
  if (selection.provider === 'simulated') return simulatedProvider(selection.simulated);
  if (selection.provider === 'webhook') {
    if (!selection.webhookUrl) throw new InputError('the webhook provider needs a URL', {}, { hint: 'pass --webhook-url https://…' });
    let url: URL;
    try {
      url = new URL(selection.webhookUrl);
    } catch {
      throw new InputError(`--webhook-url is not a URL: ${selection.webhookUrl}`, {}, { hint: 'pass an absolute http(s) URL' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`--webhook-url must be http or https, got ${url.protocol}`, {});
    return webhookProvider({ url: url.href });
  }
  const file = resolve(selection.cwd ?? process.cwd(), selection.provider);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new InputError(`cannot load the provider module ${selection.provider}: ${(error as Error).message}`, { file }, {
      hint: 'pass simulated, webhook, or the path of an ES module whose default export is a provider',
      cause: error,
    });
  }
  const exported = module.default as ProviderModuleExport | undefined;
  const provider = typeof exported === 'function' ? await exported(selection.options ?? {}) : exported;
  if (!isProvider(provider)) {
    throw new InputError(`the provider module ${selection.provider} has no usable default export`, { file }, {
      hint: 'export default { name: "my-provider", async send(activity, context) { return [{ responseType: "sent" }]; } }',
    });
  }
  return provider;
}
