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
    uniquename: api.uniqueName,
    name: api.name,
    displayname: api.displayName,
    description: api.description,
    bindingtype: BINDING_TYPES[api.bindingType],
    isfunction: api.isFunction,
    isprivate: api.isPrivate,
    allowedcustomprocessingsteptype: PROCESSING_STEP_TYPES[api.allowedCustomProcessingStepType],
    workflowsdkstepenabled: api.workflowSdkStepEnabled,
    iscustomizable: { Value: api.isCustomizable },
    CustomAPIRequestParameters: [],
    CustomAPIResponseProperties: [],
  };
  const apiId = options.assignId?.({ table: 'customapi', uniqueName: api.uniqueName });
  if (apiId !== undefined) body.customapiid = apiId;
  if (api.boundEntityLogicalName !== undefined && api.bindingType !== 'Global') body.boundentitylogicalname = api.boundEntityLogicalName;
  if (api.executePrivilegeName !== undefined) body.executeprivilegename = api.executePrivilegeName;
  if (api.pluginTypeId !== undefined) body['PluginTypeId@odata.bind'] = `plugintypes(${api.pluginTypeId})`;
  body.CustomAPIRequestParameters = api.requestParameters.map((p) => {
    const row = memberRow(p);
    const id = options.assignId?.({ table: 'customapirequestparameter', uniqueName: p.uniqueName });
    if (id !== undefined) row.customapirequestparameterid = id;
    row.isoptional = p.isOptional;
    return row;
  });
  body.CustomAPIResponseProperties = api.responseProperties.map((p) => {
    const row = memberRow(p);
    const id = options.assignId?.({ table: 'customapiresponseproperty', uniqueName: p.uniqueName });
    if (id !== undefined) row.customapiresponsepropertyid = id;
    return row;
  });
  return body;
}

function memberRow(member: ResponseProperty): CustomApiMemberRow {
  const row: CustomApiMemberRow = {
    uniquename: member.uniqueName,
    name: member.name,
    displayname: member.displayName,
    description: member.description,
    type: CUSTOM_API_FIELD_TYPES[member.type],
    iscustomizable: { Value: member.isCustomizable },
  };
  if (member.logicalEntityName !== undefined) row.logicalentityname = member.logicalEntityName;
  return row;
}
