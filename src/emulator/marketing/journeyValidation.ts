/**
 * The error check the service ran on "Check for errors" and on go-live: the shared offline
 * validator plus a check of the records the journey references, answered in the server's
 * `ValidationResult` shape.
 * https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey#validation-result
 *
 * Fault names: where Microsoft documents the service's fault name
 * (`ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations`, in the page above), the emulator
 * answers with it. Every other fault is the emulator's own, `Emulator…` (listed in
 * docs/emulator.md): the service's other fault names are not documented, and journeyctl's rule
 * ids are not fault names. An emulator fault carries its message as the first of its
 * `ErrorMessageArguments`, then the arguments of the check.
 */
import { JourneyAttributes as A, JourneyLookups, Tables, type TableNames } from '../../model/names.js';
import { JourneyStatus, SegmentStatus } from '../../model/optionSets.js';
import { parseGuid } from '../../util/guid.js';
import { ruleById, validateJourney, type Finding } from '../../validation/index.js';
import type { ActivityValidationResult, ValidationResult } from '../../validation/serverResult.js';
import type { EmulatorCore } from '../core/types.js';

/** The server-shaped result (`msdyncrm_CustomerJourneyValidateResponse.ValidationResult`, parsed). */
export type ServerValidationResult = ValidationResult;

/** Prefix of the emulator's own fault names. */
export const EMULATOR_FAULT_PREFIX = 'Emulator';

/** The fault name of an offline rule: its documented server name, else `Emulator` + the rule id in PascalCase. */
export function faultNameOf(ruleId: string): string {
  if (ruleById(ruleId)?.serverMessage !== undefined) return ruleId;
  return EMULATOR_FAULT_PREFIX + ruleId.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** The referenced record kinds the check looks up, their table, and the status that makes them usable. */
const REFERENCES = {
  Segment: { table: Tables.segment, live: SegmentStatus.Live, what: 'segment' },
  SuppressionSegment: { table: Tables.segment, live: SegmentStatus.Live, what: 'suppression segment' },
  Email: { table: Tables.marketingEmail, live: JourneyStatus.Live, what: 'email' },
  Page: { table: Tables.marketingPage, live: JourneyStatus.Live, what: 'marketing page' },
  ContentSettings: { table: Tables.contentSettings, live: JourneyStatus.Live, what: 'content settings' },
} as const satisfies Record<string, { table: TableNames; live: number; what: string }>;
type ReferenceKind = keyof typeof REFERENCES;

/** Tile item types whose `ItemId` names a record the check looks up. */
const ITEM_KINDS: Readonly<Record<string, ReferenceKind>> = { SegmentItem: 'Segment', Email: 'Email', LandingPage: 'Page' };

/**
 * The faults of referenced records that are missing (`Emulator<Kind>Missing`) or not Live
 * (`Emulator<Kind>NotLive`): segments, emails and pages of the tiles; content settings and
 * suppression segment of the journey.
 */
export function referenceFaults(core: EmulatorCore, fields: Readonly<Record<string, unknown>>): ActivityValidationResult[] {
  const faults: ActivityValidationResult[] = [];
  const check = (kind: ReferenceKind, id: string, activityId: string, name: string | undefined) => {
    const { table, live, what } = REFERENCES[kind];
    const row = core.read(table.entitySet, id);
    const label = name ? `${what} "${name}" (${id})` : `${what} ${id}`;
    if (row === undefined) {
      faults.push({
        ActivityId: activityId,
        Fault: `${EMULATOR_FAULT_PREFIX}${kind}Missing`,
        Result: 'Error',
        ErrorMessageArguments: [`The ${label} does not exist: create it, or point the journey at an existing one.`, id],
      });
    } else if (Number(row.statuscode) !== live) {
      faults.push({
        ActivityId: activityId,
        Fault: `${EMULATOR_FAULT_PREFIX}${kind}NotLive`,
        Result: 'Error',
        ErrorMessageArguments: [`The ${label} is not live: take it live first.`, id],
      });
    }
  };

  for (const [kind, lookup] of [['ContentSettings', JourneyLookups.contentSettings], ['SuppressionSegment', JourneyLookups.suppressionSegment]] as const) {
    const id = parseGuid(fields[lookup.attribute] ?? fields[`_${lookup.attribute}_value`]);
    if (id !== undefined) check(kind, id, '', undefined);
  }

  let definition: unknown;
  try {
    const raw = fields[A.workflowDefinition];
    definition = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    return faults; // an unreadable definition is the offline validator's finding
  }
  if (!Array.isArray(definition)) return faults;
  for (const activity of definition as unknown[]) {
    if (typeof activity !== 'object' || activity === null) continue;
    const { ActivityId, Properties } = activity as { ActivityId?: unknown; Properties?: { Items?: unknown } };
    if (typeof ActivityId !== 'string' || !Array.isArray(Properties?.Items)) continue;
    for (const item of Properties.Items as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const { ActivityTypeId, ItemId, Name } = item as { ActivityTypeId?: unknown; ItemId?: unknown; Name?: unknown };
      const kind = typeof ActivityTypeId === 'string' ? ITEM_KINDS[ActivityTypeId] : undefined;
      const id = parseGuid(ItemId);
      if (kind !== undefined && id !== undefined) check(kind, id, ActivityId, typeof Name === 'string' ? Name : undefined);
    }
  }
  return faults;
}

function entryOf(finding: Finding): ActivityValidationResult {
  const Result = finding.severity === 'error' ? 'Error' : finding.severity === 'warning' ? 'Warning' : 'Valid';
  const Fault = faultNameOf(finding.ruleId);
  const documented = Fault === finding.ruleId;
  return { ActivityId: finding.activityId, Fault, Result, ErrorMessageArguments: documented ? [...finding.arguments] : [finding.message, ...finding.arguments] };
}

/**
 * Validate journey fields (logical names; the workflow definition and designer state are taken
 * from them). With the core, referenced records are checked too. Never throws: an unreadable
 * definition is itself a finding of the validator.
 */
export function validateJourneyFields(fields: Readonly<Record<string, unknown>>, core?: EmulatorCore): ServerValidationResult {
  const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(fields)) copy[k] = v;
  const findings = validateJourney({
    definition: copy[A.workflowDefinition] ?? null,
    fields: copy,
    designerState: copy[A.designerState] ?? undefined,
  });
  const entries = findings.map(entryOf);
  if (core !== undefined) entries.push(...referenceFaults(core, copy));
  let overall: ValidationResult['Result'] = 'Valid';
  for (const entry of entries) {
    if (entry.Result === 'Error' || (entry.Result === 'Warning' && overall === 'Valid')) overall = entry.Result;
  }
  return { ActivityValidationResults: entries, Result: overall };
}

/** Whether a result blocks go-live (`Result: "Error"`). */
export function isBlocking(result: ServerValidationResult): boolean {
  return result.Result === 'Error';
}
