/**
 * Validation of files and folders: every journey document named by paths, folders, globs or
 * `-`, validated offline and reported one file at a time, in input order, with the line and
 * column of every finding. A run holds a bounded number of documents however many files it
 * reads, and spreads many files over worker threads.
 *
 * ```ts
 * const run = validateFiles(['journeys/']);
 * for await (const file of run) console.log(file.path, file.findings.length);
 * ```
 */
import { InputError, isInputError } from '../errors.js';
import {
  expandInputPaths,
  isSkipped,
  isUnreadableOrUnparseable,
  loadJourneyDocument,
  loadJourneyDocumentSync,
  EXPORT_FILES,
  STDIN,
  type InputPath,
  type JourneyDocument,
  type ParsedText,
  type ReadLimits,
} from '../io/index.js';
import { join } from 'node:path';
import { RULES } from './catalogue.js';
import { defaultConfig, type ValidationConfig } from './config.js';
import type { CustomRule } from './customRules.js';
import type { Finding, SeveritySetting } from './finding.js';
import { summarize, type CheckedRule, type FileReport, type LocatedFinding, type Summary, type ValidationReport } from './report.js';
import type { ValidateJourneyInput } from './rule.js';
import { validateJourney } from './validator.js';
import { runInWorkers, workerCount } from './filePool.js';

/** The stored journey change rules compare with (`--baseline`). */
export type Baseline = NonNullable<ValidateJourneyInput['baseline']>;

/** Options of {@link validateFiles}. */
export interface ValidateFilesOptions {
  /** Rule severities and custom rules (`.journeyctl.json`). @default every rule at its default severity */
  config?: ValidationConfig;
  /** The journey as stored now: enables the change rules. */
  baseline?: Baseline;
  /** "Now" in epoch milliseconds, the same for every file. @default Date.now() at the start */
  now?: number;
  /** Reads standard input for `-`. @default reads `process.stdin` */
  readStdin?: () => Promise<string>;
  /** Size and depth limits of the reader. @default READ_LIMITS */
  limits?: ReadLimits;
  /**
   * Worker threads: `0` validates in this thread, a number uses that many, `auto` uses one per
   * core when there are enough files to repay starting them. @default "auto"
   */
  workers?: number | 'auto';
}

/** What validating one file needs, as plain data (it is sent to worker threads). */
export interface FileValidationSettings {
  rules: Record<string, SeveritySetting>;
  customRules: readonly CustomRule[];
  baseline?: Baseline;
  now: number;
  limits?: ReadLimits;
}

/** The result for one input path: its report, or that it was skipped. */
export type FileOutcome = { path: string; skipped: true } | { path: string; skipped: false; report: FileReport };

/**
 * A run that found nothing to validate: no JSON or YAML document under the paths given, or only
 * files that are no kind of journey document. An input error (exit code 2): a CI gate that
 * checked nothing must not pass.
 */
export class NothingToValidateError extends InputError {
  override name = 'NothingToValidateError';
  /** Files found in folders and left out because they are no kind of journey document. */
  readonly skipped: readonly string[];

  constructor(paths: readonly string[], skipped: readonly string[], verb: 'validate' | 'query' = 'validate') {
    const where = paths.join(', ');
    super(
      skipped.length > 0
        ? `nothing to ${verb}: ${skipped.length} file(s) under ${where}, none of them a journey document`
        : `nothing to ${verb}: no JSON or YAML files under ${where}`,
      paths.length === 1 ? { file: paths[0]! } : {},
      {
        hint:
          skipped.length > 0
            ? 'validate workflow definitions, journey records, validate requests, export folders or specs; other JSON in a folder is skipped (--verbose lists it)'
            : `${verb} reads .json, .yaml and .yml files and export folders; check the path`,
      },
    );
    this.skipped = skipped;
  }
}

/** Rules that run under a configuration, for SARIF descriptors and JUnit test cases. */
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

