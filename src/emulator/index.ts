/**
 * The emulator's public entry: `startEmulator` composes the Dataverse Web API core with the
 * operations plugins (request log, fault injection, service protection) and the marketing and
 * Graph semantics, and returns a running server.
 *
 * Plugin order matters for `around`: the request log is outermost, so throttled, faulted and
 * dropped requests are recorded too. Service protection comes next and fault injection inside it:
 * injected latency then behaves like a slow server (it holds a concurrency slot and counts as
 * execution time, as it would in Dataverse), and injected answers carry the rate-limit headers
 * like every other response.
 */
import { createEmulatorCore } from './core/server.js';
import type { EmulatorPlugin } from './core/types.js';
import type { EmulatorStore } from './core/store.js';
import { FaultInjector } from './faults/FaultInjector.js';
import type { FaultRule } from './faults/FaultRule.js';
import { faultsPlugin } from './faults/faultsPlugin.js';
import { parseFaultRules } from './faults/parseFaultRules.js';
import { graphPlugin } from './graph/index.js';
import { marketingPlugin } from './marketing/index.js';
import type { ServiceProtectionLimits } from './protection/limits.js';
import { parseLimits } from './protection/parseLimits.js';
import { protectionPlugin } from './protection/protectionPlugin.js';
import { ServiceProtection } from './protection/ServiceProtection.js';
import { RequestLog, type RequestLogEntry } from './requestLog/RequestLog.js';
import { requestLogPlugin } from './requestLog/requestLogPlugin.js';
import { isStoreEmpty, seedStore } from './seed/seed.js';
import { customApiRuntimePlugin, type CustomApiImplementation } from './customApiRuntime/index.js';
import { InputError } from '../errors.js';

export type { FaultRule } from './faults/FaultRule.js';
export type { ServiceProtectionLimits } from './protection/limits.js';
export { DEFAULT_LIMITS } from './protection/limits.js';
export type { RequestLogEntry } from './requestLog/RequestLog.js';
export type { EmulatorStore } from './core/store.js';
export { parseFaultRules } from './faults/parseFaultRules.js';
export { parseLimits } from './protection/parseLimits.js';
export { SeedIds } from './seed/seedData.js';
export { seedId } from './seed/seedIds.js';
export { exportDataDir, resetDataDir, seedDataDir, type StoreLocation } from './seed/maintenance.js';
export { STORE_FILE } from './core/store.js';
export { LOCK_FILE, StoreLockedError, acquireStoreLock, assertStoreNotServed, storeLockOwner, type StoreLock, type StoreLockOwner } from './ops/storeLock.js';

export { parseCustomApiBinding, type CustomApiHandler, type CustomApiImplementation, type CustomApiRequest } from './customApiRuntime/index.js';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Directory holding the SQLite store (WAL). Omitted => in-memory. */
  dataDir?: string;
  /** Seed the sample data when the store is empty. @default false (the CLI's `emulator start` seeds a new store) */
  seed?: boolean;
  /** Delay of Going live -> Live/Error and Stopping -> Stopped. @default 2000 */
  transitionDelayMs?: number;
  /** Per-user service protection limits. @default Dataverse's: 6000 requests and 1,200,000 ms per 300 s, 52 concurrent */
  limits?: ServiceProtectionLimits;
  /** Fault injection rules. @default none */
  faults?: FaultRule[];
  /** Seed of the fault injector's random numbers, for replayable fault scenarios. @default random */
  faultSeed?: number;
  /** `outbound-removed` answers the outbound marketing actions as a current tenant does (404). @default 'default' */
  profile?: 'default' | 'outbound-removed';
  /** Ignore unsupported query options instead of answering 400. @default false */
  loose?: boolean;
  /** Also append the request log to this JSONL file (redacted). */
  requestLogFile?: string;
  /** Log lines (start-up, internal errors, simulator runs). @default no logging */
  log?: (line: string) => void;
  /**
   * Implementations of custom APIs by unique name, standing in for their plug-ins: a function, a
   * JavaScript module (`./handler.mjs` or `./handler.mjs#exportName`) or an HTTP endpoint
   * (`http://…`). Every custom API row is callable; one without an implementation answers null
   * response properties. @default none
   */
  customApis?: Record<string, CustomApiImplementation>;
  /** How long a custom API implementation may run. @default 120000 */
  customApiTimeoutMs?: number;
  /** Directory custom API module paths are resolved from. @default the working directory */
  customApiBaseDir?: string;
}

/** A running emulator. */
export interface RunningEmulator {
  /** Origin, e.g. `http://127.0.0.1:53211`. */
  url: string;
  /** `${url}/api/data/v9.2/`. */
  serviceRoot: string;
  /** Every top-level request since start, in arrival order (the oldest dropped beyond 1,000,000). */
  requestLog: RequestLogEntry[];
  /** The store, for tests: count and read rows directly. */
  store: EmulatorStore;
  /** Replace the fault rules (validated; an invalid rule throws an `InputError`). */
  setFaults(rules: FaultRule[]): void;
  /** Replace the limits; `undefined` restores Dataverse's defaults. */
  setLimits(limits: ServiceProtectionLimits | undefined): void;
  /** Stop listening, finish pending work and close the store (checkpointing the WAL). */
  close(): Promise<void>;
}

/** Start an emulator. Resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  // Validate configuration before anything starts, so bad input never leaves a half-open server.
  const faults = parseFaultRules(options.faults ?? []).rules;
  const limits = options.limits === undefined ? undefined : parseLimits(options.limits);
  const log = options.log ?? (() => {});
  let customApis: EmulatorPlugin;
  try {
    customApis = await customApiRuntimePlugin({
      bindings: options.customApis ?? {},
      ...(options.customApiTimeoutMs !== undefined ? { timeoutMs: options.customApiTimeoutMs } : {}),
      ...(options.customApiBaseDir !== undefined ? { baseDir: options.customApiBaseDir } : {}),
      log,
    });
  } catch (error) {
    throw new InputError((error as Error).message, {}, { hint: 'check the module path (relative to the working directory) and that it exports the function', cause: error });
  }

  const requestLog = new RequestLog(
    options.requestLogFile ? { file: options.requestLogFile, onFileError: (error) => log(`request log file: ${error.message}; logging in memory only`) } : {},
  );
  const injector = new FaultInjector(faults, options.faultSeed);
  const protection = new ServiceProtection(limits ? { limits } : {});
  const plugins: EmulatorPlugin[] = [
    requestLogPlugin(requestLog),
    protectionPlugin(protection),
    faultsPlugin(injector),
    marketingPlugin({ transitionDelayMs: options.transitionDelayMs ?? 2000, profile: options.profile ?? 'default', log }),
    graphPlugin(),
    customApis,
  ];

  let core;
  try {
    core = await createEmulatorCore({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      loose: options.loose ?? false,
      plugins,
      log,
    });
  } catch (error) {
    await requestLog.close();
    throw error;
  }

  if (options.seed) {
    try {
      if (isStoreEmpty(core)) log(`seeded ${seedStore(core)} sample records`);
    } catch (error) {
      await core.close();
      await requestLog.close();
      throw error;
    }
  }

  let closing: Promise<void> | undefined;
  return {
    url: core.url,
    serviceRoot: core.serviceRoot(),
    requestLog: requestLog.entries,
    store: core.store,
    setFaults(rules) {
      injector.setRules(parseFaultRules(rules).rules);
    },
    setLimits(next) {
      protection.setLimits(next === undefined ? undefined : parseLimits(next));
    },
    close() {
      closing ??= core.close().finally(() => requestLog.close());
      return closing;
    },
  };
}
