/**
 * `journeyctl validate [paths..]`: offline validation of journey documents for CI, with text,
 * JSON, SARIF, JUnit and GitHub output and a documented exit code.
 *
 * Exit codes: 0 when no finding reaches `--fail-on`; 1 when one does; 2 for usage errors and
 * input that cannot be read at all (a missing path, a folder without a definition, an
 * unreadable file). A file that can be read but is not a valid journey document (not JSON, a
 * malformed definition) is a `definition-parse` finding, so it shows up in every report format.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { InputError, type InputLocation } from '../../errors.js';
import { isUnreadable, loadInputs, withStdin, type ValidatePathsResult } from '../validateInputs.js';
import { validateOnline, withOnlineOptions, type OnlineValidateArgs } from '../onlineValidate.js';
import { EXPORT_FILES, loadJourneyDocument, parseText, STDIN, type JourneyDocument, type ParsedText } from '../../io/index.js';
import { RULES } from '../../validation/catalogue.js';
import { applyRuleFlags, defaultConfig, findConfigFile, loadValidationConfig, type ValidationConfig } from '../../validation/config.js';
import type { Finding } from '../../validation/finding.js';
import { FORMATS, formatGithubSummary, formatReport, type FormatName } from '../../validation/formatters/index.js';
import { buildReport, reportFails, type CheckedRule, type FailOn, type FileReport, type LocatedFinding } from '../../validation/report.js';
import type { ValidateJourneyInput } from '../../validation/rule.js';
import { validateJourney } from '../../validation/validator.js';
import { useColor, writeErr, writeOut } from '../context.js';
import { ExitCode, ExitError } from '../exit.js';

/** The validator input for a loaded document, with pointers and files for each part. */
export function validationInput(document: JourneyDocument, baseline?: ValidateJourneyInput['baseline']): ValidateJourneyInput {
  const input: ValidateJourneyInput = {
    definition: document.definition,
    file: document.definitionFile,
    basePointer: document.definitionPointer,
  };
  if (document.fields) {
    input.fields = document.fields;
    if (document.kind === 'export') input.fieldsFile = join(document.file, EXPORT_FILES.record);
    // Fields sit at the top of a record and of journey.json. Validate requests (FieldValue…)
    // and specs name them differently, so their field findings resolve to the document itself.
    input.fieldsPointer = '';
  }
  if (document.designerState) {
    input.designerState = document.designerState;
    if (document.kind === 'record') input.designerStatePointer = '/msdyncrm_customerjourneydesignerstate';
    if (document.kind === 'export') input.designerStateFile = join(document.file, EXPORT_FILES.designerState);
  }
  const unresolved = (document.unresolved ?? []).flatMap((reference) => (reference.activityItemId === undefined ? [] : [reference.activityItemId]));
  if (unresolved.length > 0) input.unresolvedItemIds = unresolved;
  if (baseline) input.baseline = baseline;
  return input;
}

