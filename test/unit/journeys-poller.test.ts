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
