/**
 * One journey row (Web API shape) -> its inventory row and reference rows: tiles by type,
 * references, offline validation findings, mapping, risks and effort. Pure: everything it looks
 * up comes in {@link AuditLookups}.
 */
import { buildGraph, collectReferences, parseDefinition, TILE_TYPES, type WorkflowDefinition } from '../definition/index.js';
import { JourneyLookups } from '../model/names.js';
import { JourneyStatus, JourneyStatusSet, labelOf, ScopeSet } from '../model/optionSets.js';
import { validateJourney } from '../validation/index.js';
import { estimateEffort, journeyLevel, mappingOfTile, REMOVAL_DATE, STRUCTURAL_TYPES, type MappingLevel, type RiskId, RISK_IDS } from './mapping.js';
import type { SegmentSummary } from './segments.js';
import type { AuditJourneyRow, AuditReferenceRow } from './types.js';

/** A custom channel tile configuration, reduced to what matches tile types. */
export interface TileMatcher {
  /** Web resource name without `CustomerJourneyDesignerTileConfig.xml` (e.g. `contoso_Sms`). */
  prefix: string;
  /** Tile XML `EntityType`. */
  entityType: string | null;
}

/** An owner as the system user table (and Graph, with `--resolve-owners`) describes it. */
export interface OwnerInfo {
  name: string | null;
  status: 'active' | 'disabled' | 'missing';
}

/** What a journey's analysis looks up. Small tables of the inventory, held in memory. */
export interface AuditLookups {
  segments: ReadonlyMap<string, SegmentSummary>;
  emails: ReadonlyMap<string, { name: string; status: string }>;
  events: ReadonlyMap<string, { name: string; startDate: string | null }>;
  contentSettings: ReadonlyMap<string, { name: string; status: string; subscriptionCenter: boolean }>;
  templates: ReadonlyMap<string, { name: string; status: string }>;
  tiles: readonly TileMatcher[];
  /** Real-time journey names by {@link normalizeName}. */
  realTimeJourneys: ReadonlyMap<string, string>;
  /** Owner of each owner id; an id not in the map is a team or was not looked up. */
  owner(ownerId: string, ownerType: string | null): OwnerInfo | undefined;
}

/** `$select` of the journey inventory: what the audit reports, nothing more. */
export const JOURNEY_SELECT = [
  'msdyncrm_customerjourneyid',
  'msdyncrm_name',
  'statuscode',
  'statecode',
  'createdon',
  'modifiedon',
  'msdyncrm_startdatetime',
  'msdyncrm_enddatetime',
  'msdyncrm_isrecurring',
  'msdyncrm_recurrenceintervaldays',
  'msdyncrm_recurrencecount',
  'msdyncrm_entitytarget',
  'msdyncrm_scope',
  'msdyncrm_workflowdefinition',
  JourneyLookups.owner.valueProperty,
  '_owningbusinessunit_value',
  JourneyLookups.template.valueProperty,
  JourneyLookups.contentSettings.valueProperty,
  JourneyLookups.suppressionSegment.valueProperty,
  JourneyLookups.linkedInCampaign.valueProperty,
] as const;

/** Statuses in which a journey was running, or about to, when outbound was removed. */
const ACTIVE_STATUSES: ReadonlySet<number> = new Set([
  JourneyStatus.Live,
  JourneyStatus.LiveEditable,
  JourneyStatus.GoingLive,
  JourneyStatus.Stopping,
  JourneyStatus.Error,
]);

const KNOWN_TYPES: ReadonlySet<string> = new Set(TILE_TYPES);
const LOOKUP_TYPE_ANNOTATION = '@Microsoft.Dynamics.CRM.lookuplogicalname';

