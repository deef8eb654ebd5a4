/**
 * `lintCustomApi`: the documented rules of a custom API ({@link CUSTOM_API_RULES}) as findings
 * of the shared {@link Finding} type, with JSON pointers into the spec file.
 */
import { pointer } from '../../errors.js';
import type { Finding } from '../../validation/finding.js';
import { CUSTOM_API_RULES, type CustomApiRule } from './customApiRules.js';
import { ENTITY_FIELD_TYPES, WORKFLOW_FIELD_TYPES } from './fieldTypes.js';
import { normalizeCustomApiSpec, type CustomApiDefinition, type CustomApiSpec, type ResponseProperty } from './spec.js';

/** Options of {@link lintCustomApi}. */
export interface LintCustomApiOptions {
  /** The spec's file, reported as `location.file`. */
  file?: string;
  /** The publisher prefix uniqueName must start with; any prefix when absent. */
  prefix?: string;
}

// A publisher prefix is letters and digits starting with a letter; the name after the
// underscore has no special characters.
const UNIQUE_NAME = /^[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+$/;

/** Lint a validated spec (see `parseCustomApiSpec`). Findings are in spec order. */
export function lintCustomApi(spec: CustomApiSpec, options: LintCustomApiOptions = {}): Finding[] {
  const api = normalizeCustomApiSpec(spec);
  const findings: Finding[] = [];
  const add = (rule: CustomApiRule, message: string, at: string, args: string[] = []): void => {
    findings.push({
      ruleId: rule.id,
      severity: rule.severity,
      activityId: '',
      message,
      arguments: args,
      location: { ...(options.file === undefined ? {} : { file: options.file }), pointer: at },
    });
  };
  const R = CUSTOM_API_RULES;

  if (!UNIQUE_NAME.test(api.uniqueName)) {
    add(R.uniqueName, `uniqueName "${api.uniqueName}" must be <publisher prefix>_<name> with letters, digits and underscores only`, '/uniqueName', [api.uniqueName]);
  } else if (options.prefix !== undefined && !api.uniqueName.startsWith(`${options.prefix}_`)) {
    add(R.uniqueName, `uniqueName "${api.uniqueName}" must start with the publisher prefix "${options.prefix}_"`, '/uniqueName', [api.uniqueName, options.prefix]);
  }

  if (api.bindingType !== 'Global' && api.boundEntityLogicalName === undefined) {
    add(R.boundEntity, `bindingType ${api.bindingType} needs boundEntityLogicalName`, '/boundEntityLogicalName', [api.bindingType]);
  }

  if (api.isFunction && api.responseProperties.length === 0) {
    add(R.functionResponse, 'a function needs at least one response property', '/responseProperties', []);
  }
  if (api.workflowSdkStepEnabled && api.isFunction) {
    add(R.workflowFunction, 'a custom API enabled for workflow cannot be a function (set isFunction: false)', '/isFunction', []);
  }

  api.requestParameters.forEach((parameter, index) => {
    if (api.bindingType === 'Entity' && parameter.uniqueName === 'Target') {
      add(R.implicitTarget, 'Entity binding creates the Target parameter itself; remove this declaration', pointer('requestParameters', index, 'uniqueName'), ['Target']);
    }
  });

  lintMembers(api, 'requestParameters', api.requestParameters, add);
  lintMembers(api, 'responseProperties', api.responseProperties, add);

  if (!api.isPrivate) {
    add(R.shipPrivate, 'isPrivate is false: set it to true before shipping unless other developers may use this API', '/isPrivate', []);
  }
  if (api.isCustomizable) {
    add(R.shipNotCustomizable, 'the custom API is customizable: ship it with isCustomizable: false', '/isCustomizable', []);
  }
  for (const list of ['requestParameters', 'responseProperties'] as const) {
    api[list].forEach((member, index) => {
      if (member.isCustomizable) {
        add(R.shipNotCustomizable, `${member.uniqueName} is customizable: ship it with isCustomizable: false`, pointer(list, index, 'isCustomizable'), [member.uniqueName]);
      }
    });
  }
  return findings;
}

type Add = (rule: CustomApiRule, message: string, at: string, args?: string[]) => void;

function lintMembers(api: CustomApiDefinition, list: 'requestParameters' | 'responseProperties', members: readonly ResponseProperty[], add: Add): void {
  const R = CUSTOM_API_RULES;
  const seen = new Map<string, number>();
  members.forEach((member, index) => {
    const at = (key?: string): string => (key === undefined ? pointer(list, index) : pointer(list, index, key));
    const first = seen.get(member.uniqueName);
    if (first !== undefined) {
      add(R.duplicateName, `${member.uniqueName} is declared twice in ${list} (first at index ${first})`, at('uniqueName'), [member.uniqueName]);
    } else {
      seen.set(member.uniqueName, index);
    }
    if (api.workflowSdkStepEnabled && !WORKFLOW_FIELD_TYPES.has(member.type)) {
      add(R.workflowType, `${member.uniqueName} has type ${member.type}, which a custom API enabled for workflow cannot use`, at('type'), [member.uniqueName, member.type]);
    }
    // The rule is in the workflow section of the docs: outside workflow, EntityReference
    // parameters of unbound APIs are fine (msdyncrm_CustomChannelActivityCreateInteraction has three).
    if (api.workflowSdkStepEnabled && member.type === 'EntityReference' && api.bindingType !== 'Entity') {
      add(R.workflowEntityReference, `${member.uniqueName} is an EntityReference, which a custom API enabled for workflow may only use when bound to an entity (bindingType: Entity)`, at('type'), [member.uniqueName]);
    }
    if (ENTITY_FIELD_TYPES.has(member.type)) {
      if (member.logicalEntityName === undefined) {
        add(R.logicalEntityNameMissing, `${member.uniqueName} (${member.type}) does not say which table: set logicalEntityName`, at(), [member.uniqueName]);
      }
    } else if (member.logicalEntityName !== undefined) {
      add(R.logicalEntityNameUnexpected, `${member.uniqueName} has type ${member.type}; logicalEntityName applies to Entity and EntityReference only`, at('logicalEntityName'), [member.uniqueName, member.type]);
    }
  });
}
