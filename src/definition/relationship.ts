import type { RelationshipType } from './types.js';

/**
 * The documentation's property table spells relationship types `default`, `yesBranch`,
 * `noBranch`, while real designer payloads write `Default`, `YesBranch`, `NoBranch`; parsers accept
 * any casing and writers use the PascalCase form.
 * https://learn.microsoft.com/dynamics365/marketing/developer/customer-journey-workflow-definition
 */
const BY_LOWER_CASE: ReadonlyMap<string, RelationshipType> = new Map([
  ['default', 'Default'],
  ['yesbranch', 'YesBranch'],
  ['nobranch', 'NoBranch'],
]);

/** The canonical spelling of a relationship type in any casing, or undefined when it is none. */
export function normalizeRelationshipType(value: unknown): RelationshipType | undefined {
  if (value === 'Default' || value === 'YesBranch' || value === 'NoBranch') return value;
  return typeof value === 'string' ? BY_LOWER_CASE.get(value.toLowerCase()) : undefined;
}

/** The `ParentBranchId` a trigger child must carry: 0 on the yes branch, 1 on the no branch. */
export const TRIGGER_BRANCH_ID: Readonly<Record<'YesBranch' | 'NoBranch', number>> = Object.freeze({
  YesBranch: 0,
  NoBranch: 1,
});
