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

/** `GET /api/data/v9.2/$metadata`. */
export function csdlDocument(registry: ResolvedRegistry, operations: OperationRegistry): string {
  const lines: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '<edmx:DataServices>',
    '<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
    '<ComplexType Name="BooleanManagedProperty"><Property Name="Value" Type="Edm.Boolean" Nullable="false"/><Property Name="CanBeChanged" Type="Edm.Boolean" Nullable="false"/><Property Name="ManagedPropertyLogicalName" Type="Edm.String"/></ComplexType>',
  ];
  const entities = registry.all().filter((entity) => !entity.internal);
  for (const definition of entities) {
    const resolved = registry.resolved(definition.entitySet)!;
    lines.push(`<EntityType Name="${xml(definition.logicalName)}"><Key><PropertyRef Name="${xml(definition.primaryId)}"/></Key>`);
    for (const attribute of resolved.attributes.values()) {
      const name = attribute.type === 'lookup' || attribute.type === 'owner' ? `_${attribute.name}_value` : attribute.name;
      lines.push(`<Property Name="${xml(name)}" Type="${EDM_TYPES[attribute.type]}"${attribute.maxLength !== undefined ? ` MaxLength="${attribute.maxLength}"` : ''}/>`);
    }
    for (const attribute of resolved.attributes.values()) {
      if (attribute.type !== 'lookup' && attribute.type !== 'owner') continue;
      const target = attribute.targets?.[0] === undefined ? undefined : registry.bySet(attribute.targets[0]);
      if (!target) continue;
      lines.push(`<NavigationProperty Name="${xml(attribute.navigationProperty ?? attribute.name)}" Type="mscrm.${xml(target.logicalName)}"/>`);
    }
    for (const collection of resolved.collections.values()) {
      const target = registry.bySet(collection.entitySet);
      if (target) lines.push(`<NavigationProperty Name="${xml(collection.name)}" Type="Collection(mscrm.${xml(target.logicalName)})"/>`);
    }
    lines.push('</EntityType>');
  }
  const imports: string[] = [];
  for (const [name, operation] of operations) {
    const element = operation.kind === 'function' ? 'Function' : 'Action';
    const bound = operation.binding !== undefined && operation.binding !== 'none';
    lines.push(`<ComplexType Name="${xml(name)}Response" OpenType="true"/>`);
    lines.push(
      `<${element} Name="${xml(name)}"${bound ? ' IsBound="true"' : ''}>${bound ? `<Parameter Name="entity" Type="${operation.binding === 'collection' ? 'Collection(mscrm.crmbaseentity)' : 'mscrm.crmbaseentity'}" Nullable="false"/>` : ''}<ReturnType Type="mscrm.${xml(name)}Response"/></${element}>`,
    );
    if (!bound) imports.push(`<${element}Import Name="${xml(name)}" ${element}="mscrm.${xml(name)}"/>`);
  }
  lines.push('<EntityContainer Name="System">');
  for (const definition of entities) lines.push(`<EntitySet Name="${xml(definition.entitySet)}" EntityType="mscrm.${xml(definition.logicalName)}"/>`);
  lines.push(...imports, '</EntityContainer>', '</Schema>', '</edmx:DataServices>', '</edmx:Edmx>');
  return lines.join('\n');
}
