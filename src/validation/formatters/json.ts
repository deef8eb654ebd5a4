/**
 * The `json` report: `{ files: [{ path, findings: [...] }], summary }`, described by
 * `schemas/validation-report.schema.json`, written file by file.
 */
import type { FileReport, ValidationReport } from '../report.js';
import { indentJson, JsonArrayWriter, type ReportWriter } from './writer.js';

/** `$id` of the report schema. */
export const VALIDATION_REPORT_SCHEMA_ID = 'https://journeyctl.dev/schemas/validation-report.schema.json';

function fileDocument(file: FileReport): Record<string, unknown> {
  return {
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
  };
}

/** The JSON report, streamed: the same text as `JSON.stringify(document, null, 2)`. */
export function jsonWriter(): ReportWriter {
  const files = new JsonArrayWriter(1);
  return {
    start: () => `{\n  "$schema": ${JSON.stringify(VALIDATION_REPORT_SCHEMA_ID)},\n  "files": [`,
    file: (file) => files.element(fileDocument(file)),
    end: (summary) =>
      `${files.close()},\n  "summary": ${indentJson(JSON.stringify({ files: summary.files, errors: summary.errors, warnings: summary.warnings, infos: summary.infos }, null, 2), 2)}\n}\n`,
  };
}

/** Render a report as JSON (pretty-printed, one trailing newline). */
export function formatJson(report: ValidationReport): string {
  const writer = jsonWriter();
  return writer.start() + report.files.map((file) => writer.file(file)).join('') + writer.end(report.summary);
}
