/**
 * Tables and columns created at run time through the metadata Web API:
 * `POST EntityDefinitions` (a table with its columns) and
 * `POST EntityDefinitions(LogicalName='x')/Attributes` (one column), plus the reads a client
 * needs to see what it created: `GET EntityDefinitions(LogicalName='x')/Attributes[(LogicalName='y')]`
 * and the labels of a table created here.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-update-entity-definitions-using-web-api
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-update-column-definitions-using-web-api
 *
 * A created table is registered in the entity registry at once (its rows are served like any
 * other table) and persisted in the internal table `emulator_tabledefinition`, from which
 * {@link loadRuntimeTables} registers it again when the store is reopened.
 */
import { nameBasedGuid } from '../../../util/guid.js';
import { badRequest, notSupported, recordNotFoundByKey, segmentNotFound } from '../errors.js';
import { bool, datetime, decimal, int, memo, text } from '../entities/define.js';
import type { ResolvedRegistry } from '../entities/registry.js';
import { jsonResponse, noContent } from '../http.js';
import type { EmulatorStore } from '../store.js';
import type { AttributeDefinition, CoreResponse, EmulatorCore, EntityDefinition } from '../types.js';
import { isJsonObject } from '../values.js';
import { entitySummary } from './entitySummary.js';

/** The internal table holding the tables created at run time. */
export const RUNTIME_TABLES: EntityDefinition = {
  logicalName: 'emulator_tabledefinition',
  entitySet: 'emulator_tabledefinitions',
  primaryId: 'emulator_tabledefinitionid',
  primaryName: 'emulator_logicalname',
  ownership: 'none',
  internal: true,
  attributes: [text('emulator_logicalname', 100), memo('emulator_definition')],
};

/** A column as stored: its definition plus the labels the metadata API returns. */
interface StoredColumn {
  attribute: AttributeDefinition;
  schemaName: string;
  displayName: string;
  attributeType: string;
}

/** A runtime table as stored. */
interface StoredTable {
  logicalName: string;
  schemaName: string;
  entitySet: string;
  displayName: string;
  pluralName: string;
  ownership: 'user' | 'organization';
  primaryId: string;
  primaryName: string;
  columns: StoredColumn[];
}

function tableId(logicalName: string): string {
  return nameBasedGuid(`runtime-table:${logicalName}`);
}

function toDefinition(table: StoredTable): EntityDefinition {
  return {
    logicalName: table.logicalName,
    entitySet: table.entitySet,
    primaryId: table.primaryId,
    primaryName: table.primaryName,
    ownership: table.ownership,
    attributes: table.columns.map((c) => c.attribute),
  };
}

function readStored(store: EmulatorStore, logicalName: string): StoredTable | undefined {
  const row = store.get(RUNTIME_TABLES.entitySet, tableId(logicalName));
  const json = row?.values.emulator_definition;
  return typeof json === 'string' ? (JSON.parse(json) as StoredTable) : undefined;
}

/** Register the tables created at run time (called once the store is open). */
export function loadRuntimeTables(registry: ResolvedRegistry, store: EmulatorStore): void {
  for (const row of store.scan(RUNTIME_TABLES.entitySet)) {
    const json = row.values.emulator_definition;
    if (typeof json === 'string') registry.register(toDefinition(JSON.parse(json) as StoredTable));
  }
}

/** The first localized label of a `Label` object. */
function label(value: unknown): string | undefined {
  if (!isJsonObject(value)) return undefined;
  const labels = value.LocalizedLabels;
  if (Array.isArray(labels)) for (const item of labels) if (isJsonObject(item) && typeof item.Label === 'string') return item.Label;
  const user = value.UserLocalizedLabel;
  return isJsonObject(user) && typeof user.Label === 'string' ? user.Label : undefined;
}

function labelOf(text: string): unknown {
  return { LocalizedLabels: [{ Label: text, LanguageCode: 1033 }], UserLocalizedLabel: { Label: text, LanguageCode: 1033 } };
}