/** The validator input for a loaded document, with pointers and files for each part. */
export function validationInput(document: JourneyDocument, baseline?: Baseline): ValidateJourneyInput {
  const input: ValidateJourneyInput = {
    definition: document.definition,
    file: document.definitionFile,
    basePointer: document.definitionPointer,
  };
  if (document.definitionText) input.definitionText = document.definitionText;
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

/** Give findings the line and column of their pointer in the file they name, one pass per file. */
export function locateFindings(findings: readonly Finding[], sources: readonly ParsedText[]): LocatedFinding[] {
  if (findings.length === 0) return [];
  const byFile = new Map<string | undefined, Map<string, { line: number; column: number }>>();
  for (const source of sources) {
    const pointers = findings.filter((f) => f.location.file === source.file && f.location.pointer !== undefined).map((f) => f.location.pointer!);
    if (pointers.length > 0) byFile.set(source.file, source.positionsOf(pointers));
  }
  return findings.map((finding) => {
    const position = finding.location.pointer === undefined ? undefined : byFile.get(finding.location.file)?.get(finding.location.pointer);
    return position ? { ...finding, line: position.line, column: position.column } : { ...finding };
  });
}

/** The report of a document that loaded: the validator's findings, located. */
export function reportDocument(path: string, document: JourneyDocument, settings: FileValidationSettings): FileReport {
  const findings = validateJourney(validationInput(document, settings.baseline), { rules: settings.rules, customRules: settings.customRules, now: settings.now });
  return { path, findings: locateFindings(findings, document.sources) };
}

/**
 * The report of a document that did not load. Input that could not be read or parsed is an
 * input error (exit code 2) and always reported; a document that breaks its format is a
 * `definition-parse` finding at the configured severity.
 */
export function reportLoadError(path: string, error: InputError, settings: Pick<FileValidationSettings, 'rules'>): FileReport {
  const inputError = isUnreadableOrUnparseable(error);
  const setting = inputError ? 'error' : (settings.rules['definition-parse'] ?? 'error');
  const report: FileReport = { path, findings: [] };
  if (inputError) report.inputError = error;
  if (setting === 'off') return report;
  const { file, pointer, line, column } = error.location;
  report.findings.push({
    ruleId: 'definition-parse',
    severity: setting,
    activityId: '',
    message: error.hint ? `${error.message} (${error.hint})` : error.message,
    arguments: [],
    location: { file: file ?? path, pointer: pointer ?? '' },
    ...(line === undefined ? {} : { line, column: column ?? 1 }),
  });
  return report;
}

/** Validate one input already loaded (or that failed to load). */
export function outcomeOf(input: InputPath, loaded: { document: JourneyDocument } | { error: unknown }, settings: FileValidationSettings): FileOutcome {
  if ('document' in loaded) return { path: input.path, skipped: false, report: reportDocument(input.path, loaded.document, settings) };
  const error = loaded.error;
  if (!isInputError(error)) throw error;
  if (isSkipped(input, error)) return { path: input.path, skipped: true };
  return { path: input.path, skipped: false, report: reportLoadError(input.path, error, settings) };
}

/** Load and validate one file in this thread, synchronously (the worker's unit of work). */
export function validateFileSync(input: InputPath, settings: FileValidationSettings): FileOutcome {
  let loaded: { document: JourneyDocument } | { error: unknown };
  try {
    loaded = { document: loadJourneyDocumentSync(input.path, settings.limits ? { limits: settings.limits } : {}) };
  } catch (error) {
    loaded = { error };
  }
  return outcomeOf(input, loaded, settings);
}

/** Load and validate one input in this thread (standard input included). */
async function validateInput(input: InputPath, settings: FileValidationSettings, readStdin?: () => Promise<string>): Promise<FileOutcome> {
  if (input.path !== STDIN) return validateFileSync(input, settings);
  let loaded: { document: JourneyDocument } | { error: unknown };
  try {
    loaded = { document: await loadJourneyDocument(STDIN, { ...(readStdin ? { readStdin } : {}), ...(settings.limits ? { limits: settings.limits } : {}) }) };
  } catch (error) {
    loaded = { error };
  }
  return outcomeOf(input, loaded, settings);
}

/**
 * A validation run: iterate it (once) for each file's report, in input order. `rules` is known
 * up front; `summary`, `inputErrors` and `skipped` are complete when the iteration ends.
 */
export class ValidationRun implements AsyncIterable<FileReport> {
  /** The rules checked, built-in and custom, in catalogue order. */
  readonly rules: readonly CheckedRule[];
  /** Counts of the files reported so far and of their findings by severity. */
  readonly summary: Summary = { files: 0, errors: 0, warnings: 0, infos: 0 };
  /** Files that could not be read or parsed (each also reported with a `definition-parse` finding). */
  readonly inputErrors: InputError[] = [];
  /** Files found in folders that are no kind of journey document, left out of the report. */
  readonly skipped: string[] = [];
  private started = false;

  constructor(
    rules: readonly CheckedRule[],
    private readonly paths: readonly string[],
    private readonly outcomes: () => AsyncIterable<FileOutcome>,
  ) {
    this.rules = rules;
  }

  /**
   * Each file's report, in input order.
   * @throws DocumentError (`not-found`) before the first report when a path does not exist;
   *   NothingToValidateError at the end when no file was a journey document
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<FileReport> {
    if (this.started) throw new Error('a validation run can be iterated once');
    this.started = true;
    for await (const outcome of this.outcomes()) {
      if (outcome.skipped) {
        this.skipped.push(outcome.path);
        continue;
      }
      const report = outcome.report;
      const counts = summarize(report.findings);
      this.summary.files++;
      this.summary.errors += counts.errors;
      this.summary.warnings += counts.warnings;
      this.summary.infos += counts.infos;
      if (report.inputError) this.inputErrors.push(report.inputError);
      yield report;
    }
    if (this.summary.files === 0) throw new NothingToValidateError(this.paths, this.skipped);
  }
}

/**
 * Validate journey documents offline: files, folders (walked for `.json`, `.yaml` and `.yml`
 * files and export folders, following links), globs and `-` for standard input. Reports come
 * one file at a time in input order; render them with `formatReport`/`streamReport` or collect
 * them with {@link collectReport}.
 *
 * A file that cannot be read or parsed (missing, too large, not JSON or YAML, nested past the
 * limit) is reported with a `definition-parse` finding and counted in `inputErrors`; a file
 * found in a folder that is no kind of journey document is skipped.
 */
export function validateFiles(paths: readonly string[], options: ValidateFilesOptions = {}): ValidationRun {
  const config = options.config ?? defaultConfig();
  const settings: FileValidationSettings = {
    rules: { ...config.rules },
    customRules: config.customRules,
    now: options.now ?? Date.now(),
    ...(options.baseline ? { baseline: options.baseline } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  };
  if (paths.length === 0) {
    throw new InputError('no input: name at least one file, folder or glob, or - for standard input', {}, { hint: 'e.g. journeyctl validate journeys/' });
  }
  return new ValidationRun(checkedRules(config), paths, () => offlineOutcomes(paths, settings, options));
}

async function* offlineOutcomes(paths: readonly string[], settings: FileValidationSettings, options: ValidateFilesOptions): AsyncGenerator<FileOutcome> {
  const inputs = expandInputPaths(paths);
  const threads = workerCount(options.workers ?? 'auto', inputs.length);
  const inline = (input: InputPath): Promise<FileOutcome> => validateInput(input, settings, options.readStdin);
  if (threads > 0) {
    yield* runInWorkers(inputs, settings, threads, (input) => validateFileSync(input, settings), inline);
    return;
  }
  for (const input of inputs) yield await inline(input);
}

/** Every report of a run, collected into one {@link ValidationReport} (for small runs and tests). */
export async function collectReport(run: ValidationRun): Promise<ValidationReport> {
  const files: FileReport[] = [];
  for await (const file of run) files.push(file);
  return { files, rules: [...run.rules], summary: { ...run.summary } };
}
