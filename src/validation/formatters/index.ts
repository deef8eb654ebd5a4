/** Report formatters by `--format` name, each a streaming writer with an all-at-once form. */
import type { CheckedRule, FailOn, FileReport, Summary, ValidationReport } from '../report.js';
import { githubWriter } from './github.js';
import { jsonWriter } from './json.js';
import { junitWriter } from './junit.js';
import { sarifWriter } from './sarif.js';
import { textWriter } from './text.js';
import type { ReportWriter } from './writer.js';

export { formatText, textWriter, type TextFormatOptions } from './text.js';
export { formatJson, jsonWriter, VALIDATION_REPORT_SCHEMA_ID } from './json.js';
export { formatSarif, sarifWriter, artifactUri, type SarifFormatOptions } from './sarif.js';
export { formatJunit, junitWriter, type JunitFormatOptions } from './junit.js';
export { formatGithub, githubWriter, formatGithubSummary, githubSummaryWriter, escapeData, escapeProperty } from './github.js';
export { escapeXml } from './xml.js';
export type { ReportWriter } from './writer.js';

/** The `--format` values. */
export const FORMATS = ['text', 'json', 'sarif', 'junit', 'github'] as const;
export type FormatName = (typeof FORMATS)[number];

/** What every formatter may use. */
export interface FormatOptions {
  color?: boolean;
  quiet?: boolean;
  failOn?: FailOn;
  toolVersion?: string;
}

/** The streaming writer of a format, for a run that checks `rules`. */
export function reportWriter(format: FormatName, rules: readonly CheckedRule[], options: FormatOptions = {}): ReportWriter {
  switch (format) {
    case 'text':
      return textWriter(options);
    case 'json':
      return jsonWriter();
    case 'sarif':
      return sarifWriter(rules, options);
    case 'junit':
      return junitWriter(rules, options);
    case 'github':
      return githubWriter();
  }
}

/** Render a report in the named format. */
export function formatReport(format: FormatName, report: ValidationReport, options: FormatOptions = {}): string {
  const writer = reportWriter(format, report.rules, options);
  return writer.start() + report.files.map((file) => writer.file(file)).join('') + writer.end(report.summary);
}

/** What {@link streamReport} renders: the rules up front, the files as they come, the summary at the end (a `ValidationRun` is one). */
export interface ReportSource extends AsyncIterable<FileReport> {
  readonly rules: readonly CheckedRule[];
  readonly summary: Summary;
}

/**
 * Render a run in the named format as it goes, one chunk per file. Nothing is produced before
 * the first file (or the end), so a run that fails before any file leaves no partial output.
 *
 * ```ts
 * await pipeline(streamReport('sarif', validateFiles(['journeys/'])), createWriteStream('out.sarif'));
 * ```
 */
export async function* streamReport(format: FormatName, source: ReportSource, options: FormatOptions = {}): AsyncGenerator<string> {
  const writer = reportWriter(format, source.rules, options);
  let started = false;
  for await (const file of source) {
    const text = (started ? '' : writer.start()) + writer.file(file);
    started = true;
    if (text) yield text;
  }
  yield (started ? '' : writer.start()) + writer.end(source.summary);
}