const NAME = /^[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+$/;

/** The column an AttributeMetadata body describes. */
function parseColumn(body: unknown): StoredColumn {
  if (!isJsonObject(body)) throw badRequest('An attribute definition must be a JSON object.');
  const schemaName = body.SchemaName;
  if (typeof schemaName !== 'string' || !NAME.test(schemaName)) {
    throw badRequest(`SchemaName must be <publisher prefix>_<name> with letters, digits and underscores; got ${JSON.stringify(schemaName ?? null)}.`);
  }
  const name = schemaName.toLowerCase();
  const odataType = typeof body['@odata.type'] === 'string' ? (body['@odata.type'] as string).replace(/^#?Microsoft\.Dynamics\.CRM\./, '') : undefined;
  const attributeType = typeof body.AttributeType === 'string' ? body.AttributeType : odataType?.replace(/AttributeMetadata$/, '');
  const required = isJsonObject(body.RequiredLevel) && (body.RequiredLevel.Value === 'ApplicationRequired' || body.RequiredLevel.Value === 'SystemRequired');
  const extra = required ? { required: true } : {};
  const maxLength = typeof body.MaxLength === 'number' ? body.MaxLength : undefined;
  let attribute: AttributeDefinition;
  switch (attributeType) {
    case 'String':
      attribute = text(name, maxLength ?? 100, extra);
      break;
    case 'Memo':
      attribute = memo(name, maxLength ?? 2000, extra);
      break;
    case 'Integer':
      attribute = int(name, typeof body.MinValue === 'number' ? body.MinValue : undefined, typeof body.MaxValue === 'number' ? body.MaxValue : undefined, extra);
      break;
    case 'Boolean':
      attribute = bool(name, { default: false, ...extra });
      break;
    case 'DateTime':
      attribute = datetime(name, extra);
      break;
    case 'Decimal':
      attribute = decimal(name, extra);
      break;
    default:
      throw badRequest(`The emulator creates String, Memo, Integer, Boolean, DateTime and Decimal columns; '${String(attributeType)}' is not supported.`);
  }
  return { attribute, schemaName, displayName: label(body.DisplayName) ?? schemaName, attributeType: attributeType! };
}

function entitySetOf(logicalName: string): string {
  if (/[^aeiou]y$/.test(logicalName)) return `${logicalName.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(logicalName)) return `${logicalName}es`;
  return `${logicalName}s`;
}

function persist(core: EmulatorCore, table: StoredTable, create: boolean): void {
  core.write({
    entitySet: RUNTIME_TABLES.entitySet,
    operation: create ? 'create' : 'update',
    id: tableId(table.logicalName),
    values: { emulator_logicalname: table.logicalName, emulator_definition: JSON.stringify(table) },
  });
}

function columnMetadata(table: string, column: StoredColumn | AttributeDefinition): Record<string, unknown> {
  const attribute = 'attribute' in column ? column.attribute : column;
  const stored = 'attribute' in column ? column : undefined;
  const type = stored?.attributeType ?? attribute.type;
  const out: Record<string, unknown> = {
    MetadataId: nameBasedGuid(`attribute:${table}:${attribute.name}`),
    LogicalName: attribute.name,
    SchemaName: stored?.schemaName ?? attribute.name,
    AttributeType: type,
    RequiredLevel: { Value: attribute.required ? 'ApplicationRequired' : 'None' },
    DisplayName: labelOf(stored?.displayName ?? attribute.name),
  };
  if (attribute.maxLength !== undefined) out.MaxLength = attribute.maxLength;
  if (attribute.min !== undefined) out.MinValue = attribute.min;
  if (attribute.max !== undefined) out.MaxValue = attribute.max;
  return out;
}

function tableMetadata(table: StoredTable): Record<string, unknown> {
  return {
    ...entitySummary({ ...table, isCustom: true }),
    DisplayName: labelOf(table.displayName),
    DisplayCollectionName: labelOf(table.pluralName),
  };
}

/** What the route needs from the engine. */
export interface TableDefinitionsContext {
  root: string;
  method: string;
  /** The key of `EntityDefinitions(<key>)`, if any. */
  key: string | undefined;
  /** The segments after it (name and key). */
  rest: { name: string; key?: string }[];
  query: ReadonlyMap<string, string>;
  readBody: () => unknown;
  registry: ResolvedRegistry;
  store: EmulatorStore;
  core: EmulatorCore;
}

function logicalNameKey(key: string | undefined): string | undefined {
  return key === undefined ? undefined : /^LogicalName='([^']*)'$/.exec(key.trim())?.[1];
}

/**
 * Answer the metadata requests this module owns, or undefined to leave the request to the
 * read-only `EntityDefinitions` route.
 */
export function tableDefinitionsRoute(context: TableDefinitionsContext): CoreResponse | undefined {
  const { method, key, rest, registry, store } = context;
  const logicalName = logicalNameKey(key);
  if (method === 'POST' && key === undefined && rest.length === 0) return createTable(context);
  if (rest.length > 0 && rest[0]!.name === 'Attributes') {
    if (logicalName === undefined) throw badRequest("Address the table by its logical name: EntityDefinitions(LogicalName='x')/Attributes.");
    const definition = registry.byLogicalName(logicalName);
    if (!definition || definition.internal) throw recordNotFoundByKey('EntityMetadata');
    if (method === 'POST' && rest.length === 1 && rest[0]!.key === undefined) return addColumn(context, logicalName);
    if (method !== 'GET') throw notSupported();
    if (rest.length > 1) throw segmentNotFound(rest[1]!.name);
    const stored = readStored(store, logicalName);
    const resolved = registry.resolvedByLogicalName(logicalName)!;
    const columns = [...resolved.attributes.values()].map((a) => columnMetadata(logicalName, stored?.columns.find((c) => c.attribute.name === a.name) ?? a));
    const wanted = logicalNameKey(rest[0]!.key);
    if (rest[0]!.key !== undefined) {
      const column = columns.find((c) => c.LogicalName === wanted);
      if (!column) throw recordNotFoundByKey('AttributeMetadata');
      return jsonResponse(200, { '@odata.context': `${context.root}$metadata#EntityDefinitions('${logicalName}')/Attributes/$entity`, ...column });
    }
    return jsonResponse(200, { '@odata.context': `${context.root}$metadata#EntityDefinitions('${logicalName}')/Attributes`, value: columns });
  }
  // The labels of a table created here; every other read stays with the read-only route.
  if (method === 'GET' && rest.length === 0 && logicalName !== undefined) {
    const stored = readStored(store, logicalName);
    if (!stored) return undefined;
    const all = tableMetadata(stored);
    const select = context.query.get('$select')?.split(',').map((s) => s.trim());
    const body: Record<string, unknown> = { '@odata.context': `${context.root}$metadata#EntityDefinitions/$entity` };
    for (const name of select ?? Object.keys(all)) if (name in all) body[name] = all[name];
    body.MetadataId = all.MetadataId;
    return jsonResponse(200, body);
  }
  if (method !== 'GET') throw notSupported('The emulator creates tables (POST EntityDefinitions) and columns (POST EntityDefinitions(LogicalName=\'x\')/Attributes); other metadata writes are not supported.');
  return undefined;
}

