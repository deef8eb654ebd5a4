/**
 * `npm start`: the journeyctl demo. Runs each step of {@link DEMO_STEPS} in order against an
 * in-process emulator and prints what it did; exits 1 if a step fails.
 *
 * The emulator is in-memory and seeded afresh on every run, so the demo is the same on a clean
 * clone and on the tenth run; only its output folder (`.journeyctl/demo`) is written to disk.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Connection } from '../cli/connection.js';
import { DataverseClient } from '../dataverse/index.js';
import { startEmulator } from '../emulator/index.js';
import { DEMO_STEPS, type DemoContext, type DemoStep } from './steps.js';
import { isEntryPoint } from '../util/entryPoint.js';

/** Options of {@link runDemo}. */
export interface RunDemoOptions {
  /** Directory for the demo's files; emptied first. @default `.journeyctl/demo` in the working directory */
  outputDir?: string;
  /** The steps to run. @default DEMO_STEPS */
  steps?: readonly DemoStep[];
  /** Delay of the emulator's Going live -> Live and Stopping -> Stopped. @default 300 */
  transitionDelayMs?: number;
}

/** Open the demo's connection: a seeded in-memory emulator on loopback and a client for it. */
export async function openDemoConnection(transitionDelayMs: number): Promise<Connection> {
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, seed: true, transitionDelayMs });
  const client = new DataverseClient({ url: emulator.url, auth: { none: true } });
  let closed = false;
  return {
    client,
    emulator,
    target: { url: emulator.url, embedded: true },
    readOnly: false,
    async close() {
      if (closed) return;
      closed = true;
      client.close();
      await emulator.close();
    },
  };
}

/** Run the demo's steps, printing through `print`; resolves to whether every step succeeded. */
export async function runDemo(print: (text: string) => void = (text) => process.stdout.write(`${text}\n`), options: RunDemoOptions = {}): Promise<boolean> {
  const outputDir = resolve(options.outputDir ?? '.journeyctl/demo');
  await rm(outputDir, { recursive: true, force: true });
  const connection = await openDemoConnection(options.transitionDelayMs ?? 300);
  const context: DemoContext = {
    journeys: [],
    print: (text) => print(text.replace(/^/gm, '  ')),
    connection,
    createdJourneyIds: [],
    outputDir,
  };
  try {
    for (const [index, step] of (options.steps ?? DEMO_STEPS).entries()) {
      print(`\n${index + 1}. ${step.name}`);
      try {
        await step.run(context);
      } catch (error) {
        print(`  failed: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
    }
  } finally {
    await connection.close();
  }
  print('\nDone.');
  return true;
}


if (isEntryPoint(import.meta.url)) {
  process.exitCode = (await runDemo()) ? 0 : 1;
}
