/**
 * Relationships between the tables the core serves, as Dataverse declares them: the lookup on the
 * referencing table, the navigation property on each side and what deleting the parent does.
 * Ownership relationships (`owninguser`, `owningteam`, `owningbusinessunit`) are added by the
 * registry for every user-owned table.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-navigation-properties
 * https://learn.microsoft.com/power-apps/developer/data-platform/configure-entity-relationship-cascading-behavior
 */
import { JourneyLookups, Tables } from '../../../model/names.js';
import type { CascadeDelete, EntityDefinition, OneToManyRelationship, RelationshipDefinition } from '../types.js';
import { guid } from './define.js';

function oneToMany(
  schemaName: string,
  referencedEntitySet: string,
  referencingEntitySet: string,
  referencingAttribute: string,
  cascadeDelete: CascadeDelete,
): OneToManyRelationship {
  return { kind: 'OneToMany', schemaName, referencedEntitySet, referencingEntitySet, referencingAttribute, cascadeDelete };
}

/**
 * Marketing and channel relationships whose names are not published: named the way Dataverse names
 * a custom relationship, `<prefix>_<referenced>_<referencing>_<lookup>` (the lookup keeps two
 * relationships between the same tables apart).
 */
function custom(referenced: { logicalName: string; entitySet: string }, referencing: { logicalName: string; entitySet: string }, attribute: string, cascadeDelete: CascadeDelete): OneToManyRelationship {
  const prefix = referencing.logicalName.split('_')[0]!;
  return oneToMany(`${prefix}_${referenced.logicalName}_${referencing.logicalName}_${attribute}`, referenced.entitySet, referencing.entitySet, attribute, cascadeDelete);
}

const channelDefinitionLocale = { logicalName: 'msdyn_channeldefinitionlocale', entitySet: 'msdyn_channeldefinitionlocales' };

/** The intersect table of `teammembership_association` (read-only: change it with `$ref`). */
export const teamMembership: EntityDefinition = {
  logicalName: 'teammembership',
  entitySet: 'teammemberships',
  primaryId: 'teammembershipid',
  primaryName: 'teammembershipid',
  ownership: 'none',
  readOnly: true,
  attributes: [guid('systemuserid'), guid('teamid')],
};

/** Entities that exist only for relationships (intersect tables). */
export const relationshipEntities: EntityDefinition[] = [teamMembership];

/** Relationships between the core tables. */
export const coreRelationships: RelationshipDefinition[] = [
  // Customer lookups: a contact's parent account or parent contact (parental: deleting the parent deletes them).
  // https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/contact#BKMK_contact_customer_accounts
  oneToMany('contact_customer_accounts', Tables.account.entitySet, Tables.contact.entitySet, 'parentcustomerid', 'Cascade'),
  oneToMany('contact_customer_contacts', Tables.contact.entitySet, Tables.contact.entitySet, 'parentcustomerid', 'Cascade'),
  // https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/account#BKMK_account_primary_contact
  oneToMany('account_primary_contact', Tables.contact.entitySet, Tables.account.entitySet, 'primarycontactid', 'RemoveLink'),
  // Organization structure: a business unit with users, teams or child units cannot be deleted.
  oneToMany('business_unit_system_users', Tables.businessUnit.entitySet, Tables.systemUser.entitySet, 'businessunitid', 'Restrict'),
  oneToMany('business_unit_teams', Tables.businessUnit.entitySet, Tables.team.entitySet, 'businessunitid', 'Restrict'),
  oneToMany('business_unit_parent_business_unit', Tables.businessUnit.entitySet, Tables.businessUnit.entitySet, 'parentbusinessunitid', 'Restrict'),
  // https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/systemuser#BKMK_teammembership_association
  {
    kind: 'ManyToMany',
    schemaName: 'teammembership_association',
    intersectEntitySet: teamMembership.entitySet,
    entity1EntitySet: Tables.systemUser.entitySet,
    entity1IntersectAttribute: 'systemuserid',
    entity2EntitySet: Tables.team.entitySet,
    entity2IntersectAttribute: 'teamid',
  },
  // Marketing: iterations, runtime states and custom channel activities belong to their journey.
  custom(Tables.customerJourney, Tables.journeyIteration, 'msdyncrm_customerjourneyid', 'Cascade'),
  custom(Tables.customerJourney, Tables.journeyRuntimeState, 'msdyncrm_customerjourneyid', 'Cascade'),
  custom(Tables.customerJourney, Tables.customChannelActivity, 'msdyncrm_customerjourney', 'Cascade'),
  custom(Tables.journeyIteration, Tables.customChannelActivity, 'msdyncrm_customerjourneyiteration', 'Cascade'),
  custom(Tables.contact, Tables.customChannelActivity, 'msdyncrm_contact', 'Cascade'),
  custom(Tables.customerJourney, Tables.journeyTemplate, 'msdyncrm_origin', 'RemoveLink'),
  custom(Tables.systemUser, Tables.marketingEmail, 'msdyncrm_fromuser', 'RemoveLink'),
  // A journey's referenced content settings, suppression segment, template, LinkedIn campaign, publisher.
  ...Object.values(JourneyLookups)
    .filter((names) => names.attribute !== 'ownerid' && names.targetEntitySets.length === 1)
    .flatMap((names) => {
      const referenced = Object.values(Tables).find((table) => table.entitySet === names.targetEntitySets[0]);
      return referenced ? [custom(referenced, Tables.customerJourney, names.attribute, 'RemoveLink')] : [];
    }),
  // Channel definitions own their message parts, instances and locales.
  custom(Tables.channelDefinition, Tables.channelMessagePart, 'msdyn_channeldefinitionid', 'Cascade'),
  custom(Tables.channelDefinition, Tables.channelInstance, 'msdyn_channeldefinitionid', 'Cascade'),
  custom(Tables.channelDefinition, channelDefinitionLocale, 'msdyn_channeldefinitionid', 'Cascade'),
];
