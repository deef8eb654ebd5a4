/**
 * Go-live and stop pollers against the emulator over real HTTP: a valid journey ends Live, an
 * invalid one fails with findings (offline, online, or the server's), timeout, abort,
 * serialize/resume, stop, and the outbound-removed profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataverseClient } from '../../src/dataverse/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { JourneyClient, JourneyPoller, type JourneyOperationState } from '../../src/journeys/index.js';
import { JourneyStatus as S } from '../../src/model/optionSets.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { invalidDraft, validDraft, writesIn } from '../helpers/journeys.js';

const RECURRENCE_FAULT = 'ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations';
const WAIT = { timeoutInMs: 20_000 };

function clientFor(emulator: RunningEmulator): JourneyClient {
  return new JourneyClient(new DataverseClient({ url: emulator.url, retry: { baseDelayInMs: 5 } }), { pollIntervalInMs: 10 });
}

describe('go-live and stop', () => {
  let emulator: RunningEmulator;
  let journeys: JourneyClient;

  beforeAll(async () => {
    emulator = await startTestEmulator({ seed: true });
    journeys = clientFor(emulator);
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('takes a valid journey live: PATCHes statuscode to Going live and polls until Live', async () => {
    const { id } = await journeys.create(validDraft());
    const before = emulator.requestLog.length;
    const poller = await journeys.beginGoLive(id!);
    const writes = writesIn(emulator.requestLog, before);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ method: 'PATCH' });
    const progress: (number | undefined)[] = [];
    poller.onProgress((state) => progress.push(state.lastStatusCode));
    const final = await poller.pollUntilDone(WAIT);
    expect(final).toMatchObject({ status: 'succeeded', journeyId: id, lastStatusCode: S.Live });
    expect(progress.at(-1)).toBe(S.Live);
    expect(progress.every((s) => s === S.GoingLive || s === S.Live)).toBe(true);
    expect(poller.isDone()).toBe(true);
    expect((await journeys.get(id!)).statusCode).toBe(S.Live);
  });

  it('stops a live journey: Stopping, then Stopped', async () => {
    const { id } = await journeys.create(validDraft());
    await (await journeys.beginGoLive(id!)).pollUntilDone(WAIT);
    const poller = await journeys.beginStop(id!);
    const final = await poller.pollUntilDone(WAIT);
    expect(final).toMatchObject({ status: 'succeeded', operation: 'stop', lastStatusCode: S.Stopped });
    expect((await journeys.get(id!)).statusCode).toBe(S.Stopped);
  });

  it('stops at the offline check with its findings, writing nothing', async () => {
    const { id } = await journeys.create(invalidDraft());
    const before = emulator.requestLog.length;
    const error = await journeys.beginGoLive(id!).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'JourneyOperationFailedError', kind: 'operation', stage: 'offline-validation' });
    expect((error as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId)).toContain(RECURRENCE_FAULT);
    expect(writesIn(emulator.requestLog, before)).toEqual([]);
    expect(emulator.requestLog.slice(before).some((e) => e.path.endsWith('msdyncrm_CustomerJourneyValidate'))).toBe(false);
  });

  it('stops at the online check when offline checks are bypassed', async () => {
    const { id } = await journeys.create(invalidDraft());
    const before = emulator.requestLog.length;
    const error = await journeys.beginGoLive(id!, { offlineValidation: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'JourneyOperationFailedError', stage: 'online-validation' });
    expect((error as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId)).toContain(RECURRENCE_FAULT);
    expect(emulator.requestLog.slice(before).some((e) => e.path.endsWith('msdyncrm_CustomerJourneyValidate'))).toBe(true);
    expect(writesIn(emulator.requestLog, before)).toEqual([]);
  });

  it("fails with the server's validation results when the journey ends in Error", async () => {
    const { id } = await journeys.create(invalidDraft());
    const poller = await journeys.beginGoLive(id!, { offlineValidation: false, onlineValidation: false });
    const error = await poller.pollUntilDone(WAIT).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'JourneyOperationFailedError', kind: 'operation', stage: 'server' });
    const failure = error as { findings: { ruleId: string; severity: string }[]; state: JourneyOperationState };
    expect(failure.findings.map((f) => f.ruleId)).toContain(RECURRENCE_FAULT);
    expect(failure.state).toMatchObject({ status: 'failed', lastStatusCode: S.Error });
    expect(poller.getOperationState().status).toBe('failed');
  });

  it('refuses to stop a journey that is not live, naming the allowed transitions', async () => {
    const { id } = await journeys.create(validDraft());
    await expect(journeys.beginStop(id!)).rejects.toThrow(/allowed: Going live \(192350006\), Expired \(192350004\)/);
  });
});

describe('poller timeout, abort and resume', () => {
  let emulator: RunningEmulator;
  let journeys: JourneyClient;

  beforeAll(async () => {
    // A transition that takes far longer than any test waits.
    emulator = await startTestEmulator({ seed: true, transitionDelayMs: 600_000 });
    journeys = clientFor(emulator);
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('times out with the last observed state', async () => {
    const { id } = await journeys.create(validDraft());
    const poller = await journeys.beginGoLive(id!);
    const error = await poller.pollUntilDone({ timeoutInMs: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PollTimeoutError', kind: 'operation' });
    expect((error as { state: JourneyOperationState }).state).toMatchObject({ status: 'running', journeyId: id, lastStatusCode: S.GoingLive });
    expect((error as Error).message).toContain('Going live (192350006)');
  });

  it('stops polling when aborted, leaving the operation running', async () => {
    const { id } = await journeys.create(validDraft());
    const poller = await journeys.beginGoLive(id!);
    const controller = new AbortController();
    let polls = 0;
    poller.onProgress(() => {
      polls++;
      if (polls === 2) controller.abort();
    });
    const error = await poller.pollUntilDone({ abortSignal: controller.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(polls).toBe(2);
    const countAfterAbort = emulator.requestLog.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(emulator.requestLog.length).toBe(countAfterAbort);
    expect(poller.getOperationState().status).toBe('running');
    expect((await journeys.get(id!)).statusCode).toBe(S.GoingLive);
  });

  it('serializes and resumes a poller, and a second go-live of a Going live journey writes nothing', async () => {
    const { id } = await journeys.create(validDraft());
    const poller = await journeys.beginGoLive(id!);
    await poller.poll();
    const serialized = poller.serialize();
    const resumed = journeys.resumePoller(serialized);
    expect(resumed.getOperationState()).toEqual(poller.getOperationState());
    await resumed.poll();
    expect(resumed.getOperationState()).toMatchObject({ journeyId: id, status: 'running', lastStatusCode: S.GoingLive });
    const before = emulator.requestLog.length;
    const again = await journeys.beginGoLive(id!);
    expect(writesIn(emulator.requestLog, before)).toEqual([]);
    expect(again.getOperationState()).toMatchObject({ operation: 'goLive', journeyId: id });
    expect(() => JourneyPoller.resume(journeys, '{"nope":1}')).toThrow(/Not a serialized journey poller state/);
  });
});

describe('a resumed poller sees the end', () => {
  it('resumes in another client and ends Live', async () => {
    const emulator = await startTestEmulator({ seed: true });
    try {
      const first = clientFor(emulator);
      const { id } = await first.create(validDraft());
      const serialized = (await first.beginGoLive(id!)).serialize();
      const final = await clientFor(emulator).resumePoller(serialized).pollUntilDone(WAIT);
      expect(final).toMatchObject({ status: 'succeeded', lastStatusCode: S.Live });
    } finally {
      await emulator.close();
    }
  });
});

describe('outbound-removed profile', () => {
  let emulator: RunningEmulator;
  let journeys: JourneyClient;

  beforeAll(async () => {
    emulator = await startTestEmulator({ seed: true, profile: 'outbound-removed' });
    journeys = clientFor(emulator);
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('validate online says outbound marketing was removed (service kind)', async () => {
    const { id } = await journeys.create(validDraft());
    const error = await journeys.validate(id!).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ActionNotAvailableError', kind: 'service', actionName: 'msdyncrm_CustomerJourneyValidate' });
    expect((error as Error).message).toMatch(/no longer has msdyncrm_CustomerJourneyValidate: outbound marketing was removed/);
    expect((error as { hint: string }).hint).toMatch(/journeyctl validate.*offline.*journeyctl audit/);
  });

  it('go-live says the same and writes nothing', async () => {
    const { id } = await journeys.create(validDraft());
    const before = emulator.requestLog.length;
    const error = await journeys.beginGoLive(id!).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ActionNotAvailableError', kind: 'service' });
    expect((error as Error).message).toMatch(/outbound marketing was removed/);
    expect(writesIn(emulator.requestLog, before)).toEqual([]);
    expect((await journeys.get(id!)).statusCode).toBe(S.Draft);
  });
});
