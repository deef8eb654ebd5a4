/**
 * Reads any document journeyctl accepts as "a journey" and returns its workflow definition:
 * a raw definition (array, or the JSON string the Web API stores), a journey record (Web API
 * shape), a `msdyncrm_CustomerJourneyValidate` request body, an exported journey folder, or a
 * journey spec (YAML or JSON).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, isInputError } from '../errors.js';
import type { DesignerState, WorkflowDefinition } from '../definition/types.js';
import { parseDefinition, parseDesignerState } from '../definition/index.js';
import { compileSpec, type UnresolvedReference } from '../definition/spec.js';
import type { JourneySpec } from '../definition/specTypes.js';
import { JOURNEY_SPEC_KEYS } from '../definition/specTypes.js';
import { SCHEMA_IDS, VALIDATE_REQUEST_SCHEMA_ID, assertValidAgainstSchema } from '../schemas/index.js';
import { DocumentError } from './documentError.js';
import type { ReadLimits } from './limits.js';
import { parseText, type ParsedText, type TextSyntax } from './parseText.js';
import { readDocument, readDocumentSync, STDIN, type ReadInputOptions } from './readInput.js';

/** What kind of document a file turned out to be. */
export type JourneyDocumentKind = 'definition' | 'record' | 'validate-request' | 'export' | 'spec';

/** The files of an exported journey folder. */
export const EXPORT_FILES = Object.freeze({
  record: 'journey.json',
  definition: 'definition.json',
  designerState: 'designer-state.json',
});

/** A loaded journey document. */
export interface JourneyDocument {
  kind: JourneyDocumentKind;
  /** The path given (a file, an export folder, or `-` for stdin). */
  file: string;
  /** The file the definition was read from (differs from `file` for export folders). */
  definitionFile: string;
  /**
   * JSON pointer of the definition inside `definitionFile`: `""` for a raw definition,
   * `/msdyncrm_workflowdefinition` for a record. Pointers into a definition stored as a JSON
   * string continue into the decoded string.
   */
  definitionPointer: string;
  definition: WorkflowDefinition;
  designerState?: DesignerState;
  /**
   * Journey record fields in Web API shape (`msdyncrm_name`, `statuscode`, lookups as
   * `_x_value` or `x@odata.bind`), without the definition and designer state.
   */
  fields?: Record<string, unknown>;
  /** For records and validate requests: the document as read (fields, definition string and all). */
  raw?: Record<string, unknown>;
  /** For specs: the spec as read. */
  spec?: JourneySpec;
  /** For specs: references given by name only, still to be resolved against an environment. */
  unresolved?: UnresolvedReference[];
  /** The syntax of the file (export folders: of `definition.json`). */
  syntax: TextSyntax;
  /**
   * The files the document was read from, parsed (one; up to three for an export folder): where
   * a finding's JSON pointer is in its file, from the same parse.
   */
  sources: ParsedText[];
  /**
   * Length of the definition's stored text: exact (`stored: true`) for the JSON string of a
   * record or validate request; for a definition read from a JSON file, the file's length
   * (`stored: false`), which bounds the stored length (see the definition-size rule).
   */
  definitionText?: { length: number; stored: boolean };
}

/** Options of {@link loadJourneyDocument}. */
export interface LoadJourneyDocumentOptions extends ReadInputOptions {
  /**
   * Also validate records and specs against their JSON Schema (definitions are always checked
   * by the parser). @default false
   */
  validateSchema?: boolean;
}

const WORKFLOW_DEFINITION = 'msdyncrm_workflowdefinition';
const DESIGNER_STATE = 'msdyncrm_customerjourneydesignerstate';

/** `msdyncrm_CustomerJourneyValidate` parameters and the journey attributes they carry. */
const VALIDATE_REQUEST_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  FieldValueCustomerJourneyId: 'msdyncrm_customerjourneyid',
  FieldValueStatusCode: 'statuscode',
  FieldValueName: 'msdyncrm_name',
  FieldValueStartDateTime: 'msdyncrm_startdatetime',
  FieldValueEndDateTime: 'msdyncrm_enddatetime',
  FieldValueIsRecurring: 'msdyncrm_isrecurring',
  FieldValueRecurrenceIntervalDays: 'msdyncrm_recurrenceintervaldays',
  FieldValueRecurrenceCount: 'msdyncrm_recurrencecount',
  FieldValueRequiredConsent: 'msgdpr_requiredconsent',
  FieldValueContentSettingsId: '_msdyncrm_contentsettingsid_value',
  FieldValueEntityTarget: 'msdyncrm_entitytarget',
  FieldValueSuppressionSegmentId: '_msdyncrm_suppressionsegmentid_value',
  FieldValueCustomerJourneyTimeZone: 'msdyncrm_customerjourneytimezone',
});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const own = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/** Copy a record's own properties into a null-prototype object, leaving some out. */
function fieldsOf(record: Record<string, unknown>, leaveOut: readonly string[]): Record<string, unknown> {
  const fields = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (!leaveOut.includes(key)) Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return fields;
}

