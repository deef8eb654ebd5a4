/**
 * A test emulator with a `DataverseClient` connected to it, for the client's integration tests.
 *
 *   // One for the whole file (or describe), started before its tests and disposed after them:
 *   const setup = emulatorClientPerFile({ seed: true }, { retry: { baseDelayInMs: 5 } });
 *   it('…', async () => { await setup.client.whoAmI(); });
 *
 *   // One per test, disposed after each:
 *   const start = emulatorClientPerTest();
 *   it('…', async () => { const { emulator, client } = await start({ faults }); … });
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { DataverseClient, type DataverseClientOptions } from '../../src/dataverse/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from './emulator.js';

/** The client's options; its URL is the emulator's. */
export type TestClientOptions = Omit<DataverseClientOptions, 'url'>;

/** A running test emulator and a client of it. */
export interface EmulatorClient {
  emulator: RunningEmulator;
  client: DataverseClient;
  /** Close the client, then the emulator. Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Start a test emulator (`startTestEmulator` defaults, `options` over them) and a client connected
 * to it. `client` may be a function of the running emulator, for options that act on it (an
 * `onRetry` that changes its faults).
 */
export async function startEmulatorClient(options: EmulatorOptions = {}, client: TestClientOptions | ((emulator: RunningEmulator) => TestClientOptions) = {}): Promise<EmulatorClient> {
  const emulator = await startTestEmulator(options);
  let connected: DataverseClient;
  try {
    connected = new DataverseClient({ ...(typeof client === 'function' ? client(emulator) : client), url: emulator.url });
  } catch (error) {
    await emulator.close();
    throw error;
  }
  let disposed = false;
  return {
    emulator,
    client: connected,
    async dispose() {
      if (disposed) return;
      disposed = true;
      connected.close();
      await emulator.close();
    },
  };
}

/**
 * For files whose tests each start their own emulator: returns {@link startEmulatorClient}, and
 * disposes what it started after each test (call it at the top level of the file or a `describe`).
 */
export function emulatorClientPerTest(): typeof startEmulatorClient {
  const started: EmulatorClient[] = [];
  afterEach(async () => {
    for (const setup of started.splice(0)) await setup.dispose();
  });
  return async (options, client) => {
    const setup = await startEmulatorClient(options, client);
    started.push(setup);
    return setup;
  };
}

/**
 * For files (or describes) whose tests share one emulator: starts it and its client before the
 * tests and disposes them after. The getters may be read in tests and later hooks.
 */
export function emulatorClientPerFile(
  options: EmulatorOptions = {},
  client: TestClientOptions | ((emulator: RunningEmulator) => TestClientOptions) = {},
): { readonly emulator: RunningEmulator; readonly client: DataverseClient } {
  let setup: EmulatorClient | undefined;
  beforeAll(async () => {
    setup = await startEmulatorClient(options, client);
  });
  afterAll(() => setup?.dispose());
  const started = (): EmulatorClient => {
    if (!setup) throw new Error('the emulator starts in beforeAll: read it inside tests or later hooks');
    return setup;
  };
  return {
    get emulator() {
      return started().emulator;
    },
    get client() {
      return started().client;
    },
  };
}
