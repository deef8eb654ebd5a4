/**
 * What a rule is: catalogue metadata (id, severity, what, why, sources, examples) plus a check
 * that reads the shared journey model and reports problems through the context.
 */
import type { Severity } from './finding.js';
import type { JourneyModel } from './journeyModel.js';

/** The input of one validation: a definition and, optionally, the journey record around it. */
export interface ValidateJourneyInput {
  /** The workflow definition: a JSON string, an array of activities, or anything a user wrote. */
  definition: unknown;
  /**
   * The text an array `definition` was parsed from: its exact stored length (`stored: true`, the
   * string of a record), or the length of a JSON file it was read from (`stored: false`), which
   * bounds the stored length so `definition-size` need not serialize the definition again.
   */
  definitionText?: { length: number; stored: boolean };
  /** Journey attributes by Web API logical name (`msdyncrm_name`, `statuscode`, …). */
  fields?: Record<string, unknown>;
  /** `msdyncrm_customerjourneydesignerstate`: a JSON string or an object. */
  designerState?: unknown;
  /** The journey as it is stored now, for change rules (`--baseline`). */
  baseline?: { definition: unknown; fields?: Record<string, unknown>; file?: string };
  /** The file the input came from, copied onto every finding's location. */
  file?: string;
  /**
   * JSON pointer of the definition inside the file (e.g. `/msdyncrm_workflowdefinition` for a
   * record); prefixed to every pointer into the definition.
   * @default ""
   */
  basePointer?: string;
  /**
   * JSON pointer of the object holding the journey fields inside the file.
   * @default ""
   */
  fieldsPointer?: string;
  /** JSON pointer of the designer state inside the file, when it came from one. */
  designerStatePointer?: string;
  /** The file the fields came from, when not `file` (e.g. `journey.json` of an export folder). */
  fieldsFile?: string;
  /** The file the designer state came from, when not `file`. */
  designerStateFile?: string;
  /**
   * ActivityItemIds of items whose record is named but not resolved yet (journey specs refer to
   * records by name until they are applied to an environment); their empty ItemId is expected.
   */
  unresolvedItemIds?: readonly number[];
}

/** Which part of the rule catalogue a rule belongs to. */
export type RuleCategory = 'definition' | 'structure' | 'references' | 'fields' | 'changes' | 'limits';

/** A problem a rule found, before severity and file are attached. */
export interface Report {
  /** ActivityId of the tile; omit or `""` for the whole journey. */
  activityId?: string;
  itemId?: number;
  message: string;
  arguments?: string[];
  /** Pointer relative to the part named by `target`. */
  pointer: string;
  /**
   * What `pointer` is relative to.
   * @default "definition"
   */
  target?: 'definition' | 'fields' | 'designerState' | 'baseline';
}

/** A definition parsed as far as possible. */
export interface ParsedDefinition {
  /** The parsed array of activities, when the definition is one. */
  raw: unknown[] | undefined;
  /** The model, or undefined when the definition is not a JSON array. */
  model: JourneyModel | undefined;
  /** Why it could not be read, when it could not. */
  problem: { message: string; arguments: string[] } | undefined;
}

/** What a rule's check sees. */
export interface RuleContext {
  readonly definition: ParsedDefinition;
  /** The model, when the definition could be read. */
  readonly model: JourneyModel | undefined;
  readonly fields: Record<string, unknown> | undefined;
  /** The designer state as given (string or value); `undefined` when none was given. */
  readonly designerState: unknown;
  readonly baseline: { definition: ParsedDefinition; fields: Record<string, unknown> | undefined } | undefined;
  /** ActivityItemIds whose record is resolved later (see {@link ValidateJourneyInput.unresolvedItemIds}). */
  readonly unresolvedItemIds: ReadonlySet<number>;
  /** The time "now" for rules that depend on it (start date already passed). */
  readonly now: number;
  report(report: Report): void;
}

/** A catalogue entry. Examples are real inputs; the tests run them through the validator. */
export interface Rule {
  /** Kebab-case for offline rules; a documented server fault keeps its server name. */
  readonly id: string;
  readonly category: RuleCategory;
  readonly defaultSeverity: Severity;
  /** One sentence: what the rule checks. */
  readonly summary: string;
  /** Why it matters, saying what is documented and what is inferred. */
  readonly rationale: string;
  /** Where the facts come from (Microsoft Learn pages, table references, observed payloads). */
  readonly sources: readonly string[];
  /** A message for a server fault with this id (used by the ValidationResult parser). */
  readonly serverMessage?: string;
  readonly examples: { readonly failing: ValidateJourneyInput; readonly passing: ValidateJourneyInput };
  check(context: RuleContext): void;
}
