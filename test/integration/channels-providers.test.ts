/**
 * Providers over real HTTP: the built-in webhook provider against a local webhook, and a provider
 * module loaded from a file, both driving the reporter against the emulator.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError, ReporterLedger, loadProvider, runReporter, webhookProvider, type ChannelActivity } from '../../src/channels/index.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { exactlyOnceProblems, populateActivities, testClient } from '../helpers/channelActivities.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** A webhook that records requests and answers with `answer(body)`. */
async function webhook(answer: (body: { idempotencyKey: string; activity: ChannelActivity }) => { status: number; body?: unknown }): Promise<{ url: string; received: { headers: Record<string, unknown>; body: { idempotencyKey: string; activity: ChannelActivity } }[] }> {
  const received: { headers: Record<string, unknown>; body: { idempotencyKey: string; activity: ChannelActivity } }[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(text) as { idempotencyKey: string; activity: ChannelActivity };
      received.push({ headers: req.headers, body });
      const { status, body: out } = answer(body);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(out === undefined ? '' : JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise((resolve) => server.close(resolve)) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`, received };
}

describe('webhook provider', () => {
  it('POSTs each activity with its idempotency key and reports the answered responses', async () => {
    const emulator = await startTestEmulator({ seed: true });
    open.push(emulator);
    const client = testClient(emulator);
    open.push(client);
    await populateActivities(client, 9);
    const hook = await webhook(() => ({ status: 200, body: { responses: [{ responseType: 'sent' }, { responseType: 'delivered' }] } }));
    const ledger = ReporterLedger.open(':memory:');
    open.push(ledger);
    const summary = await runReporter({ client, ledger, provider: webhookProvider({ url: hook.url }) });
    const total = emulator.store.count('msdyncrm_customerjourneycustomchannelactivities');
    expect(hook.received).toHaveLength(total);
    expect(hook.received[0]!.headers['idempotency-key']).toBe(hook.received[0]!.body.idempotencyKey);
    expect(hook.received[0]!.body.activity.rowId).toBe(hook.received[0]!.body.idempotencyKey);
    expect(summary.reports.confirmed).toBe(2 * total);
    expect(exactlyOnceProblems(emulator)).toEqual([]);
  });

  it('retries 5xx and 429, and refuses other statuses without retrying', async () => {
    let calls = 0;
    const flaky = await webhook(() => (++calls < 3 ? { status: calls === 1 ? 503 : 429 } : { status: 202 }));
    const provider = webhookProvider({ url: flaky.url });
    const activity = { rowId: 'r1' } as ChannelActivity;
    const context = { idempotencyKey: 'r1', abortSignal: new AbortController().signal };
    await expect(provider.send(activity, context)).rejects.toMatchObject({ retryable: true });
    await expect(provider.send(activity, context)).rejects.toMatchObject({ retryable: true });
    expect(await provider.send(activity, context)).toEqual([]);
    const refusing = await webhook(() => ({ status: 400 }));
    const error = await webhookProvider({ url: refusing.url }).send(activity, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: false, message: 'webhook answered HTTP 400' });
  });
});

describe('provider modules', () => {
  it('loads a default-exported factory with its options', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provider-'));
    writeFileSync(
      join(dir, 'provider.mjs'),
      'export default (options) => ({ name: "file-" + options.channel, async send(activity) { return [{ responseType: "sent" }]; } });\n',
    );
    const provider = await loadProvider({ provider: './provider.mjs', cwd: dir, options: { channel: 'sms' } });
    expect(provider.name).toBe('file-sms');
    expect(await provider.send({} as ChannelActivity, { idempotencyKey: '', abortSignal: new AbortController().signal })).toEqual([{ responseType: 'sent' }]);
  });

  it('refuses a module without a usable default export, with a hint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provider-'));
    writeFileSync(join(dir, 'empty.mjs'), 'export const x = 1;\n');
    await expect(loadProvider({ provider: './empty.mjs', cwd: dir })).rejects.toMatchObject({ kind: 'input', hint: expect.stringMatching(/export default/) });
    await expect(loadProvider({ provider: 'webhook', webhookUrl: 'ftp://x' })).rejects.toMatchObject({ kind: 'input' });
  });
});