function createTable(context: TableDefinitionsContext): CoreResponse {
  const body = context.readBody();
  if (!isJsonObject(body)) throw badRequest('The table definition must be a JSON object.');
  const schemaName = body.SchemaName;
  if (typeof schemaName !== 'string' || !NAME.test(schemaName)) {
    throw badRequest(`SchemaName must be <publisher prefix>_<name> with letters, digits and underscores; got ${JSON.stringify(schemaName ?? null)}.`);
  }
  const logicalName = schemaName.toLowerCase();
  if (context.registry.byLogicalName(logicalName)) {
    throw badRequest(`A table with the logical name '${logicalName}' already exists.`);
  }
  const attributes = Array.isArray(body.Attributes) ? body.Attributes : [];
  const columns = attributes.map(parseColumn);
  const primary = attributes.findIndex((a) => isJsonObject(a) && a.IsPrimaryName === true);
  if (primary < 0 || columns[primary]!.attribute.type !== 'string') {
    throw badRequest('A new table needs one String attribute with "IsPrimaryName": true (its primary name column).');
  }
  const names = new Set<string>();
  for (const column of columns) {
    if (names.has(column.attribute.name)) throw badRequest(`The attribute '${column.attribute.name}' is declared twice.`);
    names.add(column.attribute.name);
  }
  const ownershipType = body.OwnershipType;
  const table: StoredTable = {
    logicalName,
    schemaName,
    entitySet: entitySetOf(logicalName),
    displayName: label(body.DisplayName) ?? schemaName,
    pluralName: label(body.DisplayCollectionName) ?? label(body.DisplayName) ?? schemaName,
    ownership: ownershipType === 'OrganizationOwned' ? 'organization' : 'user',
    primaryId: `${logicalName}id`,
    primaryName: columns[primary]!.attribute.name,
    columns,
  };
  if (context.registry.bySet(table.entitySet)) throw badRequest(`The entity set '${table.entitySet}' already exists.`);
  persist(context.core, table, true);
  context.registry.register(toDefinition(table));
  return noContent({ 'OData-EntityId': `${context.root}EntityDefinitions(${nameBasedGuid(`entity:${logicalName}`)})` });
}

function addColumn(context: TableDefinitionsContext, logicalName: string): CoreResponse {
  const stored = readStored(context.store, logicalName);
  if (!stored) throw notSupported(`The emulator adds columns only to tables created through POST EntityDefinitions; '${logicalName}' is built in.`);
  const column = parseColumn(context.readBody());
  if (context.registry.attribute(stored.entitySet, column.attribute.name)) {
    throw badRequest(`The attribute '${column.attribute.name}' already exists on '${logicalName}'.`);
  }
  const next: StoredTable = { ...stored, columns: [...stored.columns, column] };
  persist(context.core, next, false);
  context.registry.register(toDefinition(next));
  return noContent({ 'OData-EntityId': `${context.root}EntityDefinitions(LogicalName='${logicalName}')/Attributes(${nameBasedGuid(`attribute:${logicalName}:${column.attribute.name}`)})` });
}
