/**
 * The table registry: core tables plus plugins', each completed with the system columns every
 * Dataverse table has (primary key, createdon/modifiedon, versionnumber, statecode/statuscode,
 * ownerid for user-owned tables).
 */
import { Tables } from '../../../model/names.js';
import type { EmulatorStore } from '../store.js';
import type { AttributeDefinition, CascadeDelete, EntityDefinition, EntityRegistry, OneToManyRelationship, RelationshipDefinition } from '../types.js';
import { bigint, choices, datetime, guid, lookup } from './define.js';
import { channelEntities } from './channels.js';
import { customApiEntities } from './customApis.js';
import { marketingEntities } from './marketing.js';
import { platformEntities } from './platform.js';
import { coreRelationships, relationshipEntities } from './relationships.js';
import { RUNTIME_TABLES } from '../metadata/tableDefinitions.js';

export { coreRelationships };

/** Every table the core serves without plugins. */
export const coreEntities: EntityDefinition[] = [...marketingEntities, ...platformEntities, ...customApiEntities, ...channelEntities, ...relationshipEntities, RUNTIME_TABLES];

/** A one-to-many relationship as seen from the parent's collection-valued navigation property. */
export interface OneToManyCollection {
  kind: 'OneToMany';
  /** Navigation property on the parent. */
  name: string;
  schemaName: string;
  /** Entity set of the child rows. */
  entitySet: string;
  /** Lookup attribute on the child that holds the parent's id. */
  lookup: string;
  /** Single-valued navigation property on the child (`@odata.bind` name for this parent table). */
  childNavigation: string;
  cascadeDelete: CascadeDelete;
}

/** A many-to-many relationship as seen from one side. */
export interface ManyToManyCollection {
  kind: 'ManyToMany';
  name: string;
  schemaName: string;
  /** Entity set of the rows on the other side. */
  entitySet: string;
  intersectEntitySet: string;
  /** Intersect column holding this side's id. */
  selfAttribute: string;
  /** Intersect column holding the other side's id. */
  otherAttribute: string;
}

export type CollectionRelation = OneToManyCollection | ManyToManyCollection;

const DefaultState = choices({ Active: [0, 'Active'], Inactive: [1, 'Inactive'] });
const DefaultStatus = choices({ Active: [1, 'Active'], Inactive: [2, 'Inactive'] });

/** A table with everything resolved for fast lookups. */
export interface ResolvedEntity {
  definition: EntityDefinition;
  /** All attributes including system ones, by logical name. */
  attributes: Map<string, AttributeDefinition>;
  /** Lookup attributes by navigation property name (`@odata.bind`). */
  navigation: Map<string, AttributeDefinition>;
  /** Entity set a target-specific navigation property points to (`parentcustomerid_contact` -> contacts). */
  navigationTargets: Map<string, string>;
  /** Lookup attributes by `_x_value` property name. */
  lookupValues: Map<string, AttributeDefinition>;
  /** Collection-valued navigation properties (one-to-many and many-to-many) by name. */
  collections: Map<string, CollectionRelation>;
  /** Many-to-many relationships of this table (their intersect rows go when a row is deleted). */
  manyToMany: ManyToManyCollection[];
}

/** The system columns of a table. */
function systemAttributes(definition: EntityDefinition): AttributeDefinition[] {
  const state = definition.state;
  const attributes: AttributeDefinition[] = [
    guid(definition.primaryId),
    datetime('createdon', { readOnly: true }),
    datetime('modifiedon', { readOnly: true }),
    datetime('overriddencreatedon'),
    bigint('versionnumber', { readOnly: true }),
    lookup('createdby', [Tables.systemUser.entitySet], 'createdby', { readOnly: true }),
    lookup('modifiedby', [Tables.systemUser.entitySet], 'modifiedby', { readOnly: true }),
    { name: 'statecode', type: 'state', options: state?.stateOptions ?? DefaultState },
    { name: 'statuscode', type: 'status', options: state?.statusOptions ?? DefaultStatus },
  ];
  const ownership = definition.ownership ?? 'user';
  if (ownership === 'user') {
    attributes.push({ name: 'ownerid', type: 'owner', targets: [Tables.systemUser.entitySet, Tables.team.entitySet], navigationProperty: 'ownerid' });
    attributes.push(lookup('owningbusinessunit', [Tables.businessUnit.entitySet], 'owningbusinessunit', { readOnly: true }));
    // Which principal owns the row, split by type; the core keeps them in step with ownerid.
    attributes.push(lookup('owninguser', [Tables.systemUser.entitySet], 'owninguser', { readOnly: true }));
    attributes.push(lookup('owningteam', [Tables.team.entitySet], 'owningteam', { readOnly: true }));
  }
  return attributes;
}

