/**
 * Setup shared by the client benchmarks: the emulator in its own process, dynamics-web-api pointed
 * at it, and the rows both sides write.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DynamicsWebApi } from 'dynamics-web-api';
import type { EmulatorOptions } from '../src/emulator/index.js';

// dynamics-web-api routes everything through http_proxy/https_proxy and ignores NO_PROXY.
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

/** Service-protection limits high enough never to pace a benchmark, except concurrency. */
export function liftedLimits(maxConcurrent: number): NonNullable<EmulatorOptions['limits']> {
  return { windowMs: 300_000, maxRequests: 1_000_000, maxExecutionMs: 1e12, maxConcurrent };
}

export interface RemoteEmulator {
  url: string;
  close(): void;
}

/**
 * The emulator in its own process, as a remote service would be: client and server do not share
 * one event loop, so the comparison measures the clients, not their competition for a thread.
 * `options` must be JSON (it crosses the process boundary).
 */
export async function remoteEmulator(options: EmulatorOptions): Promise<RemoteEmulator> {
  const entry = new URL('../src/emulator/index.js', import.meta.url).href;
  const script = `const { startEmulator } = await import(${JSON.stringify(entry)}); const e = await startEmulator(${JSON.stringify(options)}); console.log(e.url);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url: url.trim(), close: () => void child.kill() };
}

/** dynamics-web-api on `url`, Web API 9.2, with a fixed token. */
export function dwaFor(url: string): DynamicsWebApi {
  return new DynamicsWebApi({ serverUrl: url, onTokenRefresh: async () => 'bench-token', dataApi: { version: '9.2' } });
}

/** `count` contacts all with `firstname` = `tag`, so a sample can count what it stored. */
export function contacts(count: number, tag: string): { firstname: string; lastname: string }[] {
  return Array.from({ length: count }, (_, i) => ({ firstname: tag, lastname: `${tag}-${i}` }));
}
