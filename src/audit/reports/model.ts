/** What every report writer gets, and the derived tables they share. */
import type { Inventory } from '../inventory.js';
import { BASE_HOURS, CUSTOM_CHANNEL_MAPPING, EFFORT_BUCKETS, RISKS, RISK_IDS, TILE_HOURS, TILE_MAPPINGS, UNKNOWN_TILE_MAPPING, type MappingLevel } from '../mapping.js';
import { readLines } from '../files.js';
import type { AuditJourneyRow, AuditSummary } from '../types.js';

/** Generation facts shown in every report. */
export interface ReportMeta {
  generatedAt: string;
  startedAt: string;
  sourceUrl: string | null;
  toolVersion: string | null;
}

/** The input of the report writers. */
export interface ReportInput {
  outDir: string;
  summary: AuditSummary;
  /** JSON-lines work file of journey rows. */
  journeysFile: string;
  /** JSON-lines work file of reference rows. */
  referencesFile: string;
  inventory: Inventory;
  meta: ReportMeta;
}

/** One row of the tile mapping table. */
export interface TileMappingRow {
  type: string;
  level: MappingLevel;
  reason: string;
  hours: number;
  /** Tiles of this type in the audited journeys. */
  tiles: number;
}

/** The mapping of every documented tile type, then each custom or unknown type seen. */
export function tileMappingRows(summary: AuditSummary, customTypes: ReadonlySet<string>): TileMappingRow[] {
  const rows: TileMappingRow[] = Object.entries(TILE_MAPPINGS).map(([type, mapping]) => ({ type, ...mapping, tiles: summary.tilesByType[type] ?? 0 }));
  for (const type of Object.keys(summary.tilesByType)) {
    if (Object.prototype.hasOwnProperty.call(TILE_MAPPINGS, type)) continue;
    const mapping = Object.prototype.hasOwnProperty.call(summary.unknownTileTypes, type) && !customTypes.has(type) ? UNKNOWN_TILE_MAPPING : CUSTOM_CHANNEL_MAPPING;
    rows.push({ type, ...mapping, tiles: summary.tilesByType[type] ?? 0 });
  }
  return rows;
}

/** One row of the risk table. */
export interface RiskRow {
  id: string;
  description: string;
  hours: number;
  journeys: number;
}

/** Every risk with the number of journeys carrying it. */
export function riskRows(summary: AuditSummary): RiskRow[] {
  return RISK_IDS.map((id) => ({ id, description: RISKS[id].description, hours: RISKS[id].hours, journeys: summary.risks[id] ?? 0 }));
}

/** The effort model, as the reports state it. */
export function effortModel() {
  return {
    baseHours: BASE_HOURS,
    tileHours: { ...TILE_HOURS },
    riskHours: Object.fromEntries(RISK_IDS.map((id) => [id, RISKS[id].hours])),
    buckets: EFFORT_BUCKETS.map((b) => b.label),
    note: 'An estimate to rank journeys and size the migration, not a quote: base hours + hours per tile by mapping level + hours per risk, rounded up to a quarter hour.',
  };
}

/** The `n` journeys with the highest effort (ties by name, then id), read by streaming. */
export async function topByEffort(journeysFile: string, n: number): Promise<AuditJourneyRow[]> {
  const top: AuditJourneyRow[] = [];
  const before = (a: AuditJourneyRow, b: AuditJourneyRow) =>
    b.effortHours - a.effortHours || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  for await (const row of readLines<AuditJourneyRow>(journeysFile)) {
    if (top.length === n && before(row, top[n - 1]!) >= 0) continue;
    let i = top.length;
    while (i > 0 && before(row, top[i - 1]!) < 0) i--;
    top.splice(i, 0, row);
    if (top.length > n) top.pop();
  }
  return top;
}

/** Custom channel tile types across the inventory's tiles, for {@link tileMappingRows}. */
export function customTypesOf(summary: AuditSummary): Set<string> {
  return new Set(Object.keys(summary.tilesByType).filter((type) => !Object.prototype.hasOwnProperty.call(TILE_MAPPINGS, type) && !Object.prototype.hasOwnProperty.call(summary.unknownTileTypes, type)));
}