function resolve(definition: EntityDefinition): ResolvedEntity {
  const attributes = new Map<string, AttributeDefinition>();
  for (const attribute of [...systemAttributes(definition), ...definition.attributes]) attributes.set(attribute.name, attribute);
  const navigation = new Map<string, AttributeDefinition>();
  const navigationTargets = new Map<string, string>();
  const lookupValues = new Map<string, AttributeDefinition>();
  for (const attribute of attributes.values()) {
    if (attribute.type !== 'lookup' && attribute.type !== 'owner') continue;
    navigation.set(attribute.navigationProperty ?? attribute.name, attribute);
    for (const [entitySet, name] of Object.entries(attribute.targetNavigation ?? {})) {
      navigation.set(name, attribute);
      navigationTargets.set(name, entitySet);
    }
    lookupValues.set(`_${attribute.name}_value`, attribute);
  }
  return { definition, attributes, navigation, navigationTargets, lookupValues, collections: new Map(), manyToMany: [] };
}

/** Reverse navigation names of the ownership relationships Dataverse gives account and contact. */
const OWNERSHIP_NAMES: Record<string, { user: string; team: string; businessUnit: string }> = {
  account: { user: 'user_accounts', team: 'team_accounts', businessUnit: 'business_unit_accounts' },
  contact: { user: 'contact_owning_user', team: 'team_contacts', businessUnit: 'business_unit_contacts' },
};

/**
 * Ownership relationships of a user-owned table: systemuser -> rows through `owninguser`, team ->
 * rows through `owningteam`, business unit -> rows through `owningbusinessunit`. A principal or
 * business unit that owns rows cannot be deleted.
 */
function ownershipRelationships(definition: EntityDefinition): OneToManyRelationship[] {
  if ((definition.ownership ?? 'user') !== 'user' || definition.internal) return [];
  const names = OWNERSHIP_NAMES[definition.logicalName] ?? {
    user: `user_${definition.logicalName}`,
    team: `team_${definition.logicalName}`,
    businessUnit: `business_unit_${definition.logicalName}`,
  };
  const relationship = (schemaName: string, referencedEntitySet: string, referencingAttribute: string): OneToManyRelationship => ({
    kind: 'OneToMany',
    schemaName,
    referencedEntitySet,
    referencingEntitySet: definition.entitySet,
    referencingAttribute,
    cascadeDelete: 'Restrict',
  });
  return [
    relationship(names.user, Tables.systemUser.entitySet, 'owninguser'),
    relationship(names.team, Tables.team.entitySet, 'owningteam'),
    relationship(names.businessUnit, Tables.businessUnit.entitySet, 'owningbusinessunit'),
  ];
}

/** The single-valued navigation property of a lookup that points to `entitySet`. */
function childNavigationOf(attribute: AttributeDefinition, entitySet: string): string {
  return attribute.targetNavigation?.[entitySet] ?? attribute.navigationProperty ?? attribute.name;
}

