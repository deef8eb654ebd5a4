/** The audit reports: JSON, CSV (journeys and references), Markdown and HTML. */
import { join } from 'node:path';
import { openAtomicStream, readLines } from '../files.js';
import type { AuditJourneyRow, AuditReferenceRow } from '../types.js';
import { csvLine, JOURNEY_COLUMNS, journeyCsvLine, REFERENCE_COLUMNS, referenceCsvLine } from './csv.js';
import { writeHtmlReport } from './html.js';
import { writeJsonReport } from './json.js';
import { writeMarkdownReport } from './markdown.js';
import { topByEffort, type ReportInput } from './model.js';

export { csvCell, csvLine, journeyCsvLine, referenceCsvLine, JOURNEY_COLUMNS, REFERENCE_COLUMNS } from './csv.js';
export { escapeHtml, escapeMarkdown } from './escape.js';
export { barChart, type Bar, type BarChartOptions } from './charts.js';
export { renderHtml, HTML_REPORT_FILE } from './html.js';
export { renderMarkdown, MARKDOWN_REPORT_FILE } from './markdown.js';
export { JSON_REPORT_FILE, REPORT_FORMAT_ID } from './json.js';
export { topByEffort, tileMappingRows, riskRows, effortModel, type ReportInput, type ReportMeta } from './model.js';

/** The report formats. */
export const REPORT_FORMATS = Object.freeze(['html', 'md', 'json', 'csv'] as const);
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** File names of the CSV reports. */
export const CSV_FILES = Object.freeze({ journeys: 'audit-journeys.csv', references: 'audit-references.csv' });

/** A report written. */
export interface WrittenReport {
  format: ReportFormat;
  path: string;
}

/** Journeys listed in the HTML and Markdown reports (every journey is in JSON and CSV). */
export const TOP_JOURNEYS = 50;

async function writeCsv<T>(path: string, columns: readonly string[], file: string, line: (row: T) => string): Promise<void> {
  const out = await openAtomicStream(path);
  try {
    await out.write(csvLine(columns));
    for await (const row of readLines<T>(file)) await out.write(line(row));
    await out.commit();
  } catch (error) {
    await out.abort();
    throw error;
  }
}

/** Write the reports in the given formats. */
export async function writeReports(input: ReportInput & { formats: readonly ReportFormat[]; onFile?(path: string): void }): Promise<WrittenReport[]> {
  const written: WrittenReport[] = [];
  const done = (format: ReportFormat, path: string) => {
    written.push({ format, path });
    input.onFile?.(path);
  };
  const top = input.formats.includes('html') || input.formats.includes('md') ? await topByEffort(input.journeysFile, TOP_JOURNEYS) : [];
  for (const format of REPORT_FORMATS) {
    if (!input.formats.includes(format)) continue;
    switch (format) {
      case 'json':
        done('json', await writeJsonReport(input));
        break;
      case 'csv': {
        const journeys = join(input.outDir, CSV_FILES.journeys);
        await writeCsv<AuditJourneyRow>(journeys, JOURNEY_COLUMNS, input.journeysFile, journeyCsvLine);
        done('csv', journeys);
        const references = join(input.outDir, CSV_FILES.references);
        await writeCsv<AuditReferenceRow>(references, REFERENCE_COLUMNS, input.referencesFile, referenceCsvLine);
        done('csv', references);
        break;
      }
      case 'md':
        done('md', await writeMarkdownReport(input, top));
        break;
      case 'html':
        done('html', await writeHtmlReport(input, top));
        break;
    }
  }
  return written;
}
