/**
 * The rule catalogue: every built-in rule in the order it runs and is documented
 * (`docs/rules.md` is generated from it).
 */
import type { Rule } from './rule.js';
import { CHANGE_RULES } from './rules/changes.js';
import { FIELD_RULES } from './rules/fields.js';
import { LIMIT_RULES } from './rules/limits.js';
import { REFERENCE_RULES } from './rules/references.js';
import { STRUCTURE_RULES } from './rules/structure.js';

/** Every built-in rule. */
export const RULES: readonly Rule[] = Object.freeze([
  ...STRUCTURE_RULES,
  ...REFERENCE_RULES,
  ...FIELD_RULES,
  ...CHANGE_RULES,
  ...LIMIT_RULES,
]);

const BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

/** The built-in rule with this id, if any. */
export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}
