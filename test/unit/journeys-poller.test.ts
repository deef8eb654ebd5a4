/** The poller's state machine over a scripted status source (the HTTP side is in the integration tests). */
import { describe, expect, it } from 'vitest';
import { JourneyPoller, type JourneyOperationState, type JourneyStatusSource, type ObservedJourneyStatus } from '../../src/journeys/index.js';
import { JourneyStatus as S } from '../../src/model/optionSets.js';

const ID = '6628bbf7-3b1b-e911-a9b7-000d3a1e6adc';

function scripted(statuses: ObservedJourneyStatus[]): JourneyStatusSource & { reads: number } {
  const source = {
    reads: 0,
    async readStatus(): Promise<ObservedJourneyStatus> {
      const next = statuses[Math.min(source.reads, statuses.length - 1)]!;
      source.reads++;
      return next;
    },
  };
  return source;
}

function goLiveState(): JourneyOperationState {
  return { version: 1, operation: 'goLive', status: 'running', journeyId: ID, target: S.Live, pending: S.GoingLive };
}

describe('JourneyPoller', () => {
  it('reports progress on every poll and succeeds on the target status', async () => {
    const source = scripted([{ statusCode: S.GoingLive }, { statusCode: S.GoingLive }, { statusCode: S.Live }]);
    const poller = new JourneyPoller(source, goLiveState(), { pollIntervalInMs: 0 });
    const seen: (string | undefined)[] = [];
    const unsubscribe = poller.onProgress((s) => seen.push(s.lastStatus));
    const final = await poller.pollUntilDone();
    expect(final.status).toBe('succeeded');
    expect(seen).toEqual(['Going live (192350006)', 'Going live (192350006)', 'Live (192350001)']);
    unsubscribe();
    expect(source.reads).toBe(3);
  });

  it('fails with the findings stored in msdyncrm_validationresults', async () => {
    const results = JSON.stringify({ Result: 'Error', ActivityValidationResults: [{ ActivityId: '', Fault: 'ErrorX', Result: 'Error', ErrorMessageArguments: ['a'] }] });
    const poller = new JourneyPoller(scripted([{ statusCode: S.Error, validationResults: results }]), goLiveState(), { pollIntervalInMs: 0 });
    const error = await poller.pollUntilDone().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'JourneyOperationFailedError', kind: 'operation', stage: 'server', findings: [expect.objectContaining({ ruleId: 'ErrorX', arguments: ['a'] })] });
    expect(poller.getOperationState()).toMatchObject({ status: 'failed', lastStatusCode: S.Error });
  });

  it('ends canceled when the journey leaves the operation another way', async () => {
    const poller = new JourneyPoller(scripted([{ statusCode: S.Draft }]), goLiveState(), { pollIntervalInMs: 0 });
    await expect(poller.pollUntilDone()).rejects.toMatchObject({ name: 'JourneyOperationFailedError' });
    expect(poller.getOperationState().status).toBe('canceled');
  });

  it('round-trips its state through serialize/resume and refuses anything else', () => {
    const poller = new JourneyPoller(scripted([]), { ...goLiveState(), lastStatusCode: S.GoingLive }, {});
    const resumed = JourneyPoller.resume(scripted([]), poller.serialize());
    expect(resumed.getOperationState()).toEqual(poller.getOperationState());
    for (const bad of ['', 'null', '{"version":1}', JSON.stringify({ ...goLiveState(), status: 'weird' })]) {
      expect(() => JourneyPoller.resume(scripted([]), bad)).toThrowError(expect.objectContaining({ kind: 'input' }));
    }
  });

  it('does not poll again once done, and the state it hands out is a copy', async () => {
    const source = scripted([{ statusCode: S.Live }]);
    const poller = new JourneyPoller(source, goLiveState(), { pollIntervalInMs: 0 });
    await poller.pollUntilDone();
    await poller.pollUntilDone();
    expect(source.reads).toBe(1);
    poller.getOperationState().status = 'failed';
    expect(poller.isDone()).toBe(true);
    expect(poller.getOperationState().status).toBe('succeeded');
  });

  it('refuses a negative poll interval', () => {
    expect(() => new JourneyPoller(scripted([]), goLiveState(), { pollIntervalInMs: -1 })).toThrow(RangeError);
  });
});

/** Virtual time: `sleep` resolves when `advance` passes its deadline. */
class ManualClock {
  time = 0;
  private timers: { at: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number, abortSignal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (abortSignal?.aborted) return reject(abortSignal.reason);
      const timer = { at: this.time + ms, resolve, reject };
      this.timers.push(timer);
      abortSignal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(abortSignal.reason);
      }, { once: true });
    });
  }
  get pending(): number {
    return this.timers.length;
  }
  /** Move time forward and let everything due run (microtasks included). */
  async advance(ms: number): Promise<void> {
    this.time += ms;
    for (const t of this.timers.filter((x) => x.at <= this.time)) {
      this.timers = this.timers.filter((x) => x !== t);
      t.resolve();
    }
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('JourneyPoller on an injected clock', () => {
  it('waits the interval on the clock between polls and stamps polls with its time', async () => {
    const clock = new ManualClock();
    const source = scripted([{ statusCode: S.GoingLive }, { statusCode: S.GoingLive }, { statusCode: S.Live }]);
    const poller = new JourneyPoller(source, goLiveState(), { pollIntervalInMs: 2000, clock });
    const done = poller.pollUntilDone();
    await flush();
    expect(source.reads).toBe(1);
    await clock.advance(1999);
    expect(source.reads).toBe(1);
    await clock.advance(1);
    expect(source.reads).toBe(2);
    await clock.advance(2000);
    await expect(done).resolves.toMatchObject({ status: 'succeeded', lastPolledAt: new Date(4000).toISOString() });
    expect(source.reads).toBe(3);
  });

  it('shares one polling loop and one result among concurrent pollUntilDone callers', async () => {
    const clock = new ManualClock();
    const source = scripted([{ statusCode: S.GoingLive }, { statusCode: S.Live }]);
    const poller = new JourneyPoller(source, goLiveState(), { pollIntervalInMs: 1000, clock });
    const callers = [poller.pollUntilDone(), poller.pollUntilDone(), poller.pollUntilDone()];
    await flush();
    expect(source.reads).toBe(1);
    expect(clock.pending).toBe(1);
    await clock.advance(1000);
    const results = await Promise.all(callers);
    expect(source.reads).toBe(2);
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it("one caller's abort or timeout ends only its own wait; the loop stops when nobody waits", async () => {
    const clock = new ManualClock();
    const source = scripted([{ statusCode: S.GoingLive }]);
    const poller = new JourneyPoller(source, goLiveState(), { pollIntervalInMs: 1000, clock });
    const controller = new AbortController();
    const aborted = poller.pollUntilDone({ abortSignal: controller.signal }).catch((e: unknown) => e);
    const timed = poller.pollUntilDone({ timeoutInMs: 2500 }).catch((e: unknown) => e);
    await flush();
    controller.abort();
    expect(await aborted).toMatchObject({ name: 'AbortError' });
    await clock.advance(1000);
    expect(source.reads).toBe(2);
    await clock.advance(1500);
    expect(await timed).toMatchObject({ name: 'PollTimeoutError' });
    await clock.advance(5000);
    expect(source.reads).toBe(3);
    expect(clock.pending).toBe(0);
  });
});
