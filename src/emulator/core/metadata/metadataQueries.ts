/**
 * Metadata reads built from the entity registry, so tables and relationships registered at run
 * time appear at once:
 * - `EntityDefinitions(...)?$expand=Attributes(...)`, `EntityDefinitions(...)/Attributes` with the
 *   typed casts (`/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$expand=OptionSet`,
 *   `/Attributes(LogicalName='x')/Microsoft.Dynamics.CRM.StateAttributeMetadata`), and a table's
 *   `OneToManyRelationships`, `ManyToOneRelationships`, `ManyToManyRelationships`;
 * - `RelationshipDefinitions` (with the OneToMany/ManyToMany casts) and `GlobalOptionSetDefinitions`.
 * `$select`, `$filter` (with enum literals such as `Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'`)
 * and `$expand` as Dataverse allows them on metadata.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api#retrieve-attributes
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-update-entity-relationships-using-web-api
 */
import { nameBasedGuid } from '../../../util/guid.js';
import { entitySummary } from './entitySummary.js';
import type { OptionSet } from '../../../model/optionSets.js';
import { badRequest, notImplemented, recordNotFoundByKey, segmentNotFound } from '../errors.js';
import { createRegistry, type ResolvedEntity, type ResolvedRegistry } from '../entities/registry.js';
import { bool, text } from '../entities/define.js';
import { jsonResponse } from '../http.js';
import { compileFilter, parseFilter } from '../odata/filter.js';
import type { AttributeDefinition, AttributeType, CoreResponse, EntityDefinition, RowValues } from '../types.js';

const NS = 'Microsoft.Dynamics.CRM.';

/** Attribute type -> (AttributeType, AttributeTypeName, metadata type). */
const ATTRIBUTE_TYPES: Record<AttributeType, [string, string, string]> = {
  string: ['String', 'StringType', 'StringAttributeMetadata'],
  memo: ['Memo', 'MemoType', 'MemoAttributeMetadata'],
  integer: ['Integer', 'IntegerType', 'IntegerAttributeMetadata'],
  bigint: ['BigInt', 'BigIntType', 'BigIntAttributeMetadata'],
  decimal: ['Decimal', 'DecimalType', 'DecimalAttributeMetadata'],
  double: ['Double', 'DoubleType', 'DoubleAttributeMetadata'],
  money: ['Money', 'MoneyType', 'MoneyAttributeMetadata'],
  boolean: ['Boolean', 'BooleanType', 'BooleanAttributeMetadata'],
  datetime: ['DateTime', 'DateTimeType', 'DateTimeAttributeMetadata'],
  dateonly: ['DateTime', 'DateTimeType', 'DateTimeAttributeMetadata'],
  picklist: ['Picklist', 'PicklistType', 'PicklistAttributeMetadata'],
  state: ['State', 'StateType', 'StateAttributeMetadata'],
  status: ['Status', 'StatusType', 'StatusAttributeMetadata'],
  lookup: ['Lookup', 'LookupType', 'LookupAttributeMetadata'],
  owner: ['Owner', 'OwnerType', 'LookupAttributeMetadata'],
  uniqueidentifier: ['Uniqueidentifier', 'UniqueidentifierType', 'UniqueIdentifierAttributeMetadata'],
  managedproperty: ['ManagedProperty', 'ManagedPropertyType', 'ManagedPropertyAttributeMetadata'],
};

/** Metadata types a cast may name, and the attribute types each covers. */
const CASTS: Record<string, AttributeType[]> = {};
for (const [type, [, , metadata]] of Object.entries(ATTRIBUTE_TYPES) as [AttributeType, [string, string, string]][]) (CASTS[metadata] ??= []).push(type);
CASTS.EnumAttributeMetadata = ['picklist', 'state', 'status'];

const OPTION_TYPES = new Set<AttributeType>(['picklist', 'state', 'status', 'boolean']);

function label(text: string): unknown {
  const localized = { Label: text, LanguageCode: 1033, IsManaged: false, MetadataId: nameBasedGuid(`label:${text}`), HasChanged: null };
  return { LocalizedLabels: [localized], UserLocalizedLabel: localized };
}

