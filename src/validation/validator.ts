/**
 * The offline validator: parse once, build the journey model once, run every enabled rule over
 * it. It never throws on bad data — whatever the input, the answer is a list of findings.
 */
import type { Finding, Severity, SeveritySetting } from './finding.js';
import { buildJourneyModel } from './journeyModel.js';
import type { ParsedDefinition, Report, Rule, RuleContext, ValidateJourneyInput } from './rule.js';
import { RULES } from './catalogue.js';
import { runCustomRules, type CustomRule } from './customRules.js';

/** Options of {@link validateJourney}. */
export interface ValidateOptions {
  /** Severity per rule id (built-in or custom); `off` disables a rule. */
  rules?: Record<string, SeveritySetting>;
  /** An organisation's own rules (see `customRules.ts`). */
  customRules?: readonly CustomRule[];
  /**
   * "Now" in epoch milliseconds, for rules that depend on it.
   * @default Date.now()
   */
  now?: number;
}

/** Rule id of the finding reported when a rule itself fails: a bug, never the user's fault. */
export const INTERNAL_ERROR_RULE_ID = 'validator-internal-error';

/** What is known of the text a definition was read from (see {@link ValidateJourneyInput.definitionText}). */
export interface DefinitionTextInfo {
  length: number;
  stored: boolean;
}

/** Read a definition given as a JSON string, an array or anything else, without throwing. */
export function readDefinition(definition: unknown, text?: DefinitionTextInfo): ParsedDefinition {
  let value = definition;
  let textLength: number | undefined = text?.stored ? text.length : undefined;
  const sourceLength = text && !text.stored ? text.length : undefined;
  if (typeof definition === 'string') {
    textLength = definition.length;
    try {
      value = JSON.parse(definition);
    } catch (error) {
      return {
        raw: undefined,
        model: undefined,
        problem: { message: `The workflow definition is not valid JSON: ${(error as Error).message}.`, arguments: [] },
      };
    }
  }
  if (!Array.isArray(value)) {
    const found = value === undefined ? 'nothing' : value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
    return {
      raw: undefined,
      model: undefined,
      problem: { message: `The workflow definition must be a JSON array of activities, found ${found}.`, arguments: [] },
    };
  }
  try {
    return { raw: value, model: buildJourneyModel(value, textLength, sourceLength), problem: undefined };
  } catch (error) {
    // Only objects built in code (getters, proxies) can fail here; JSON values cannot.
    return {
      raw: undefined,
      model: undefined,
      problem: { message: `The workflow definition could not be read: ${(error as Error)?.message ?? String(error)}.`, arguments: [] },
    };
  }
}

function severityOf(rule: Pick<Rule, 'id' | 'defaultSeverity'>, overrides: Record<string, SeveritySetting> | undefined): SeveritySetting {
  const override = overrides && Object.prototype.hasOwnProperty.call(overrides, rule.id) ? overrides[rule.id] : undefined;
  return override ?? rule.defaultSeverity;
}

/**
 * Validate one journey: its definition and, when given, its fields, designer state and the
 * stored version (baseline). Returns findings in catalogue order; never throws on bad data.
 */
export function validateJourney(input: ValidateJourneyInput, options: ValidateOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const definition = readDefinition(input?.definition, input?.definitionText);
  const baselineDefinition = input?.baseline ? readDefinition(input.baseline.definition) : undefined;
  const base = input?.basePointer ?? '';
  const fieldsBase = input?.fieldsPointer ?? '';
  const designerBase = input?.designerStatePointer ?? '';
  const file = input?.file;

  let current: { id: string; severity: Severity } = { id: '', severity: 'error' };
  const report = (problem: Report): void => {
    const target = problem.target ?? 'definition';
    const prefix = target === 'fields' ? fieldsBase : target === 'designerState' ? designerBase : base;
    const location: Finding['location'] = { pointer: prefix + problem.pointer };
    const where =
      target === 'baseline' ? input.baseline?.file : target === 'fields' ? (input.fieldsFile ?? file) : target === 'designerState' ? (input.designerStateFile ?? file) : file;
    if (where !== undefined) location.file = where;
    const finding: Finding = {
      ruleId: current.id,
      severity: current.severity,
      activityId: problem.activityId ?? '',
      message: problem.message,
      arguments: problem.arguments ?? [],
      location,
    };
    if (problem.itemId !== undefined) finding.itemId = problem.itemId;
    findings.push(finding);
  };

  const fields = isPlainObject(input?.fields) ? input.fields : undefined;
  const baselineFields = isPlainObject(input?.baseline?.fields) ? input.baseline!.fields : undefined;
  const context: RuleContext = {
    definition,
    model: definition.model,
    fields,
    designerState: input?.designerState,
    baseline: baselineDefinition ? { definition: baselineDefinition, fields: baselineFields } : undefined,
    unresolvedItemIds: new Set(Array.isArray(input?.unresolvedItemIds) ? input.unresolvedItemIds : []),
    now: options.now ?? Date.now(),
    report,
  };

  for (const rule of RULES) {
    const severity = severityOf(rule, options.rules);
    if (severity === 'off') continue;
    current = { id: rule.id, severity };
    try {
      rule.check(context);
    } catch (error) {
      current = { id: INTERNAL_ERROR_RULE_ID, severity: 'error' };
      report({ message: `Rule ${rule.id} failed on this input (${(error as Error)?.message ?? String(error)}); please report it.`, arguments: [rule.id], pointer: '' });
    }
  }
  if (baselineDefinition?.problem) {
    current = { id: 'definition-parse', severity: 'error' };
    const severity = severityOf({ id: 'definition-parse', defaultSeverity: 'error' }, options.rules);
    if (severity !== 'off') {
      current.severity = severity;
      report({ message: `Baseline: ${baselineDefinition.problem.message}`, pointer: '', target: 'baseline' });
    }
  }
  if (options.customRules && options.customRules.length > 0 && definition.raw) {
    for (const custom of options.customRules) {
      const severity = severityOf({ id: custom.id, defaultSeverity: custom.severity ?? 'error' }, options.rules);
      if (severity === 'off') continue;
      current = { id: custom.id, severity };
      try {
        runCustomRules(custom, definition.raw, report);
      } catch (error) {
        current = { id: INTERNAL_ERROR_RULE_ID, severity: 'error' };
        report({ message: `Custom rule ${custom.id} failed on this input (${(error as Error)?.message ?? String(error)}).`, arguments: [custom.id], pointer: '' });
      }
    }
  }
  return findings;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
