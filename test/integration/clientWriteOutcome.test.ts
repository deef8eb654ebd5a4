/**
 * Writes whose outcome is unknown: a single create or update loses its answer after the emulator
 * committed it (drop after), and the retry then gets a 500. The client reads the record back by
 * id; when it cannot, it throws WriteOutcomeUnknownError carrying the record id.
 */
import { describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/index.js';
import { DataverseClient, isWriteOutcomeUnknownError, type RetryInfo } from '../../src/dataverse/index.js';
import { emulatorClientPerTest, type EmulatorClient } from '../helpers/emulatorClient.js';

const start = emulatorClientPerTest();
const RETRY = { baseDelayInMs: 1, maxDelayInMs: 5, maxAttempts: 3 };

/** First the write's answer is dropped after commit; from the first retry on, `then` applies. */
function setUp(method: 'POST' | 'PATCH', then: FaultRule[]): Promise<EmulatorClient> {
  return start({ faults: [{ match: { method, path: '^contacts' }, probability: 1, drop: true, when: 'after' }] }, (running) => ({
    retry: RETRY,
    onRetry: (info: RetryInfo) => {
      if (info.attempt === 1) running.setFaults(then);
    },
  }));
}

const error500 = (method: string): FaultRule => ({ match: { method, path: '^contacts' }, probability: 1, status: 500 });

describe('a single write whose answer is lost and whose retry fails', () => {
  it('create: finds the committed record by its client-generated id and succeeds, with one row', async () => {
    const { emulator, client } = await setUp('POST', [error500('POST')]);
    const before = emulator.store.count('contacts');
    const { id } = await client.create('contacts', { firstname: 'Lost', lastname: 'Answer' });
    expect(emulator.store.count('contacts') - before).toBe(1);
    expect(emulator.store.get('contacts', id)?.values).toMatchObject({ firstname: 'Lost', lastname: 'Answer' });
    expect(emulator.requestLog.some((e) => e.fault?.includes('drop after'))).toBe(true);
    expect(emulator.requestLog.some((e) => e.status === 500)).toBe(true);
  });

  it('create: when the read-back fails too, throws WriteOutcomeUnknownError with the record id', async () => {
    const { emulator, client } = await setUp('POST', [error500('POST'), error500('GET')]);
    const error: unknown = await client.create('contacts', { firstname: 'Lost', lastname: 'Twice' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isWriteOutcomeUnknownError(error)).toBe(true);
    if (!isWriteOutcomeUnknownError(error)) return;
    expect(error.name).toBe('WriteOutcomeUnknownError');
    expect(error.message).toMatch(/may have been applied/);
    // The id it carries is the committed row's.
    expect(emulator.store.get('contacts', error.recordId)?.values).toMatchObject({ lastname: 'Twice' });
  });

  it('create: when the write never ran (dropped before), the retry failure is reported as it is', async () => {
    const { emulator: running, client } = await start({ faults: [{ match: { method: 'POST', path: '^contacts' }, probability: 1, drop: true, when: 'before' }] }, (emulator) => ({
      retry: RETRY,
      onRetry: () => emulator.setFaults([error500('POST')]),
    }));
    const before = running.store.count('contacts');
    const error: unknown = await client.create('contacts', { lastname: 'Never' }).then(() => undefined, (e: unknown) => e);
    expect((error as Error).name).toBe('DataverseError');
    expect((error as { status?: number }).status).toBe(500);
    expect(running.store.count('contacts') - before).toBe(0);
  });

  it('update: finds the committed values and succeeds; when the read-back fails, throws WriteOutcomeUnknownError', async () => {
    const { emulator, client } = await setUp('PATCH', [error500('PATCH')]);
    emulator.setFaults([]);
    const { id } = await client.create('contacts', { lastname: 'Before' });
    emulator.setFaults([{ match: { method: 'PATCH', path: '^contacts' }, probability: 1, drop: true, when: 'after' }]);
    await client.update('contacts', id, { lastname: 'After' });
    expect(emulator.store.get('contacts', id)?.values.lastname).toBe('After');

    emulator.setFaults([{ match: { method: 'PATCH', path: '^contacts' }, probability: 1, drop: true, when: 'after' }]);
    const failing = new DataverseClient({
      url: emulator.url,
      retry: RETRY,
      onRetry: (info) => {
        if (info.attempt === 1) emulator.setFaults([error500('PATCH'), error500('GET')]);
      },
    });
    try {
      const error: unknown = await failing.update('contacts', id, { lastname: 'Again' }).then(() => undefined, (e: unknown) => e);
      expect((error as Error).name).toBe('WriteOutcomeUnknownError');
      expect(isWriteOutcomeUnknownError(error) && error.recordId).toBe(id);
      expect(emulator.store.get('contacts', id)?.values.lastname).toBe('Again');
    } finally {
      failing.close();
    }
  });
});
