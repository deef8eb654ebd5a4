/**
 * JUnit XML: one `<testsuite>` per file, one `<testcase>` per rule checked. A rule's test case
 * fails when it has findings at or above `--fail-on`; findings below it are listed in
 * `<system-out>`, so the JUnit view agrees with the exit code.
 */
import { failsOn, type CheckedRule, type FailOn, type ValidationReport } from '../report.js';
import type { ReportWriter } from './writer.js';
import { escapeXml } from './xml.js';

/** Options of {@link formatJunit}. */
export interface JunitFormatOptions {
  /** @default "error" */
  failOn?: FailOn;
}

/**
 * JUnit XML, streamed: one `<testsuite>` per file as it comes. The root `<testsuites>` carries
 * no totals (they are known only at the end, and JUnit readers add up the suites).
 */
export function junitWriter(rules: readonly CheckedRule[], options: JunitFormatOptions = {}): ReportWriter {
  const failOn = options.failOn ?? 'error';
  return {
    start: () => '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="journeyctl validate">\n',
    file(file) {
      const cases: string[] = [];
      let failures = 0;
      for (const rule of rules) {
        const findings = file.findings.filter((finding) => finding.ruleId === rule.id);
        const failing = findings.filter((finding) => failsOn(finding.severity, failOn));
        const passing = findings.filter((finding) => !failsOn(finding.severity, failOn));
        const describe = (finding: (typeof findings)[number]): string =>
          `${finding.severity}: ${finding.message} (${file.path}${finding.line !== undefined ? `:${finding.line}:${finding.column ?? 1}` : ''} at ${finding.location.pointer || '/'})`;
        let body = '';
        if (failing.length > 0) {
          failures++;
          body += `<failure type="${escapeXml(failing[0]!.severity)}" message="${escapeXml(failing[0]!.message)}">${escapeXml(failing.map(describe).join('\n'))}</failure>`;
        }
        if (passing.length > 0) body += `<system-out>${escapeXml(passing.map(describe).join('\n'))}</system-out>`;
        const open = `    <testcase classname="${escapeXml(file.path)}" name="${escapeXml(rule.id)}"`;
        cases.push(body ? `${open}>${body}</testcase>` : `${open}/>`);
      }
      return `  <testsuite name="${escapeXml(file.path)}" tests="${rules.length}" failures="${failures}" errors="0" skipped="0">\n${cases.join('\n')}${cases.length ? '\n' : ''}  </testsuite>\n`;
    },
    end: () => '</testsuites>\n',
  };
}

/** Render a report as JUnit XML. */
export function formatJunit(report: ValidationReport, options: JunitFormatOptions = {}): string {
  const writer = junitWriter(report.rules, options);
  return writer.start() + report.files.map((file) => writer.file(file)).join('') + writer.end(report.summary);
}
