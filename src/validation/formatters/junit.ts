/**
 * JUnit XML: one `<testsuite>` per file, one `<testcase>` per rule checked. A rule's test case
 * fails when it has findings at or above `--fail-on`; findings below it are listed in
 * `<system-out>`, so the JUnit view agrees with the exit code.
 */
import { failsOn, type FailOn, type ValidationReport } from '../report.js';
import { escapeXml } from './xml.js';

/** Options of {@link formatJunit}. */
export interface JunitFormatOptions {
  /** @default "error" */
  failOn?: FailOn;
}

/** Render a report as JUnit XML. */
export function formatJunit(report: ValidationReport, options: JunitFormatOptions = {}): string {
  const failOn = options.failOn ?? 'error';
  const suites: string[] = [];
  let totalTests = 0;
  let totalFailures = 0;
  for (const file of report.files) {
    const cases: string[] = [];
    let failures = 0;
    for (const rule of report.rules) {
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
    totalTests += report.rules.length;
    totalFailures += failures;
    suites.push(
      `  <testsuite name="${escapeXml(file.path)}" tests="${report.rules.length}" failures="${failures}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="journeyctl validate" tests="${totalTests}" failures="${totalFailures}" errors="0">\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}
