/**
 * Journeys for journey-client tests: a valid one built with the builder over the emulator's seed
 * records, and an invalid one (its recurrence does not fit its dates).
 */
import { randomUUID } from 'node:crypto';
import { journey } from '../../src/definition/index.js';
import { SeedIds } from '../../src/emulator/index.js';
import type { JourneyDraft } from '../../src/journeys/index.js';
import type { RequestLogEntry, RunningEmulator } from '../../src/emulator/index.js';
import { JourneyClient } from '../../src/journeys/index.js';
import { emulatorClientPerFile } from './emulatorClient.js';

/** A journey the validators accept: VIP segment, then the welcome email. */
export function validDraft(name = `Journey ${randomUUID().slice(0, 8)}`, options: { secondEmail?: boolean; emailName?: string } = {}): JourneyDraft {
  const j = journey({ target: 'contact' });
  const first = j
    .segmentGroup({ title: 'VIPs', include: [{ id: SeedIds.staticSegment, name: 'VIP customers' }] })
    .email({ id: SeedIds.welcomeEmail, name: options.emailName ?? 'Welcome email' });
  if (options.secondEmail) first.email({ id: SeedIds.newsletterEmail, name: 'Monthly newsletter' });
  const { definition, designerState } = j.build();
  return {
    fields: {
      msdyncrm_name: name,
      msdyncrm_startdatetime: '2030-01-01T00:00:00Z',
      msdyncrm_enddatetime: '2030-02-01T00:00:00Z',
      msdyncrm_entitytarget: 0,
      msdyncrm_isrecurring: false,
    },
    definition,
    designerState,
  };
}

/** A journey whose recurrence (5 × 30 days) does not fit its one-month window. */
export function invalidDraft(name = `Invalid ${randomUUID().slice(0, 8)}`): JourneyDraft {
  const draft = validDraft(name);
  return {
    ...draft,
    fields: { ...draft.fields, msdyncrm_isrecurring: true, msdyncrm_recurrenceintervaldays: 30, msdyncrm_recurrencecount: 5 },
  };
}

/** Requests that change data (everything but GET), optionally after a log position. */
export function writesIn(log: readonly RequestLogEntry[], from = 0): RequestLogEntry[] {
  return log.slice(from).filter((e) => e.method !== 'GET' && !(e.method === 'POST' && /CustomerJourneyValidate/.test(e.path)));
}

/**
 * A seeded test emulator and a `JourneyClient` of it (polling every 10 ms) for the enclosing file
 * or describe: started before its tests, disposed after them.
 */
export function journeyClientPerFile(): { readonly emulator: RunningEmulator; readonly journeys: JourneyClient } {
  const setup = emulatorClientPerFile({ seed: true }, { retry: { baseDelayInMs: 5 } });
  let journeys: JourneyClient | undefined;
  return {
    get emulator() {
      return setup.emulator;
    },
    get journeys() {
      return (journeys ??= new JourneyClient(setup.client, { pollIntervalInMs: 10 }));
    },
  };
}
