/**
 * The demo's last step: the migration audit of the emulator's journeys (read-only), with the
 * summary printed and the reports and archive written under the demo's output directory.
 */
import { join } from 'node:path';
import { runAudit } from '../../audit/index.js';
import { graphDirectory } from '../../audit/owners.js';
import type { DemoStep } from '../steps.js';

/** Audit every journey on the emulator; print the summary and where the reports are. */
export const auditStep: DemoStep = {
  name: 'Audit the journeys for the migration to real-time journeys',
  async run(context) {
    const { client, emulator, target } = context.connection;
    const outDir = join(context.outputDir, 'audit');
    const outcome = await runAudit(client, {
      outDir,
      archiveDir: join(outDir, 'archive'),
      sourceUrl: target.url,
      // The emulator serves the Graph subset the owner check needs.
      ...(emulator ? { directory: graphDirectory({ graphUrl: emulator.url, getToken: async () => 'emulator' }) } : {}),
    });
    const s = outcome.summary;
    const statuses = Object.entries(s.journeysByStatus)
      .map(([status, n]) => `${status} ${n}`)
      .join(', ');
    context.print(`audited ${s.journeys} journeys (${statuses})`);
    context.print(`real-time equivalent: ${s.journeysByMapping.equivalent} full, ${s.journeysByMapping.partial} partial, ${s.journeysByMapping.none} none`);
    const risks = Object.entries(s.risks)
      .map(([risk, n]) => `${risk} ${n}`)
      .join(', ');
    context.print(`risks: ${risks || 'none'}`);
    context.print(`estimated effort: ${s.effortHours} hours (an estimate)`);
    for (const report of outcome.reports) context.print(`report: ${report.path}`);
    if (outcome.archive) context.print(`archive: ${outcome.archive.journeys} journeys, ${outcome.archive.manifest}`);
  },
};