function optionSetMetadata(name: string, options: OptionSet<string> | undefined, type: AttributeType, global: boolean): Record<string, unknown> {
  const optionType = type === 'boolean' ? 'Boolean' : type === 'state' ? 'State' : type === 'status' ? 'Status' : 'Picklist';
  const out: Record<string, unknown> = {
    '@odata.type': `#${NS}${type === 'boolean' ? 'BooleanOptionSetMetadata' : 'OptionSetMetadata'}`,
    MetadataId: nameBasedGuid(`optionset:${name}`),
    Name: name,
    IsGlobal: global,
    OptionSetType: optionType,
    DisplayName: label(name),
  };
  if (type === 'boolean') {
    out.TrueOption = { Value: 1, Label: label('Yes') };
    out.FalseOption = { Value: 0, Label: label('No') };
  } else {
    out.Options = Object.entries(options?.labels ?? {}).map(([value, text]) => ({ Value: Number(value), Label: label(text) }));
  }
  return out;
}

/** The AttributeMetadata of a column, typed by its `@odata.type`. */
export function attributeMetadata(entity: EntityDefinition, attribute: AttributeDefinition): Record<string, unknown> {
  const [attributeType, typeName, metadataType] = ATTRIBUTE_TYPES[attribute.type];
  const out: Record<string, unknown> = {
    '@odata.type': `#${NS}${metadataType}`,
    MetadataId: nameBasedGuid(`attribute:${entity.logicalName}:${attribute.name}`),
    LogicalName: attribute.name,
    SchemaName: attribute.name,
    EntityLogicalName: entity.logicalName,
    AttributeType: attributeType,
    AttributeTypeName: { Value: typeName },
    IsPrimaryId: attribute.name === entity.primaryId,
    IsPrimaryName: attribute.name === entity.primaryName,
    IsCustomAttribute: attribute.name.includes('_'),
    IsValidForCreate: !attribute.readOnly,
    IsValidForUpdate: !attribute.readOnly && attribute.name !== entity.primaryId,
    IsValidForRead: true,
    RequiredLevel: { Value: attribute.required ? 'ApplicationRequired' : 'None', CanBeChanged: true, ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings' },
    DisplayName: label(attribute.name),
  };
  if (attribute.maxLength !== undefined) out.MaxLength = attribute.maxLength;
  if (attribute.min !== undefined) out.MinValue = attribute.min;
  if (attribute.max !== undefined) out.MaxValue = attribute.max;
  if (attribute.targets) out.Targets = attribute.targets;
  return out;
}

/** Expandable navigation of an attribute: its option set. */
function optionSetOf(entity: EntityDefinition, attribute: AttributeDefinition, globals: Map<OptionSet<string>, string>): Record<string, unknown> | null {
  if (!OPTION_TYPES.has(attribute.type)) return null;
  const global = attribute.options ? globals.get(attribute.options) : undefined;
  return optionSetMetadata(global ?? `${entity.logicalName}_${attribute.name}`, attribute.options, attribute.type, global !== undefined);
}

/** Picklists sharing one option set across tables are its global option set, named after its first column. */
function globalOptionSets(registry: ResolvedRegistry): Map<OptionSet<string>, string> {
  const uses = new Map<OptionSet<string>, { name: string; count: number; type: AttributeType }>();
  for (const definition of registry.all()) {
    if (definition.internal) continue;
    for (const attribute of registry.resolved(definition.entitySet)!.attributes.values()) {
      if (attribute.type !== 'picklist' || !attribute.options) continue;
      const use = uses.get(attribute.options);
      if (use) use.count++;
      else uses.set(attribute.options, { name: `${definition.logicalName}_${attribute.name}`, count: 1, type: attribute.type });
    }
  }
  const out = new Map<OptionSet<string>, string>();
  for (const [options, use] of uses) if (use.count > 1) out.set(options, use.name);
  return out;
}

/** Relationship metadata of the whole registry. */
export function relationshipMetadata(registry: ResolvedRegistry): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const definition of registry.all()) {
    if (definition.internal) continue;
    const entity = registry.resolved(definition.entitySet)!;
    for (const collection of entity.collections.values()) {
      if (seen.has(collection.schemaName)) continue;
      const other = registry.bySet(collection.entitySet);
      if (!other) continue;
      seen.add(collection.schemaName);
      if (collection.kind === 'OneToMany') {
        out.push({
          '@odata.type': `#${NS}OneToManyRelationshipMetadata`,
          MetadataId: nameBasedGuid(`relationship:${collection.schemaName}`),
          SchemaName: collection.schemaName,
          RelationshipType: 'OneToManyRelationship',
          IsCustomRelationship: collection.schemaName.split('_').length > 3,
          ReferencedEntity: definition.logicalName,
          ReferencedAttribute: definition.primaryId,
          ReferencingEntity: other.logicalName,
          ReferencingAttribute: collection.lookup,
          ReferencedEntityNavigationPropertyName: collection.name,
          ReferencingEntityNavigationPropertyName: collection.childNavigation,
          CascadeConfiguration: { Assign: 'NoCascade', Delete: collection.cascadeDelete, Merge: 'NoCascade', Reparent: 'NoCascade', Share: 'NoCascade', Unshare: 'NoCascade', RollupView: 'NoCascade' },
        });
      } else {
        out.push({
          '@odata.type': `#${NS}ManyToManyRelationshipMetadata`,
          MetadataId: nameBasedGuid(`relationship:${collection.schemaName}`),
          SchemaName: collection.schemaName,
          RelationshipType: 'ManyToManyRelationship',
          IsCustomRelationship: false,
          Entity1LogicalName: definition.logicalName,
          Entity2LogicalName: other.logicalName,
          IntersectEntityName: registry.bySet(collection.intersectEntitySet)?.logicalName ?? collection.intersectEntitySet,
          Entity1IntersectAttribute: collection.selfAttribute,
          Entity2IntersectAttribute: collection.otherAttribute,
          Entity1NavigationPropertyName: collection.name,
          Entity2NavigationPropertyName: collection.name,
        });
      }
    }
  }
  return out;
}

