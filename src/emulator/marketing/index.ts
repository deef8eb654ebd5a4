/**
 * The marketing semantics of the emulator as a core plugin: the journey status machine (rules on
 * client writes, asynchronous Going live / Stopping), the outbound and real-time channel actions,
 * and the runtime simulator that creates custom channel activities for live journeys.
 */
import { JourneyAttributes as A, Tables } from '../../model/names.js';
import { JourneyStatus, journeyStateOf } from '../../model/optionSets.js';
import { describeJourneyStatus } from '../../model/transitions.js';
import type { EmulatorCore, EmulatorPlugin, WriteChange, WriteContext } from '../core/types.js';
import { CHANNEL_MESSAGE_TABLE, INTERACTION_TABLE } from './interactionStore.js';
import { PLUGIN_REFUSAL_CODE, checkJourneyDelete, checkJourneyUpdate } from './journeyRules.js';
import { CHANNEL_OPERATIONS, OUTBOUND_OPERATIONS, toWebApiError } from './operations.js';
import { runJourney } from './runtime.js';
import { JourneyStatusMachine } from './statusMachine.js';
import { isBlocking, validateJourneyFields } from './journeyValidation.js';

/** Options of `marketingPlugin`. */
export interface MarketingPluginOptions {
  /** Delay before Going live -> Live/Error and Stopping -> Stopped. @default 2000 */
  transitionDelayMs?: number;
  /**
   * `default`: outbound marketing as it worked. `outbound-removed`: as a current tenant, where the
   * outbound services are gone but their tables and rows remain: the outbound actions answer 404
   * `0x80060888`, and journey writes are stored without any marketing logic (a journey set to
   * Going live stays there). @default 'default'
   */
  profile?: 'default' | 'outbound-removed';
  /** Log lines (simulator runs, failed timers). @default no logging */
  log?: (line: string) => void;
}

/**
 * Saving the edits of a live journey (Live-editable -> Live) runs the error check first, as the
 * designer's Save does: blocking faults refuse the save and the journey stays Live-editable;
 * otherwise the result is stored with the save.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/go-live (Live-editable)
 */
function checkSavedEdits(before: Readonly<Record<string, unknown>>, values: Record<string, unknown>): void {
  const merged: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  Object.assign(merged, before, values);
  const result = validateJourneyFields(merged);
  if (isBlocking(result)) {
    const faults = result.ActivityValidationResults.filter((r) => r.Result === 'Error').map((r) => (r.ActivityId ? `${r.Fault} (tile ${r.ActivityId})` : r.Fault));
    throw toWebApiError({
      status: 400,
      code: PLUGIN_REFUSAL_CODE,
      message: `The edits of this live customer journey have errors, so it stays ${describeJourneyStatus(JourneyStatus.LiveEditable)}: ${faults.join(', ')}. Fix them (msdyncrm_CustomerJourneyValidate lists them) and save again.`,
    });
  }
  values[A.validationResults] = JSON.stringify(result);
}

/** Statuses a client may create a journey in: Draft, or Going live (create and publish at once). */
const CREATE_STATUSES: readonly number[] = [JourneyStatus.Draft, JourneyStatus.GoingLive];

/** The marketing plugin. */
export function marketingPlugin(options: MarketingPluginOptions = {}): EmulatorPlugin {
  const delayMs = options.transitionDelayMs ?? 2000;
  const log = options.log ?? (() => {});
  const entities = [INTERACTION_TABLE, CHANNEL_MESSAGE_TABLE];
  if (options.profile === 'outbound-removed') {
    return { name: 'marketing', entities, operations: { ...CHANNEL_OPERATIONS } };
  }

  let machine: JourneyStatusMachine | undefined;
  const isJourney = (change: WriteChange): boolean => change.entitySet === Tables.customerJourney.entitySet;

  return {
    name: 'marketing',
    entities,
    operations: { ...OUTBOUND_OPERATIONS, ...CHANNEL_OPERATIONS },

    beforeWrite(change: WriteChange, context: WriteContext): void {
      if (!isJourney(change) || context.system) return;
      if (change.operation === 'create') {
        const status = Number(change.values[A.statusCode] ?? JourneyStatus.Draft);
        if (!CREATE_STATUSES.includes(status)) {
          throw toWebApiError({
            status: 400,
            code: PLUGIN_REFUSAL_CODE,
            message: `A customer journey is created in ${describeJourneyStatus(JourneyStatus.Draft)} (or ${describeJourneyStatus(JourneyStatus.GoingLive)} to publish it at once), not in ${describeJourneyStatus(status)}. Create it as Draft, then change statuscode.`,
          });
        }
        change.values[A.stateCode] = journeyStateOf(status);
        return;
      }
      if (change.operation === 'delete') {
        const refusal = checkJourneyDelete(change.before ?? {});
        if (refusal !== undefined) throw toWebApiError(refusal);
        return;
      }
      const before = change.before ?? {};
      const check = checkJourneyUpdate(before, change.values);
      if (!check.ok) throw toWebApiError(check.refusal);
      for (const [key, value] of Object.entries(check.extraValues)) change.values[key] = value;
      if (Number(before[A.statusCode]) === JourneyStatus.LiveEditable && Number(change.values[A.statusCode]) === JourneyStatus.Live) {
        checkSavedEdits(before, change.values);
      }
    },

    afterCommit(change: WriteChange, context: WriteContext): void {
      if (!isJourney(change) || machine === undefined) return;
      if (change.operation === 'delete') {
        machine.cancel(change.id);
        return;
      }
      const before = change.before?.[A.statusCode];
      const after = Number(change.after?.[A.statusCode]);
      if (before !== undefined && Number(before) === after) return;
      if (JourneyStatusMachine.isPending(after)) machine.schedule(change.id, after);
      else if (after === JourneyStatus.Live) {
        const run = runJourney(context.core, change.id, log);
        if (run.created > 0) log(`marketing: journey ${change.id} is Live; created ${run.created} custom channel activities`);
      }
    },

    start(core: EmulatorCore): void {
      machine = new JourneyStatusMachine(core, delayMs, log);
      const resumed = machine.resume();
      if (resumed > 0) log(`marketing: resumed ${resumed} pending journey transition(s)`);
      // Live journeys pick up segment members added while the emulator was down.
      // Collect first: the store's scan is a live cursor, and runJourney reads other tables.
      const live: string[] = [];
      for (const row of core.store.scan(Tables.customerJourney.entitySet)) {
        if (Number(row.values[A.statusCode]) === JourneyStatus.Live) live.push(row.id);
      }
      for (const id of live) runJourney(core, id, log);
    },

    close(): void {
      machine?.close();
    },
  };
}
