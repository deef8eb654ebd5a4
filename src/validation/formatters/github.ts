/**
 * GitHub Actions output: one workflow command per finding (`::error file=…,line=…::message`),
 * and a Markdown summary for `$GITHUB_STEP_SUMMARY`.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import type { Severity } from '../finding.js';
import type { ValidationReport } from '../report.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** Escape a workflow-command message (the runner decodes %25, %0D, %0A). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a workflow-command property value (also `:` and `,`, which separate properties). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Render a report as workflow-command annotations, one per line. */
export function formatGithub(report: ValidationReport): string {
  const lines: string[] = [];
  for (const file of report.files) {
    for (const finding of file.findings) {
      const properties = [`file=${escapeProperty(finding.location.file ?? file.path)}`];
      if (finding.line !== undefined) properties.push(`line=${finding.line}`);
      if (finding.column !== undefined) properties.push(`col=${finding.column}`);
      properties.push(`title=${escapeProperty(finding.ruleId)}`);
      const where = finding.activityId ? ` [${finding.activityId}]` : '';
      lines.push(`::${COMMAND[finding.severity]} ${properties.join(',')}::${escapeData(`${finding.message}${where}`)}`);
    }
  }
  const { errors, warnings, files } = report.summary;
  lines.push(`journeyctl validate: ${errors} error(s), ${warnings} warning(s) in ${files} file(s)`);
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A Markdown summary of a report, for `$GITHUB_STEP_SUMMARY`. */
export function formatGithubSummary(report: ValidationReport): string {
  const { errors, warnings, infos, files } = report.summary;
  const lines = ['## journeyctl validate', '', `${files} file(s): **${errors}** error(s), **${warnings}** warning(s), ${infos} info.`, ''];
  const rows = report.files.flatMap((file) => file.findings.map((finding) => ({ file, finding })));
  if (rows.length > 0) {
    lines.push('| Severity | File | Line | Rule | Message |', '|---|---|---|---|---|');
    for (const { file, finding } of rows) {
      lines.push(`| ${finding.severity} | ${cell(file.path)} | ${finding.line ?? ''} | \`${cell(finding.ruleId)}\` | ${cell(finding.message)} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
