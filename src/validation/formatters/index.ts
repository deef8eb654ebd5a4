/** Report formatters by `--format` name. */
import type { FailOn, ValidationReport } from '../report.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export { formatText, type TextFormatOptions } from './text.js';
export { formatJson, VALIDATION_REPORT_SCHEMA_ID } from './json.js';
export { formatSarif, artifactUri, type SarifFormatOptions } from './sarif.js';
export { formatJunit, type JunitFormatOptions } from './junit.js';
export { formatGithub, formatGithubSummary, escapeData, escapeProperty } from './github.js';
export { escapeXml } from './xml.js';

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

/** Render a report in the named format. */
export function formatReport(format: FormatName, report: ValidationReport, options: FormatOptions = {}): string {
  switch (format) {
    case 'text':
      return formatText(report, options);
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, options);
    case 'junit':
      return formatJunit(report, options);
    case 'github':
      return formatGithub(report);
  }
}
