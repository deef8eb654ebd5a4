/**
 * The `json` report: `{ files: [{ path, findings: [...] }], summary }`, described by
 * `schemas/validation-report.schema.json`.
 */
import type { ValidationReport } from '../report.js';

/** `$id` of the report schema. */
export const VALIDATION_REPORT_SCHEMA_ID = 'https://journeyctl.dev/schemas/validation-report.schema.json';

/** Render a report as JSON (pretty-printed, one trailing newline). */
export function formatJson(report: ValidationReport): string {
  const document = {
    $schema: VALIDATION_REPORT_SCHEMA_ID,
    files: report.files.map((file) => ({
      path: file.path,
      findings: file.findings.map((finding) => ({
        ruleId: finding.ruleId,
        severity: finding.severity,
        activityId: finding.activityId,
        ...(finding.itemId === undefined ? {} : { itemId: finding.itemId }),
        message: finding.message,
        arguments: finding.arguments,
        pointer: finding.location.pointer ?? '',
        line: finding.line ?? null,
        column: finding.column ?? null,
        ...(finding.location.file !== undefined && finding.location.file !== file.path ? { file: finding.location.file } : {}),
      })),
    })),
    summary: report.summary,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
