/**
 * The documented rules of a custom API definition, each with the page it comes from.
 * https://learn.microsoft.com/power-apps/developer/data-platform/custom-api
 * https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables
 */
import { documentedRule, type DocumentedRule } from '../documentedRule.js';

const CUSTOM_API = 'https://learn.microsoft.com/power-apps/developer/data-platform/custom-api';
const TABLES = 'https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables';

/** A custom API rule: id, severity, what it checks and where that is documented. */
export type CustomApiRule = DocumentedRule;

const rule = documentedRule;

/** Every custom API rule by key. */
export const CUSTOM_API_RULES = Object.freeze({
  uniqueName: rule(
    'custom-api-unique-name',
    'error',
    'uniqueName starts with the publisher customization prefix and an underscore and has no special characters.',
    TABLES,
  ),
  functionResponse: rule(
    'custom-api-function-response',
    'error',
    'A function must return data: it needs at least one response property (otherwise it is missing from $metadata and calls get 404).',
    `${CUSTOM_API}#when-to-create-a-function`,
  ),
  workflowFunction: rule(
    'custom-api-workflow-function',
    'error',
    'A custom API enabled for workflow cannot be a function.',
    `${CUSTOM_API}#use-a-custom-api-in-a-workflow`,
  ),
  workflowType: rule(
    'custom-api-workflow-type',
    'error',
    'A custom API enabled for workflow cannot use Entity, EntityCollection or StringArray parameters or properties.',
    `${CUSTOM_API}#use-a-custom-api-in-a-workflow`,
  ),
  workflowEntityReference: rule(
    'custom-api-workflow-entity-reference',
    'error',
    'In a custom API enabled for workflow, EntityReference can only be used when the custom API is bound to an entity.',
    `${CUSTOM_API}#use-a-custom-api-in-a-workflow`,
  ),
  boundEntity: rule(
    'custom-api-bound-entity',
    'error',
    'Entity and EntityCollection bindings need boundEntityLogicalName.',
    TABLES,
  ),
  implicitTarget: rule(
    'custom-api-implicit-target',
    'error',
    'Entity binding creates the EntityReference request parameter Target automatically; do not declare it.',
    `${CUSTOM_API}#select-a-binding-type`,
  ),
  logicalEntityNameUnexpected: rule(
    'custom-api-logical-entity-name-unexpected',
    'error',
    'logicalEntityName applies to Entity and EntityReference parameters and properties only.',
    TABLES,
  ),
  logicalEntityNameMissing: rule(
    'custom-api-logical-entity-name-missing',
    'warning',
    'An Entity or EntityReference parameter or property names its table in logicalEntityName.',
    TABLES,
  ),
  duplicateName: rule(
    'custom-api-duplicate-name',
    'error',
    'Request parameters (and response properties) are identified by their unique name; each appears once.',
    TABLES,
  ),
  shipPrivate: rule(
    'custom-api-ship-private',
    'warning',
    'Set isPrivate to true before shipping unless you support other developers using the API.',
    `${CUSTOM_API}#when-to-make-your-custom-api-private`,
  ),
  shipNotCustomizable: rule(
    'custom-api-ship-not-customizable',
    'warning',
    'Ship the custom API, each request parameter and each response property with isCustomizable false.',
    `${CUSTOM_API}#custom-api-customization`,
  ),
});

/** A custom API rule's key in {@link CUSTOM_API_RULES}. */
export type CustomApiRuleKey = keyof typeof CUSTOM_API_RULES;
