/**
 * Install a channel spec into an environment, idempotently, and export an installed channel
 * back to a spec.
 *
 * Order: the extended configuration tables and their columns (metadata Web API), the custom
 * APIs (deep insert, `applyCustomApi`), the channel definition, its message parts and locales.
 * Every step compares what is there with the spec and writes only the difference, so a second
 * apply writes nothing and an apply that failed half way is completed by the next one.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-update-entity-definitions-using-web-api
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-update-column-definitions-using-web-api
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-define-channel-definition
 */
import type { DataverseClient, DataverseRecord } from '../../dataverse/index.js';
import { isNotFoundError } from '../../dataverse/index.js';
import { InputError } from '../../errors.js';
import { Tables } from '../../model/names.js';
import { applyCustomApi } from '../customApi/apply.js';
import { BINDING_TYPES, CUSTOM_API_FIELD_TYPES, PROCESSING_STEP_TYPES, type BindingType, type ProcessingStepType } from '../customApi/fieldTypes.js';
import type { CustomApiDefinition, RequestParameter, ResponseProperty } from '../customApi/spec.js';
import {
  CHANNEL_API_ROLES,
  MESSAGE_PART_TYPES,
  normalizeChannelSpec,
  type ChannelSpec,
  type ColumnType,
  type MessagePartType,
  type NormalizedChannel,
  type NormalizedTable,
} from './channelSpec.js';

/** One step of an apply. */
export interface PlanStep {
  kind: 'table' | 'column' | 'customApi' | 'channelDefinition' | 'messagePart' | 'locale';
  name: string;
  action: 'create' | 'update' | 'delete' | 'unchanged';
  changes: string[];
}

/** What {@link applyChannel} did (or, with `dryRun`, would do). */
export interface ApplyChannelResult {
  channelId: string;
  dryRun: boolean;
  steps: PlanStep[];
  /** Whether anything was (or would be) written. */
  changed: boolean;
}

export interface ApplyChannelOptions {
  dryRun?: boolean;
  /** Unmanaged solution to create the components in (`MSCRM.SolutionUniqueName`). */
  solution?: string;
  file?: string;
}

const MESSAGE_PART_SET = 'msdyn_channelmessageparts';
const LOCALE_SET = 'msdyn_channeldefinitionlocales';
const CHANNEL_SET = Tables.channelDefinition.entitySet;

const COLUMN_METADATA: Record<ColumnType, { odataType: string; typeName: string }> = {
  String: { odataType: 'StringAttributeMetadata', typeName: 'StringType' },
  Memo: { odataType: 'MemoAttributeMetadata', typeName: 'MemoType' },
  Integer: { odataType: 'IntegerAttributeMetadata', typeName: 'IntegerType' },
  Boolean: { odataType: 'BooleanAttributeMetadata', typeName: 'BooleanType' },
  DateTime: { odataType: 'DateTimeAttributeMetadata', typeName: 'DateTimeType' },
  Decimal: { odataType: 'DecimalAttributeMetadata', typeName: 'DecimalType' },
};