/** Ad-hoc tables so `$filter` on metadata compiles with the ordinary filter compiler. */
const filterTables = createRegistry([
  {
    logicalName: 'attributemetadata',
    entitySet: 'Attributes',
    primaryId: 'MetadataId',
    primaryName: 'LogicalName',
    ownership: 'none',
    attributes: ['LogicalName', 'SchemaName', 'EntityLogicalName', 'AttributeType'].map((name) => text(name, 200)).concat(
      ['IsPrimaryId', 'IsPrimaryName', 'IsCustomAttribute', 'IsValidForCreate', 'IsValidForUpdate', 'IsValidForRead'].map((name) => bool(name)),
    ),
  },
  {
    logicalName: 'relationshipmetadata',
    entitySet: 'RelationshipDefinitions',
    primaryId: 'MetadataId',
    primaryName: 'SchemaName',
    ownership: 'none',
    attributes: ['SchemaName', 'RelationshipType', 'ReferencedEntity', 'ReferencingEntity', 'ReferencingAttribute', 'Entity1LogicalName', 'Entity2LogicalName'].map((name) => text(name, 200)).concat([bool('IsCustomRelationship')]),
  },
  {
    logicalName: 'optionsetmetadata',
    entitySet: 'GlobalOptionSetDefinitions',
    primaryId: 'MetadataId',
    primaryName: 'Name',
    ownership: 'none',
    attributes: [text('Name', 200), text('OptionSetType', 50), bool('IsGlobal')],
  },
] satisfies EntityDefinition[]);

/** Enum literals (`Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'`) compare as their names. */
function metadataFilter(text: string | undefined, table: string): ((values: RowValues) => boolean) | undefined {
  if (text === undefined) return undefined;
  const plain = text.replace(/Microsoft\.Dynamics\.CRM\.[A-Za-z]+'([^']*)'/g, "'$1'");
  const entity = filterTables.resolved(table)!;
  const predicate = compileFilter(parseFilter(plain), entity);
  return (values) => {
    // Complex values (RequiredLevel) are not filterable; the compiler only sees the flat ones.
    return predicate(values);
  };
}

