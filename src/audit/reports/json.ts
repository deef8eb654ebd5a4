/**
 * The JSON report (`schemas/audit-report.schema.json`): summary, mapping and risk tables, the
 * inventories, then every journey and every reference, streamed from the work files.
 */
import { join } from 'node:path';
import { openAtomicStream, readLines } from '../files.js';
import { customTypesOf, effortModel, riskRows, tileMappingRows, type ReportInput } from './model.js';

/** File name of the JSON report. */
export const JSON_REPORT_FILE = 'audit-report.json';

/** Identifies the JSON report. */
export const REPORT_FORMAT_ID = 'journeyctl-audit-report';

/** Write the JSON report; returns its path. */
export async function writeJsonReport(input: ReportInput): Promise<string> {
  const path = join(input.outDir, JSON_REPORT_FILE);
  const out = await openAtomicStream(path);
  try {
    const head = {
      $schema: 'https://journeyctl.dev/schemas/audit-report.schema.json',
      format: REPORT_FORMAT_ID,
      version: 1,
      generatedAt: input.meta.generatedAt,
      startedAt: input.meta.startedAt,
      tool: { name: 'journeyctl', version: input.meta.toolVersion },
      source: { url: input.meta.sourceUrl },
      summary: input.summary,
      tileMappings: tileMappingRows(input.summary, customTypesOf(input.summary)),
      risks: riskRows(input.summary),
      effortModel: effortModel(),
      segments: [...input.inventory.segments.values()],
      customChannelTiles: input.inventory.tiles,
    };
    const text = JSON.stringify(head);
    await out.write(text.slice(0, -1));
    for (const [key, file] of [
      ['journeys', input.journeysFile],
      ['references', input.referencesFile],
    ] as const) {
      await out.write(`,"${key}":[`);
      let first = true;
      for await (const row of readLines<unknown>(file)) {
        await out.write(`${first ? '\n' : ',\n'}${JSON.stringify(row)}`);
        first = false;
      }
      await out.write(']');
    }
    await out.write('}\n');
    await out.commit();
  } catch (error) {
    await out.abort();
    throw error;
  }
  return path;
}
