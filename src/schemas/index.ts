/**
 * The JSON Schemas in `schemas/` (draft 2020-12), compiled once with ajv and cached.
 * Validation returns {@link SchemaIssue}s with JSON pointers into the validated document;
 * the `assertValid*` helpers throw an {@link InputError} that points at the first issue.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { InputError, escapePointerToken } from '../errors.js';

/** The schemas journeyctl ships, by short name; each file's `$id` is `<SCHEMA_BASE_URL><file>`. */
export const SCHEMA_FILES = Object.freeze({
  'workflow-definition': 'workflow-definition.schema.json',
  'journey-record': 'journey-record.schema.json',
  'journey-spec': 'journey-spec.schema.json',
  'realtime-outbound-payload': 'realtime-outbound-payload.schema.json',
  'realtime-outbound-response': 'realtime-outbound-response.schema.json',
  'realtime-notification-payload': 'realtime-notification-payload.schema.json',
  'realtime-inbound-payload': 'realtime-inbound-payload.schema.json',
  'custom-api-spec': 'custom-api-spec.schema.json',
  'realtime-channel': 'realtime-channel.schema.json',
});

/** A schema's short name, e.g. `workflow-definition`. */
export type SchemaName = keyof typeof SCHEMA_FILES;

/** The common prefix of every shipped schema's stable `$id`. */
export const SCHEMA_BASE_URL = 'https://journeyctl.dev/schemas/';

/** Stable `$id` of each schema. */
export const SCHEMA_IDS: Readonly<Record<SchemaName, string>> = Object.freeze(
  Object.fromEntries(Object.entries(SCHEMA_FILES).map(([name, file]) => [name, `${SCHEMA_BASE_URL}${file}`])) as Record<SchemaName, string>,
);

/** A sub-schema addressed by `$id` plus fragment, e.g. the validate-request body. */
export const VALIDATE_REQUEST_SCHEMA_ID = `${SCHEMA_IDS['journey-record']}#/$defs/validateRequest`;

/** One way a document breaks a schema. */
export interface SchemaIssue {
  /** JSON pointer (RFC 6901) into the validated document; `""` for the document itself. */
  pointer: string;
  /** Plain-language message, e.g. `must be integer`. */
  message: string;
  /** The JSON Schema keyword that failed (`type`, `required`, …). */
  keyword: string;
  /** Where in the schema, for debugging schemas. */
  schemaPath: string;
}

/** Options of {@link validateAgainstSchema} and the assert helpers. */
export interface SchemaValidationOptions {
  /** The file the value came from, for error messages. */
  file?: string;
  /** Pointer of the value inside its file, prefixed to every issue's pointer. @default "" */
  basePointer?: string;
}

// The schema files sit next to `src/` and `dist/` at the package root: `<root>/schemas/`.
const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;

let ajvInstance: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** The raw schema document of a shipped schema (parsed JSON). */
export function loadSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(SCHEMA_FILES[name], SCHEMA_DIR), 'utf8')) as Record<string, unknown>;
}

function ajv(): Ajv2020 {
  if (ajvInstance) return ajvInstance;
  // ajv loads with the first schema check, not with the library: most commands never need it.
  // Both packages are CommonJS; ajv-formats' plugin is `module.exports` (or its `default`).
  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const formats = require('ajv-formats') as FormatsPlugin | { default: FormatsPlugin };
  const addFormats: FormatsPlugin = typeof formats === 'function' ? formats : formats.default;
  // allErrors lets one run report every problem of a file (the CLI prints them all).
  const instance = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, allowMatchingProperties: true, verbose: true });
  addFormats(instance);
  for (const name of Object.keys(SCHEMA_FILES) as SchemaName[]) instance.addSchema(loadSchema(name));
  ajvInstance = instance;
  return instance;
}

function validatorFor(schemaId: string): ValidateFunction {
  let validate = compiled.get(schemaId);
  if (!validate) {
    const found = ajv().getSchema(schemaId);
    if (!found) throw new Error(`unknown schema ${schemaId}`);
    validate = found;
    compiled.set(schemaId, validate);
  }
  return validate;
}

/** Resolve a short name or a full `$id` (with optional fragment) to a schema id. */
function schemaIdOf(nameOrId: SchemaName | string): string {
  return (SCHEMA_IDS as Record<string, string>)[nameOrId] ?? nameOrId;
}

/**
 * Which property an error is about, when ajv reports it on the parent object. A missing
 * property is reported where it should be, as the parser does.
 */
