/** Dataverse custom API definitions: spec files, documented lint rules, deep insert and channel API generators. */
export {
  CUSTOM_API_FIELD_TYPES,
  BINDING_TYPES,
  PROCESSING_STEP_TYPES,
  WORKFLOW_FIELD_TYPES,
  fieldTypeLabel,
  type CustomApiFieldType,
  type BindingType,
  type ProcessingStepType,
} from './fieldTypes.js';
export {
  parseCustomApiSpec,
  readCustomApiSpec,
  validateCustomApiSpec,
  normalizeCustomApiSpec,
  type CustomApiSpec,
  type RequestParameterSpec,
  type ResponsePropertySpec,
  type CustomApiDefinition,
  type RequestParameter,
  type ResponseProperty,
  type SpecSource,
  type ReadSpec,
} from './spec.js';
export { lintCustomApi, type LintCustomApiOptions } from './lintCustomApi.js';
export { CUSTOM_API_RULES, type CustomApiRule, type CustomApiRuleKey } from './customApiRules.js';
export {
  toDeepInsertBody,
  type CustomApiDeepInsertBody,
  type CustomApiMemberRow,
  type ManagedProperty,
  type DeepInsertOptions,
  type RowRef,
} from './deepInsert.js';
export { generateChannelApi, CHANNEL_API_KINDS, type ChannelApiKind, type GenerateChannelApiOptions } from './generators.js';