function selectOf(text: string | undefined): string[] | undefined {
  return text?.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

function pick(values: Record<string, unknown>, select: string[] | undefined, keep: string[] = ['MetadataId']): Record<string, unknown> {
  if (!select) return { ...values };
  const out: Record<string, unknown> = {};
  if (values['@odata.type'] !== undefined) out['@odata.type'] = values['@odata.type'];
  for (const name of select) if (name in values) out[name] = values[name];
  for (const name of keep) if (name in values) out[name] = values[name];
  return out;
}

/** Splits `$expand=A($select=x;$filter=y),B` into names and nested options. */
function parseExpand(text: string | undefined): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  if (text === undefined) return out;
  let depth = 0;
  let current = '';
  const items: string[] = [];
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else current += char;
  }
  items.push(current);
  for (const item of items) {
    const open = item.indexOf('(');
    const name = (open < 0 ? item : item.slice(0, open)).trim();
    const options = new Map<string, string>();
    if (open >= 0) {
      for (const part of item.slice(open + 1, item.lastIndexOf(')')).split(';')) {
        const equals = part.indexOf('=');
        if (equals > 0) options.set(part.slice(0, equals).trim(), part.slice(equals + 1));
      }
    }
    out.set(name, options);
  }
  return out;
}

interface AttributeQuery {
  cast?: AttributeType[];
  select?: string[];
  filter?: (values: RowValues) => boolean;
  expandOptionSet: boolean;
  optionSetSelect?: string[];
}

function attributeQuery(options: ReadonlyMap<string, string>, cast?: AttributeType[]): AttributeQuery {
  for (const name of options.keys()) if (name.startsWith('$') && !['$select', '$filter', '$expand'].includes(name)) throw badRequest(`The query option '${name}' is not supported on attribute metadata.`);
  const expand = parseExpand(options.get('$expand'));
  for (const name of expand.keys()) {
    if (name !== 'OptionSet' && name !== 'GlobalOptionSet') throw badRequest(`'${name}' cannot be expanded on attribute metadata; expand OptionSet or GlobalOptionSet.`);
    if (!cast || !cast.every((type) => OPTION_TYPES.has(type))) {
      throw badRequest(`Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.AttributeMetadata'. Cast to an attribute type that has it, e.g. /Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata.`);
    }
  }
  const optionSet = expand.get('OptionSet') ?? expand.get('GlobalOptionSet');
  return {
    ...(cast ? { cast } : {}),
    ...(options.get('$select') !== undefined ? { select: selectOf(options.get('$select')) } : {}),
    ...(options.get('$filter') !== undefined ? { filter: metadataFilter(options.get('$filter'), 'Attributes') } : {}),
    expandOptionSet: optionSet !== undefined,
    ...(optionSet?.get('$select') !== undefined ? { optionSetSelect: selectOf(optionSet.get('$select')) } : {}),
  };
}

function attributeRow(entity: ResolvedEntity, attribute: AttributeDefinition, query: AttributeQuery, globals: Map<OptionSet<string>, string>): Record<string, unknown> | undefined {
  const values = attributeMetadata(entity.definition, attribute);
  if (query.filter && !query.filter(values)) return undefined;
  const row = pick(values, query.select);
  if (query.expandOptionSet) {
    const optionSet = optionSetOf(entity.definition, attribute, globals);
    const key = attribute.options && globals.has(attribute.options) ? 'GlobalOptionSet' : 'OptionSet';
    row[key] = optionSet && query.optionSetSelect ? pick(optionSet, query.optionSetSelect) : optionSet;
  }
  return row;
}

function attributesOf(entity: ResolvedEntity, query: AttributeQuery, globals: Map<OptionSet<string>, string>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const attribute of entity.attributes.values()) {
    if (query.cast && !query.cast.includes(attribute.type)) continue;
    const row = attributeRow(entity, attribute, query, globals);
    if (row) out.push(row);
  }
  return out;
}

function castOf(segment: string | undefined): AttributeType[] | undefined {
  if (segment === undefined) return undefined;
  if (!segment.startsWith(NS)) throw segmentNotFound(segment);
  const types = CASTS[segment.slice(NS.length)];
  if (!types) throw segmentNotFound(segment);
  return types;
}

function keyValue(key: string | undefined, name: string): string | undefined {
  if (key === undefined) return undefined;
  const match = new RegExp(`^${name}='([^']*)'$`).exec(key.trim());
  return match ? match[1] : undefined;
}

/** What the route needs from the engine. */
export interface MetadataQueryContext {
  root: string;
  method: string;
  /** First segment (`EntityDefinitions`, `RelationshipDefinitions`, `GlobalOptionSetDefinitions`) and its key. */
  first: { name: string; key?: string };
  rest: { name: string; key?: string }[];
  query: ReadonlyMap<string, string>;
  registry: ResolvedRegistry;
}

