/**
 * A validation report: findings grouped by file, with line and column where known, plus the
 * rules that were checked. Every formatter renders this one shape.
 */
import type { InputError } from '../errors.js';
import type { Finding, Severity } from './finding.js';

/** A finding with the position of its JSON pointer in its file. */
export interface LocatedFinding extends Finding {
  /** 1-based line of the value the pointer names (or the nearest enclosing value). */
  line?: number;
  /** 1-based column. */
  column?: number;
}

/** Metadata of a rule that was checked, for SARIF rule descriptors and JUnit test cases. */
export interface CheckedRule {
  id: string;
  severity: Severity;
  summary: string;
  /** Why the rule exists, for the rule's help text. */
  rationale?: string;
  /** An absolute URL to read more, when there is one. */
  helpUri?: string;
}

/** The findings of one file. */
export interface FileReport {
  /** The path as given (relative paths stay relative), or `-` for stdin. */
  path: string;
  findings: LocatedFinding[];
  /**
   * Why the file could not be read or parsed, when it could not (an input error: exit code 2).
   * Its `definition-parse` finding is among `findings`.
   */
  inputError?: InputError;
}

/** Counts of findings by severity. */
export interface Summary {
  files: number;
  errors: number;
  warnings: number;
  infos: number;
}

export interface ValidationReport {
  files: FileReport[];
  /** Rules that ran, built-in and custom, in catalogue order. */
  rules: CheckedRule[];
  summary: Summary;
}

/** Count findings by severity. `files` is the number of distinct files among them. */
export function summarize(findings: readonly Finding[]): Summary {
  const summary: Summary = { files: 0, errors: 0, warnings: 0, infos: 0 };
  const files = new Set<string | undefined>();
  for (const finding of findings) {
    files.add(finding.location.file);
    if (finding.severity === 'error') summary.errors++;
    else if (finding.severity === 'warning') summary.warnings++;
    else summary.infos++;
  }
  summary.files = files.size;
  return summary;
}

/** Build a report from per-file findings; `summary.files` counts every file validated. */
export function buildReport(files: FileReport[], rules: CheckedRule[]): ValidationReport {
  const summary = summarize(files.flatMap((file) => file.findings));
  summary.files = files.length;
  return { files, rules, summary };
}

/** The `--fail-on` threshold. */
export type FailOn = 'error' | 'warning' | 'never';

/** Whether a finding of this severity fails the run under `failOn`. */
export function failsOn(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return severity === 'error' || (failOn === 'warning' && severity === 'warning');
}

/** Whether any finding in the report fails the run under `failOn`. */
export function reportFails(report: ValidationReport, failOn: FailOn): boolean {
  return report.files.some((file) => file.findings.some((finding) => failsOn(finding.severity, failOn)));
}
