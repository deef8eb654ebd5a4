/**
 * The flat EntityMetadata of a table, as the plain `EntityDefinitions` reads answer it, for the
 * registered tables and for the tables created at run time alike.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
 */
import { nameBasedGuid } from '../../../util/guid.js';
import type { EntityDefinition, RowValues } from '../types.js';

/** What the flat EntityMetadata of a table is made of: a registered table's definition, or a table created at run time. */
export interface EntitySummaryInput extends Pick<EntityDefinition, 'logicalName' | 'entitySet' | 'primaryId' | 'primaryName' | 'ownership'> {
  /** @default logicalName */
  schemaName?: string;
  /** @default whether the logical name has a publisher prefix */
  isCustom?: boolean;
}

/** The flat EntityMetadata of a table (the same properties the plain reads answer). */
export function entitySummary(definition: EntitySummaryInput): RowValues {
  const ownership = definition.ownership ?? 'user';
  return {
    MetadataId: nameBasedGuid(`entity:${definition.logicalName}`),
    LogicalName: definition.logicalName,
    SchemaName: definition.schemaName ?? definition.logicalName,
    EntitySetName: definition.entitySet,
    LogicalCollectionName: definition.entitySet,
    PrimaryIdAttribute: definition.primaryId,
    PrimaryNameAttribute: definition.primaryName,
    OwnershipType: ownership === 'user' ? 'UserOwned' : ownership === 'organization' ? 'OrganizationOwned' : 'None',
    IsCustomEntity: definition.isCustom ?? definition.logicalName.includes('_'),
  };
}
