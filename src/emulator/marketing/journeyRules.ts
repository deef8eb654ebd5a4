/**
 * The rules the outbound marketing service applied to client writes of `msdyncrm_customerjourney`
 * (status transitions, field locks by status, delete protection), as pure functions. The plugin
 * turns a refusal into a Dataverse-shaped error.
 *
 * Why 400 `0x80040265`: these rules were enforced by the Marketing solution's plug-ins, and a
 * plug-in refusal (InvalidPluginExecutionException) reaches a Web API client as HTTP 400 with code
 * 0x80040265 and the plug-in's message.
 * https://learn.microsoft.com/power-apps/developer/data-platform/best-practices/business-logic/use-invalidpluginexecutionexception-plugin-workflow-activities
 */
import { JourneyAttributes as A } from '../../model/names.js';
import { JourneyStatus, journeyStateOf } from '../../model/optionSets.js';
import {
  JOURNEY_FIELD_LOCKS,
  STRUCTURE_EDITABLE_STATUSES,
  allowedJourneyTransitions,
  describeJourneyStatus,
  isJourneyTransitionAllowed,
} from '../../model/transitions.js';
import { parseGuid, sameGuid } from '../../util/guid.js';
import { sameStructure } from './definitionStructure.js';

/** A refused write: what the emulator answers instead of committing. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** Code of a plug-in refusal (InvalidPluginExecutionException). */
export const PLUGIN_REFUSAL_CODE = '0x80040265';

function refuse(message: string): Refusal {
  return { status: 400, code: PLUGIN_REFUSAL_CODE, message };
}

/**
 * Statuses the service itself leaves (Going live -> Live/Error, Stopping -> Stopped): a client
 * PATCH of `statuscode` while the service works on the journey is refused, so a poller can never
 * race the service.
 */
export const SERVICE_OWNED_STATUSES: readonly number[] = [JourneyStatus.GoingLive, JourneyStatus.Stopping];

/** Statuses in which a journey cannot be deleted (go-live documentation: "can't be deleted" while Live). */
export const UNDELETABLE_STATUSES: readonly number[] = [
  JourneyStatus.Live,
  JourneyStatus.LiveEditable,
  JourneyStatus.GoingLive,
  JourneyStatus.Stopping,
];

/** Statuses in which tile settings (but not structure) may change: Live-editable and Stopped. */
export const SETTINGS_EDITABLE_STATUSES: readonly number[] = [JourneyStatus.LiveEditable, JourneyStatus.Stopped];

/**
 * The status whose column of the lock matrix applies. Error is edited like Draft: a journey whose
 * go-live failed must be fixable before "Go live" is retried, and Error -> Draft is not a valid
 * transition, so locking it would strand the journey.
 */
export function lockColumnOf(status: number): number {
  return status === JourneyStatus.Error ? JourneyStatus.Draft : status;
}

/** Whether a write leaves a value unchanged (GUIDs compare without case and braces). */
function sameValue(a: unknown, b: unknown): boolean {
  const na = a === undefined ? null : a;
  const nb = b === undefined ? null : b;
  if (parseGuid(na) !== undefined && parseGuid(nb) !== undefined) return sameGuid(na, nb);
  return na === nb;
}

/** Outcome of checking a client update: a refusal, or the values to add (e.g. the matching statecode). */
export type UpdateCheck = { ok: false; refusal: Refusal } | { ok: true; extraValues: Record<string, unknown> };

/**
 * Check a client update of a journey.
 * @param before the stored row (attribute logical names; lookups by attribute name)
 * @param values the attributes the client writes (same naming)
 * @param now the time that decides whether the journey has started (ms since epoch). @default Date.now()
 */
