/**
 * The table registry: core tables plus plugins', each completed with the system columns every
 * Dataverse table has (primary key, createdon/modifiedon, versionnumber, statecode/statuscode,
 * ownerid for user-owned tables).
 */
import { Tables } from '../../../model/names.js';
import type { AttributeDefinition, EntityDefinition, EntityRegistry } from '../types.js';
import { bigint, choices, datetime, guid, lookup } from './define.js';
import { channelEntities } from './channels.js';
import { customApiEntities } from './customApis.js';
import { marketingEntities } from './marketing.js';
import { platformEntities } from './platform.js';
import { RUNTIME_TABLES } from '../metadata/tableDefinitions.js';

/** Every table the core serves without plugins. */
export const coreEntities: EntityDefinition[] = [...marketingEntities, ...platformEntities, ...customApiEntities, ...channelEntities, RUNTIME_TABLES];

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
  return { definition, attributes, navigation, navigationTargets, lookupValues };
}

/** The registry with resolved tables; `resolved(set)` is what the engine uses. */
export interface ResolvedRegistry extends EntityRegistry {
  resolved(entitySet: string): ResolvedEntity | undefined;
  resolvedByLogicalName(logicalName: string): ResolvedEntity | undefined;
  /** Add (or replace) a table at run time: tables created through the metadata API. */
  register(definition: EntityDefinition): void;
}

/** Builds the registry; a later definition with the same entity set replaces an earlier one. */
export function createRegistry(definitions: EntityDefinition[]): ResolvedRegistry {
  const bySet = new Map<string, ResolvedEntity>();
  const byLogical = new Map<string, ResolvedEntity>();
  const register = (definition: EntityDefinition): void => {
    const entry = resolve(definition);
    bySet.set(definition.entitySet, entry);
    byLogical.set(definition.logicalName, entry);
  };
  for (const definition of definitions) register(definition);
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
