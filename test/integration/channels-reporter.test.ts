/**
 * The interaction reporter against the emulator over real HTTP: every activity ends with exactly
 * one interaction per provider response, counted in the emulator's store.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReporterLedger, activityFromRow, sendReports, runReporter, InteractionReporter, simulatedProvider, ProviderError, type ChannelProvider } from '../../src/channels/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { countReportedInteractions, exactlyOnceProblems, populateActivities, testClient } from '../helpers/channelActivities.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setup(count: number): Promise<{ emulator: RunningEmulator; client: ReturnType<typeof testClient>; ledger: ReporterLedger }> {
  const emulator = await startTestEmulator({ seed: true });
  open.push(emulator);
  const client = testClient(emulator);
  open.push(client);
  await populateActivities(client, count);
  const ledger = ReporterLedger.open(':memory:');
  open.push(ledger);
  return { emulator, client, ledger };
}

describe('channel reporter', () => {
  it('reports sent and delivered once per activity, and a second run sends nothing', async () => {
    const { emulator, client, ledger } = await setup(60);
    const first = await runReporter({ client, ledger, provider: simulatedProvider() });
    const total = emulator.store.count('msdyncrm_customerjourneycustomchannelactivities');
    expect(first.activities.handedOff).toBe(total);
    expect(first.reports.confirmed).toBe(2 * total);
    expect(first.byResponseType).toEqual({ sent: total, delivered: total });
    expect(exactlyOnceProblems(emulator)).toEqual([]);

    const second = await runReporter({ client, ledger, provider: simulatedProvider(), useWatermark: false });
    expect(second.activities.alreadyHandled).toBe(total);
    expect(second.reports.confirmed).toBe(0);
    expect(exactlyOnceProblems(emulator)).toEqual([]);
  });

  it('sends the action parameters as documented, entity references included', async () => {
    const { emulator, client, ledger } = await setup(3);
    const seen: unknown[] = [];
    const provider: ChannelProvider = { name: 'spy', send: async () => [{ responseType: 'keyword', triggerKeyword: 'STOP' }] };
    await runReporter({ client, ledger, provider, batchSize: 1 });
    for (const row of emulator.store.scan('emulator_interactions')) {
      if (row.values.emulator_interactiontype === 'CustomChannelResponse') seen.push(JSON.parse(String(row.values.emulator_data)));
    }
    const total = emulator.store.count('msdyncrm_customerjourneycustomchannelactivities');
    expect(seen).toHaveLength(total);
    expect(seen[0]).toMatchObject({ ResponseType: 'keyword', TriggerKeyword: 'STOP', EntityType: 'contoso_smsmessage' });
  });

  it('reports 10,000 activities across 3 journeys exactly once each', async () => {
    const { emulator, client, ledger } = await setup(10_000);
    const summary = await runReporter({ client, ledger, provider: simulatedProvider() });
    const total = emulator.store.count('msdyncrm_customerjourneycustomchannelactivities');
    expect(total).toBeGreaterThanOrEqual(10_000);
    expect(summary.reports.confirmed).toBe(2 * total);
    expect(exactlyOnceProblems(emulator)).toEqual([]);
    const journeys = new Set([...countReportedInteractions(emulator).keys()].map((k) => k.split('|')[1]));
    expect(journeys.size).toBe(3);
  }, 240_000);

  it('loses nothing and duplicates nothing under a 429 storm with lost answers', async () => {
    const { emulator, client, ledger } = await setup(600);
    emulator.setFaults([
      { match: { path: '^\\$batch' }, probability: 0.4, status: 429, retryAfterSeconds: 0 },
      { match: { method: 'POST', path: '^\\$batch' }, probability: 0.1, drop: true, when: 'after' },
      { match: { method: 'POST', path: '^msdyncrm_LoadInteractionsPublic' }, probability: 0.3, status: 429, retryAfterSeconds: 0 },
    ]);
    const summary = await runReporter({ client, ledger, provider: simulatedProvider(), batchSize: 20 });
    const throttled = emulator.requestLog.filter((e) => e.status === 429).length;
    expect(throttled).toBeGreaterThan(0);
    expect(summary.reports.reconciledLanded + summary.reports.reconciledReopened).toBeGreaterThan(0);
    expect(summary.reports.deadLettered).toBe(0);
    expect(exactlyOnceProblems(emulator)).toEqual([]);
  }, 120_000);

  it('reconciles in-flight intents of a crashed run with the server before sending', async () => {
    const { emulator, client } = await setup(20);
    // A crashed run: intents written, half of them sent, then the process died.
    const file = join(mkdtempSync(join(tmpdir(), 'ledger-')), 'ledger.sqlite');
    const crashed = ReporterLedger.open(file);
    const provider = simulatedProvider();
    // Hand off and write intents without sending: claim everything.
    for await (const row of client.query('msdyncrm_customerjourneycustomchannelactivities')) {
      const parsed = activityFromRow(row);
      if ('activity' in parsed) crashed.recordHandOff(parsed.activity, await provider.send(parsed.activity, { idempotencyKey: '', abortSignal: new AbortController().signal }));
    }
    const claimed = crashed.claimPending(1000);
    await sendReports(client, claimed.slice(0, Math.floor(claimed.length / 2)));
    crashed.close();
    // The next run (same file, the crashed run is gone) must send only the other half.
    const ledger = ReporterLedger.open(file);
    open.push(ledger);
    expect(ledger.inFlight()).toHaveLength(claimed.length);
    const next = await new InteractionReporter({ client, ledger, provider }).run();
    expect(next.reports.reconciledLanded).toBe(Math.floor(claimed.length / 2));
    expect(next.reports.reconciledReopened).toBe(claimed.length - Math.floor(claimed.length / 2));
    expect(exactlyOnceProblems(emulator), JSON.stringify(next)).toEqual([]);
  });

  it('refuses response ids the tile does not declare and dead-letters them, then replays after a fix', async () => {
    const { emulator, client, ledger } = await setup(6);
    const bad: ChannelProvider = { name: 'bad', send: async () => [{ responseType: 'sent' }, { responseType: 'opened' }] };
    const summary = await runReporter({ client, ledger, provider: bad });
    const total = emulator.store.count('msdyncrm_customerjourneycustomchannelactivities');
    expect(summary.reports.deadLettered).toBe(total);
    expect(ledger.deadReports().every((d) => d.responseType === 'opened' && /unknown response type "opened"/.test(d.lastError ?? ''))).toBe(true);
    expect(exactlyOnceProblems(emulator, ['sent'])).toEqual([]);
  });

  it('retries provider failures with backoff, dead-letters them, and replays dead letters', async () => {
    const { emulator, client, ledger } = await setup(9);
    let calls = 0;
    const flaky: ChannelProvider = {
      name: 'flaky',
      async send() {
        calls++;
        throw new ProviderError('gateway down');
      },
    };
    const total = emulator.store.count('msdyncrm_customerjourneycustomchannelactivities');
    const summary = await runReporter({ client, ledger, provider: flaky, providerRetry: { maxAttempts: 3, baseDelayInMs: 1, maxDelayInMs: 5 } });
    expect(calls).toBe(3 * total);
    expect(summary.activities.deadLettered).toBe(total);
    expect(ledger.deadActivities()).toHaveLength(total);
    expect(countReportedInteractions(emulator).size).toBe(0);

    const replay = await new InteractionReporter({ client, ledger, provider: simulatedProvider() }).replayDeadLetters();
    expect(replay.activities.handedOff).toBe(total);
    expect(ledger.deadActivities()).toHaveLength(0);
    expect(exactlyOnceProblems(emulator)).toEqual([]);
  });

  it('with --follow, picks up activities created after the first pass, until stopped', async () => {
    const { emulator, client, ledger } = await setup(9);
    const stop = new AbortController();
    let passesSeen = 0;
    const running = runReporter({
      client,
      ledger,
      provider: simulatedProvider(),
      follow: true,
      pollIntervalInMs: 20,
      abortSignal: stop.signal,
      onProgress: (p) => {
        passesSeen = p.passes;
      },
    });
    while (passesSeen < 1) await new Promise((r) => setTimeout(r, 10));
    await populateActivities(client, 6);
    const total = emulator.store.count('msdyncrm_customerjourneycustomchannelactivities');
    while (ledger.counts().reports.confirmed < 2 * total) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    const summary = await running;
    expect(summary.interrupted).toBe(true);
    expect(summary.passes).toBeGreaterThan(1);
    expect(summary.reports.confirmed).toBe(2 * total);
    expect(exactlyOnceProblems(emulator)).toEqual([]);
  });

  it('says the action is gone on an environment without outbound marketing, and dead-letters nothing', async () => {
    const emulator = await startTestEmulator({ seed: true, profile: 'outbound-removed' });
    open.push(emulator);
    const client = testClient(emulator);
    open.push(client);
    const ledger = ReporterLedger.open(':memory:');
    open.push(ledger);
    await expect(runReporter({ client, ledger, provider: simulatedProvider() })).rejects.toMatchObject({
      name: 'ActionNotAvailableError',
      message: expect.stringMatching(/msdyncrm_CustomChannelActivityCreateInteraction.*outbound marketing/),
    });
    expect(ledger.counts()).toMatchObject({ activitiesHanded: 0, activitiesDead: 0 });
  });

  it('refuses a ledger that belongs to another organization', async () => {
    const { client, ledger } = await setup(3);
    ledger.setMeta('organizationId', '99999999-9999-9999-9999-999999999999');
    await expect(runReporter({ client, ledger, provider: simulatedProvider() })).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringMatching(/belongs to organization 99999999/),
      hint: expect.stringMatching(/--ledger/),
    });
    expect(ledger.counts().activitiesHanded).toBe(0);
  });
});