export function checkJourneyUpdate(before: Readonly<Record<string, unknown>>, values: Readonly<Record<string, unknown>>, now = Date.now()): UpdateCheck {
  const from = Number(before[A.statusCode] ?? JourneyStatus.Draft);
  const extraValues: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const hasStatus = Object.prototype.hasOwnProperty.call(values, A.statusCode);
  const to = hasStatus ? Number(values[A.statusCode]) : from;

  if (hasStatus && to !== from) {
    if (SERVICE_OWNED_STATUSES.includes(from)) {
      return {
        ok: false,
        refusal: refuse(
          `The customer journey is ${describeJourneyStatus(from)}: the service is completing that change, so statuscode cannot be set to ${describeJourneyStatus(to)} now. Poll until the journey leaves ${describeJourneyStatus(from)}, then try again.`,
        ),
      };
    }
    if (!isJourneyTransitionAllowed(from, to)) {
      const allowed = clientTransitions(from);
      return {
        ok: false,
        refusal: refuse(
          `statuscode ${describeJourneyStatus(to)} is not a valid transition from ${describeJourneyStatus(from)}. Allowed: ${
            allowed.length > 0 ? allowed.map(describeJourneyStatus).join(', ') : 'none'
          }.`,
        ),
      };
    }
    // Live-editable -> Live is the designer's "Save" of a live journey's edits: a client write.
    if (isServiceOnlyTarget(to) && !(from === JourneyStatus.LiveEditable && to === JourneyStatus.Live)) {
      return {
        ok: false,
        refusal: refuse(
          `statuscode ${describeJourneyStatus(to)} is set by the service, not by clients. To publish, set statuscode to ${describeJourneyStatus(JourneyStatus.GoingLive)}; to stop, set it to ${describeJourneyStatus(JourneyStatus.Stopping)}.`,
        ),
      };
    }
  }

  if (Object.prototype.hasOwnProperty.call(values, A.stateCode)) {
    const state = Number(values[A.stateCode]);
    if (state !== journeyStateOf(to)) {
      return {
        ok: false,
        refusal: {
          status: 400,
          code: '0x80040203',
          message: `statecode ${state} does not match statuscode ${describeJourneyStatus(to)}, which belongs to statecode ${journeyStateOf(to)}. Set statuscode only; the statecode follows.`,
        },
      };
    }
  }
  if (hasStatus) extraValues[A.stateCode] = journeyStateOf(to);

  const column = lockColumnOf(from);
  const locked: string[] = [];
  for (const [field, editableIn] of Object.entries(JOURNEY_FIELD_LOCKS)) {
    if (!Object.prototype.hasOwnProperty.call(values, field)) continue;
    if (sameValue(values[field], before[field])) continue;
    if (!editableIn.includes(column)) locked.push(field);
    // The matrix allows the start only while the journey has not started yet (outside Draft).
    else if (field === A.startDateTime && column !== JourneyStatus.Draft && hasStarted(before[A.startDateTime], now)) locked.push(field);
  }
  if (Object.prototype.hasOwnProperty.call(values, A.workflowDefinition) && !sameValue(values[A.workflowDefinition], before[A.workflowDefinition])) {
    if (!STRUCTURE_EDITABLE_STATUSES.includes(column)) {
      if (!SETTINGS_EDITABLE_STATUSES.includes(column)) locked.push(A.workflowDefinition);
      else if (!sameStructure(before[A.workflowDefinition], values[A.workflowDefinition])) {
        return {
          ok: false,
          refusal: refuse(
            `The tile structure of a journey in ${describeJourneyStatus(from)} is locked: only tile settings may change. Keep every tile's ActivityId, ActivityTypeId, ParentActivityId, ParentBranchId and ParentRelationshipType as they are, or create a copy of the journey to change its structure.`,
          ),
        };
      }
    }
  }
  if (Object.prototype.hasOwnProperty.call(values, A.designerState) && !sameValue(values[A.designerState], before[A.designerState])) {
    if (!STRUCTURE_EDITABLE_STATUSES.includes(column) && !SETTINGS_EDITABLE_STATUSES.includes(column)) locked.push(A.designerState);
  }
  if (locked.length > 0) {
    return {
      ok: false,
      refusal: refuse(
        `${locked.join(', ')} cannot be changed while the customer journey is ${describeJourneyStatus(from)}. ${lockHint(from)}`,
      ),
    };
  }
  return { ok: true, extraValues };
}

function hasStarted(start: unknown, now: number): boolean {
  const t = typeof start === 'string' ? Date.parse(start) : NaN;
  return !Number.isNaN(t) && t <= now;
}

/** The statuses a client may PATCH a journey to from `from`. */
export function clientTransitions(from: number): number[] {
  if (SERVICE_OWNED_STATUSES.includes(from)) return [];
  return allowedJourneyTransitions(from).filter(
    (s) => !isServiceOnlyTarget(s) || (from === JourneyStatus.LiveEditable && s === JourneyStatus.Live),
  );
}

function isServiceOnlyTarget(status: number): boolean {
  return status === JourneyStatus.Live || status === JourneyStatus.Error || status === JourneyStatus.Stopped;
}

function lockHint(status: number): string {
  if (status === JourneyStatus.Live) return `Set statuscode to ${describeJourneyStatus(JourneyStatus.LiveEditable)} first to edit settings of a live journey.`;
  if (status === JourneyStatus.LiveEditable || status === JourneyStatus.Stopped) return 'This field is editable only in Draft.';
  return 'Wait until the journey leaves this status.';
}

/** Check a client delete of a journey; undefined when allowed. */
export function checkJourneyDelete(before: Readonly<Record<string, unknown>>): Refusal | undefined {
  const status = Number(before[A.statusCode] ?? JourneyStatus.Draft);
  if (!UNDELETABLE_STATUSES.includes(status)) return undefined;
  return refuse(
    `A customer journey that is ${describeJourneyStatus(status)} cannot be deleted. Stop it first (set statuscode to ${describeJourneyStatus(JourneyStatus.Stopping)} and wait for ${describeJourneyStatus(JourneyStatus.Stopped)}), then delete it.`,
  );
}
