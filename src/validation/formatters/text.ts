/** Human-readable output grouped by file, coloured only when asked (a TTY, no NO_COLOR). */
import type { Severity } from '../finding.js';
import type { ValidationReport } from '../report.js';
import type { ReportWriter } from './writer.js';

/** Options of {@link formatText}. */
export interface TextFormatOptions {
  /** @default false */
  color?: boolean;
  /** Print only files with findings and the summary line. @default false */
  quiet?: boolean;
}

const COLORS: Record<Severity | 'dim' | 'bold', string> = { error: '31', warning: '33', info: '36', dim: '2', bold: '1' };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The text report, streamed: each file's block as it comes, the summary line at the end. */
export function textWriter(options: TextFormatOptions = {}): ReportWriter {
  const paint = (style: keyof typeof COLORS, text: string): string => (options.color ? `\u001b[${COLORS[style]}m${text}\u001b[0m` : text);
  let withFindings = 0;
  return {
    start: () => '',
    file(file) {
      if (file.findings.length === 0) return options.quiet ? '' : `${file.path}: ${paint('dim', 'ok')}\n`;
      withFindings++;
      const lines = [paint('bold', file.path)];
      for (const finding of file.findings) {
        const where = finding.line !== undefined ? `${finding.line}:${finding.column ?? 1}` : finding.location.pointer || '/';
        const activity = finding.activityId ? ` [${finding.activityId}]` : '';
        lines.push(`  ${where.padEnd(8)} ${paint(finding.severity, finding.severity.padEnd(7))} ${finding.message}${activity}  ${paint('dim', finding.ruleId)}`);
      }
      return `${lines.join('\n')}\n`;
    },
    end(summary) {
      const { errors, warnings, infos, files } = summary;
      const total = errors + warnings + infos;
      const line =
        total === 0
          ? `No problems in ${plural(files, 'file')}.`
          : `${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} info) in ${withFindings} of ${plural(files, 'file')}.`;
      return `${total === 0 ? line : paint(errors > 0 ? 'error' : 'warning', line)}\n`;
    },
  };
}

/** Render a report as text. */
export function formatText(report: ValidationReport, options: TextFormatOptions = {}): string {
  const writer = textWriter(options);
  return writer.start() + report.files.map((file) => writer.file(file)).join('') + writer.end(report.summary);
}
