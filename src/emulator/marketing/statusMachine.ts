/**
 * The asynchronous half of the journey status machine: after a client sets Going live or
 * Stopping, the service finished the change later. Going live runs the error check over the
 * stored journey and ends in Live or in Error with the results
 * in `msdyncrm_validationresults`; Stopping ends in Stopped.
 * https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey#go-live
 *
 * Timers are process state; the status is in the store. On start, every journey found in Going
 * live or Stopping is scheduled again, so a transition survives a restart.
 */
import { JourneyAttributes as A, Tables } from '../../model/names.js';
import { JourneyStatus, journeyStateOf } from '../../model/optionSets.js';
import type { EmulatorCore } from '../core/types.js';
import { isBlocking, validateJourneyFields } from './journeyValidation.js';

/** Statuses the service completes asynchronously, and what each ends in. */
const PENDING_STATUSES: readonly number[] = [JourneyStatus.GoingLive, JourneyStatus.Stopping];

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

  /** Complete the journey's pending status after the delay (replacing an earlier timer). */
  schedule(journeyId: string, status: number): void {
    if (this.closed || !JourneyStatusMachine.isPending(status)) return;
    this.cancel(journeyId);
    const timer = setTimeout(() => {
      this.timers.delete(journeyId);
      this.complete(journeyId, status);
    }, this.delayMs);
    this.timers.set(journeyId, timer);
  }

  cancel(journeyId: string): void {
    const timer = this.timers.get(journeyId);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(journeyId);
  }

  /** Schedule every journey the store holds in Going live or Stopping (start-up resume). */
  resume(): number {
    let resumed = 0;
    for (const row of this.core.store.scan(Tables.customerJourney.entitySet)) {
      const status = Number(row.values[A.statusCode]);
      if (JourneyStatusMachine.isPending(status)) {
        this.schedule(row.id, status);
        resumed++;
      }
    }
    return resumed;
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
      if (journey === undefined || Number(journey[A.statusCode]) !== expected) return;
      if (expected === JourneyStatus.Stopping) {
        this.setStatus(journeyId, JourneyStatus.Stopped);
        return;
      }
      const result = validateJourneyFields(journey);
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