/** Position finder per file, parsing each file at most once. */
function positionsFor(texts: Map<string, string>): (file: string | undefined, pointer: string | undefined) => { line: number; column: number } | undefined {
  const parsed = new Map<string, ParsedText | null>();
  return (file, pointer) => {
    if (file === undefined || pointer === undefined) return undefined;
    let tree = parsed.get(file);
    if (tree === undefined) {
      try {
        const text = texts.get(file) ?? (file === STDIN ? undefined : readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
        tree = text === undefined ? null : parseText(text, file);
      } catch {
        tree = null;
      }
      parsed.set(file, tree);
    }
    if (!tree) return undefined;
    // The nearest enclosing value that exists in the file: pointers into a definition stored
    // as a JSON string end at that string property.
    let candidate = pointer;
    for (;;) {
      const position = tree.positionOf(candidate);
      if (position) return position;
      if (candidate === '') return undefined;
      candidate = candidate.slice(0, candidate.lastIndexOf('/'));
    }
  };
}

function locate(finding: Finding, position: ReturnType<ReturnType<typeof positionsFor>>): LocatedFinding {
  return position ? { ...finding, line: position.line, column: position.column } : { ...finding };
}

/** The finding reported for a document that was read but is not a valid journey document. */
function parseFailure(path: string, error: InputError, config: ValidationConfig): Finding | undefined {
  const setting = config.rules['definition-parse'] ?? 'error';
  if (setting === 'off') return undefined;
  const location: InputLocation = { file: error.location.file ?? path, pointer: error.location.pointer ?? '' };
  return {
    ruleId: 'definition-parse',
    severity: setting,
    activityId: '',
    message: error.hint ? `${error.message} (${error.hint})` : error.message,
    arguments: [],
    location,
  };
}

/** Rules that ran, for SARIF descriptors and JUnit test cases. */
export function checkedRules(config: ValidationConfig): CheckedRule[] {
  const checked: CheckedRule[] = [];
  for (const rule of RULES) {
    const setting = config.rules[rule.id] ?? rule.defaultSeverity;
    if (setting !== 'off') checked.push({ id: rule.id, severity: setting, summary: rule.summary, rationale: rule.rationale });
  }
  for (const rule of config.customRules) {
    const setting = config.rules[rule.id] ?? rule.severity ?? 'error';
    if (setting !== 'off') checked.push({ id: rule.id, severity: setting, summary: rule.message });
  }
  return checked;
}

/** Options of {@link validatePaths}. */
export interface ValidatePathsOptions {
  config: ValidationConfig;
  /** The stored journey to compare with (change rules). */
  baseline?: ValidateJourneyInput['baseline'];
  /** @default Date.now() */
  now?: number;
}

/** Validate documents and build the report; unreadable and skipped inputs are returned separately. */
export async function validatePaths(paths: readonly string[], options: ValidatePathsOptions): Promise<ValidatePathsResult> {
  const inputs = await loadInputs(paths);
  const files: FileReport[] = [];
  const unreadable: InputError[] = [];
  const skipped: string[] = [];
  for (const input of inputs) {
    if (!input.ok && input.skipped) {
      skipped.push(input.path);
      continue;
    }
    const position = positionsFor(input.texts);
    let findings: LocatedFinding[];
    if (input.ok) {
      const raw = validateJourney(validationInput(input.document, options.baseline), {
        rules: options.config.rules,
        customRules: options.config.customRules,
        ...(options.now === undefined ? {} : { now: options.now }),
      });
      findings = raw.map((finding) => locate(finding, position(finding.location.file, finding.location.pointer)));
    } else if (isUnreadable(input.error)) {
      unreadable.push(input.error);
      continue;
    } else {
      const finding = parseFailure(input.path, input.error, options.config);
      const reported = /line (\d+), column (\d+)/.exec(input.error.message);
      const at = reported ? { line: Number(reported[1]), column: Number(reported[2]) } : finding ? position(finding.location.file, finding.location.pointer) : undefined;
      findings = finding ? [locate(finding, at)] : [];
    }
    files.push({ path: input.path, findings });
  }
  return { report: buildReport(files, checkedRules(options.config)), unreadable, skipped };
}

/** Parse `--output FMT=FILE` flags. */
export function parseOutputs(flags: readonly string[]): Map<FormatName, string> {
  const outputs = new Map<FormatName, string>();
  for (const flag of flags) {
    const match = /^([a-z]+)=(.+)$/.exec(flag);
    if (!match || !(FORMATS as readonly string[]).includes(match[1]!)) {
      throw new InputError(`--output ${flag}: expected FORMAT=FILE with FORMAT one of ${FORMATS.join(', ')}`, {}, { hint: 'e.g. --output sarif=results.sarif' });
    }
    outputs.set(match[1] as FormatName, match[2]!);
  }
  return outputs;
}

function toolVersion(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

async function loadBaseline(path: string): Promise<ValidateJourneyInput['baseline']> {
  const document = await loadJourneyDocument(path);
  return { definition: document.definition, ...(document.fields ? { fields: document.fields } : {}), file: document.definitionFile };
}

interface ValidateArgs extends OnlineValidateArgs {
  online: boolean;
  paths: string[];
  format: FormatName[];
  output: string[];
  'fail-on': FailOn;
  baseline?: string;
  config?: string;
  rule: string[];
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

async function runValidate(argv: ValidateArgs): Promise<void> {
  const outputs = parseOutputs(argv.output);
  const formats = [...new Set<FormatName>([...argv.format, ...outputs.keys()])];
  if (formats.length === 0) formats.push('text');
  const toStdout = formats.filter((format) => !outputs.has(format));
  if (toStdout.length > 1) {
    throw new InputError(`formats ${toStdout.join(' and ')} would both write to standard output`, {}, { hint: 'send all but one to files with --output FORMAT=FILE' });
  }
  const configFile = argv.config ?? findConfigFile();
  const config = applyRuleFlags(configFile ? loadValidationConfig(configFile) : defaultConfig(), argv.rule);
  const baseline = argv.baseline ? await loadBaseline(argv.baseline) : undefined;

  const { report, unreadable, skipped } = argv.online
    ? await validateOnline(argv.paths, argv)
    : await validatePaths(withStdin(argv.paths), { config, ...(baseline ? { baseline } : {}) });
  if (skipped.length > 0 && !argv.quiet) {
    writeErr(`note: skipped ${skipped.length} file(s) in the given folders that are not journey documents${argv.verbose ? `: ${skipped.join(', ')}` : ' (--verbose lists them)'}`);
  }
  const version = toolVersion();
  for (const format of formats) {
    const file = outputs.get(format);
    const text = formatReport(format, report, {
      color: file === undefined && format === 'text' && useColor({ color: argv.color }),
      quiet: argv.quiet,
      failOn: argv['fail-on'],
      ...(version ? { toolVersion: version } : {}),
    });
    if (file === undefined) writeOut(text);
    else writeFileSync(file, text);
  }
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (formats.includes('github') && summaryFile) appendFileSync(summaryFile, formatGithubSummary(report));

  for (const error of unreadable) {
    writeErr(`error: ${error.message} (${error.location.file ?? ''})${error.hint ? `\nhint: ${error.hint}` : ''}`);
  }
  if (unreadable.length > 0) throw new ExitError(ExitCode.Usage);
  if (reportFails(report, argv['fail-on'])) throw new ExitError(ExitCode.Failure);
}

/** Register `journeyctl validate`. */
export default function register(cli: Argv): Argv {
  return cli.command(
    'validate [paths..]',
    'Check journey definitions, records, exports and specs offline (rules: docs/rules.md)',
    (command) =>
      withOnlineOptions(command)
        .positional('paths', { type: 'string', array: true, default: [], describe: 'Files, folders or globs; - reads standard input' })
        .option('format', { alias: 'f', type: 'string', array: true, nargs: 1, choices: FORMATS, default: [], describe: 'Output format (repeatable): text (default), json, sarif, junit, github' })
        .option('output', { alias: 'o', type: 'string', array: true, nargs: 1, default: [], describe: 'Write a format to a file: FORMAT=FILE (repeatable)' })
        .option('fail-on', { type: 'string', choices: ['error', 'warning', 'never'] as const, default: 'error' as FailOn, describe: 'Lowest severity that makes the exit code 1' })
        .option('baseline', { type: 'string', describe: 'The journey as stored now; enables the change rules (locks by status)' })
        .option('config', { type: 'string', describe: 'Configuration file (default: nearest .journeyctl.json)' })
        .option('rule', { type: 'string', array: true, nargs: 1, default: [], describe: 'Set a rule severity: id=off|info|warning|error (repeatable)' })
        .example('$0 validate journeys/ --format sarif --output sarif=journeys.sarif', 'Validate a folder and write SARIF for code scanning')
        .example('$0 validate journey.json --baseline stored.json', 'Check what a Live-editable journey may change')
        .example('$0 validate journey.json --online --url https://contoso.crm4.dynamics.com', "Ask the server's msdyncrm_CustomerJourneyValidate (exit 3 where outbound marketing was removed)"),
    async (argv) => runValidate(argv as unknown as ValidateArgs),
  );
}
