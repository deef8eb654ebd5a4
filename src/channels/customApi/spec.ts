/**
 * The custom API spec file: one Dataverse custom API with its request parameters and response
 * properties, in YAML or JSON (schema `schemas/custom-api-spec.schema.json`).
 */
import { parseYamlText } from '../../io/parseText.js';
import { InputError } from '../../errors.js';
import { assertChannelSchema } from '../realtime/channelSchemas.js';
import { fieldTypeLabel, type BindingType, type CustomApiFieldType, type ProcessingStepType } from './fieldTypes.js';

/** A request parameter as written in a spec. */
export interface RequestParameterSpec {
  /** The parameter name on the wire. */
  uniqueName: string;
  /** @default `<api uniqueName>.<uniqueName>` */
  name?: string;
  /** @default uniqueName */
  displayName?: string;
  /** @default displayName */
  description?: string;
  /** By label (`String`) or value (`10`). */
  type: CustomApiFieldType | number;
  /** Entity and EntityReference only. */
  logicalEntityName?: string;
  /** @default false */
  isOptional?: boolean;
  /** @default true (the table's default; ship false) */
  isCustomizable?: boolean;
}

/** A response property as written in a spec. */
export type ResponsePropertySpec = Omit<RequestParameterSpec, 'isOptional'>;

/** A custom API as written in a spec file. */
export interface CustomApiSpec {
  /** `<publisher prefix>_<name>`, no special characters. */
  uniqueName: string;
  /** @default uniqueName */
  name?: string;
  /** @default name */
  displayName?: string;
  /** @default displayName */
  description?: string;
  /** @default "Global" */
  bindingType?: BindingType;
  /** Required for Entity and EntityCollection bindings. */
  boundEntityLogicalName?: string;
  /** @default false (an Action) */
  isFunction?: boolean;
  /** @default false */
  isPrivate?: boolean;
  /** @default "None" */
  allowedCustomProcessingStepType?: ProcessingStepType;
  /** @default false */
  workflowSdkStepEnabled?: boolean;
  executePrivilegeName?: string;
  /** @default true (the table's default; ship false) */
  isCustomizable?: boolean;
  /** The plugintype implementing the main operation. */
  pluginTypeId?: string;
  /** @default [] */
  requestParameters?: RequestParameterSpec[];
  /** @default [] */
  responseProperties?: ResponsePropertySpec[];
}

/** A request parameter with every default applied and its type as a label. */
export interface RequestParameter {
  uniqueName: string;
  name: string;
  displayName: string;
  description: string;
  type: CustomApiFieldType;
  logicalEntityName?: string;
  isOptional: boolean;
  isCustomizable: boolean;
}

/** A response property with every default applied. */
export type ResponseProperty = Omit<RequestParameter, 'isOptional'>;

/** A custom API with every default applied; what the linter and the deep insert work on. */
export interface CustomApiDefinition {
  uniqueName: string;
  name: string;
  displayName: string;
  description: string;
  bindingType: BindingType;
  boundEntityLogicalName?: string;
  isFunction: boolean;
  isPrivate: boolean;
  allowedCustomProcessingStepType: ProcessingStepType;
  workflowSdkStepEnabled: boolean;
  executePrivilegeName?: string;
  isCustomizable: boolean;
  pluginTypeId?: string;
  requestParameters: RequestParameter[];
  responseProperties: ResponseProperty[];
}

/** Where a spec came from, for messages. */
export interface SpecSource {
  file?: string;
}

/**
 * Read a spec file's text (YAML or JSON; JSON is YAML) and validate it against the schema.
 * Throws an {@link InputError} with line and column for syntax errors and with a JSON pointer
 * for schema violations.
 */
export function parseCustomApiSpec(text: string, source: SpecSource = {}): CustomApiSpec {
  return readCustomApiSpec(text, source).spec;
}

/** A parsed spec and a way back from JSON pointers to source lines. */
export interface ReadSpec {
  spec: CustomApiSpec;
  /** The 1-based line of the value at a JSON pointer (or of its nearest ancestor that exists). */
  lineOf(pointer: string): number | undefined;
}

/** {@link parseCustomApiSpec}, keeping the document to map findings' pointers to lines. */
export function readCustomApiSpec(text: string, source: SpecSource = {}): ReadSpec {
  // The one reader: YAML (JSON is YAML) with unique keys, capped aliases (no "billion laughs"),
  // the nesting limit, and syntax errors with their line and column.
  const parsed = parseYamlText(text, source.file === undefined ? {} : { file: source.file });
  const spec = validateCustomApiSpec(parsed.value, source);
  return { spec, lineOf: (pointer) => parsed.positionOf(pointer)?.line };
}

/** Validate an already parsed spec against the schema; returns it typed. */
export function validateCustomApiSpec(value: unknown, source: SpecSource = {}): CustomApiSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError('a custom API spec must be an object (a YAML mapping or JSON object)', { ...source, pointer: '' }, {
      hint: 'start the file with "uniqueName: <prefix>_<Name>"',
    });
  }
  assertChannelSchema('custom-api-spec', value, 'custom API spec', source);
  return value as CustomApiSpec;
}

/** Apply the defaults of the tables (and of the spec format) to a validated spec. */
export function normalizeCustomApiSpec(spec: CustomApiSpec): CustomApiDefinition {
  const name = spec.name ?? spec.uniqueName;
  const displayName = spec.displayName ?? name;
  const api: CustomApiDefinition = {
    uniqueName: spec.uniqueName,
    name,
    displayName,
    description: spec.description ?? displayName,
    bindingType: spec.bindingType ?? 'Global',
    isFunction: spec.isFunction ?? false,
    isPrivate: spec.isPrivate ?? false,
    allowedCustomProcessingStepType: spec.allowedCustomProcessingStepType ?? 'None',
    workflowSdkStepEnabled: spec.workflowSdkStepEnabled ?? false,
    isCustomizable: spec.isCustomizable ?? true,
    requestParameters: (spec.requestParameters ?? []).map((p) => ({
      ...member(spec.uniqueName, p),
      isOptional: p.isOptional ?? false,
    })),
    responseProperties: (spec.responseProperties ?? []).map((p) => member(spec.uniqueName, p)),
  };
  if (spec.boundEntityLogicalName !== undefined) api.boundEntityLogicalName = spec.boundEntityLogicalName;
  if (spec.executePrivilegeName !== undefined) api.executePrivilegeName = spec.executePrivilegeName;
  if (spec.pluginTypeId !== undefined) api.pluginTypeId = spec.pluginTypeId;
  return api;
}

// `name` is String(100); the recommended `<api>.<param>` can be longer, then the param name is used.
const NAME_MAX_LENGTH = 100;

function member(apiUniqueName: string, spec: ResponsePropertySpec): ResponseProperty {
  const qualified = `${apiUniqueName}.${spec.uniqueName}`;
  const name = spec.name ?? (qualified.length <= NAME_MAX_LENGTH ? qualified : spec.uniqueName);
  const displayName = spec.displayName ?? spec.uniqueName;
  const result: ResponseProperty = {
    uniqueName: spec.uniqueName,
    name,
    displayName,
    description: spec.description ?? displayName,
    type: fieldTypeLabel(spec.type),
    isCustomizable: spec.isCustomizable ?? true,
  };
  if (spec.logicalEntityName !== undefined) result.logicalEntityName = spec.logicalEntityName;
  return result;
}
