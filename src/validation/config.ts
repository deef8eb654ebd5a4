/**
 * Validation settings from `.journeyctl.json` (found by searching upward from the working
 * directory, or named with `--config`) and from `--rule id=severity` flags:
 *
 * ```json
 * {
 *   "rules": { "unknown-tile-type": "off", "designer-state-counters": "warning" },
 *   "customRules": [
 *     { "id": "no-linkedin-tiles", "severity": "error", "message": "Do not use the LinkedIn tile",
 *       "selector": "$[*]", "where": { "ActivityTypeId": "LinkedInCampaign" }, "assert": "no-match" }
 *   ]
 * }
 * ```
 * Other top-level keys are left to other commands.
 */
import { findUpward } from '../io/findUpward.js';
import { InputError, isInputError } from '../errors.js';
import { locateError } from '../io/loadJourneyDocument.js';
import { readDocumentSync } from '../io/readInput.js';
import { RULES } from './catalogue.js';
import { parseCustomRule, type CustomRule } from './customRules.js';
import type { SeveritySetting } from './finding.js';
import { isRecord, own } from './journeyModel.js';

/** The configuration file's name. */
export const CONFIG_FILE_NAME = '.journeyctl.json';

/** Settings for {@link validateJourney}, as read from configuration. */
export interface ValidationConfig {
  /** Severity per rule id (null-prototype object). */
  rules: Record<string, SeveritySetting>;
  customRules: CustomRule[];
  /** The file it came from, if any. */
  file?: string;
}

const SETTINGS = new Set(['off', 'info', 'warning', 'error']);

/** The nearest `.journeyctl.json` in `from` or a folder above it, if any. */
export function findConfigFile(from: string = process.cwd()): string | undefined {
  return findUpward(CONFIG_FILE_NAME, from);
}

/** An empty configuration: every rule at its default severity, no custom rules. */
export function defaultConfig(): ValidationConfig {
  return { rules: Object.create(null) as Record<string, SeveritySetting>, customRules: [] };
}

/**
 * Read and check a configuration file.
 * @throws InputError naming the file and JSON pointer of the first problem
 */
export function loadValidationConfig(file: string): ValidationConfig {
  // JSON with comments and trailing commas, like other tools' configuration files.
  const parsed = readDocumentSync(file, { syntax: 'jsonc' });
  try {
    return parseValidationConfig(parsed.value, file);
  } catch (error) {
    throw isInputError(error) ? locateError(error, parsed) : error;
  }
}

/** Check a configuration value (already parsed). */
export function parseValidationConfig(value: unknown, file?: string): ValidationConfig {
  const config = defaultConfig();
  if (file !== undefined) config.file = file;
  if (!isRecord(value)) throw new InputError('the configuration must be a JSON object', { file, pointer: '' });
  const customRaw = own(value, 'customRules');
  if (customRaw !== undefined) {
    if (!Array.isArray(customRaw)) throw new InputError('"customRules" must be an array', { file, pointer: '/customRules' });
    const builtIn = new Set(RULES.map((rule) => rule.id));
    const seen = new Set<string>();
    customRaw.forEach((raw, index) => {
      const rule = parseCustomRule(raw, { file, pointer: `/customRules/${index}` }, builtIn);
      if (seen.has(rule.id)) throw new InputError(`custom rule id "${rule.id}" is used twice`, { file, pointer: `/customRules/${index}/id` });
      seen.add(rule.id);
      config.customRules.push(rule);
    });
  }
  const rules = own(value, 'rules');
  if (rules !== undefined) {
    if (!isRecord(rules)) throw new InputError('"rules" must map rule ids to off, info, warning or error', { file, pointer: '/rules' });
    for (const id of Object.keys(rules)) {
      setSeverity(config, id, own(rules, id), { file, pointer: `/rules/${id.replace(/~/g, '~0').replace(/\//g, '~1')}` });
    }
  }
  return config;
}

function knownIds(config: ValidationConfig): Set<string> {
  return new Set([...RULES.map((rule) => rule.id), ...config.customRules.map((rule) => rule.id)]);
}

function setSeverity(config: ValidationConfig, id: string, setting: unknown, location: { file?: string; pointer?: string }): void {
  if (!knownIds(config).has(id)) {
    throw new InputError(`unknown rule "${id}"`, location, { hint: 'rule ids are listed in docs/rules.md; custom rules must be defined in customRules' });
  }
  if (typeof setting !== 'string' || !SETTINGS.has(setting)) {
    throw new InputError(`the severity of "${id}" must be off, info, warning or error`, location);
  }
  Object.defineProperty(config.rules, id, { value: setting, enumerable: true, writable: true, configurable: true });
}

/**
 * Apply `--rule id=severity` flags on top of a configuration (flags win).
 * @throws InputError for a malformed flag or an unknown rule
 */
export function applyRuleFlags(config: ValidationConfig, flags: readonly string[]): ValidationConfig {
  for (const flag of flags) {
    const match = /^([^=]+)=(.*)$/.exec(flag);
    if (!match) throw new InputError(`--rule ${flag}: expected id=off|info|warning|error`, {}, { hint: 'e.g. --rule unknown-tile-type=off' });
    setSeverity(config, match[1]!.trim(), match[2]!.trim(), {});
  }
  return config;
}
