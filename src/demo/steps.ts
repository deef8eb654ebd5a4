/**
 * The demo as a list of named steps sharing one context. Later features add steps (create on the
 * emulator, validate, go live…) without touching the runner.
 */
import type { Connection } from '../cli/connection.js';
import { validateAgainstSchema } from '../schemas/index.js';
import { buildWelcomeJourney, compileSampleSpecs, type DemoJourney } from './journeys.js';
import { EMULATOR_STEPS } from './emulatorSteps.js';
import { auditStep } from './steps/audit.js';
import { channelsStep } from './steps/channels.js';
import { summarizeJourney } from './summary.js';

/** What steps share. */
export interface DemoContext {
  /** The journeys built by the first step (the builder's first, then the sample specs). */
  journeys: DemoJourney[];
  /** Prints a line of the demo's output. */
  print(text: string): void;
  /**
   * The open connection: an in-process, in-memory emulator seeded with the sample data
   * (`connection.emulator`), and a client for it (`connection.client`). The runner closes it.
   */
  connection: Connection;
  /** Ids of the journeys the demo created on the emulator, in creation order. */
  createdJourneyIds: string[];
  /** Id of the journey the demo took live (and later stopped), once it did. */
  liveJourneyId?: string;
  /** Directory for the demo's files (exports, reports): `.journeyctl/demo` in the working directory. */
  outputDir: string;
}

/** One named step of the demo. A step that throws stops the demo with exit code 1. */
export interface DemoStep {
  name: string;
  run(context: DemoContext): void | Promise<void>;
}

/** Offline steps: build the sample journeys and look at them. */
export const OFFLINE_STEPS: readonly DemoStep[] = [
  {
    name: 'Build the sample journeys with the builder',
    run(context) {
      context.journeys.push(buildWelcomeJourney(), ...compileSampleSpecs());
      for (const j of context.journeys) context.print(`built ${j.name} from ${j.source}: ${j.definition.length} activities`);
    },
  },
  {
    name: 'Validate them against the JSON Schemas',
    run(context) {
      const failures: string[] = [];
      for (const j of context.journeys) {
        const issues = [
          ...validateAgainstSchema('workflow-definition', j.definition),
          ...validateAgainstSchema('journey-record', j.fields),
        ];
        if (issues.length === 0) context.print(`valid   ${j.name}`);
        else failures.push(`${j.name}: ${issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; ')}`);
      }
      if (failures.length > 0) throw new Error(`schema violations:\n${failures.join('\n')}`);
    },
  },
  {
    name: 'Summarize: tiles by type, references, designer state',
    run(context) {
      for (const j of context.journeys) context.print(summarizeJourney(j));
    },
  },
];

/**
 * The demo's steps, in order: offline, then on the emulator. A feature adds its step with one
 * entry here (after EMULATOR_STEPS, which end with the demo journey stopped and exported).
 */
export const DEMO_STEPS: readonly DemoStep[] = [...OFFLINE_STEPS, ...EMULATOR_STEPS, channelsStep, auditStep];
