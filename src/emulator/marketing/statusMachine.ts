/**
 * The asynchronous half of the journey status machine: after a client sets Going live or
 * Stopping, the service finished the change later. Going live runs the error check over the
 * stored journey and ends in Live or in Error with the results
 * in `msdyncrm_validationresults`; Stopping ends in Stopped.
 * https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey#go-live
 *
 * The due time of each transition is in the store (an internal table), not only in a timer: a
 * process that requested it may exit at once (`go-live --no-wait`). Whoever opens the store next
 * completes every transition whose due time has passed before it serves anything, and sets timers
 * for the others; so a journey is Live (or Error, or Stopped) for every reader once its simulated
 * duration is over, whether or not a process waited for it.
 */
import { JourneyAttributes as A, Tables } from '../../model/names.js';
import { JourneyStatus, journeyStateOf } from '../../model/optionSets.js';
import { int, text } from '../core/entities/define.js';
import type { EmulatorCore, EntityDefinition } from '../core/types.js';
import { isBlocking, validateJourneyFields } from './journeyValidation.js';

/** Statuses the service completes asynchronously, and what each ends in. */
const PENDING_STATUSES: readonly number[] = [JourneyStatus.GoingLive, JourneyStatus.Stopping];

/** Internal table of pending transitions: one row per journey (its id), with the status and the due time. */
export const TRANSITION_TABLE: EntityDefinition = {
  logicalName: 'emulator_journeytransition',
  entitySet: 'emulator_journeytransitions',
  primaryId: 'emulator_journeytransitionid',
  primaryName: 'emulator_dueat',
  ownership: 'none',
  internal: true,
  attributes: [int('emulator_status'), text('emulator_dueat', 40)],
};

/** Schedules and completes pending journey transitions. */
export class JourneyStatusMachine {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly core: EmulatorCore,
    private readonly delayMs: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Whether a status is one the service completes. */
  static isPending(status: number): boolean {
    return PENDING_STATUSES.includes(status);
  }

  /**
   * Complete the journey's pending status after the delay (replacing an earlier one): the due time
   * is stored, and a timer completes it in this process if it is still running then.
   */
  schedule(journeyId: string, status: number): void {
    if (this.closed || !JourneyStatusMachine.isPending(status)) return;
    const dueAt = new Date(Date.now() + this.delayMs).toISOString();
    const exists = this.core.store.get(TRANSITION_TABLE.entitySet, journeyId) !== undefined;
    this.core.write(
      { entitySet: TRANSITION_TABLE.entitySet, id: journeyId, operation: exists ? 'update' : 'create', values: { emulator_status: status, emulator_dueat: dueAt } },
      { system: true },
    );
    this.setTimer(journeyId, status, this.delayMs);
  }

  private setTimer(journeyId: string, status: number, delayMs: number): void {
    this.clearTimer(journeyId);
    const timer = setTimeout(() => {
      this.timers.delete(journeyId);
      this.complete(journeyId, status);
    }, Math.max(0, delayMs));
    this.timers.set(journeyId, timer);
  }

  private clearTimer(journeyId: string): void {
    const timer = this.timers.get(journeyId);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(journeyId);
  }

  /** Forget the journey's pending transition (it was deleted). */
  cancel(journeyId: string): void {
    this.clearTimer(journeyId);
    this.forget(journeyId);
  }

  private forget(journeyId: string): void {
    if (this.core.store.get(TRANSITION_TABLE.entitySet, journeyId) === undefined) return;
    this.core.write({ entitySet: TRANSITION_TABLE.entitySet, id: journeyId, operation: 'delete' }, { system: true });
  }

  /**
   * Start-up: complete now every pending journey whose due time has passed; set timers for the
   * rest, due at the stored time or after this process's delay, whichever is sooner (a journey
   * pending without a stored due time, from an older store, is due after the delay).
   * Returns how many were completed and how many are still waiting.
   */
  resume(): { completed: number; waiting: number } {
    const pending: { id: string; status: number }[] = [];
    // Collect first: the store's scan is a live cursor, and completing writes.
    for (const row of this.core.store.scan(Tables.customerJourney.entitySet)) {
      const status = Number(row.values[A.statusCode]);
      if (JourneyStatusMachine.isPending(status)) pending.push({ id: row.id, status });
    }
    let completed = 0;
    for (const { id, status } of pending) {
      const stored = this.core.store.get(TRANSITION_TABLE.entitySet, id);
      const dueAt = stored === undefined || Number(stored.values.emulator_status) !== status ? Number.NaN : Date.parse(String(stored.values.emulator_dueat));
      if (Number.isNaN(dueAt)) {
        this.schedule(id, status);
      } else if (dueAt <= Date.now()) {
        this.complete(id, status);
        completed++;
      } else {
        // Not due yet: the sooner of the stored due time and this process's own delay.
        this.setTimer(id, status, Math.min(dueAt - Date.now(), this.delayMs));
      }
    }
    return { completed, waiting: pending.length - completed };
  }

  /** Number of transitions waiting (tests). */
  get pendingCount(): number {
    return this.timers.size;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Finish a pending transition now, if the journey is still in that status. */
  complete(journeyId: string, expected: number): void {
    if (this.closed) return;
    try {
      const journey = this.core.read(Tables.customerJourney.entitySet, journeyId);
      if (journey === undefined || Number(journey[A.statusCode]) !== expected) {
        this.forget(journeyId);
        return;
      }
      this.forget(journeyId);
      if (expected === JourneyStatus.Stopping) {
        this.setStatus(journeyId, JourneyStatus.Stopped);
        return;
      }
      const result = validateJourneyFields(journey, this.core);
      const target = isBlocking(result) ? JourneyStatus.Error : JourneyStatus.Live;
      // Entering Live runs the simulator (the plugin's afterCommit sees the status change).
      this.setStatus(journeyId, target, { [A.validationResults]: JSON.stringify(result) });
    } catch (error) {
      // A timer has nobody to answer: log, and leave the journey pending for the next start.
      this.log(`marketing: completing the transition of journey ${journeyId} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private setStatus(journeyId: string, status: number, extra: Record<string, unknown> = {}): void {
    this.core.write(
      {
        entitySet: Tables.customerJourney.entitySet,
        id: journeyId,
        operation: 'update',
        values: { ...extra, [A.statusCode]: status, [A.stateCode]: journeyStateOf(status) },
      },
      { system: true },
    );
  }
}
