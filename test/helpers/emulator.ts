/**
 * Start an emulator for a test: in-memory, loopback, a free port, no seed unless asked, and a short
 * transition delay so go-live and stop complete quickly.
 *
 *   const emulator = await startTestEmulator();
 *   afterAll(() => emulator.close());
 *
 *   await withEmulator({ seed: true }, async (emulator) => { ... });
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

/** Transition delay used by tests (ms): long enough to observe Going live, short enough to poll. */
export const TEST_TRANSITION_DELAY_MS = 50;

/** Start an emulator with test defaults; `options` override them. Close it when done. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    host: '127.0.0.1',
    port: 0,
    seed: false,
    transitionDelayMs: TEST_TRANSITION_DELAY_MS,
    ...options,
  });
}

/** Run `fn` against a fresh test emulator and close it afterwards, even when `fn` throws. */
export async function withEmulator<T>(options: EmulatorOptions, fn: (emulator: RunningEmulator) => Promise<T>): Promise<T> {
  const emulator = await startTestEmulator(options);
  try {
    return await fn(emulator);
  } finally {
    await emulator.close();
  }
}

/** An unsigned JWT whose `oid` claim makes the emulator treat requests as coming from `oid`. */
export function testBearerToken(oid: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ oid, sub: oid, aud: 'https://emulator.local' })}.`;
}
