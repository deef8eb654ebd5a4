/**
 * Custom channel activity rows for reporter tests: journeys' iterations, contacts and activities
 * written through the Web API (`createMany`), plus counting the reported interactions in the
 * emulator's store.
 */
import { DataverseClient } from '../../src/dataverse/index.js';
import { SeedIds, type RunningEmulator } from '../../src/emulator/index.js';

/** The seeded tile's channel entity and its response ids. */
export const SMS_ENTITY_TYPE = 'contoso_smsmessage';

/** What {@link populateActivities} wrote. */
export interface PopulatedActivities {
  journeyIds: string[];
  iterationIds: string[];
  contactIds: string[];
  activityRowIds: string[];
}

/** A client for a test emulator with retries fast enough for tests. */
export function testClient(emulator: RunningEmulator, options: ConstructorParameters<typeof DataverseClient>[0] = {}): DataverseClient {
  return new DataverseClient({ url: emulator.url, auth: { none: true }, retry: { baseDelayInMs: 20, maxDelayInMs: 200 }, ...options });
}

/**
 * Write `count` activities spread over the seed's 3 journeys (Live SMS, Live email, Stopped):
 * one iteration per journey, `contacts` new contacts and `tilesPerJourney` tile activity ids, so
 * each (journey, tile, contact) gets at most one row, as the runtime would create.
 * Needs an emulator started with `seed: true` (journeys and the SMS tile web resource).
 */
export async function populateActivities(client: DataverseClient, count: number, options: { contacts?: number; tilesPerJourney?: number } = {}): Promise<PopulatedActivities> {
  const journeyIds = [SeedIds.journeys.liveSms, SeedIds.journeys.live, SeedIds.journeys.stopped];
  const tiles = options.tilesPerJourney ?? 10;
  const contactCount = options.contacts ?? Math.ceil(count / (journeyIds.length * tiles));
  if (contactCount * journeyIds.length * tiles < count) throw new Error('not enough (journey, tile, contact) combinations for the activity count');
  const iterationIds: string[] = [];
  for (const journeyId of journeyIds) {
    const { id } = await client.create('msdyncrm_customerjourneyiterations', {
      msdyncrm_name: `iteration of ${journeyId}`,
      msdyncrm_iterationnumber: 7,
      'msdyncrm_CustomerJourneyId@odata.bind': `/msdyncrm_customerjourneys(${journeyId})`,
    });
    iterationIds.push(id);
  }
  const contacts = await client.createMany(
    'contacts',
    Array.from({ length: contactCount }, (_, i) => ({ firstname: 'Reporter', lastname: `Test ${i}` })),
    { batchSize: 500 },
  );
  if (contacts.failed.length > 0) throw new Error(`contacts not created: ${contacts.failed[0]!.error.message}`);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const j = i % journeyIds.length;
    const rest = Math.floor(i / journeyIds.length);
    const tile = rest % tiles;
    const contact = Math.floor(rest / tiles);
    rows.push({
      msdyncrm_name: `SMS ${i}`,
      msdyncrm_activityid: `tile-${j}-${tile}`,
      msdyncrm_entitytype: SMS_ENTITY_TYPE,
      msdyncrm_entityid: SeedIds.smsMessage,
      'msdyncrm_customerjourney@odata.bind': `/msdyncrm_customerjourneys(${journeyIds[j]})`,
      'msdyncrm_customerjourneyiteration@odata.bind': `/msdyncrm_customerjourneyiterations(${iterationIds[j]})`,
      'msdyncrm_contact@odata.bind': `/contacts(${contacts.ids[contact]})`,
    });
  }
  const activities = await client.createMany('msdyncrm_customerjourneycustomchannelactivities', rows, { batchSize: 500 });
  if (activities.failed.length > 0) throw new Error(`activities not created: ${activities.failed[0]!.error.message}`);
  return { journeyIds, iterationIds, contactIds: contacts.ids, activityRowIds: activities.ids };
}

/** `CustomChannelResponse` interactions in the store, counted per activity key and response type. */
export function countReportedInteractions(emulator: RunningEmulator): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  for (const row of emulator.store.scan('emulator_interactions')) {
    if (row.values.emulator_interactiontype !== 'CustomChannelResponse') continue;
    const i = JSON.parse(String(row.values.emulator_data)) as Record<string, string>;
    const key = activityKey(i.ActivityId!, i.CustomerJourneyId!, i.CustomerJourneyIterationId!, i.ContactId!);
    const byType = counts.get(key) ?? new Map<string, number>();
    const type = i.TriggerKeyword ? `${i.ResponseType}:${i.TriggerKeyword}` : i.ResponseType!;
    byType.set(type, (byType.get(type) ?? 0) + 1);
    counts.set(key, byType);
  }
  return counts;
}

/** The key of an activity row as the interactions identify it. */
export function activityKey(activityId: string, journeyId: string, iterationId: string, contactId: string): string {
  return [activityId, journeyId, iterationId, contactId].map((s) => s.toLowerCase()).join('|');
}

/** Keys of every activity row in the store. */
export function activityKeysInStore(emulator: RunningEmulator): string[] {
  const keys: string[] = [];
  for (const row of emulator.store.scan('msdyncrm_customerjourneycustomchannelactivities')) {
    const v = row.values;
    keys.push(activityKey(String(v.msdyncrm_activityid), String(v.msdyncrm_customerjourney), String(v.msdyncrm_customerjourneyiteration), String(v.msdyncrm_contact)));
  }
  return keys;
}

/**
 * Check that every activity in the store has exactly one interaction of each `expected` response
 * type and nothing else. Returns the problems (empty = exactly once everywhere).
 */
export function exactlyOnceProblems(emulator: RunningEmulator, expected: readonly string[] = ['sent', 'delivered']): string[] {
  const counts = countReportedInteractions(emulator);
  const problems: string[] = [];
  const keys = activityKeysInStore(emulator);
  for (const key of keys) {
    const byType = counts.get(key);
    for (const type of expected) {
      const n = byType?.get(type) ?? 0;
      if (n !== 1) problems.push(`${key}: ${n} × ${type}`);
    }
    for (const [type, n] of byType ?? []) if (!expected.includes(type)) problems.push(`${key}: unexpected ${n} × ${type}`);
  }
  if (counts.size > new Set(keys).size) problems.push(`${counts.size - new Set(keys).size} interaction key(s) without an activity row`);
  return problems;
}
