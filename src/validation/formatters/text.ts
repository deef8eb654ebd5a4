/** Human-readable output grouped by file, coloured only when asked (a TTY, no NO_COLOR). */
import type { Severity } from '../finding.js';
import type { ValidationReport } from '../report.js';

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

/** Render a report as text. */
export function formatText(report: ValidationReport, options: TextFormatOptions = {}): string {
  const paint = (style: keyof typeof COLORS, text: string): string => (options.color ? `\u001b[${COLORS[style]}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  for (const file of report.files) {
    if (file.findings.length === 0) {
      if (!options.quiet) lines.push(`${file.path}: ${paint('dim', 'ok')}`);
      continue;
    }
    lines.push(paint('bold', file.path));
    for (const finding of file.findings) {
      const where = finding.line !== undefined ? `${finding.line}:${finding.column ?? 1}` : finding.location.pointer || '/';
      const activity = finding.activityId ? ` [${finding.activityId}]` : '';
      lines.push(`  ${where.padEnd(8)} ${paint(finding.severity, finding.severity.padEnd(7))} ${finding.message}${activity}  ${paint('dim', finding.ruleId)}`);
    }
  }
  const { errors, warnings, infos, files } = report.summary;
  const total = errors + warnings + infos;
  const withFindings = report.files.filter((file) => file.findings.length > 0).length;
  const summary =
    total === 0
      ? `No problems in ${plural(files, 'file')}.`
      : `${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} info) in ${withFindings} of ${plural(files, 'file')}.`;
  lines.push(total === 0 ? summary : paint(errors > 0 ? 'error' : 'warning', summary));
  return `${lines.join('\n')}\n`;
}