/** Whether an object looks like a journey spec rather than a record. */
function looksLikeSpec(value: Record<string, unknown>): boolean {
  if (typeof value.$schema === 'string' && value.$schema === SCHEMA_IDS['journey-spec']) return true;
  if (own(value, 'tiles') || own(value, 'swimlanes')) return true;
  const keys = Object.keys(value).filter((k) => k !== '$schema');
  return keys.length > 0 && keys.every((k) => (JOURNEY_SPEC_KEYS as readonly string[]).includes(k));
}

/** Length of a definition's text: exact for a stored string, the file's as a bound for a JSON array. */
function definitionTextOf(value: unknown, parsed: ParsedText): JourneyDocument['definitionText'] {
  if (typeof value === 'string') return { length: value.length, stored: true };
  return parsed.syntax === 'json' ? { length: parsed.length, stored: false } : undefined;
}

/** Parse a definition found in a parsed document: arrays are taken over, not copied. */
function definitionIn(value: unknown, parsed: ParsedText, file: string, basePointer: string): WorkflowDefinition {
  return parseDefinition(value, { file, basePointer, ...(Array.isArray(value) ? { owned: { sourceText: parsed.text } } : {}) });
}

/** Detect what a parsed value is and load it. */
function loadValue(
  value: unknown,
  parsed: ParsedText,
  file: string,
  options: LoadJourneyDocumentOptions,
): JourneyDocument {
  const syntax = parsed.syntax;
  const base = { file, definitionFile: file, syntax, sources: [parsed] };
  if (Array.isArray(value) || typeof value === 'string') {
    // A raw definition: the array, or the JSON string the Web API stores.
    const definition = definitionIn(value, parsed, file, '');
    return { ...base, kind: 'definition', definitionPointer: '', definition, ...optional('definitionText', definitionTextOf(value, parsed)) };
  }
  if (!isPlainObject(value)) {
    throw new DocumentError('not-a-journey', `expected a workflow definition, journey record or journey spec, found ${value === null ? 'null' : typeof value}`, {
      file,
      pointer: '',
    }, { hint: 'a definition is a JSON array of activities; a record has msdyncrm_workflowdefinition; a spec has tiles' });
  }
  if (own(value, WORKFLOW_DEFINITION)) {
    if (options.validateSchema) assertValidAgainstSchema('journey-record', value, { file, what: 'journey record' });
    const definitionPointer = `/${WORKFLOW_DEFINITION}`;
    const stored = value[WORKFLOW_DEFINITION];
    const definition = definitionIn(stored, parsed, file, definitionPointer);
    const rawState = value[DESIGNER_STATE];
    const designerState =
      rawState === undefined || rawState === null || rawState === ''
        ? undefined
        : parseDesignerState(rawState, { file, basePointer: `/${DESIGNER_STATE}` });
    return {
      ...base,
      kind: 'record',
      definitionPointer,
      definition,
      ...(designerState ? { designerState } : {}),
      fields: fieldsOf(value, [WORKFLOW_DEFINITION, DESIGNER_STATE]),
      raw: value,
      ...optional('definitionText', typeof stored === 'string' ? { length: stored.length, stored: true } : undefined),
    };
  }
  if (own(value, 'FieldValueWorkflowDefinition')) {
    if (options.validateSchema) assertValidAgainstSchema(VALIDATE_REQUEST_SCHEMA_ID, value, { file, what: 'validate request' });
    const definitionPointer = '/FieldValueWorkflowDefinition';
    const stored = value.FieldValueWorkflowDefinition;
    const definition = definitionIn(stored, parsed, file, definitionPointer);
    const fields = Object.create(null) as Record<string, unknown>;
    for (const [parameter, attribute] of Object.entries(VALIDATE_REQUEST_FIELDS)) {
      if (own(value, parameter)) fields[attribute] = value[parameter];
    }
    return {
      ...base,
      kind: 'validate-request',
      definitionPointer,
      definition,
      fields,
      raw: value,
      ...optional('definitionText', typeof stored === 'string' ? { length: stored.length, stored: true } : undefined),
    };
  }
  if (looksLikeSpec(value)) {
    const compiled = compileSpec(value as unknown as JourneySpec, { file });
    return {
      ...base,
      kind: 'spec',
      definitionPointer: '',
      definition: compiled.definition,
      designerState: compiled.designerState,
      fields: compiled.fields,
      spec: value as unknown as JourneySpec,
      unresolved: compiled.unresolved,
    };
  }
  throw new DocumentError(
    'not-a-journey',
    'cannot tell what this document is: it has no msdyncrm_workflowdefinition, FieldValueWorkflowDefinition or tiles',
    { file, pointer: '' },
    { hint: 'pass a workflow definition (JSON array), a journey record, a validate request body or a journey spec' },
  );
}