function label(text: string): unknown {
  return { '@odata.type': 'Microsoft.Dynamics.CRM.Label', LocalizedLabels: [{ '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: text, LanguageCode: 1033 }] };
}

function labelText(value: unknown): string | undefined {
  const v = value as { UserLocalizedLabel?: { Label?: unknown }; LocalizedLabels?: { Label?: unknown }[] } | null | undefined;
  const text = v?.UserLocalizedLabel?.Label ?? v?.LocalizedLabels?.[0]?.Label;
  return typeof text === 'string' ? text : undefined;
}

function columnBody(column: NormalizedTable['columns'][number] | { logicalName: string; displayName: string; type: 'String'; maxLength: number; required: boolean }, primary = false): Record<string, unknown> {
  const meta = COLUMN_METADATA[column.type];
  const body: Record<string, unknown> = {
    '@odata.type': `Microsoft.Dynamics.CRM.${meta.odataType}`,
    AttributeType: column.type,
    AttributeTypeName: { Value: meta.typeName },
    SchemaName: column.logicalName,
    DisplayName: label(column.displayName),
    RequiredLevel: { Value: column.required ? 'ApplicationRequired' : 'None', CanBeChanged: true, ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings' },
  };
  if (column.maxLength !== undefined) body.MaxLength = column.maxLength;
  if (column.type === 'Boolean') {
    body.OptionSet = { TrueOption: { Value: 1, Label: label('Yes') }, FalseOption: { Value: 0, Label: label('No') }, OptionSetType: 'Boolean' };
  }
  if (primary) {
    body.IsPrimaryName = true;
    body.FormatName = { Value: 'Text' };
  }
  return body;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

async function getOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw error;
  }
}

async function readJson(client: DataverseClient, path: string): Promise<Record<string, unknown>> {
  const response = await client.send('GET', path);
  return JSON.parse(response.bodyText || '{}') as Record<string, unknown>;
}

/** The columns of a table as the metadata API lists them. */
async function readColumns(client: DataverseClient, logicalName: string): Promise<Record<string, unknown>[]> {
  const body = await readJson(client, `EntityDefinitions(LogicalName=${quote(logicalName)})/Attributes`);
  return (body.value as Record<string, unknown>[] | undefined) ?? [];
}

async function syncTable(client: DataverseClient, table: NormalizedTable, options: ApplyChannelOptions, steps: PlanStep[]): Promise<void> {
  const headers = options.solution ? { 'MSCRM.SolutionUniqueName': options.solution } : undefined;
  const existing = await getOrUndefined(() => readJson(client, `EntityDefinitions(LogicalName=${quote(table.logicalName)})?$select=LogicalName`));
  if (existing === undefined) {
    steps.push({ kind: 'table', name: table.logicalName, action: 'create', changes: [`primary name ${table.primaryName}`, ...table.columns.map((c) => `column ${c.logicalName} (${c.type})`)] });
    if (!options.dryRun) {
      const body = {
        '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata',
        SchemaName: table.logicalName,
        DisplayName: label(table.displayName),
        DisplayCollectionName: label(table.pluralName),
        Description: label(table.displayName),
        OwnershipType: 'UserOwned',
        IsActivity: false,
        HasActivities: false,
        HasNotes: false,
        Attributes: [
          columnBody({ logicalName: table.primaryName, displayName: 'Name', type: 'String', maxLength: 100, required: false }, true),
          ...table.columns.map((c) => columnBody(c)),
        ],
      };
      await client.send('POST', 'EntityDefinitions', { body, ...(headers ? { headers } : {}) });
    }
    return;
  }
  const columns = new Map((await readColumns(client, table.logicalName)).map((c) => [String(c.LogicalName), c]));
  const differs: string[] = [];
  let unchanged = true;
  for (const column of table.columns) {
    const found = columns.get(column.logicalName);
    if (!found) {
      unchanged = false;
      steps.push({ kind: 'column', name: `${table.logicalName}.${column.logicalName}`, action: 'create', changes: [`${column.type}${column.maxLength === undefined ? '' : ` (${column.maxLength})`}`] });
      if (!options.dryRun) await client.send('POST', `EntityDefinitions(LogicalName=${quote(table.logicalName)})/Attributes`, { body: columnBody(column), ...(headers ? { headers } : {}) });
      continue;
    }
    if (found.AttributeType !== column.type) differs.push(`${column.logicalName}: type ${String(found.AttributeType)} in the environment, ${column.type} in the spec`);
    else if (column.maxLength !== undefined && found.MaxLength !== column.maxLength) differs.push(`${column.logicalName}: MaxLength ${String(found.MaxLength)} in the environment, ${column.maxLength} in the spec`);
  }
  if (differs.length > 0) {
    throw new InputError(`table ${table.logicalName} has columns that differ from the spec: ${differs.join('; ')}`, options.file ? { file: options.file, pointer: '/tables' } : { pointer: '/tables' }, {
      hint: 'a column type cannot change once created: give the column a new logical name in the spec',
    });
  }
  if (unchanged) steps.push({ kind: 'table', name: table.logicalName, action: 'unchanged', changes: [] });
}

function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (v === undefined || v === '' ? null : typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v) ? v.toLowerCase() : v);
  return norm(a) === norm(b);
}

/** Create the record with its id, or update the columns that differ. */
async function syncRecord(client: DataverseClient, step: Omit<PlanStep, 'action' | 'changes'>, entitySet: string, id: string, desired: DataverseRecord, lookups: Record<string, string>, options: ApplyChannelOptions, steps: PlanStep[]): Promise<void> {
  const existing = await getOrUndefined(() => client.retrieve(entitySet, id));
  const binds = Object.fromEntries(Object.entries(lookups).map(([nav, target]) => [`${nav}@odata.bind`, target]));
  if (existing === undefined) {
    steps.push({ ...step, action: 'create', changes: Object.keys(desired).filter((k) => desired[k] !== null) });
    if (!options.dryRun) {
      const headers = options.solution ? { 'MSCRM.SolutionUniqueName': options.solution } : undefined;
      await client.create(entitySet, { ...desired, ...binds }, { id, ...(headers ? { headers } : {}) });
    }
    return;
  }
  const update: DataverseRecord = {};
  for (const [column, value] of Object.entries(desired)) if (!same(existing[column], value)) update[column] = value ?? null;
  if (Object.keys(update).length === 0) {
    steps.push({ ...step, action: 'unchanged', changes: [] });
    return;
  }
  steps.push({ ...step, action: 'update', changes: Object.keys(update) });
  if (!options.dryRun) await client.update(entitySet, id, update);
}

function channelRecord(n: NormalizedChannel): DataverseRecord {
  const c = n.channel;
  return {
    msdyn_name: c.name,
    msdyn_displayname: c.displayName ?? null,
    msdyn_description: c.description ?? null,
    msdyn_channeltype: c.type,
    msdyn_outboundendpointurltemplate: c.outboundEndpoint,
    msdyn_hasinbound: c.hasInbound,
    msdyn_hasdeliveryreceipt: c.hasDeliveryReceipt,
    msdyn_supportsaccount: c.supportsAccount,
    msdyn_supportsattachment: c.supportsAttachment,
    msdyn_supportsbinary: c.supportsBinary,
    msdyn_specialconsentrequired: c.specialConsentRequired,
    msdyn_specialconsentlabel: c.specialConsentLabel ?? null,
    msdyn_channeldefinitionexternalentity: c.instanceTable,
    msdyn_channeldefinitionexternalformid: c.instanceFormId?.toLowerCase() ?? null,
    msdyn_channeldefinitionaccountexternalentity: c.accountTable ?? null,
    msdyn_channeldefinitionaccountexternalformid: c.accountFormId?.toLowerCase() ?? null,
    msdyn_messageformid: c.messageFormId?.toLowerCase() ?? null,
    msdyn_instanceregistrationendpointurltemplate: c.instanceRegistrationEndpoint ?? null,
  };
}

/** Install (or with `dryRun` plan) a channel spec. */
export async function applyChannel(client: DataverseClient, spec: ChannelSpec, options: ApplyChannelOptions = {}): Promise<ApplyChannelResult> {
  const n = normalizeChannelSpec(spec);
  const steps: PlanStep[] = [];
  for (const table of [n.tables.instance, n.tables.account]) if (table) await syncTable(client, table, options, steps);
  for (const role of CHANNEL_API_ROLES) {
    const api = n.customApis[role];
    if (!api) continue;
    const result = await applyCustomApi(client, api, { ...(options.dryRun ? { dryRun: true } : {}), ...(options.solution ? { solution: options.solution } : {}), ...(options.file ? { file: options.file } : {}) });
    steps.push({ kind: 'customApi', name: api.uniqueName, action: result.action === 'created' ? 'create' : result.action === 'updated' ? 'update' : 'unchanged', changes: result.changes });
  }
  const channelId = n.channel.id;
  await syncRecord(client, { kind: 'channelDefinition', name: n.channel.name }, CHANNEL_SET, channelId, channelRecord(n), {}, options, steps);
  const bind = { msdyn_ChannelDefinitionId: `/${CHANNEL_SET}(${channelId})` };
  const wantedParts = new Set(n.messageParts.map((p) => p.id));
  for (const part of n.messageParts) {
    const record: DataverseRecord = {
      msdyn_name: part.name,
      msdyn_displayname: part.displayName ?? null,
      msdyn_description: part.description ?? null,
      msdyn_type: MESSAGE_PART_TYPES[part.type],
      msdyn_isrequired: part.required,
      msdyn_maxlength: part.maxLength ?? null,
      msdyn_order: part.order ?? null,
    };
    await syncRecord(client, { kind: 'messagePart', name: part.name }, MESSAGE_PART_SET, part.id, record, bind, options, steps);
  }
  const wantedLocales = new Set(n.locales.map((l) => l.id));
  for (const locale of n.locales) {
    const record: DataverseRecord = { msdyn_name: `${n.channel.name} ${locale.localeId}`, msdyn_localeid: locale.localeId, msdyn_localecontent: JSON.stringify(locale.content) };
    await syncRecord(client, { kind: 'locale', name: String(locale.localeId) }, LOCALE_SET, locale.id, record, bind, options, steps);
  }
  // Parts and locales of this channel that the spec no longer has.
  if (!steps.some((s) => s.kind === 'channelDefinition' && s.action === 'create')) {
    for (const [set, wanted, kind, key] of [
      [MESSAGE_PART_SET, wantedParts, 'messagePart', 'msdyn_channelmessagepartid'],
      [LOCALE_SET, wantedLocales, 'locale', 'msdyn_channeldefinitionlocaleid'],
    ] as const) {
      for await (const row of client.query(set, { filter: `_msdyn_channeldefinitionid_value eq ${channelId}` })) {
        const id = String(row[key]).toLowerCase();
        if (wanted.has(id)) continue;
        steps.push({ kind, name: String(row.msdyn_name ?? id), action: 'delete', changes: [] });
        if (!options.dryRun) await client.delete(set, id);
      }
    }
  }
  return { channelId, dryRun: options.dryRun ?? false, steps, changed: steps.some((s) => s.action !== 'unchanged') };
}

// ------------------------------------------------------------------------------------------- export

/** Options of {@link exportChannel}. */
export interface ExportChannelOptions {
  /** Unique names of the delivery-report and inbound custom APIs (the channel definition does not name them). */
  deliveryReportApi?: string;
  inboundApi?: string;
}

const BINDING_LABELS = Object.fromEntries(Object.entries(BINDING_TYPES).map(([k, v]) => [v, k])) as Record<number, BindingType>;
const STEP_LABELS = Object.fromEntries(Object.entries(PROCESSING_STEP_TYPES).map(([k, v]) => [v, k])) as Record<number, ProcessingStepType>;
const FIELD_LABELS = Object.fromEntries(Object.entries(CUSTOM_API_FIELD_TYPES).map(([k, v]) => [v, k])) as Record<number, RequestParameter['type']>;
const PART_LABELS = Object.fromEntries(Object.entries(MESSAGE_PART_TYPES).map(([k, v]) => [v, k])) as Record<number, MessagePartType>;

function managed(value: unknown): boolean {
  return typeof value === 'boolean' ? value : (value as { Value?: unknown } | null)?.Value === true;
}

function member(row: DataverseRecord): ResponseProperty {
  const m: ResponseProperty = {
    uniqueName: String(row.uniquename),
    name: String(row.name),
    displayName: String(row.displayname),
    description: String(row.description),
    type: FIELD_LABELS[Number(row.type)]!,
    isCustomizable: managed(row.iscustomizable),
  };
  if (typeof row.logicalentityname === 'string' && row.logicalentityname !== '') m.logicalEntityName = row.logicalentityname;
  return m;
}

/** Read a custom API with its members back as a definition (every default explicit). */
export async function readCustomApi(client: DataverseClient, uniqueName: string): Promise<CustomApiDefinition | undefined> {
  let api: DataverseRecord | undefined;
  for await (const row of client.query(Tables.customApi.entitySet, { filter: `uniquename eq ${quote(uniqueName)}`, maxPageSize: 1 })) {
    api = row;
    break;
  }
  if (!api) return undefined;
  const id = String(api.customapiid);
  const requestParameters: RequestParameter[] = [];
  for await (const row of client.query(Tables.customApiRequestParameter.entitySet, { filter: `_customapiid_value eq ${id}` })) requestParameters.push({ ...member(row), isOptional: row.isoptional === true });
  const responseProperties: ResponseProperty[] = [];
  for await (const row of client.query(Tables.customApiResponseProperty.entitySet, { filter: `_customapiid_value eq ${id}` })) responseProperties.push(member(row));
  const definition: CustomApiDefinition = {
    uniqueName: String(api.uniquename),
    name: String(api.name),
    displayName: String(api.displayname),
    description: String(api.description),
    bindingType: BINDING_LABELS[Number(api.bindingtype)] ?? 'Global',
    isFunction: api.isfunction === true,
    isPrivate: api.isprivate === true,
    allowedCustomProcessingStepType: STEP_LABELS[Number(api.allowedcustomprocessingsteptype)] ?? 'None',
    workflowSdkStepEnabled: api.workflowsdkstepenabled === true,
    isCustomizable: managed(api.iscustomizable),
    requestParameters,
    responseProperties,
  };
  if (typeof api.boundentitylogicalname === 'string' && api.boundentitylogicalname !== '') definition.boundEntityLogicalName = api.boundentitylogicalname;
  if (typeof api.executeprivilegename === 'string' && api.executeprivilegename !== '') definition.executePrivilegeName = api.executeprivilegename;
  if (typeof api._plugintypeid_value === 'string') definition.pluginTypeId = api._plugintypeid_value;
  return definition;
}

async function readTable(client: DataverseClient, logicalName: string): Promise<NormalizedTable> {
  const table = await getOrUndefined(() => readJson(client, `EntityDefinitions(LogicalName=${quote(logicalName)})?$select=LogicalName,DisplayName,DisplayCollectionName,PrimaryNameAttribute,PrimaryIdAttribute`));
  if (!table) throw new InputError(`the channel names the table ${logicalName}, which the environment does not have`, {}, { hint: 'run journeyctl realtime apply with the channel spec first' });
  const primaryName = String(table.PrimaryNameAttribute);
  const columns = (await readColumns(client, logicalName))
    .filter((c) => String(c.LogicalName).includes('_') && c.LogicalName !== primaryName && c.LogicalName !== table.PrimaryIdAttribute)
    .map((c) => {
      const column: NormalizedTable['columns'][number] = { logicalName: String(c.LogicalName), displayName: labelText(c.DisplayName) ?? String(c.LogicalName), type: c.AttributeType as ColumnType, required: (c.RequiredLevel as { Value?: unknown } | undefined)?.Value === 'ApplicationRequired' };
      if ((column.type === 'String' || column.type === 'Memo') && typeof c.MaxLength === 'number') column.maxLength = c.MaxLength;
      return column;
    });
  return { logicalName, displayName: labelText(table.DisplayName) ?? logicalName, pluralName: labelText(table.DisplayCollectionName) ?? logicalName, primaryName, columns };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Export an installed channel as a spec with every default explicit (see {@link canonicalChannelSpec}). */
export async function exportChannel(client: DataverseClient, channelId: string, options: ExportChannelOptions = {}): Promise<ChannelSpec> {
  const id = channelId.toLowerCase();
  const d = await getOrUndefined(() => client.retrieve(CHANNEL_SET, id));
  if (!d) throw new InputError(`there is no channel definition ${id} in the environment`, { recordId: id }, { hint: 'check the id (channel.id of the spec), or apply the spec first' });
  const channel: NormalizedChannel['channel'] = {
    id,
    name: String(d.msdyn_name),
    type: d.msdyn_channeltype === 'SMS' ? 'SMS' : 'Custom',
    outboundEndpoint: String(d.msdyn_outboundendpointurltemplate),
    hasInbound: d.msdyn_hasinbound === true,
    hasDeliveryReceipt: d.msdyn_hasdeliveryreceipt === true,
    supportsAccount: d.msdyn_supportsaccount === true,
    supportsAttachment: d.msdyn_supportsattachment === true,
    supportsBinary: d.msdyn_supportsbinary === true,
    specialConsentRequired: d.msdyn_specialconsentrequired === true,
    instanceTable: String(d.msdyn_channeldefinitionexternalentity),
  };
  const optional: [keyof NormalizedChannel['channel'], string][] = [
    ['displayName', 'msdyn_displayname'],
    ['description', 'msdyn_description'],
    ['specialConsentLabel', 'msdyn_specialconsentlabel'],
    ['instanceFormId', 'msdyn_channeldefinitionexternalformid'],
    ['accountTable', 'msdyn_channeldefinitionaccountexternalentity'],
    ['accountFormId', 'msdyn_channeldefinitionaccountexternalformid'],
    ['messageFormId', 'msdyn_messageformid'],
    ['instanceRegistrationEndpoint', 'msdyn_instanceregistrationendpointurltemplate'],
  ];
  for (const [key, column] of optional) {
    const value = str(d[column]);
    if (value !== undefined) (channel as unknown as Record<string, unknown>)[key] = value;
  }
  const parts: NormalizedChannel['messageParts'] = [];
  for await (const row of client.query(MESSAGE_PART_SET, { filter: `_msdyn_channeldefinitionid_value eq ${id}` })) {
    const part: NormalizedChannel['messageParts'][number] = { id: String(row.msdyn_channelmessagepartid), name: String(row.msdyn_name), type: PART_LABELS[Number(row.msdyn_type)] ?? 'PlainText', required: row.msdyn_isrequired === true };
    if (str(row.msdyn_displayname)) part.displayName = String(row.msdyn_displayname);
    if (str(row.msdyn_description)) part.description = String(row.msdyn_description);
    if (typeof row.msdyn_maxlength === 'number') part.maxLength = row.msdyn_maxlength;
    if (typeof row.msdyn_order === 'number') part.order = row.msdyn_order;
    parts.push(part);
  }
  const locales: NormalizedChannel['locales'] = [];
  for await (const row of client.query(LOCALE_SET, { filter: `_msdyn_channeldefinitionid_value eq ${id}` })) {
    let content: Record<string, string> = {};
    try {
      content = JSON.parse(String(row.msdyn_localecontent ?? '{}')) as Record<string, string>;
    } catch {
      throw new InputError(`locale ${String(row.msdyn_localeid)} of channel ${id} holds msdyn_localecontent that is not JSON`, { recordId: String(row.msdyn_channeldefinitionlocaleid) });
    }
    locales.push({ id: String(row.msdyn_channeldefinitionlocaleid), localeId: Number(row.msdyn_localeid), content });
  }
  const apiName = channel.outboundEndpoint.replace(/^\/+/, '');
  const outbound = await readCustomApi(client, apiName);
  if (!outbound) throw new InputError(`the channel's outbound endpoint names the custom API ${apiName}, which the environment does not have`, { recordId: id });
  const n: NormalizedChannel = {
    channel,
    messageParts: parts,
    locales,
    tables: { instance: await readTable(client, channel.instanceTable) },
    customApis: { outbound },
  };
  if (channel.accountTable) n.tables.account = await readTable(client, channel.accountTable);
  for (const [role, name] of [['deliveryReport', options.deliveryReportApi], ['inbound', options.inboundApi]] as const) {
    if (!name) continue;
    const api = await readCustomApi(client, name);
    if (!api) throw new InputError(`there is no custom API ${name} in the environment`, {}, { hint: `check --${role === 'deliveryReport' ? 'delivery-report-api' : 'inbound-api'}` });
    n.customApis[role] = api;
  }
  return toSpec(n);
}

/** A normalized channel in spec form; part and locale order follows the ids for a stable comparison. */
function toSpec(n: NormalizedChannel): ChannelSpec {
  const byId = <T extends { id: string }>(items: T[]): T[] => [...items].sort((a, b) => a.id.localeCompare(b.id));
  const spec: ChannelSpec = {
    channel: n.channel,
    messageParts: byId(n.messageParts),
    locales: byId(n.locales),
    tables: { instance: n.tables.instance },
    customApis: { outbound: n.customApis.outbound },
  };
  if (n.tables.account) spec.tables.account = n.tables.account;
  if (n.customApis.deliveryReport) spec.customApis.deliveryReport = n.customApis.deliveryReport;
  if (n.customApis.inbound) spec.customApis.inbound = n.customApis.inbound;
  const sortMembers = (api: CustomApiDefinition | undefined): void => {
    if (!api) return;
    api.requestParameters.sort((a, b) => a.uniqueName.localeCompare(b.uniqueName));
    api.responseProperties.sort((a, b) => a.uniqueName.localeCompare(b.uniqueName));
  };
  for (const role of CHANNEL_API_ROLES) sortMembers(spec.customApis[role] as CustomApiDefinition | undefined);
  return JSON.parse(JSON.stringify(spec)) as ChannelSpec;
}

/** A spec with every default explicit, in the form {@link exportChannel} writes: export(apply(s)) equals canonical(s). */
export function canonicalChannelSpec(spec: ChannelSpec): ChannelSpec {
  return toSpec(normalizeChannelSpec(spec));
}
