/**
 * The demo's steps on the emulator: build a journey against the sample records, check it
 * offline, create it, check it online, take it live, show its status, stop it and export it.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SeedIds } from '../emulator/index.js';
import { exportJourney } from '../journeys/exportFormat.js';
import { JourneyClient } from '../journeys/JourneyClient.js';
import type { JourneyPoller } from '../journeys/JourneyPoller.js';
import { describeJourneyStatus } from '../model/transitions.js';
import { validateJourney } from '../validation/index.js';
import { buildEmulatorJourney, DEMO_JOURNEY_ID } from './journeys.js';
import type { DemoContext, DemoStep } from './steps.js';

/** Poll quickly: the demo's emulator completes status changes in a fraction of a second. */
const POLL_INTERVAL_MS = 100;
const TIMEOUT_MS = 30_000;

function journeysOf(context: DemoContext): JourneyClient {
  return new JourneyClient(context.connection.client, { pollIntervalInMs: POLL_INTERVAL_MS });
}

function demoJourney(context: DemoContext) {
  const found = context.journeys.find((j) => j.fields.msdyncrm_customerjourneyid === DEMO_JOURNEY_ID);
  if (!found) throw new Error('the demo journey was not built');
  return found;
}

/** Print each status the poller sees once. */
async function waitPrinting(context: DemoContext, poller: JourneyPoller): Promise<void> {
  let last: number | undefined;
  poller.onProgress((state) => {
    if (state.lastStatusCode !== undefined && state.lastStatusCode !== last) {
      last = state.lastStatusCode;
      context.print(`status: ${describeJourneyStatus(state.lastStatusCode)}`);
    }
  });
  await poller.pollUntilDone({ timeoutInMs: TIMEOUT_MS });
}

/** The steps, in order. */
export const EMULATOR_STEPS: readonly DemoStep[] = [
  {
    name: 'Build a journey for the emulator with the builder, and validate it offline',
    run(context) {
      const built = buildEmulatorJourney({
        segment: SeedIds.dynamicSegment,
        welcomeEmail: SeedIds.welcomeEmail,
        page: SeedIds.page,
        newsletterEmail: SeedIds.newsletterEmail,
        invitationEmail: SeedIds.invitationEmail,
        contentSettings: SeedIds.defaultContentSettings,
      });
      context.journeys.push(built);
      context.print(`built "${built.name}": ${built.definition.length - 1} tiles over the emulator's sample segment, emails and page`);
      const findings = validateJourney({ definition: built.definition, fields: { ...built.fields, _msdyncrm_contentsettingsid_value: SeedIds.defaultContentSettings }, designerState: built.designerState });
      for (const f of findings) context.print(`${f.severity} ${f.ruleId}: ${f.message}`);
      const errors = findings.filter((f) => f.severity === 'error');
      if (errors.length > 0) throw new Error(`offline validation found ${errors.length} error(s)`);
      context.print(`offline validation: ${findings.length === 0 ? 'no findings' : `${findings.length} warning(s), no errors`}`);
    },
  },
  {
    name: `Create it on the emulator (in-process, in-memory, seeded)`,
    async run(context) {
      const built = demoJourney(context);
      context.print(`emulator: ${context.connection.target.url}`);
      const created = await journeysOf(context).create({ fields: built.fields, definition: built.definition, designerState: built.designerState });
      context.createdJourneyIds.push(created.id!);
      context.print(`created ${created.id} in ${describeJourneyStatus(created.statusCode ?? 0)}`);
    },
  },
  {
    name: "Validate it online (the server's msdyncrm_CustomerJourneyValidate)",
    async run(context) {
      const result = await journeysOf(context).validate(DEMO_JOURNEY_ID);
      context.print(`result: ${result.result}${result.findings.length > 0 ? `, ${result.findings.length} finding(s)` : ''}`);
      for (const f of result.findings) context.print(`${f.severity} ${f.ruleId}: ${f.message}`);
      if (result.result === 'Error') throw new Error('the server check found errors');
    },
  },
  {
    name: 'Take it live and wait',
    async run(context) {
      const poller = await journeysOf(context).beginGoLive(DEMO_JOURNEY_ID);
      await waitPrinting(context, poller);
      context.liveJourneyId = DEMO_JOURNEY_ID;
    },
  },
  {
    name: 'Show its status, among the other journeys',
    async run(context) {
      for await (const j of journeysOf(context).list()) {
        context.print(`${j.id === DEMO_JOURNEY_ID ? '*' : ' '} ${(j.name ?? '').padEnd(32)} ${describeJourneyStatus(j.statusCode ?? 0)}`);
      }
    },
  },
  {
    name: 'Stop it and wait',
    async run(context) {
      const poller = await journeysOf(context).beginStop(DEMO_JOURNEY_ID);
      await waitPrinting(context, poller);
    },
  },
  {
    name: 'Export it as files for git',
    async run(context) {
      const dir = join(context.outputDir, 'export');
      const written = await exportJourney(context.connection.client, DEMO_JOURNEY_ID, dir);
      context.print(`wrote ${relative(process.cwd(), written.folder) || written.folder}/`);
      for (const name of (await readdir(written.folder)).sort()) {
        const file = written.files.find((f) => f.path === join(written.folder, name));
        context.print(`  ${name}${file ? `  ${file.bytes} bytes` : ''}`);
      }
    },
  },
];