function tableOf(context: MetadataQueryContext): ResolvedEntity {
  const key = context.first.key ?? '';
  const logicalName = keyValue(key, 'LogicalName');
  const definition = logicalName !== undefined ? context.registry.byLogicalName(logicalName) : context.registry.all().find((d) => nameBasedGuid(`entity:${d.logicalName}`) === key.trim().toLowerCase());
  if (!definition || definition.internal) throw recordNotFoundByKey('EntityMetadata');
  return context.registry.resolved(definition.entitySet)!;
}

/**
 * Answers the metadata reads this module owns; undefined for the others (the table definitions
 * route and the plain `EntityDefinitions` reads).
 */
/**
 * A metadata set answered from rows built in memory: the row keyed by `keyName` (or by MetadataId),
 * or every row that passes `$filter`; `$select` applies to both.
 * @param type the metadata type named when the key matches nothing
 */
function metadataRows(context: MetadataQueryContext, rows: Record<string, unknown>[], keyName: string, type: string): CoreResponse {
  const { first, query, root } = context;
  const select = selectOf(query.get('$select'));
  if (first.key !== undefined) {
    const wanted = keyValue(first.key, keyName);
    const id = first.key.trim().toLowerCase();
    const row = rows.find((item) => (wanted !== undefined ? item[keyName] === wanted : item.MetadataId === id));
    if (!row) throw recordNotFoundByKey(type);
    return jsonResponse(200, { '@odata.context': `${root}$metadata#${first.name}/$entity`, ...pick(row, select) });
  }
  const filter = metadataFilter(query.get('$filter'), first.name);
  return jsonResponse(200, { '@odata.context': `${root}$metadata#${first.name}`, value: rows.filter((row) => !filter || filter(row as RowValues)).map((row) => pick(row, select)) });
}