/** Case- and space-insensitive name, for matching real-time journeys to outbound ones. */
export function normalizeName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Whether a tile type is the tile of a custom channel configuration. */
export function matchesTile(matcher: TileMatcher, type: string): boolean {
  const t = type.toLowerCase();
  const p = matcher.prefix.toLowerCase();
  return t === p || t === `custom_${p}` || t === `libraryelementcustom_${p}` || (matcher.entityType !== null && t === matcher.entityType.toLowerCase());
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Whether a scheduler restricts sending to days or hours (the designer's `WaitUntil…` settings). */
function isSmartScheduler(item: Readonly<Record<string, unknown>>): boolean {
  for (const key of Object.keys(item)) {
    if (!key.startsWith('WaitUntil')) continue;
    const value = item[key];
    if (value === true) return true;
  }
  return false;
}

/** The analysis of one journey. */
export interface JourneyAnalysis {
  row: AuditJourneyRow;
  references: AuditReferenceRow[];
}

/** Analyse one journey row. Never throws on bad data: an unreadable definition is reported. */
export function analyzeJourney(record: Readonly<Record<string, unknown>>, lookups: AuditLookups): JourneyAnalysis {
  const id = String(record.msdyncrm_customerjourneyid ?? '');
  const name = str(record.msdyncrm_name) ?? '';
  const statusCode = num(record.statuscode);
  const ownerId = str(record[JourneyLookups.owner.valueProperty]);
  const ownerType = str(record[`${JourneyLookups.owner.valueProperty}${LOOKUP_TYPE_ANNOTATION}`]);
  const templateId = str(record[JourneyLookups.template.valueProperty]);
  const contentSettingsId = str(record[JourneyLookups.contentSettings.valueProperty]);
  const suppressionSegmentId = str(record[JourneyLookups.suppressionSegment.valueProperty]);
  const linkedInCampaignId = str(record[JourneyLookups.linkedInCampaign.valueProperty]);
  const endDate = str(record.msdyncrm_enddatetime);

  let definition: WorkflowDefinition | undefined;
  let definitionError: string | null = null;
  const rawDefinition = record.msdyncrm_workflowdefinition;
  if (rawDefinition === null || rawDefinition === undefined || rawDefinition === '') {
    definition = [];
  } else {
    try {
      definition = parseDefinition(rawDefinition, { basePointer: '/msdyncrm_workflowdefinition' });
    } catch (error) {
      definitionError = error instanceof Error ? error.message : String(error);
    }
  }

  const tiles: Record<string, number> = Object.create(null) as Record<string, number>;
  const tileLevels: Record<MappingLevel, number> = { equivalent: 0, partial: 0, none: 0 };
  const unknownTileTypes = new Set<string>();
  const customTypes = new Set<string>();
  const risks = new Set<RiskId>();
  let tileCount = 0;
  let swimlanes = 0;
  const references: AuditReferenceRow[] = [];

  const reference = (fields: Omit<AuditReferenceRow, 'journeyId' | 'journeyName'>) => references.push({ journeyId: id, journeyName: name, ...fields });

  if (definition) {
    for (const activity of definition) {
      const type = String(activity.ActivityTypeId);
      if (STRUCTURAL_TYPES.has(type)) continue;
      tileCount++;
      tiles[type] = (tiles[type] ?? 0) + 1;
      const isCustom = !KNOWN_TYPES.has(type) && lookups.tiles.some((t) => matchesTile(t, type));
      if (isCustom) customTypes.add(type);
      else if (!KNOWN_TYPES.has(type)) unknownTileTypes.add(type);
      tileLevels[mappingOfTile(type, isCustom).level]++;
      if (type === 'Scheduler' && activity.Properties.Items.some((item) => isSmartScheduler(item))) risks.add('smart-scheduling');
    }
    const graph = buildGraph(definition);
    if (graph.root) swimlanes = graph.childrenOf(graph.root.ActivityId).filter((a) => a.ActivityTypeId !== 'empty').length;

    for (const ref of collectReferences(definition, { basePointer: '/msdyncrm_workflowdefinition' })) {
      const resolved = resolve(ref.kind, ref.id, lookups);
      reference({
        kind: ref.kind,
        id: ref.id,
        name: ref.name ?? resolved.name,
        dciSegmentName: ref.dciSegmentName ?? null,
        tileType: ref.tileType,
        activityId: ref.activityId,
        pointer: ref.pointer,
        resolution: resolved.resolution,
        recordStatus: resolved.status,
      });
      if (ref.kind === 'segment' && ref.id !== null) segmentRisks(lookups.segments.get(ref.id), risks);
      if (ref.kind === 'event' && ref.id !== null) {
        const start = lookups.events.get(ref.id)?.startDate;
        if (start && Date.parse(start) >= Date.parse(REMOVAL_DATE)) risks.add('event-after-removal');
      }
    }
  }

  const field = (kind: string, recordId: string | null, found: { name: string; status: string } | undefined, checked: boolean) => {
    if (recordId === null) return;
    reference({
      kind,
      id: recordId,
      name: found?.name ?? null,
      dciSegmentName: null,
      tileType: null,
      activityId: null,
      pointer: null,
      resolution: !checked ? 'unchecked' : found ? 'found' : 'missing',
      recordStatus: found?.status ?? null,
    });
  };
  const suppression = suppressionSegmentId ? lookups.segments.get(suppressionSegmentId) : undefined;
  field('suppressionSegment', suppressionSegmentId, suppression, true);
  if (suppressionSegmentId) segmentRisks(suppression, risks);
  const contentSettings = contentSettingsId ? lookups.contentSettings.get(contentSettingsId) : undefined;
  field('contentSettings', contentSettingsId, contentSettings, true);
  const template = templateId ? lookups.templates.get(templateId) : undefined;
  field('template', templateId, template, true);
  field('linkedInCampaign', linkedInCampaignId, undefined, false);

  if (statusCode !== null && ACTIVE_STATUSES.has(statusCode)) risks.add('live-at-removal');
  if (swimlanes > 1) risks.add('swimlanes');
  if (endDate !== null && statusCode !== JourneyStatus.Expired) risks.add('end-date-semantics');
  if (customTypes.size > 0) risks.add('custom-channel');
  if (unknownTileTypes.size > 0) risks.add('unknown-tile');
  if (contentSettings?.subscriptionCenter && (tiles.Email ?? 0) > 0) risks.add('subscription-center');
  if (linkedInCampaignId !== null || (tiles.LinkedInCampaign ?? 0) > 0) risks.add('linkedin-campaign');

  let ownerName: string | null = null;
  let ownerStatus: AuditJourneyRow['ownerStatus'] = 'unchecked';
  if (ownerId !== null) {
    const owner = lookups.owner(ownerId, ownerType);
    if (owner) {
      ownerName = owner.name;
      ownerStatus = owner.status;
      if (owner.status === 'disabled') risks.add('owner-disabled');
      if (owner.status === 'missing') risks.add('owner-missing');
    }
  }

  const findings = { error: 0, warning: 0, info: 0 };
  const findingRules = new Set<string>();
  if (definition && definitionError === null) {
    for (const finding of validateJourney({ definition, fields: { ...record } })) {
      findings[finding.severity]++;
      findingRules.add(finding.ruleId);
    }
  }

  const orderedRisks = RISK_IDS.filter((risk) => risks.has(risk));
  const mapping = definitionError !== null ? 'none' : journeyLevel(levelsOf(tileLevels));
  const recreatedAs = lookups.realTimeJourneys.get(normalizeName(name)) ?? null;
  const row: AuditJourneyRow = {
    id,
    name,
    status: labelOf(JourneyStatusSet, statusCode) ?? (statusCode === null ? 'unknown' : String(statusCode)),
    statusCode,
    createdOn: str(record.createdon),
    modifiedOn: str(record.modifiedon),
    startDate: str(record.msdyncrm_startdatetime),
    endDate,
    isRecurring: record.msdyncrm_isrecurring === true,
    recurrenceIntervalDays: num(record.msdyncrm_recurrenceintervaldays),
    recurrenceCount: num(record.msdyncrm_recurrencecount),
    ownerId,
    ownerType,
    ownerName,
    ownerStatus,
    owningBusinessUnitId: str(record._owningbusinessunit_value),
    scope: labelOf(ScopeSet, num(record.msdyncrm_scope)) ?? null,
    templateId,
    templateName: template?.name ?? null,
    contentSettingsId,
    contentSettingsName: contentSettings?.name ?? null,
    suppressionSegmentId,
    tiles: sortedCounts(tiles),
    tileCount,
    unknownTileTypes: [...unknownTileTypes].sort(),
    customChannelTileTypes: [...customTypes].sort(),
    swimlanes,
    referenceCount: references.length,
    customChannelActivities: null,
    findings,
    findingRules: [...findingRules].sort(),
    definitionError,
    mapping,
    tileLevels,
    risks: orderedRisks,
    effortHours: estimateEffort(tileLevels, orderedRisks),
    recreatedAs,
  };
  return { row, references };
}

function* levelsOf(tileLevels: Readonly<Record<MappingLevel, number>>): Iterable<MappingLevel> {
  for (const level of ['equivalent', 'partial', 'none'] as const) if (tileLevels[level] > 0) yield level;
}

function segmentRisks(segment: SegmentSummary | undefined, risks: Set<RiskId>): void {
  if (!segment) return;
  if (segment.memberExport) risks.add('segment-member-export');
  if (segment.outsideMigrationLimits.length > 0) risks.add('segment-outside-migration-limits');
}

function resolve(kind: string, id: string | null, lookups: AuditLookups): { resolution: AuditReferenceRow['resolution']; name: string | null; status: string | null } {
  if (id === null) return { resolution: 'unset', name: null, status: null };
  let found: { name: string; status?: string } | undefined;
  switch (kind) {
    case 'segment': {
      const segment = lookups.segments.get(id);
      found = segment && { name: segment.name, status: segment.status };
      break;
    }
    case 'email':
      found = lookups.emails.get(id);
      break;
    case 'event':
      found = lookups.events.get(id);
      break;
    default:
      return { resolution: 'unchecked', name: null, status: null };
  }
  return found ? { resolution: 'found', name: found.name, status: found.status ?? null } : { resolution: 'missing', name: null, status: null };
}

/** Counts with keys sorted, in a prototype-free object. */
export function sortedCounts(counts: Readonly<Record<string, number>>): Record<string, number> {
  const result = Object.create(null) as Record<string, number>;
  for (const key of Object.keys(counts).sort()) result[key] = counts[key]!;
  return result;
}
