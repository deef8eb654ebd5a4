/**
 * The runtime simulator: what the outbound service did while a journey was Live, reduced to what
 * clients can observe. Contacts of the journey's segments flow to its tiles (rule in
 * `journeyFlow.ts`); a contact reaching a custom channel tile gets one
 * `msdyncrm_customerjourneycustomchannelactivity` row when the tile's compliance field allows it,
 * and an interaction `CreateCustomChannelActivityContactProcessed` is recorded.
 * https://learn.microsoft.com/dynamics365/marketing/developer/overview-custom-channel
 *
 * It runs when a journey becomes Live and, for every Live journey, when the emulator starts. Rows
 * get ids derived from (journey, iteration, tile, contact), so each contact gets exactly one row
 * per tile per iteration however often it runs.
 */
import { TILE_TYPES } from '../../definition/types.js';
import { CustomChannelActivityAttributes as CCA, JourneyAttributes as A, JourneyLookups, Tables } from '../../model/names.js';
import { EntityTarget, JourneyStatus, SegmentType } from '../../model/optionSets.js';
import type { EmulatorCore, RowValues, SystemWrite } from '../core/types.js';
import { parseGuid } from '../../util/guid.js';
import { itemsOf, parseStoredDefinition } from './definitionStructure.js';
import { CUSTOM_CHANNEL_ACTIVITY_PROCESSED } from './interactions.js';
import { contactFlow, parseSegmentMemberIds } from './journeyFlow.js';
import { stableId } from './stableId.js';
import { TILE_CONFIG_SUFFIX, type TileConfig, parseTileConfig, tileMatchesActivityType } from './tileConfig.js';
import { INTERACTION_TABLE, interactionWrite } from './interactionStore.js';

const KNOWN_TILE_TYPES: ReadonlySet<string> = new Set(TILE_TYPES);
/** System writes per transaction: large segments commit in slices instead of one huge transaction. */
const WRITE_SLICE = 500;

/** A lookup in stored form: the id, and the target's logical name in `<attribute>@type`. */
function lookupValue(attribute: string, targetLogicalName: string, id: string): RowValues {
  return { [attribute]: id, [`${attribute}@type`]: targetLogicalName };
}

/** Every custom channel tile configuration among the web resources. */
export function loadTileConfigs(core: EmulatorCore): TileConfig[] {
  const configs: TileConfig[] = [];
  for (const row of core.store.scan(Tables.webResource.entitySet)) {
    const name = row.values.name;
    if (typeof name !== 'string' || !name.endsWith(TILE_CONFIG_SUFFIX)) continue;
    const config = parseTileConfig(name, webResourceText(row.values.content));
    if (config !== undefined) configs.push(config);
  }
  return configs;
}

/** Web resource `content` is base64 in Dataverse; plain XML is accepted too (hand-made seed data). */
function webResourceText(content: unknown): string {
  if (typeof content !== 'string') return '';
  if (content.trimStart().startsWith('<')) return content;
  return Buffer.from(content, 'base64').toString('utf8');
}

/** Ids of the active contacts, in id order. */
function activeContactIds(core: EmulatorCore): string[] {
  const ids: string[] = [];
  for (const row of core.store.scan(Tables.contact.entitySet)) {
    if (Number(row.values.statecode ?? 0) === 0) ids.push(row.id);
  }
  return ids;
}

/**
 * Members of a segment. Static segments list theirs in `msdyncrm_segmentmemberids`. Dynamic and
 * compound segments have a query the emulator does not evaluate: their members are the ids in
 * `msdyncrm_segmentmemberids` when set (so tests and seed data can pin them), else every active
 * contact.
 */
function segmentMembersResolver(core: EmulatorCore): (segmentId: string) => readonly string[] | undefined {
  const cache = new Map<string, readonly string[] | undefined>();
  let everyone: string[] | undefined;
  return (segmentId) => {
    if (cache.has(segmentId)) return cache.get(segmentId);
    const segment = core.read(Tables.segment.entitySet, segmentId);
    let members: readonly string[] | undefined;
    if (segment !== undefined) {
      const listed = parseSegmentMemberIds(segment.msdyncrm_segmentmemberids);
      if (listed !== undefined) members = listed;
      else if (Number(segment.msdyncrm_segmenttype ?? SegmentType.Dynamic) === SegmentType.Static) members = [];
      else members = everyone ??= activeContactIds(core);
    }
    cache.set(segmentId, members);
    return members;
  };
}

/** The journey's latest iteration id, creating iteration 1 when it has none. */
export function ensureIteration(core: EmulatorCore, journeyId: string, journey: RowValues, now: Date): string {
  let latest: { id: string; number: number } | undefined;
  for (const row of core.store.scan(Tables.journeyIteration.entitySet)) {
    if (row.values.msdyncrm_customerjourneyid !== journeyId) continue;
    const number = Number(row.values.msdyncrm_iterationnumber ?? 0);
    if (latest === undefined || number > latest.number) latest = { id: row.id, number };
  }
  if (latest !== undefined) return latest.id;
  const id = stableId('iteration', journeyId, '1');
  const values: RowValues = {
    msdyncrm_name: `${String(journey[A.name] ?? 'Customer journey')} - iteration 1`.slice(0, 256),
    msdyncrm_iterationnumber: 1,
    msdyncrm_startdate: now.toISOString(),
    msdyncrm_workflowdefinition: journey[A.workflowDefinition] ?? null,
    msdyncrm_designerstate: journey[A.designerState] ?? null,
    ...lookupValue('msdyncrm_customerjourneyid', Tables.customerJourney.logicalName, journeyId),
  };
  if (typeof journey[A.endDateTime] === 'string') values.msdyncrm_enddate = journey[A.endDateTime];
  core.write({ entitySet: Tables.journeyIteration.entitySet, operation: 'create', id, values });
  return id;
}

