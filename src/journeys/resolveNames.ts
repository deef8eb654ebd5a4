/**
 * Resolves the records a journey spec names without an id (segments, emails, content settings…)
 * against the target environment, by each table's primary name column.
 */
import type { DataverseClient, OperationOptions } from '../dataverse/DataverseClient.js';
import { formatLiteral } from '../dataverse/odata.js';
import { InputError } from '../errors.js';
import type { UnresolvedReference } from '../definition/spec.js';
import type { WorkflowDefinition } from '../definition/types.js';
import { JourneyLookups, Tables, type LookupNames, type TableNames } from '../model/names.js';

/** Which table a reference kind names. Kinds missing here cannot be resolved by name. */
const TABLE_OF_KIND: Readonly<Partial<Record<UnresolvedReference['kind'], TableNames>>> = Object.freeze({
  segment: Tables.segment,
  suppressionSegment: Tables.segment,
  email: Tables.marketingEmail,
  page: Tables.marketingPage,
  form: Tables.marketingForm,
  event: Tables.event,
  linkedInCampaign: Tables.linkedInCampaign,
  contentSettings: Tables.contentSettings,
  template: Tables.journeyTemplate,
  workflow: Tables.workflow,
});

/** Journey lookups that specs may name. */
const LOOKUP_OF_KIND: Readonly<Partial<Record<UnresolvedReference['kind'], LookupNames>>> = Object.freeze({
  contentSettings: JourneyLookups.contentSettings,
  suppressionSegment: JourneyLookups.suppressionSegment,
  template: JourneyLookups.template,
});

/** A definition and fields with every named reference replaced by its id. */
export interface ResolvedJourney {
  definition: WorkflowDefinition;
  fields: Record<string, unknown>;
  /** What was resolved: kind, name and the id found. */
  resolved: { kind: UnresolvedReference['kind']; name: string; id: string }[];
}

/**
 * Look up each named reference and fill in its id: `ItemId` of the tile's item, or the lookup's
 * `@odata.bind` for journey fields. Inputs are not modified.
 * @throws InputError naming the reference and its place in the spec when no record (or more
 *   than one) has that name, or when its kind cannot be looked up by name
 */
export async function resolveNames(
  client: DataverseClient,
  input: { definition: WorkflowDefinition; fields?: Record<string, unknown>; unresolved?: readonly UnresolvedReference[]; file?: string },
  options: OperationOptions = {},
): Promise<ResolvedJourney> {
  const definition = structuredClone(input.definition);
  const fields = Object.assign(Object.create(null) as Record<string, unknown>, input.fields ?? {});
  const resolved: ResolvedJourney['resolved'] = [];
  const cache = new Map<string, Promise<string>>();
  for (const ref of input.unresolved ?? []) {
    const where = { ...(input.file === undefined ? {} : { file: input.file }), pointer: ref.pointer };
    const table = TABLE_OF_KIND[ref.kind];
    if (!table) {
      throw new InputError(`The ${ref.kind} ${JSON.stringify(ref.name)} cannot be looked up by name`, where, { hint: 'Give its record id instead of its name.' });
    }
    const cacheKey = `${table.entitySet}\u0000${ref.name}`;
    let lookup = cache.get(cacheKey);
    if (!lookup) {
      lookup = findIdByName(client, table, ref, where, options);
      cache.set(cacheKey, lookup);
    }
    const id = await lookup;
    resolved.push({ kind: ref.kind, name: ref.name, id });
    const journeyLookup = ref.activityItemId === undefined ? LOOKUP_OF_KIND[ref.kind] : undefined;
    if (journeyLookup) {
      fields[`${journeyLookup.navigationProperty}@odata.bind`] = `/${journeyLookup.targetEntitySets[0]}(${id})`;
      continue;
    }
    const item = definition.find((a) => a.ActivityId === ref.activityId)?.Properties.Items.find((i) => i.ActivityItemId === ref.activityItemId);
    if (!item) throw new InputError(`The ${ref.kind} ${JSON.stringify(ref.name)} names no item of the compiled journey`, where);
    item.ItemId = id;
  }
  return { definition, fields, resolved };
}

async function findIdByName(
  client: DataverseClient,
  table: TableNames,
  ref: UnresolvedReference,
  where: { file?: string; pointer: string },
  options: OperationOptions,
): Promise<string> {
  const pages = client
    .query(table.entitySet, { select: [table.primaryId], filter: `${table.primaryName} eq ${formatLiteral(ref.name)}`, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) })
    .byPage({ maxPageSize: 2 });
  const first = await pages.next();
  await pages.return?.();
  const ids = first.done ? [] : first.value.items.map((row) => row[table.primaryId]).filter((id): id is string => typeof id === 'string');
  if (ids.length === 0) {
    throw new InputError(`No ${ref.kind} named ${JSON.stringify(ref.name)} exists in the target environment (${table.entitySet}.${table.primaryName})`, where, {
      hint: `Create it first, fix the name, or give its record id.`,
    });
  }
  if (ids.length > 1) {
    throw new InputError(`Several ${table.entitySet} are named ${JSON.stringify(ref.name)}`, where, { hint: 'Give the record id instead of the name.' });
  }
  return ids[0]!.toLowerCase();
}
