/**
 * The body of `POST [org]/api/data/v9.2/customapis` that creates a custom API with its request
 * parameters and response properties in one request (deep insert). Send it with the header
 * `MSCRM.SolutionUniqueName: <solution>` to create it inside a solution.
 * https://learn.microsoft.com/power-apps/developer/data-platform/create-custom-api-with-code
 */
import { BINDING_TYPES, CUSTOM_API_FIELD_TYPES, PROCESSING_STEP_TYPES } from './fieldTypes.js';
import { normalizeCustomApiSpec, type CustomApiDefinition, type CustomApiSpec, type ResponseProperty } from './spec.js';

/** The IsCustomizable managed property as the Web API writes it. */
export interface ManagedProperty {
  Value: boolean;
}

/** One `customapirequestparameter` / `customapiresponseproperty` row of the deep insert. */
export interface CustomApiMemberRow {
  customapirequestparameterid?: string;
  customapiresponsepropertyid?: string;
  uniquename: string;
  name: string;
  displayname: string;
  description: string;
  type: number;
  isoptional?: boolean;
  logicalentityname?: string;
  iscustomizable: ManagedProperty;
}

/** The deep-insert body of a `customapi` row. */
export interface CustomApiDeepInsertBody {
  customapiid?: string;
  uniquename: string;
  name: string;
  displayname: string;
  description: string;
  bindingtype: number;
  boundentitylogicalname?: string;
  isfunction: boolean;
  isprivate: boolean;
  allowedcustomprocessingsteptype: number;
  workflowsdkstepenabled: boolean;
  executeprivilegename?: string;
  iscustomizable: ManagedProperty;
  'PluginTypeId@odata.bind'?: string;
  CustomAPIRequestParameters: CustomApiMemberRow[];
  CustomAPIResponseProperties: CustomApiMemberRow[];
}

/** Which row an id is asked for. */
export interface RowRef {
  table: 'customapi' | 'customapirequestparameter' | 'customapiresponseproperty';
  /** The row's unique name (the API's, or the parameter's/property's). */
  uniqueName: string;
}

/** Options of {@link toDeepInsertBody}. */
export interface DeepInsertOptions {
  /**
   * Client-generated primary keys, so a POST retried after a lost response creates nothing
   * twice. Return undefined to let Dataverse assign one. @default no ids
   */
  assignId?: (row: RowRef) => string | undefined;
}

/** Build the deep-insert body of a (validated) spec; picklists become their numbers. */
export function toDeepInsertBody(spec: CustomApiSpec | CustomApiDefinition, options: DeepInsertOptions = {}): CustomApiDeepInsertBody {
  // A definition is a spec with every default filled in, so normalizing it changes nothing.
  const api = normalizeCustomApiSpec(spec);
  const body: CustomApiDeepInsertBody = {
    ...namingColumns(api),
    bindingtype: BINDING_TYPES[api.bindingType],
    isfunction: api.isFunction,
    isprivate: api.isPrivate,
    allowedcustomprocessingsteptype: PROCESSING_STEP_TYPES[api.allowedCustomProcessingStepType],
    workflowsdkstepenabled: api.workflowSdkStepEnabled,
    CustomAPIRequestParameters: [],
    CustomAPIResponseProperties: [],
  };
  const apiId = options.assignId?.({ table: 'customapi', uniqueName: api.uniqueName });
  if (apiId !== undefined) body.customapiid = apiId;
  if (api.boundEntityLogicalName !== undefined && api.bindingType !== 'Global') body.boundentitylogicalname = api.boundEntityLogicalName;
  if (api.executePrivilegeName !== undefined) body.executeprivilegename = api.executePrivilegeName;
  if (api.pluginTypeId !== undefined) body['PluginTypeId@odata.bind'] = `plugintypes(${api.pluginTypeId})`;
  body.CustomAPIRequestParameters = api.requestParameters.map((p) => ({
    ...memberRow(p, 'customapirequestparameter', options),
    isoptional: p.isOptional,
  }));
  body.CustomAPIResponseProperties = api.responseProperties.map((p) => memberRow(p, 'customapiresponseproperty', options));
  return body;
}

/** The columns a custom API shares with its request parameters and response properties. */
function namingColumns(item: Pick<ResponseProperty, 'uniqueName' | 'name' | 'displayName' | 'description' | 'isCustomizable'>) {
  return {
    uniquename: item.uniqueName,
    name: item.name,
    displayname: item.displayName,
    description: item.description,
    iscustomizable: { Value: item.isCustomizable },
  };
}

/** A request parameter's or response property's row, with the id `assignId` gives it. */
function memberRow(member: ResponseProperty, table: Exclude<RowRef['table'], 'customapi'>, options: DeepInsertOptions): CustomApiMemberRow {
  const row: CustomApiMemberRow = { ...namingColumns(member), type: CUSTOM_API_FIELD_TYPES[member.type] };
  if (member.logicalEntityName !== undefined) row.logicalentityname = member.logicalEntityName;
  const id = options.assignId?.({ table, uniqueName: member.uniqueName });
  if (id !== undefined) row[`${table}id`] = id;
  return row;
}
