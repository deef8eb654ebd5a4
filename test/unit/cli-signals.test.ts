/** `abortOnSignal`: the one way CLI commands stop on SIGINT/SIGTERM, and detach when done. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { abortOnSignal, type SignalSource } from '../../src/cli/command.js';

/** A stand-in for the process: signals are emitted by hand, listeners can be counted. */
function fakeProcess(): EventEmitter & SignalSource {
  return new EventEmitter() as EventEmitter & SignalSource;
}

const listeners = (source: EventEmitter): number => source.listenerCount('SIGINT') + source.listenerCount('SIGTERM');

describe('abortOnSignal', () => {
  it('aborts on the first SIGINT, names it, and stops listening so a second one ends the process', async () => {
    const source = fakeProcess();
    const seen: NodeJS.Signals[] = [];
    const stop = abortOnSignal({ source, onSignal: (signal) => seen.push(signal) });
    expect(listeners(source)).toBe(2);
    expect(stop.signal.aborted).toBe(false);
    source.emit('SIGINT', 'SIGINT');
    expect(stop.signal.aborted).toBe(true);
    expect(stop.signal.reason).toMatchObject({ name: 'AbortError', message: 'interrupted by SIGINT' });
    await expect(stop.received).resolves.toBe('SIGINT');
    expect(seen).toEqual(['SIGINT']);
    expect(listeners(source)).toBe(0);
    stop.dispose();
  });

  it('aborts on SIGTERM too', async () => {
    const source = fakeProcess();
    const stop = abortOnSignal({ source });
    source.emit('SIGTERM', 'SIGTERM');
    await expect(stop.received).resolves.toBe('SIGTERM');
    expect(stop.signal.aborted).toBe(true);
  });

  it('detaches when the operation ends first, and a later signal changes nothing', () => {
    const source = fakeProcess();
    const seen: NodeJS.Signals[] = [];
    const stop = abortOnSignal({ source, onSignal: (signal) => seen.push(signal) });
    stop.dispose();
    stop.dispose();
    expect(listeners(source)).toBe(0);
    source.emit('SIGINT', 'SIGINT');
    expect(stop.signal.aborted).toBe(false);
    expect(seen).toEqual([]);
  });

  it('keeps the listeners of other operations', () => {
    const source = fakeProcess();
    const first = abortOnSignal({ source });
    const second = abortOnSignal({ source });
    first.dispose();
    expect(listeners(source)).toBe(2);
    source.emit('SIGINT', 'SIGINT');
    expect(first.signal.aborted).toBe(false);
    expect(second.signal.aborted).toBe(true);
  });
});