/** What one run did. */
export interface RuntimeRun {
  iterationId?: string;
  /** Custom channel activity rows created by this run. */
  created: number;
  /** Contacts skipped because the tile's compliance field is set. */
  nonCompliant: number;
}

/** Run the simulator for one journey; does nothing unless it is Live and targets contacts. */
export function runJourney(core: EmulatorCore, journeyId: string, log: (line: string) => void = () => {}, now = new Date()): RuntimeRun {
  const run: RuntimeRun = { created: 0, nonCompliant: 0 };
  const journey = core.read(Tables.customerJourney.entitySet, journeyId);
  if (journey === undefined || Number(journey[A.statusCode]) !== JourneyStatus.Live) return run;
  run.iterationId = ensureIteration(core, journeyId, journey, now);
  // Account-based journeys: the emulator has no account runtime (documented difference).
  if (Number(journey[A.entityTarget] ?? EntityTarget.Contact) !== EntityTarget.Contact) return run;
  const definition = parseStoredDefinition(journey[A.workflowDefinition]);
  if (definition === undefined) return run;
  const customTiles = definition.filter((a) => typeof a.ActivityTypeId === 'string' && !KNOWN_TILE_TYPES.has(a.ActivityTypeId));
  if (customTiles.length === 0) return run;
  const configs = loadTileConfigs(core);
  const members = segmentMembersResolver(core);
  const suppressionId = journey[JourneyLookups.suppressionSegment.attribute];
  const suppressed = new Set(typeof suppressionId === 'string' ? (members(suppressionId.toLowerCase()) ?? []) : []);
  const flow = contactFlow(definition, members, suppressed);

  const pending: SystemWrite[] = [];
  const flush = (): void => {
    if (pending.length > 0) core.writeAll(pending.splice(0, pending.length), { system: true });
  };
  for (const tile of customTiles) {
    const config = configs.find((c) => tileMatchesActivityType(c, String(tile.ActivityTypeId)));
    const header = itemsOf(tile)[0];
    const entityId = parseGuid(header?.ItemId);
    const contacts = flow.get(String(tile.ActivityId));
    if (config === undefined) {
      log(`marketing: no tile configuration (*${TILE_CONFIG_SUFFIX}) matches custom tile type '${String(tile.ActivityTypeId)}' of journey ${journeyId}; tile skipped`);
      continue;
    }
    if (entityId === undefined) {
      // msdyncrm_entityid is required: a tile without a chosen channel record sends nothing.
      log(`marketing: custom tile ${String(tile.ActivityId)} of journey ${journeyId} has no ItemId (no ${config.entityType} record chosen); tile skipped`);
      continue;
    }
    if (contacts === undefined) continue;
    const tileName = typeof header?.Name === 'string' && header.Name !== '' ? header.Name : (config.label ?? config.entityType);
    for (const contactId of [...contacts].sort()) {
      const contact = core.read(Tables.contact.entitySet, contactId);
      if (contact === undefined || Number(contact.statecode ?? 0) !== 0) continue;
      if (config.complianceField !== undefined && isSet(contact[config.complianceField])) {
        run.nonCompliant++;
        continue;
      }
      const id = stableId('customchannelactivity', journeyId, run.iterationId, String(tile.ActivityId), contactId);
      if (core.read(Tables.customChannelActivity.entitySet, id) !== undefined) continue;
      const contactName = typeof contact.fullname === 'string' && contact.fullname !== '' ? contact.fullname : contactId;
      pending.push({
        entitySet: Tables.customChannelActivity.entitySet,
        operation: 'create',
        id,
        values: {
          [CCA.name]: `${tileName} - ${contactName}`.slice(0, 100),
          [CCA.activityId]: String(tile.ActivityId),
          [CCA.entityType]: config.entityType,
          [CCA.entityId]: entityId,
          ...lookupValue(CCA.journey.attribute, Tables.customerJourney.logicalName, journeyId),
          ...lookupValue(CCA.iteration.attribute, Tables.journeyIteration.logicalName, run.iterationId),
          ...lookupValue(CCA.contact.attribute, Tables.contact.logicalName, contactId),
        },
      });
      const interactionId = stableId('interaction', id);
      if (core.read(INTERACTION_TABLE.entitySet, interactionId) === undefined) {
        pending.push(
          interactionWrite({
            InteractionId: interactionId,
            InteractionType: CUSTOM_CHANNEL_ACTIVITY_PROCESSED,
            Timestamp: now.toISOString(),
            ContactId: contactId,
            ActivityId: String(tile.ActivityId),
            CustomerJourneyId: journeyId,
            CustomerJourneyIterationId: run.iterationId,
            EntityType: config.entityType,
            EntityId: entityId,
          }),
        );
      }
      run.created++;
      if (pending.length >= WRITE_SLICE) flush();
    }
  }
  flush();
  return run;
}

/** A compliance field blocks the channel when true (booleans may arrive as 1 from seed data). */
function isSet(value: unknown): boolean {
  return value === true || value === 1 || value === 'true';
}
