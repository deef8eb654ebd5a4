/**
 * SARIF 2.1.0 (OASIS), the format code-scanning services read: one run, the rules that were
 * checked as rule descriptors, one result per finding with the file, line and column of its
 * JSON pointer and the pointer itself as a logical location.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../finding.js';
import type { CheckedRule, ValidationReport } from '../report.js';
import { indentJson, JsonArrayWriter, type ReportWriter } from './writer.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** Options of {@link formatSarif}. */
export interface SarifFormatOptions {
  /** The journeyctl version for `tool.driver.version`. */
  toolVersion?: string;
}

/** A file path as a SARIF artifact URI: relative paths stay relative, with `/` separators. */
export function artifactUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function descriptor(rule: CheckedRule): Record<string, unknown> {
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.summary },
    ...(rule.rationale ? { fullDescription: { text: rule.rationale } } : {}),
    help: { text: `${rule.rationale ? `${rule.rationale} ` : ''}See docs/rules.md#${rule.id.toLowerCase()} in journeyctl.` },
    ...(rule.helpUri ? { helpUri: rule.helpUri } : {}),
    defaultConfiguration: { level: LEVEL[rule.severity] },
  };
}

/**
 * A SARIF 2.1.0 log, streamed: the results as each file comes, then the tool with its rule
 * descriptors (property order has no meaning in SARIF; the descriptors come last because rules
 * not in the catalogue, such as server faults, are known only once a result names them).
 */
export function sarifWriter(checked: readonly CheckedRule[], options: SarifFormatOptions = {}): ReportWriter {
  const rules = [...checked];
  const index = new Map(rules.map((rule, position) => [rule.id, position]));
  const results = new JsonArrayWriter(3);
  return {
    start: () => `{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n  "version": "2.1.0",\n  "runs": [\n    {\n      "results": [`,
    file(file) {
      let text = '';
      for (const finding of file.findings) {
        let ruleIndex = index.get(finding.ruleId);
        if (ruleIndex === undefined) {
          // Server faults and internal errors are not in the catalogue; describe them anyway.
          ruleIndex = rules.length;
          rules.push({ id: finding.ruleId, severity: finding.severity, summary: finding.ruleId });
          index.set(finding.ruleId, ruleIndex);
        }
        const region = finding.line !== undefined ? { region: { startLine: finding.line, startColumn: finding.column ?? 1 } } : {};
        const pointer = finding.location.pointer ?? '';
        text += results.element({
          ruleId: finding.ruleId,
          ruleIndex,
          level: LEVEL[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: artifactUri(finding.location.file ?? file.path) }, ...region },
              logicalLocations: [{ fullyQualifiedName: pointer === '' ? '/' : pointer, kind: 'object' }],
            },
          ],
          properties: {
            activityId: finding.activityId,
            ...(finding.itemId === undefined ? {} : { itemId: finding.itemId }),
            arguments: finding.arguments,
          },
        });
      }
      return text;
    },
    end() {
      const tool = { driver: { name: 'journeyctl', ...(options.toolVersion ? { version: options.toolVersion } : {}), rules: rules.map(descriptor) } };
      return `${results.close()},\n      "tool": ${indentJson(JSON.stringify(tool, null, 2), 6)}\n    }\n  ]\n}\n`;
    },
  };
}

/** Render a report as a SARIF 2.1.0 log. */
export function formatSarif(report: ValidationReport, options: SarifFormatOptions = {}): string {
  const writer = sarifWriter(report.rules, options);
  return writer.start() + report.files.map((file) => writer.file(file)).join('') + writer.end(report.summary);
}