/** Load an exported journey folder: definition.json, and optionally designer-state.json and journey.json. */
function loadExportFolder(folder: string, read: (file: string) => ParsedText, options: LoadJourneyDocumentOptions): JourneyDocument {
  const definitionFile = join(folder, EXPORT_FILES.definition);
  if (!existsSync(definitionFile)) {
    throw new InputError(`is a folder without ${EXPORT_FILES.definition}`, { file: folder }, {
      hint: 'pass a file, or a folder written by journey export',
    });
  }
  const definitionText = read(definitionFile);
  const definition = locate(() => definitionIn(definitionText.value, definitionText, definitionFile, ''), definitionText);
  const document: JourneyDocument = {
    kind: 'export',
    file: folder,
    definitionFile,
    definitionPointer: '',
    definition,
    syntax: definitionText.syntax,
    sources: [definitionText],
    ...optional('definitionText', definitionTextOf(definitionText.value, definitionText)),
  };
  const stateFile = join(folder, EXPORT_FILES.designerState);
  if (existsSync(stateFile)) {
    const stateText = read(stateFile);
    document.sources.push(stateText);
    document.designerState = locate(
      () => parseDesignerState(stateText.value, { file: stateFile, basePointer: '', owned: { sourceText: stateText.text } }),
      stateText,
    );
  }
  const recordFile = join(folder, EXPORT_FILES.record);
  if (existsSync(recordFile)) {
    const recordText = read(recordFile);
    document.sources.push(recordText);
    if (!isPlainObject(recordText.value)) {
      throw locateError(new InputError('must be a JSON object of journey fields', { file: recordFile, pointer: '' }), recordText);
    }
    if (options.validateSchema) {
      locate(() => assertValidAgainstSchema('journey-record', recordText.value, { file: recordFile, what: 'journey record' }), recordText);
    }
    document.fields = fieldsOf(recordText.value, [WORKFLOW_DEFINITION, DESIGNER_STATE]);
  }
  return document;
}

/**
 * Give an input error the line and column of its pointer (or of the nearest enclosing value) in
 * the parsed file it names. The error object is kept, so its class, reason and pointer survive.
 */
export function locateError<E extends InputError>(error: E, parsed: ParsedText): E {
  const { pointer, file } = error.location;
  if (pointer === undefined || error.location.line !== undefined || (file !== undefined && parsed.file !== undefined && file !== parsed.file)) return error;
  const position = parsed.positionOf(pointer);
  if (position) {
    error.location.line = position.line;
    error.location.column = position.column;
  }
  return error;
}

/** Run `load`, giving an input error the line and column of its pointer. */
function locate<T>(load: () => T, parsed: ParsedText): T {
  try {
    return load();
  } catch (error) {
    throw isInputError(error) ? locateError(error, parsed) : error;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Whether a path names an exported journey folder (or the journey.json inside one). */
function exportFolderOf(path: string): string | undefined {
  if (path === STDIN) return undefined;
  if (basename(path) === EXPORT_FILES.record && existsSync(join(dirname(path), EXPORT_FILES.definition))) return dirname(path);
  // Files are the common case: one stat, and a missing path is left to the reader to report.
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ? path : undefined;
}

/** The limits of the options, as `readDocument` takes them. */
function limitsOf(options: LoadJourneyDocumentOptions): { limits?: ReadLimits } {
  return options.limits ? { limits: options.limits } : {};
}

/**
 * Load one journey document from a path (`-` reads stdin). A folder is read as an exported
 * journey; `journey.json` next to a `definition.json` is read as its folder.
 *
 * @throws DocumentError when the input cannot be read or parsed (its `reason` says why) or is no
 *   kind of journey document (`not-a-journey`); DefinitionError or InputError for a document
 *   that breaks its format; each with `location.file`, `location.pointer` and, where the
 *   pointer is in the file, `location.line` and `location.column`
 */
export async function loadJourneyDocument(path: string, options: LoadJourneyDocumentOptions = {}): Promise<JourneyDocument> {
  const folder = exportFolderOf(path);
  if (folder !== undefined) return loadExportFolder(folder, (file) => readDocumentSync(file, limitsOf(options)), options);
  return loadParsedJourney(await readDocument(path, options), options);
}

/** {@link loadJourneyDocument} without waiting: reads files synchronously (no stdin). The hot path of validation workers. */
export function loadJourneyDocumentSync(path: string, options: Omit<LoadJourneyDocumentOptions, 'readStdin'> = {}): JourneyDocument {
  const folder = exportFolderOf(path);
  if (folder !== undefined) return loadExportFolder(folder, (file) => readDocumentSync(file, limitsOf(options)), options);
  return loadParsedJourney(readDocumentSync(path, limitsOf(options)), options);
}

/** Load a journey document from a document already parsed by the reader. */
export function loadParsedJourney(parsed: ParsedText, options: LoadJourneyDocumentOptions = {}): JourneyDocument {
  const file = parsed.file ?? STDIN;
  return locate(() => loadValue(parsed.value, parsed, file, options), parsed);
}

/**
 * Load a journey document from text already in memory. `file` names it in errors and decides
 * the syntax by extension (`.yaml`/`.yml` are YAML; others are JSON, or YAML when they do not
 * look like JSON).
 */
export function loadJourneyText(text: string, file: string, options: LoadJourneyDocumentOptions = {}): JourneyDocument {
  return loadParsedJourney(parseText(text, { file, ...limitsOf(options) }), options);
}
