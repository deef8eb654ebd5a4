/**
 * The small inventories a journey's analysis looks up: segments, emails, events, content
 * settings, templates, system users, custom channel tiles and real-time journeys. Each is paged
 * with a minimal `$select` and kept as a compact map (names and states, not records). Only GET
 * requests: the audit must run against an environment whose outbound services are gone.
 */
import { parseTileConfig, TILE_FILE_SUFFIX, englishText } from '../channels/index.js';
import type { DataverseClient } from '../dataverse/index.js';
import { Tables } from '../model/names.js';
import { JourneyStatusSet, labelOf, TemplateStatusSet } from '../model/optionSets.js';
import { normalizeName, type TileMatcher } from './analyzeJourney.js';
import { REMOVAL_DATE } from './mapping.js';
import { summarizeUser, USER_SELECT, type UserSummary } from './owners.js';
import { SEGMENT_SELECT, summarizeSegment, type SegmentSummary } from './segments.js';
import { addSegment, bump, emptySummary } from './summary.js';
import type { AuditCustomChannelTile, AuditSummary } from './types.js';

/** The inventories, by id. */
export interface Inventory {
  segments: Map<string, SegmentSummary>;
  emails: Map<string, { name: string; status: string }>;
  events: Map<string, { name: string; startDate: string | null }>;
  contentSettings: Map<string, { name: string; status: string; subscriptionCenter: boolean }>;
  templates: Map<string, { name: string; status: string }>;
  users: Map<string, UserSummary>;
  tiles: AuditCustomChannelTile[];
  tileMatchers: TileMatcher[];
  realTimeJourneys: Map<string, string>;
}

/** Options shared by the inventory reads. */
export interface InventoryOptions {
  pageSize: number;
  abortSignal?: AbortSignal;
  onTable?(table: string, rows: number): void;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

async function each(
  client: DataverseClient,
  entitySet: string,
  select: readonly string[],
  options: InventoryOptions,
  visit: (row: Record<string, unknown>) => void,
  filter?: string,
): Promise<void> {
  let rows = 0;
  const pages = client
    .query(entitySet, { select, ...(filter ? { filter } : {}), maxPageSize: options.pageSize, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) })
    .byPage();
  for await (const page of pages) {
    for (const row of page.items) visit(row);
    rows += page.items.length;
  }
  options.onTable?.(entitySet, rows);
}

/** Read every inventory and add its counts to `summary` (whose inventory sections are reset first). */
export async function readInventory(client: DataverseClient, summary: AuditSummary, options: InventoryOptions): Promise<Inventory> {
  const inventory: Inventory = {
    segments: new Map(),
    emails: new Map(),
    events: new Map(),
    contentSettings: new Map(),
    templates: new Map(),
    users: new Map(),
    tiles: [],
    tileMatchers: [],
    realTimeJourneys: new Map(),
  };
  const fresh = emptySummary();
  for (const key of ['segments', 'emails', 'templates', 'contentSettings', 'events', 'customChannelTiles', 'realTimeJourneys'] as const) {
    (summary as unknown as Record<string, unknown>)[key] = fresh[key];
  }

  await each(client, Tables.segment.entitySet, SEGMENT_SELECT, options, (row) => {
    const segment = summarizeSegment(row);
    inventory.segments.set(segment.id, segment);
    addSegment(summary, segment);
  });
  await each(client, Tables.marketingEmail.entitySet, ['msdyncrm_marketingemailid', 'msdyncrm_name', 'statuscode'], options, (row) => {
    const status = labelOf(JourneyStatusSet, row.statuscode as number) ?? 'unknown';
    inventory.emails.set(str(row.msdyncrm_marketingemailid), { name: str(row.msdyncrm_name), status });
    summary.emails.total++;
    bump(summary.emails.byStatus, status);
  });
  await each(client, Tables.journeyTemplate.entitySet, ['msdyncrm_customerjourneytemplateid', 'msdyncrm_name', 'statuscode'], options, (row) => {
    const status = labelOf(TemplateStatusSet, row.statuscode as number) ?? 'unknown';
    inventory.templates.set(str(row.msdyncrm_customerjourneytemplateid), { name: str(row.msdyncrm_name), status });
    summary.templates.total++;
    bump(summary.templates.byStatus, status);
  });
  await each(
    client,
    Tables.contentSettings.entitySet,
    ['msdyncrm_contentsettingsid', 'msdyncrm_name', 'statuscode', 'msdyncrm_subscriptioncenter'],
    options,
    (row) => {
      const subscriptionCenter = str(row.msdyncrm_subscriptioncenter).trim() !== '';
      inventory.contentSettings.set(str(row.msdyncrm_contentsettingsid), {
        name: str(row.msdyncrm_name),
        status: labelOf(JourneyStatusSet, row.statuscode as number) ?? 'unknown',
        subscriptionCenter,
      });
      summary.contentSettings.total++;
      if (subscriptionCenter) summary.contentSettings.withSubscriptionCenter++;
    },
  );
  await each(client, Tables.event.entitySet, ['msevtmgt_eventid', 'msevtmgt_name', 'msevtmgt_eventstartdate'], options, (row) => {
    const startDate = typeof row.msevtmgt_eventstartdate === 'string' ? row.msevtmgt_eventstartdate : null;
    inventory.events.set(str(row.msevtmgt_eventid), { name: str(row.msevtmgt_name), startDate });
    summary.events.total++;
    if (startDate !== null && Date.parse(startDate) >= Date.parse(REMOVAL_DATE)) summary.events.afterRemoval++;
  });
  await each(client, Tables.systemUser.entitySet, USER_SELECT, options, (row) => {
    inventory.users.set(str(row.systemuserid), summarizeUser(row));
  });
  await each(
    client,
    Tables.webResource.entitySet,
    ['webresourceid', 'name', 'content'],
    options,
    (row) => {
      const tile = readTile(str(row.name), row.content);
      inventory.tiles.push(tile);
      inventory.tileMatchers.push({ prefix: tile.prefix, entityType: tile.entityType });
    },
    `endswith(name,'${TILE_FILE_SUFFIX}')`,
  );
  summary.customChannelTiles = inventory.tiles.length;
  await each(client, Tables.realTimeJourney.entitySet, ['msdynmkt_journeyid', 'msdynmkt_name'], options, (row) => {
    const name = str(row.msdynmkt_name);
    if (name !== '' && !inventory.realTimeJourneys.has(normalizeName(name))) inventory.realTimeJourneys.set(normalizeName(name), name);
    summary.realTimeJourneys++;
  });
  return inventory;
}

/** A tile web resource, parsed; content is base64 in Dataverse (plain XML accepted). */
function readTile(webResource: string, content: unknown): AuditCustomChannelTile {
  const fileName = webResource.slice(webResource.lastIndexOf('/') + 1);
  const prefix = fileName.slice(0, fileName.length - TILE_FILE_SUFFIX.length);
  const tile: AuditCustomChannelTile = { webResource, prefix, entityType: null, entitySetName: null, label: null, responseTypes: [], journeys: 0, problem: null };
  const text = typeof content !== 'string' ? '' : content.trimStart().startsWith('<') ? content : Buffer.from(content, 'base64').toString('utf8');
  try {
    const config = parseTileConfig(text, { fileName });
    tile.entityType = config.channelProperties?.entityType ?? null;
    tile.entitySetName = config.channelProperties?.entitySetName ?? null;
    tile.label = englishText(config.labels) ?? null;
    tile.responseTypes = (config.responseTypes ?? []).map((r) => r.id);
  } catch (error) {
    tile.problem = error instanceof Error ? error.message : String(error);
  }
  return tile;
}
