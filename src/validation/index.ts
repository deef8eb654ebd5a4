/**
 * Journey validation: the rule catalogue, the offline validator, the server `ValidationResult`
 * parser and the report formatters.
 */
export type { Finding, Severity, SeveritySetting } from './finding.js';
export type { Rule, RuleCategory, RuleContext, Report, ValidateJourneyInput } from './rule.js';
export { RULES, ruleById } from './catalogue.js';
export { validateJourney, readDefinition, INTERNAL_ERROR_RULE_ID, type ValidateOptions } from './validator.js';
export { parseCustomRule, type CustomRule, type CustomAssertion, type WhereClause } from './customRules.js';
export {
  parseValidationResult,
  toValidationResult,
  faultMessage,
  type ValidationResult,
  type ActivityValidationResult,
  type ServerResult,
} from './serverResult.js';
export {
  summarize,
  buildReport,
  failsOn,
  reportFails,
  type Summary,
  type FailOn,
  type FileReport,
  type LocatedFinding,
  type CheckedRule,
  type ValidationReport,
} from './report.js';
export {
  CONFIG_FILE_NAME,
  findConfigFile,
  loadValidationConfig,
  parseValidationConfig,
  applyRuleFlags,
  defaultConfig,
  type ValidationConfig,
} from './config.js';
export * from './formatters/index.js';
export {
  validateFiles,
  collectReport,
  checkedRules,
  validationInput,
  locateFindings,
  reportLoadError,
  ValidationRun,
  NothingToValidateError,
  type ValidateFilesOptions,
  type Baseline,
  type FileOutcome,
} from './files.js';
export { renderRulesMarkdown } from './docs.js';
export { queryDefinition, queryFiles, type QueryMatch, type QueryFileResult } from './query.js';
