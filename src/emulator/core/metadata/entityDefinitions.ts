/**
 * Read-only `EntityDefinitions`: enough for clients that discover entity set names
 * (`EntityDefinitions(LogicalName='x')?$select=EntitySetName`, DWA's `useEntityNames`).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
 */
import { entitySummary } from './entitySummary.js';
import { badRequest, recordNotFoundByKey, segmentNotFound, unknownProperty } from '../errors.js';
import type { ResolvedRegistry } from '../entities/registry.js';
import { jsonResponse } from '../http.js';
import { compileFilter, parseFilter } from '../odata/filter.js';
import type { QueryParameters } from '../odata/query.js';
import { createRegistry } from '../entities/registry.js';
import { text, guid, bool } from '../entities/define.js';
import type { EntityDefinition, RowValues } from '../types.js';

/** A stable GUID for a table's MetadataId. */
const PROPERTIES = ['MetadataId', 'LogicalName', 'SchemaName', 'EntitySetName', 'LogicalCollectionName', 'PrimaryIdAttribute', 'PrimaryNameAttribute', 'OwnershipType', 'IsCustomEntity'];

/** The columns of EntityDefinitions, as a table definition so `$filter` can be compiled against it. */
const metadataTable: EntityDefinition = {
  logicalName: 'entitymetadata',
  entitySet: 'EntityDefinitions',
  primaryId: 'MetadataId',
  primaryName: 'LogicalName',
  ownership: 'none',
  attributes: [
    guid('MetadataId'),
    text('LogicalName'),
    text('SchemaName'),
    text('EntitySetName'),
    text('LogicalCollectionName'),
    text('PrimaryIdAttribute'),
    text('PrimaryNameAttribute'),
    text('OwnershipType'),
    bool('IsCustomEntity'),
  ],
};
const metadataRegistry = createRegistry([metadataTable]);
const metadataEntity = metadataRegistry.resolved('EntityDefinitions')!;

function pick(values: RowValues, select: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of select ?? PROPERTIES) out[name] = values[name];
  out.MetadataId = values.MetadataId;
  return out;
}

/** `GET EntityDefinitions[(key)][?$select&$filter]`. */
export function entityDefinitionsResponse(root: string, registry: ResolvedRegistry, key: string | undefined, rest: string[], query: QueryParameters, loose: boolean) {
  if (rest.length > 0) throw segmentNotFound(rest[0]!);
  for (const name of query.values.keys()) {
    if (name.startsWith('$') && !['$select', '$filter'].includes(name) && !loose) throw badRequest(`The query option '${name}' is not supported on EntityDefinitions by the emulator.`);
  }
  const selectText = query.values.get('$select');
  const select = selectText?.split(',').map((name) => name.trim());
  for (const name of select ?? []) if (!PROPERTIES.includes(name)) throw unknownProperty(name, 'EntityMetadata');
  const all = registry.all().filter((definition) => !definition.internal).map(entitySummary);
  const context = `${root}$metadata#EntityDefinitions${select ? `(${select.join(',')})` : ''}`;
  if (key !== undefined) {
    const byName = /^LogicalName='([^']*)'$/.exec(key.trim());
    const id = key.trim().toLowerCase();
    const found = all.find((values) => (byName ? values.LogicalName === byName[1] : values.MetadataId === id));
    if (!found) throw recordNotFoundByKey('EntityMetadata');
    return jsonResponse(200, { '@odata.context': `${context}/$entity`, ...pick(found, select) });
  }
  const filterText = query.values.get('$filter');
  const predicate = filterText === undefined ? undefined : compileFilter(parseFilter(filterText), metadataEntity);
  const rows = predicate ? all.filter((values) => predicate(values)) : all;
  return jsonResponse(200, { '@odata.context': context, value: rows.map((values) => pick(values, select)) });
}
