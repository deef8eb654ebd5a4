/**
 * Validators for the report formats: the SARIF 2.1.0 schema (draft-04, adapted for ajv's
 * draft-07 mode), the JSON report schema (draft 2020-12) and JUnit XML well-formedness.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { XMLValidator } from 'fast-xml-parser';

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: object) => void;

/** Validate against the SARIF 2.1.0 schema; returns the ajv errors (empty when valid). */
export function sarifErrors(log: unknown): unknown[] {
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  // Draft-04 names its id "id"; draft-07 reads "$id". Nothing else in the schema is draft-04-only.
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  // The schema's language-tag pattern is not valid under the `u` flag ajv uses by default.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return validate(log) ? [] : [...(validate.errors ?? [])];
}

/** Validate against schemas/validation-report.schema.json. */
export function reportSchemaErrors(report: unknown): unknown[] {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/validation-report.schema.json', import.meta.url), 'utf8')) as object;
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return validate(report) ? [] : [...(validate.errors ?? [])];
}

/** `true` when the text is well-formed XML, else the parser's error. */
export function xmlValidity(text: string): true | unknown {
  return XMLValidator.validate(text);
}
