/**
 * Custom API tables (dataverse.md §6): `customapis` with its request parameters and response
 * properties, created in one POST by deep insert.
 * https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables
 */
import { Tables } from '../../../model/names.js';
import type { EntityDefinition } from '../types.js';
import { bool, choices, lookup, managed, picklist, text } from './define.js';

const FieldType = choices({
  Boolean: [0, 'Boolean'],
  DateTime: [1, 'DateTime'],
  Decimal: [2, 'Decimal'],
  Entity: [3, 'Entity'],
  EntityCollection: [4, 'EntityCollection'],
  EntityReference: [5, 'EntityReference'],
  Float: [6, 'Float'],
  Integer: [7, 'Integer'],
  Money: [8, 'Money'],
  Picklist: [9, 'Picklist'],
  String: [10, 'String'],
  StringArray: [11, 'StringArray'],
  Guid: [12, 'Guid'],
});

const customApi: EntityDefinition = {
  ...Tables.customApi,
  attributes: [
    text('uniquename', 128, { required: true }),
    text('name', 100, { required: true }),
    text('displayname', 100, { required: true }),
    text('description', 300, { required: true }),
    picklist('bindingtype', choices({ Global: [0, 'Global'], Entity: [1, 'Entity'], EntityCollection: [2, 'EntityCollection'] }), { default: 0 }),
    text('boundentitylogicalname', 100),
    bool('isfunction', { default: false }),
    bool('isprivate', { default: false }),
    picklist('allowedcustomprocessingsteptype', choices({ None: [0, 'None'], AsyncOnly: [1, 'Async Only'], SyncAndAsync: [2, 'Sync and Async'] }), { default: 0 }),
    bool('workflowsdkstepenabled', { default: false }),
    text('executeprivilegename', 100),
    managed('iscustomizable'),
    lookup('plugintypeid', ['plugintypes'], 'PluginTypeId'),
  ],
  collections: [
    { name: 'CustomAPIRequestParameters', entitySet: Tables.customApiRequestParameter.entitySet, lookup: 'customapiid' },
    { name: 'CustomAPIResponseProperties', entitySet: Tables.customApiResponseProperty.entitySet, lookup: 'customapiid' },
  ],
};

const parameterColumns = [
  text('uniquename', 128, { required: true }),
  text('name', 100, { required: true }),
  text('displayname', 100, { required: true }),
  text('description', 300, { required: true }),
  picklist('type', FieldType, { required: true }),
  text('logicalentityname', 100),
  managed('iscustomizable'),
  lookup('customapiid', [Tables.customApi.entitySet], 'CustomAPIId'),
];

const requestParameter: EntityDefinition = {
  ...Tables.customApiRequestParameter,
  attributes: [...parameterColumns, bool('isoptional', { default: false })],
};

const responseProperty: EntityDefinition = { ...Tables.customApiResponseProperty, attributes: parameterColumns };

const pluginType: EntityDefinition = {
  logicalName: 'plugintype',
  entitySet: 'plugintypes',
  primaryId: 'plugintypeid',
  primaryName: 'name',
  ownership: 'organization',
  attributes: [text('name', 256), text('typename', 256), text('friendlyname', 256), text('assemblyname', 100)],
};

/** Custom API tables. */
export const customApiEntities: EntityDefinition[] = [customApi, requestParameter, responseProperty, pluginType];
