/**
 * GitHub Actions output: one workflow command per finding (`::error file=…,line=…::message`),
 * and a Markdown summary for `$GITHUB_STEP_SUMMARY`.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import type { Severity } from '../finding.js';
import type { ValidationReport } from '../report.js';
import type { ReportWriter } from './writer.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** Escape a workflow-command message (the runner decodes %25, %0D, %0A). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a workflow-command property value (also `:` and `,`, which separate properties). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub annotations, streamed: one line per finding as each file comes, the count at the end. */
export function githubWriter(): ReportWriter {
  return {
    start: () => '',
    file(file) {
      let text = '';
      for (const finding of file.findings) {
        const properties = [`file=${escapeProperty(finding.location.file ?? file.path)}`];
        if (finding.line !== undefined) properties.push(`line=${finding.line}`);
        if (finding.column !== undefined) properties.push(`col=${finding.column}`);
        properties.push(`title=${escapeProperty(finding.ruleId)}`);
        const where = finding.activityId ? ` [${finding.activityId}]` : '';
        text += `::${COMMAND[finding.severity]} ${properties.join(',')}::${escapeData(`${finding.message}${where}`)}\n`;
      }
      return text;
    },
    end: ({ errors, warnings, files }) => `journeyctl validate: ${errors} error(s), ${warnings} warning(s) in ${files} file(s)\n`,
  };
}

/** Render a report as workflow-command annotations, one per line. */
export function formatGithub(report: ValidationReport): string {
  const writer = githubWriter();
  return writer.start() + report.files.map((file) => writer.file(file)).join('') + writer.end(report.summary);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * The Markdown summary for `$GITHUB_STEP_SUMMARY`, streamed: it keeps one table row per finding
 * (not the files) and writes the summary when the run ends.
 */
export function githubSummaryWriter(): ReportWriter {
  const rows: string[] = [];
  return {
    start: () => '',
    file(file) {
      for (const finding of file.findings) {
        rows.push(`| ${finding.severity} | ${cell(file.path)} | ${finding.line ?? ''} | \`${cell(finding.ruleId)}\` | ${cell(finding.message)} |`);
      }
      return '';
    },
    end({ errors, warnings, infos, files }) {
      const lines = ['## journeyctl validate', '', `${files} file(s): **${errors}** error(s), **${warnings}** warning(s), ${infos} info.`, ''];
      if (rows.length > 0) lines.push('| Severity | File | Line | Rule | Message |', '|---|---|---|---|---|', ...rows, '');
      return `${lines.join('\n')}\n`;
    },
  };
}

/** A Markdown summary of a report, for `$GITHUB_STEP_SUMMARY`. */
export function formatGithubSummary(report: ValidationReport): string {
  const writer = githubSummaryWriter();
  return writer.start() + report.files.map((file) => writer.file(file)).join('') + writer.end(report.summary);
}
