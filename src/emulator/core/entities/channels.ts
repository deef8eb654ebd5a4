/**
 * Real-time journeys custom channel tables (domain.md §5).
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel
 */
import { Tables } from '../../../model/names.js';
import type { EntityDefinition } from '../types.js';
import { bool, choices, int, lookup, memo, picklist, text } from './define.js';

const channelDefinition: EntityDefinition = {
  ...Tables.channelDefinition,
  attributes: [
    text('msdyn_name', 100, { required: true }),
    text('msdyn_channeltype', 100, { required: true }),
    text('msdyn_outboundendpointurltemplate', 1000, { required: true }),
    bool('msdyn_hasinbound', { default: false }),
    bool('msdyn_hasdeliveryreceipt', { default: false }),
    bool('msdyn_supportsaccount', { default: false }),
    bool('msdyn_supportsattachment', { default: false }),
    bool('msdyn_supportsbinary', { default: false }),
    text('msdyn_channeldefinitionexternalentity', 100),
    text('msdyn_channeldefinitionexternalformid', 100),
    text('msdyn_channeldefinitionaccountexternalentity', 100),
    text('msdyn_channeldefinitionaccountexternalformid', 100),
    text('msdyn_messageformid', 100),
    text('msdyn_displayname', 100),
    text('msdyn_description', 100),
    bool('msdyn_specialconsentrequired', { default: false }),
    text('msdyn_specialconsentlabel', 1000),
    text('msdyn_instanceregistrationendpointurltemplate', 1000),
  ],
};

const channelMessagePart: EntityDefinition = {
  ...Tables.channelMessagePart,
  attributes: [
    text('msdyn_name', 100, { required: true }),
    text('msdyn_displayname', 100),
    text('msdyn_description', 1000),
    picklist(
      'msdyn_type',
      choices({
        PlainText: [192350000, 'Plain text'],
        RichText: [192350001, 'Rich text'],
        Url: [192350002, 'URL'],
        Media: [192350003, 'Media'],
        Image: [192350004, 'Image'],
        Record: [192350005, 'Record'],
        Number: [192350006, 'Number'],
        Boolean: [192350007, 'Boolean'],
        Options: [192350008, 'Options'],
        Date: [192350009, 'Date'],
      }),
    ),
    bool('msdyn_isrequired', { default: false }),
    int('msdyn_maxlength', 0),
    int('msdyn_order', 0),
    text('msdyn_entityname', 100),
    text('msdyn_entityviewid', 100),
    memo('msdyn_options', 4000),
    lookup('msdyn_channeldefinitionid', [Tables.channelDefinition.entitySet], 'msdyn_ChannelDefinitionId'),
  ],
};

const channelInstance: EntityDefinition = {
  ...Tables.channelInstance,
  attributes: [
    text('msdyn_name', 100, { required: true }),
    text('msdyn_contactpoint', 100, { required: true }),
    text('msdyn_description', 1000),
    text('msdyn_extendedentityidtype', 100),
    text('msdyn_extendedentityid', 100),
    lookup('msdyn_channeldefinitionid', [Tables.channelDefinition.entitySet], 'msdyn_ChannelDefinitionId', { required: true }),
  ],
};

const channelDefinitionLocale: EntityDefinition = {
  logicalName: 'msdyn_channeldefinitionlocale',
  entitySet: 'msdyn_channeldefinitionlocales',
  primaryId: 'msdyn_channeldefinitionlocaleid',
  primaryName: 'msdyn_name',
  attributes: [
    text('msdyn_name', 100),
    int('msdyn_localeid', 0, 100_000),
    memo('msdyn_localecontent', 100_000),
    lookup('msdyn_channeldefinitionid', [Tables.channelDefinition.entitySet], 'msdyn_ChannelDefinitionId'),
  ],
};

/** Custom channel tables. */
export const channelEntities: EntityDefinition[] = [channelDefinition, channelMessagePart, channelInstance, channelDefinitionLocale];