export function metadataQueryRoute(context: MetadataQueryContext): CoreResponse | undefined {
  const { first, rest, query, registry, root } = context;
  if (context.method !== 'GET') return undefined;
  const globals = globalOptionSets(registry);

  if (first.name === 'RelationshipDefinitions') {
    if (rest.length > 1) throw segmentNotFound(rest[1]!.name);
    const castName = rest[0]?.name;
    const kind = castName === undefined ? undefined : castName === `${NS}OneToManyRelationshipMetadata` ? 'OneToManyRelationship' : castName === `${NS}ManyToManyRelationshipMetadata` ? 'ManyToManyRelationship' : segmentNotFoundName(castName);
    const rows = relationshipMetadata(registry).filter((row) => !kind || row.RelationshipType === kind);
    return metadataRows(context, rows, 'SchemaName', 'RelationshipMetadataBase');
  }

  if (first.name === 'GlobalOptionSetDefinitions') {
    if (rest.length > 0) throw segmentNotFound(rest[0]!.name);
    const sets: Record<string, unknown>[] = [];
    for (const [options, name] of globals) sets.push(optionSetMetadata(name, options, 'picklist', true));
    return metadataRows(context, sets, 'Name', 'OptionSetMetadataBase');
  }

  if (first.name !== 'EntityDefinitions') return undefined;
  const relationships = ['OneToManyRelationships', 'ManyToOneRelationships', 'ManyToManyRelationships'];

  // EntityDefinitions(...)/Attributes/<cast> or /Attributes(<key>)/<cast>.
  if (rest[0]?.name === 'Attributes' && first.key !== undefined) {
    const cast = castOf(rest[1]?.name);
    if (rest.length > 2) throw segmentNotFound(rest[2]!.name);
    // Without a cast, $expand of an option set still needs one; the plain reads belong to the table definitions route.
    if (!cast && !query.has('$expand') && !query.has('$filter')) return undefined;
    const entity = tableOf(context);
    const options = attributeQuery(query, cast);
    if (rest[0].key !== undefined) {
      const name = keyValue(rest[0].key, 'LogicalName');
      const attribute = name === undefined ? undefined : entity.attributes.get(name);
      if (!attribute || (cast && !cast.includes(attribute.type))) throw recordNotFoundByKey('AttributeMetadata');
      const { filter: _ignored, ...unfiltered } = options;
      const only = attributeRow(entity, attribute, unfiltered, globals)!;
      return jsonResponse(200, { '@odata.context': `${root}$metadata#EntityDefinitions('${entity.definition.logicalName}')/Attributes(${attribute.name})/$entity`, ...only });
    }
    return jsonResponse(200, { '@odata.context': `${root}$metadata#EntityDefinitions('${entity.definition.logicalName}')/Attributes${cast ? `/${rest[1]!.name}` : ''}`, value: attributesOf(entity, options, globals) });
  }

  if (rest.length === 1 && relationships.includes(rest[0]!.name) && first.key !== undefined) {
    const entity = tableOf(context);
    const logicalName = entity.definition.logicalName;
    const all = relationshipMetadata(registry);
    const rows =
      rest[0]!.name === 'OneToManyRelationships'
        ? all.filter((row) => row.RelationshipType === 'OneToManyRelationship' && row.ReferencedEntity === logicalName)
        : rest[0]!.name === 'ManyToOneRelationships'
          ? all.filter((row) => row.RelationshipType === 'OneToManyRelationship' && row.ReferencingEntity === logicalName)
          : all.filter((row) => row.RelationshipType === 'ManyToManyRelationship' && (row.Entity1LogicalName === logicalName || row.Entity2LogicalName === logicalName));
    const select = selectOf(query.get('$select'));
    return jsonResponse(200, { '@odata.context': `${root}$metadata#EntityDefinitions('${logicalName}')/${rest[0]!.name}`, value: rows.map((row) => pick(row, select)) });
  }

  // EntityDefinitions[(key)]?$expand=Attributes(...),OneToManyRelationships…
  if (rest.length === 0 && query.has('$expand')) {
    const expand = parseExpand(query.get('$expand'));
    for (const name of expand.keys()) {
      if (name !== 'Attributes' && !relationships.includes(name)) {
        if (['Keys', 'Privileges'].includes(name)) throw notImplemented(`$expand=${name} on EntityDefinitions`);
        throw badRequest(`Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.EntityMetadata'.`);
      }
    }
    const base = new Map(query);
    base.delete('$expand');
    const definitions = first.key !== undefined ? [tableOf(context)] : registry.all().filter((d) => !d.internal).map((d) => registry.resolved(d.entitySet)!);
    const filter = query.get('$filter');
    const tableFilter = filter === undefined ? undefined : compileFilter(parseFilter(filter), entityMetadataTable());
    const select = selectOf(query.get('$select'));
    const rows = definitions
      .filter((entity) => !tableFilter || tableFilter(entitySummary(entity.definition)))
      .map((entity) => {
        const row = pick(entitySummary(entity.definition), select);
        for (const [name, options] of expand) {
          if (name === 'Attributes') row.Attributes = attributesOf(entity, attributeQuery(options), globals);
          else {
            const inner = metadataQueryRoute({ ...context, first: { name: 'EntityDefinitions', key: `LogicalName='${entity.definition.logicalName}'` }, rest: [{ name }], query: options });
            row[name] = (JSON.parse(String(inner!.body)) as { value: unknown[] }).value;
          }
        }
        return row;
      });
    if (first.key !== undefined) return jsonResponse(200, { '@odata.context': `${root}$metadata#EntityDefinitions/$entity`, ...rows[0] });
    return jsonResponse(200, { '@odata.context': `${root}$metadata#EntityDefinitions`, value: rows });
  }
  return undefined;
}

function segmentNotFoundName(name: string): never {
  throw segmentNotFound(name);
}

let entityTable: ResolvedEntity | undefined;
function entityMetadataTable(): ResolvedEntity {
  entityTable ??= createRegistry([
    {
      logicalName: 'entitymetadata',
      entitySet: 'EntityDefinitions',
      primaryId: 'MetadataId',
      primaryName: 'LogicalName',
      ownership: 'none',
      attributes: ['LogicalName', 'SchemaName', 'EntitySetName', 'LogicalCollectionName', 'PrimaryIdAttribute', 'PrimaryNameAttribute', 'OwnershipType'].map((name) => text(name, 200)).concat([bool('IsCustomEntity')]),
    },
  ]).resolved('EntityDefinitions')!;
  return entityTable;
}