function offendingProperty(error: ErrorObject): string | undefined {
  const params = error.params as Record<string, unknown>;
  for (const key of ['additionalProperty', 'unevaluatedProperty', 'missingProperty', 'propertyName']) {
    if (typeof params[key] === 'string') return params[key];
  }
  return undefined;
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return `unknown property "${offendingProperty(error)}"`;
    case 'required':
      return `missing required property "${String(params.missingProperty)}"`;
    case 'maxProperties':
      return params.limit === 1 ? 'must have exactly one key' : (error.message ?? error.keyword);
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern': {
      // A schema's title says in words what its pattern means.
      const title = (error.parentSchema as { title?: unknown } | undefined)?.title;
      return typeof title === 'string' ? `must be ${title}` : (error.message ?? error.keyword);
    }
    case 'propertyNames':
      return `property name "${String(params.propertyName)}" is not allowed`;
    default:
      return error.message ?? error.keyword;
  }
}

/** Combinators whose own error only repeats what their branches said. */
const SUMMARY_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf', 'if', '$ref']);

/**
 * An `anyOf` whose schema carries a `description` says in words what its branches accept
 * ("a customapifieldtype label or value: …"): report it once, with that description, instead of
 * every failed branch.
 */
function describedAnyOf(error: ErrorObject): string | undefined {
  if (error.keyword !== 'anyOf') return undefined;
  const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? description : undefined;
}

function toIssues(errors: readonly ErrorObject[], basePointer: string): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  const describedBranches = errors.filter((e) => describedAnyOf(e) !== undefined).map((e) => `${e.schemaPath}/`);
  for (const error of errors) {
    if (describedBranches.some((path) => error.schemaPath.startsWith(path))) continue;
    const description = describedAnyOf(error);
    if (description !== undefined) {
      const pointer = basePointer + error.instancePath;
      const message = `matches none of the allowed forms: ${description}`;
      const key = `${pointer}\u0000${message}`;
      if (!seen.has(key)) issues.push({ pointer, message, keyword: error.keyword, schemaPath: error.schemaPath });
      seen.add(key);
      continue;
    }
    if (SUMMARY_KEYWORDS.has(error.keyword) && errors.length > 1) continue;
    // Errors inside a propertyNames schema repeat the propertyNames error itself.
    if ((error as ErrorObject & { propertyName?: string }).propertyName !== undefined) continue;
    const property = offendingProperty(error);
    const pointer = basePointer + error.instancePath + (property === undefined ? '' : `/${escapePointerToken(property)}`);
    const message = messageOf(error);
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ pointer, message, keyword: error.keyword, schemaPath: error.schemaPath });
  }
  // Deepest first: the most specific place is the most useful one to report.
  return issues.sort((a, b) => depth(b.pointer) - depth(a.pointer));
}

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length - 1;
}

/**
 * Validate a value against a shipped schema (by short name or `$id`, optionally with a
 * `#/$defs/...` fragment). Returns no issues when it is valid.
 */
export function validateAgainstSchema(
  schema: SchemaName | string,
  value: unknown,
  options: SchemaValidationOptions = {},
): SchemaIssue[] {
  const validate = validatorFor(schemaIdOf(schema));
  if (validate(value)) return [];
  return toIssues(validate.errors ?? [], options.basePointer ?? '');
}

/** A readable one-line summary of issues, the first (most specific) in full. */
export function describeIssues(issues: readonly SchemaIssue[], limit = 3): string {
  const shown = issues.slice(0, limit).map((i) => `${i.pointer || '/'}: ${i.message}`);
  const more = issues.length > limit ? ` (and ${issues.length - limit} more)` : '';
  return shown.join('; ') + more;
}

/**
 * Throw an {@link InputError} when `value` breaks the schema. The error's pointer is the most
 * specific issue's pointer; its message lists the first few issues.
 */
export function assertValidAgainstSchema(
  schema: SchemaName | string,
  value: unknown,
  options: SchemaValidationOptions & { what?: string } = {},
): void {
  const issues = validateAgainstSchema(schema, value, options);
  if (issues.length === 0) return;
  const first = issues[0]!;
  const what = options.what ?? `${schema}`;
  throw new InputError(
    `not a valid ${what}: ${first.message}${issues.length > 1 ? ` (${issues.length - 1} more: ${describeIssues(issues.slice(1))})` : ''}`,
    { ...(options.file === undefined ? {} : { file: options.file }), pointer: first.pointer },
    { hint: `see the schema ${schemaIdOf(schema)}` },
  );
}

/** Throw an {@link InputError} unless `value` is a valid workflow definition (schema only). */
export function assertValidDefinition(value: unknown, options: SchemaValidationOptions = {}): void {
  assertValidAgainstSchema('workflow-definition', value, { ...options, what: 'workflow definition' });
}

/** Throw an {@link InputError} unless `value` is a valid journey record (Web API shape). */
export function assertValidJourneyRecord(value: unknown, options: SchemaValidationOptions = {}): void {
  assertValidAgainstSchema('journey-record', value, { ...options, what: 'journey record' });
}

/** Throw an {@link InputError} unless `value` is a valid journey spec. */
export function assertValidJourneySpec(value: unknown, options: SchemaValidationOptions = {}): void {
  assertValidAgainstSchema('journey-spec', value, { ...options, what: 'journey spec' });
}
