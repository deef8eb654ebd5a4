/**
 * Where the emulator keeps interactions and real-time channel messages: internal tables (stored
 * like any row, never served over OData), standing in for the marketing-insights store that the
 * real service wrote to.
 */
import type { EmulatorCore, EntityDefinition, SystemWrite } from '../core/types.js';
import { datetime, memo, text } from '../core/entities/define.js';
import { type Interaction, type LoadInteractionsQuery, matchesQuery } from './interactions.js';

/** Internal table of interactions (one row per interaction; `emulator_data` holds its JSON). */
export const INTERACTION_TABLE: EntityDefinition = {
  logicalName: 'emulator_interaction',
  entitySet: 'emulator_interactions',
  primaryId: 'emulator_interactionid',
  primaryName: 'emulator_interactiontype',
  ownership: 'none',
  internal: true,
  attributes: [
    text('emulator_interactiontype', 200),
    text('emulator_contactid', 100),
    datetime('emulator_timestamp'),
    memo('emulator_data'),
  ],
};

/** Internal table of real-time channel notifications and inbound messages. */
export const CHANNEL_MESSAGE_TABLE: EntityDefinition = {
  logicalName: 'emulator_channelmessage',
  entitySet: 'emulator_channelmessages',
  primaryId: 'emulator_channelmessageid',
  primaryName: 'emulator_kind',
  ownership: 'none',
  internal: true,
  attributes: [text('emulator_kind', 100), text('emulator_channeldefinitionid', 100), datetime('emulator_receivedon'), memo('emulator_payload')],
};

/** The system write that stores an interaction. */
export function interactionWrite(interaction: Interaction): SystemWrite {
  return {
    entitySet: INTERACTION_TABLE.entitySet,
    operation: 'create',
    id: interaction.InteractionId,
    values: {
      emulator_interactiontype: interaction.InteractionType,
      emulator_contactid: interaction.ContactId,
      emulator_timestamp: interaction.Timestamp,
      emulator_data: JSON.stringify(interaction),
    },
  };
}

/** The interactions matching a query, oldest first (ties in the order they were stored). */
export function findInteractions(core: EmulatorCore, query: LoadInteractionsQuery): Interaction[] {
  const found: { interaction: Interaction; version: number }[] = [];
  for (const row of core.store.scan(INTERACTION_TABLE.entitySet)) {
    if (row.values.emulator_contactid !== query.contactId || row.values.emulator_interactiontype !== query.interactionType) continue;
    let interaction: Interaction;
    try {
      interaction = JSON.parse(String(row.values.emulator_data)) as Interaction;
    } catch {
      continue;
    }
    if (matchesQuery(interaction, query)) found.push({ interaction, version: row.version });
  }
  found.sort((a, b) => Date.parse(a.interaction.Timestamp) - Date.parse(b.interaction.Timestamp) || a.version - b.version);
  return found.map((f) => f.interaction);
}