/** Adds the relationships to the resolved tables; relationships naming a table that is not registered are skipped. */
function link(bySet: Map<string, ResolvedEntity>, relationships: RelationshipDefinition[]): void {
  const all: RelationshipDefinition[] = [...relationships];
  for (const entry of bySet.values()) {
    for (const collection of entry.definition.collections ?? []) {
      all.push({
        kind: 'OneToMany',
        schemaName: collection.name,
        referencedEntitySet: entry.definition.entitySet,
        referencingEntitySet: collection.entitySet,
        referencingAttribute: collection.lookup,
        referencedNavigation: collection.name,
        cascadeDelete: collection.cascadeDelete ?? 'Cascade',
      });
    }
    all.push(...ownershipRelationships(entry.definition));
  }
  for (const relationship of all) {
    if (relationship.kind === 'OneToMany') {
      const parent = bySet.get(relationship.referencedEntitySet);
      const child = bySet.get(relationship.referencingEntitySet);
      const attribute = child?.attributes.get(relationship.referencingAttribute);
      if (!parent || !child || !attribute) continue;
      const name = relationship.referencedNavigation ?? relationship.schemaName;
      parent.collections.set(name, {
        kind: 'OneToMany',
        name,
        schemaName: relationship.schemaName,
        entitySet: child.definition.entitySet,
        lookup: attribute.name,
        childNavigation: childNavigationOf(attribute, parent.definition.entitySet),
        cascadeDelete: relationship.cascadeDelete,
      });
    } else {
      const one = bySet.get(relationship.entity1EntitySet);
      const two = bySet.get(relationship.entity2EntitySet);
      if (!one || !two || !bySet.has(relationship.intersectEntitySet)) continue;
      const sides: [ResolvedEntity, ResolvedEntity, string, string, string][] = [
        [one, two, relationship.entity1IntersectAttribute, relationship.entity2IntersectAttribute, relationship.entity1Navigation ?? relationship.schemaName],
        [two, one, relationship.entity2IntersectAttribute, relationship.entity1IntersectAttribute, relationship.entity2Navigation ?? relationship.schemaName],
      ];
      for (const [self, other, selfAttribute, otherAttribute, name] of sides) {
        const collection: ManyToManyCollection = {
          kind: 'ManyToMany',
          name,
          schemaName: relationship.schemaName,
          entitySet: other.definition.entitySet,
          intersectEntitySet: relationship.intersectEntitySet,
          selfAttribute,
          otherAttribute,
        };
        self.collections.set(name, collection);
        // A self-referencing many-to-many relationship lists its intersect rows once.
        if (!self.manyToMany.some((item) => item.schemaName === relationship.schemaName)) self.manyToMany.push(collection);
      }
    }
  }
}

/** One-to-many relationships whose parent is `entitySet` (cascade on delete). */
export function referencedBy(entity: ResolvedEntity): OneToManyCollection[] {
  const out: OneToManyCollection[] = [];
  for (const collection of entity.collections.values()) if (collection.kind === 'OneToMany') out.push(collection);
  return out;
}

/** The registry with resolved tables; `resolved(set)` is what the engine uses. */
export interface ResolvedRegistry extends EntityRegistry {
  /** The store the core serves (set when the core starts): lambda filters read related rows from it. */
  store?: EmulatorStore;
  resolved(entitySet: string): ResolvedEntity | undefined;
  resolvedByLogicalName(logicalName: string): ResolvedEntity | undefined;
  /** Add (or replace) a table at run time: tables created through the metadata API. */
  register(definition: EntityDefinition): void;
}

/**
 * Builds the registry; a later definition with the same entity set replaces an earlier one.
 * `relationships` (the core's by default) link the tables; `collections` of a definition are
 * one-to-many relationships too.
 */
export function createRegistry(definitions: EntityDefinition[], relationships: RelationshipDefinition[] = coreRelationships): ResolvedRegistry {
  const bySet = new Map<string, ResolvedEntity>();
  const byLogical = new Map<string, ResolvedEntity>();
  const register = (definition: EntityDefinition): void => {
    const entry = resolve(definition);
    bySet.set(definition.entitySet, entry);
    byLogical.set(definition.logicalName, entry);
  };
  for (const definition of definitions) register(definition);
  link(bySet, relationships);
  return {
    bySet: (entitySet) => bySet.get(entitySet)?.definition,
    byLogicalName: (logicalName) => byLogical.get(logicalName)?.definition,
    all: () => [...bySet.values()].map((entry) => entry.definition),
    attribute: (entitySet, name) => bySet.get(entitySet)?.attributes.get(name),
    resolved: (entitySet) => bySet.get(entitySet),
    resolvedByLogicalName: (logicalName) => byLogical.get(logicalName),
    register,
  };
}
