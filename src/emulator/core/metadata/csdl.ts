/**
 * The service document and a `$metadata` CSDL (OData 4.0 XML) for the tables and operations the
 * emulator serves, so code generators and clients that read metadata see the same names.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-service-documents
 */
import type { ResolvedRegistry } from '../entities/registry.js';
import type { OperationRegistry } from '../operations.js';
import type { AttributeType } from '../types.js';

/** `GET /api/data/v9.2/`. */
export function serviceDocument(root: string, registry: ResolvedRegistry): unknown {
  const value = registry
    .all()
    .filter((entity) => !entity.internal)
    .map((entity) => ({ name: entity.entitySet, kind: 'EntitySet', url: entity.entitySet }));
  value.push({ name: 'EntityDefinitions', kind: 'EntitySet', url: 'EntityDefinitions' });
  value.push({ name: 'RelationshipDefinitions', kind: 'EntitySet', url: 'RelationshipDefinitions' });
  value.push({ name: 'GlobalOptionSetDefinitions', kind: 'EntitySet', url: 'GlobalOptionSetDefinitions' });
  return { '@odata.context': `${root}$metadata`, value };
}

const EDM_TYPES: Record<AttributeType, string> = {
  string: 'Edm.String',
  memo: 'Edm.String',
  integer: 'Edm.Int32',
  bigint: 'Edm.Int64',
  decimal: 'Edm.Decimal',
  double: 'Edm.Double',
  money: 'Edm.Decimal',
  boolean: 'Edm.Boolean',
  datetime: 'Edm.DateTimeOffset',
  dateonly: 'Edm.Date',
  picklist: 'Edm.Int32',
  state: 'Edm.Int32',
  status: 'Edm.Int32',
  lookup: 'Edm.Guid',
  owner: 'Edm.Guid',
  uniqueidentifier: 'Edm.Guid',
  managedproperty: 'mscrm.BooleanManagedProperty',
};

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Enum types the metadata reads use (names and values as in Dataverse's CSDL). */
const ENUM_TYPES: Record<string, [string, number][]> = {
  AttributeTypeCode: ['Boolean', 'Customer', 'DateTime', 'Decimal', 'Double', 'Integer', 'Lookup', 'Memo', 'Money', 'Owner', 'PartyList', 'Picklist', 'State', 'Status', 'String', 'Uniqueidentifier', 'CalendarRules', 'Virtual', 'BigInt', 'ManagedProperty', 'EntityName'].map((name, i) => [name, i]),
  OwnershipTypes: [['None', 0], ['UserOwned', 1], ['TeamOwned', 2], ['BusinessOwned', 4], ['OrganizationOwned', 8], ['BusinessParented', 16]],
  CascadeType: [['NoCascade', 0], ['Cascade', 1], ['Active', 2], ['UserOwned', 3], ['RemoveLink', 4], ['Restrict', 5]],
  RelationshipType: [['OneToManyRelationship', 0], ['ManyToManyRelationship', 1]],
  OptionSetType: [['Picklist', 0], ['State', 1], ['Status', 2], ['Boolean', 3], ['MultiSelectPicklist', 4]],
};

/** Attribute metadata types (all derive from AttributeMetadata). */
const ATTRIBUTE_METADATA_TYPES = ['StringAttributeMetadata', 'MemoAttributeMetadata', 'IntegerAttributeMetadata', 'BigIntAttributeMetadata', 'DecimalAttributeMetadata', 'DoubleAttributeMetadata', 'MoneyAttributeMetadata', 'BooleanAttributeMetadata', 'DateTimeAttributeMetadata', 'LookupAttributeMetadata', 'UniqueIdentifierAttributeMetadata', 'ManagedPropertyAttributeMetadata'];
const ENUM_ATTRIBUTE_METADATA_TYPES = ['PicklistAttributeMetadata', 'StateAttributeMetadata', 'StatusAttributeMetadata'];

/** Known operations' parameters and responses; plugin operations declare only their binding. */
const OPERATION_SIGNATURES: Record<string, { parameters: [string, string][]; response?: [string, string][] }> = {
  WhoAmI: { parameters: [], response: [['BusinessUnitId', 'Edm.Guid'], ['UserId', 'Edm.Guid'], ['OrganizationId', 'Edm.Guid']] },
};

/** The bulk operation messages: bound to entity collections, `Targets` of the bound table. https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/createmultiple */
const BULK_SIGNATURES: [string, boolean][] = [['CreateMultiple', true], ['UpdateMultiple', false], ['UpsertMultiple', true]];

/** Query functions the `$filter` parser evaluates. https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/queryfunctions */
const QUERY_FUNCTIONS: [string, 'none' | 'value' | 'values'][] = [
  ...['In', 'NotIn', 'Between', 'NotBetween'].map((name): [string, 'values'] => [name, 'values']),
  ...['Today', 'Yesterday', 'Tomorrow', 'Last7Days', 'Next7Days', 'ThisWeek', 'LastWeek', 'NextWeek', 'ThisMonth', 'LastMonth', 'NextMonth', 'ThisYear', 'LastYear', 'NextYear'].map((name): [string, 'none'] => [name, 'none']),
  ...['LastXHours', 'NextXHours', 'LastXDays', 'NextXDays', 'LastXWeeks', 'NextXWeeks', 'LastXMonths', 'NextXMonths', 'LastXYears', 'NextXYears', 'OlderThanXMinutes', 'OlderThanXHours', 'OlderThanXDays', 'OlderThanXWeeks', 'OlderThanXMonths', 'OlderThanXYears', 'On', 'NotOn', 'OnOrAfter', 'OnOrBefore'].map((name): [string, 'value'] => [name, 'value']),
];

/**
 * `GET /api/data/v9.2/$metadata`: every served table as an EntityType deriving from the abstract
 * `mscrm.crmbaseentity`, with its key, properties and navigation properties (both directions of
 * every relationship, one per target of a polymorphic lookup); the metadata entity types; enum
 * types; actions and functions with their parameters; and an EntityContainer whose entity sets
 * carry a NavigationPropertyBinding for every navigation property.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-service-documents#csdl-metadata-document
 */
export function csdlDocument(registry: ResolvedRegistry, operations: OperationRegistry): string {
  const lines: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '<edmx:DataServices>',
    '<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
    '<ComplexType Name="BooleanManagedProperty"><Property Name="Value" Type="Edm.Boolean" Nullable="false"/><Property Name="CanBeChanged" Type="Edm.Boolean" Nullable="false"/><Property Name="ManagedPropertyLogicalName" Type="Edm.String"/></ComplexType>',
    '<EntityType Name="crmbaseentity" Abstract="true"/>',
  ];
  for (const [name, members] of Object.entries(ENUM_TYPES)) {
    lines.push(`<EnumType Name="${name}">${members.map(([member, value]) => `<Member Name="${member}" Value="${value}"/>`).join('')}</EnumType>`);
  }
  const entities = registry.all().filter((entity) => !entity.internal);
  const bindings = new Map<string, [string, string][]>();
  for (const definition of entities) {
    const resolved = registry.resolved(definition.entitySet)!;
    const navigation: [string, string][] = [];
    lines.push(`<EntityType Name="${xml(definition.logicalName)}" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="${xml(definition.primaryId)}"/></Key>`);
    for (const attribute of resolved.attributes.values()) {
      const name = attribute.type === 'lookup' || attribute.type === 'owner' ? `_${attribute.name}_value` : attribute.name;
      const nullable = attribute.name === definition.primaryId ? ' Nullable="false"' : '';
      lines.push(`<Property Name="${xml(name)}" Type="${EDM_TYPES[attribute.type]}"${nullable}${attribute.maxLength !== undefined ? ` MaxLength="${attribute.maxLength}"` : ''}/>`);
    }
    const seen = new Set<string>();
    for (const attribute of resolved.attributes.values()) {
      if (attribute.type !== 'lookup' && attribute.type !== 'owner') continue;
      const perTarget = attribute.targetNavigation ? Object.entries(attribute.targetNavigation) : (attribute.targets ?? []).slice(0, 1).map((set): [string, string] => [set, attribute.navigationProperty ?? attribute.name]);
      for (const [targetSet, navigationName] of perTarget) {
        const target = registry.bySet(targetSet);
        if (!target || target.internal || seen.has(navigationName)) continue;
        seen.add(navigationName);
        lines.push(`<NavigationProperty Name="${xml(navigationName)}" Type="mscrm.${xml(target.logicalName)}"/>`);
        navigation.push([navigationName, target.entitySet]);
      }
    }
    for (const collection of resolved.collections.values()) {
      const target = registry.bySet(collection.entitySet);
      if (!target || target.internal || seen.has(collection.name)) continue;
      seen.add(collection.name);
      lines.push(`<NavigationProperty Name="${xml(collection.name)}" Type="Collection(mscrm.${xml(target.logicalName)})"/>`);
      navigation.push([collection.name, target.entitySet]);
    }
    lines.push('</EntityType>');
    bindings.set(definition.entitySet, navigation);
  }

  // Metadata entity types for EntityDefinitions, RelationshipDefinitions and GlobalOptionSetDefinitions.
  const label = '<Property Name="DisplayName" Type="mscrm.Label"/>';
  lines.push(
    '<ComplexType Name="LocalizedLabel"><Property Name="Label" Type="Edm.String"/><Property Name="LanguageCode" Type="Edm.Int32" Nullable="false"/></ComplexType>',
    '<ComplexType Name="Label"><Property Name="LocalizedLabels" Type="Collection(mscrm.LocalizedLabel)"/><Property Name="UserLocalizedLabel" Type="mscrm.LocalizedLabel"/></ComplexType>',
    '<EntityType Name="MetadataBase" Abstract="true"><Key><PropertyRef Name="MetadataId"/></Key><Property Name="MetadataId" Type="Edm.Guid" Nullable="false"/></EntityType>',
    `<EntityType Name="EntityMetadata" BaseType="mscrm.MetadataBase"><Property Name="LogicalName" Type="Edm.String"/><Property Name="SchemaName" Type="Edm.String"/><Property Name="EntitySetName" Type="Edm.String"/><Property Name="LogicalCollectionName" Type="Edm.String"/><Property Name="PrimaryIdAttribute" Type="Edm.String"/><Property Name="PrimaryNameAttribute" Type="Edm.String"/><Property Name="OwnershipType" Type="mscrm.OwnershipTypes"/><Property Name="IsCustomEntity" Type="Edm.Boolean"/>${label}<NavigationProperty Name="Attributes" Type="Collection(mscrm.AttributeMetadata)" ContainsTarget="true"/><NavigationProperty Name="OneToManyRelationships" Type="Collection(mscrm.OneToManyRelationshipMetadata)" ContainsTarget="true"/><NavigationProperty Name="ManyToOneRelationships" Type="Collection(mscrm.OneToManyRelationshipMetadata)" ContainsTarget="true"/><NavigationProperty Name="ManyToManyRelationships" Type="Collection(mscrm.ManyToManyRelationshipMetadata)" ContainsTarget="true"/></EntityType>`,
    `<EntityType Name="AttributeMetadata" BaseType="mscrm.MetadataBase"><Property Name="LogicalName" Type="Edm.String"/><Property Name="SchemaName" Type="Edm.String"/><Property Name="EntityLogicalName" Type="Edm.String"/><Property Name="AttributeType" Type="mscrm.AttributeTypeCode"/><Property Name="IsPrimaryId" Type="Edm.Boolean"/><Property Name="IsPrimaryName" Type="Edm.Boolean"/><Property Name="IsCustomAttribute" Type="Edm.Boolean"/><Property Name="IsValidForCreate" Type="Edm.Boolean"/><Property Name="IsValidForUpdate" Type="Edm.Boolean"/><Property Name="IsValidForRead" Type="Edm.Boolean"/>${label}</EntityType>`,
    ...ATTRIBUTE_METADATA_TYPES.map((name) => `<EntityType Name="${name}" BaseType="mscrm.AttributeMetadata"/>`),
    '<EntityType Name="EnumAttributeMetadata" BaseType="mscrm.AttributeMetadata" Abstract="true"><NavigationProperty Name="OptionSet" Type="mscrm.OptionSetMetadataBase"/><NavigationProperty Name="GlobalOptionSet" Type="mscrm.OptionSetMetadataBase"/></EntityType>',
    ...ENUM_ATTRIBUTE_METADATA_TYPES.map((name) => `<EntityType Name="${name}" BaseType="mscrm.EnumAttributeMetadata"/>`),
    '<ComplexType Name="OptionMetadata"><Property Name="Value" Type="Edm.Int32"/><Property Name="Label" Type="mscrm.Label"/></ComplexType>',
    `<EntityType Name="OptionSetMetadataBase" BaseType="mscrm.MetadataBase" Abstract="true"><Property Name="Name" Type="Edm.String"/><Property Name="IsGlobal" Type="Edm.Boolean"/><Property Name="OptionSetType" Type="mscrm.OptionSetType"/>${label}</EntityType>`,
    '<EntityType Name="OptionSetMetadata" BaseType="mscrm.OptionSetMetadataBase"><Property Name="Options" Type="Collection(mscrm.OptionMetadata)"/></EntityType>',
    '<EntityType Name="BooleanOptionSetMetadata" BaseType="mscrm.OptionSetMetadataBase"><Property Name="TrueOption" Type="mscrm.OptionMetadata"/><Property Name="FalseOption" Type="mscrm.OptionMetadata"/></EntityType>',
    '<EntityType Name="RelationshipMetadataBase" BaseType="mscrm.MetadataBase" Abstract="true"><Property Name="SchemaName" Type="Edm.String"/><Property Name="RelationshipType" Type="mscrm.RelationshipType"/><Property Name="IsCustomRelationship" Type="Edm.Boolean"/></EntityType>',
    '<ComplexType Name="CascadeConfiguration"><Property Name="Assign" Type="mscrm.CascadeType"/><Property Name="Delete" Type="mscrm.CascadeType"/><Property Name="Merge" Type="mscrm.CascadeType"/><Property Name="Reparent" Type="mscrm.CascadeType"/><Property Name="Share" Type="mscrm.CascadeType"/><Property Name="Unshare" Type="mscrm.CascadeType"/><Property Name="RollupView" Type="mscrm.CascadeType"/></ComplexType>',
    '<EntityType Name="OneToManyRelationshipMetadata" BaseType="mscrm.RelationshipMetadataBase"><Property Name="ReferencedEntity" Type="Edm.String"/><Property Name="ReferencedAttribute" Type="Edm.String"/><Property Name="ReferencingEntity" Type="Edm.String"/><Property Name="ReferencingAttribute" Type="Edm.String"/><Property Name="ReferencedEntityNavigationPropertyName" Type="Edm.String"/><Property Name="ReferencingEntityNavigationPropertyName" Type="Edm.String"/><Property Name="CascadeConfiguration" Type="mscrm.CascadeConfiguration"/></EntityType>',
    '<EntityType Name="ManyToManyRelationshipMetadata" BaseType="mscrm.RelationshipMetadataBase"><Property Name="Entity1LogicalName" Type="Edm.String"/><Property Name="Entity2LogicalName" Type="Edm.String"/><Property Name="IntersectEntityName" Type="Edm.String"/><Property Name="Entity1IntersectAttribute" Type="Edm.String"/><Property Name="Entity2IntersectAttribute" Type="Edm.String"/><Property Name="Entity1NavigationPropertyName" Type="Edm.String"/><Property Name="Entity2NavigationPropertyName" Type="Edm.String"/></EntityType>',
  );

  const imports: string[] = [];
  for (const [name, returnsIds] of BULK_SIGNATURES) {
    if (operations.has(name)) continue;
    if (returnsIds) lines.push(`<ComplexType Name="${name}Response"><Property Name="Ids" Type="Collection(Edm.Guid)" Nullable="false"/></ComplexType>`);
    lines.push(`<Action Name="${name}" IsBound="true"><Parameter Name="entityset" Type="Collection(mscrm.crmbaseentity)" Nullable="false"/><Parameter Name="Targets" Type="Collection(mscrm.crmbaseentity)" Nullable="false"/>${returnsIds ? `<ReturnType Type="mscrm.${name}Response" Nullable="false"/>` : ''}</Action>`);
  }
  for (const [name, shape] of QUERY_FUNCTIONS) {
    const parameters = ['<Parameter Name="PropertyName" Type="Edm.String" Nullable="false" Unicode="false"/>'];
    if (shape === 'values') parameters.push('<Parameter Name="PropertyValues" Type="Collection(Edm.String)" Nullable="false"/>');
    if (shape === 'value') parameters.push('<Parameter Name="PropertyValue" Type="Edm.String" Nullable="false"/>');
    lines.push(`<Function Name="${name}">${parameters.join('')}<ReturnType Type="Edm.Boolean" Nullable="false"/></Function>`);
    imports.push(`<FunctionImport Name="${name}" Function="mscrm.${name}"/>`);
  }
  for (const [name, operation] of operations) {
    const element = operation.kind === 'function' ? 'Function' : 'Action';
    const bound = operation.binding !== undefined && operation.binding !== 'none';
    const signature = OPERATION_SIGNATURES[name];
    const response = signature?.response?.map(([property, type]) => `<Property Name="${property}" Type="${type}" Nullable="false"/>`).join('') ?? '';
    lines.push(`<ComplexType Name="${xml(name)}Response"${signature?.response ? '' : ' OpenType="true"'}>${response}</ComplexType>`);
    const parameters = (signature?.parameters ?? []).map(([parameter, type]) => `<Parameter Name="${parameter}" Type="${type}"/>`).join('');
    lines.push(
      `<${element} Name="${xml(name)}"${bound ? ' IsBound="true"' : ''}>${bound ? `<Parameter Name="entity" Type="${operation.binding === 'collection' ? 'Collection(mscrm.crmbaseentity)' : 'mscrm.crmbaseentity'}" Nullable="false"/>` : ''}${parameters}<ReturnType Type="mscrm.${xml(name)}Response"/></${element}>`,
    );
    if (!bound) imports.push(`<${element}Import Name="${xml(name)}" ${element}="mscrm.${xml(name)}"/>`);
  }
  lines.push('<EntityContainer Name="System">');
  for (const definition of entities) {
    const navigation = bindings.get(definition.entitySet) ?? [];
    lines.push(
      `<EntitySet Name="${xml(definition.entitySet)}" EntityType="mscrm.${xml(definition.logicalName)}">${navigation.map(([path, target]) => `<NavigationPropertyBinding Path="${xml(path)}" Target="${xml(target)}"/>`).join('')}</EntitySet>`,
    );
  }
  lines.push(
    '<EntitySet Name="EntityDefinitions" EntityType="mscrm.EntityMetadata"/>',
    '<EntitySet Name="RelationshipDefinitions" EntityType="mscrm.RelationshipMetadataBase"/>',
    '<EntitySet Name="GlobalOptionSetDefinitions" EntityType="mscrm.OptionSetMetadataBase"/>',
  );
  lines.push(...imports, '</EntityContainer>', '</Schema>', '</edmx:DataServices>', '</edmx:Edmx>');
  return lines.join('\n');
}
