/**
 * Demo step: the seeded Live SMS journey's custom channel tile has produced activities in the
 * emulator (its runtime simulator creates one per compliant segment member); the interaction
 * reporter hands them to the simulated provider and reports `sent` and `delivered` through
 * `msdyncrm_CustomChannelActivityCreateInteraction`. A second run shows nothing is reported twice.
 */
import { ReporterLedger, runReporter, simulatedProvider, landedResponses } from '../../channels/index.js';
import { SeedIds } from '../../emulator/index.js';
import { Tables } from '../../model/names.js';
import type { DemoStep } from '../steps.js';

export const channelsStep: DemoStep = {
  name: 'Report the SMS tile\'s custom channel activities exactly once',
  async run(context) {
    const { client } = context.connection;
    const journeyId = SeedIds.journeys.liveSms;
    const activities = await client.count(Tables.customChannelActivity.entitySet, { filter: `_msdyncrm_customerjourney_value eq ${journeyId}` });
    context.print(`the Live SMS journey's tile produced ${activities} custom channel activities`);
    if (activities === 0) throw new Error('the runtime simulator created no custom channel activity for the Live SMS journey');
    // The demo's emulator is in memory, so is its ledger.
    const ledger = ReporterLedger.open(':memory:');
    try {
      const first = await runReporter({ client, ledger, provider: simulatedProvider(), journeyIds: [journeyId] });
      const types = Object.entries(first.byResponseType).map(([type, n]) => `${n} ${type}`).join(', ');
      context.print(`reported ${first.reports.confirmed} interactions (${types}) for ${first.activities.handedOff} activities`);
      const second = await runReporter({ client, ledger, provider: simulatedProvider(), journeyIds: [journeyId], useWatermark: false });
      context.print(`second run: ${second.reports.confirmed} new interactions, ${second.activities.alreadyHandled} activities already handled`);
      if (first.reports.confirmed !== 2 * activities || second.reports.confirmed !== 0) throw new Error('the reporter did not report exactly one sent and one delivered per activity');
      const contact = (await client.query(Tables.customChannelActivity.entitySet, { select: ['_msdyncrm_contact_value'], filter: `_msdyncrm_customerjourney_value eq ${journeyId}`, top: 1 }).next()).value as Record<string, unknown> | undefined;
      if (contact) {
        const landed = await landedResponses(client, String(contact._msdyncrm_contact_value));
        context.print(`msdyncrm_LoadInteractionsPublic lists ${landed.size} custom channel responses for one of the contacts`);
      }
    } finally {
      ledger.close();
    }
  },
};

export default channelsStep;
