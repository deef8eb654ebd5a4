/**
 * The channel spec: one YAML or JSON file describing a whole real-time custom channel
 * (schema `schemas/realtime-channel.schema.json`): the channel definition, message parts,
 * locales, the extended configuration tables of the instance and the instance account, and the
 * three custom APIs.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-define-channel-definition
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-message-parts
 */
import { InputError } from '../../errors.js';
import { parseYamlText } from '../../io/parseText.js';
import { nameBasedGuid } from '../../util/guid.js';
import { normalizeCustomApiSpec, type CustomApiDefinition, type CustomApiSpec } from '../customApi/spec.js';
import { assertChannelSchema } from './channelSchemas.js';

/** `msdyn_channelmessagepart.msdyn_type` by label. */
export const MESSAGE_PART_TYPES = Object.freeze({
  PlainText: 192350000,
  Media: 192350003,
  Image: 192350004,
  Record: 192350005,
  Number: 192350006,
  Boolean: 192350007,
  Options: 192350008,
  Date: 192350009,
});
/** A message part type by label. */
export type MessagePartType = keyof typeof MESSAGE_PART_TYPES;

/** Column types a spec may declare on an extended configuration table. */
export type ColumnType = 'String' | 'Memo' | 'Integer' | 'Boolean' | 'DateTime' | 'Decimal';

export interface ChannelDefinitionSpec {
  id: string;
  name: string;
  displayName?: string;
  description?: string;
  type: 'SMS' | 'Custom';
  outboundEndpoint: string;
  hasInbound?: boolean;
  hasDeliveryReceipt?: boolean;
  supportsAccount?: boolean;
  supportsAttachment?: boolean;
  supportsBinary?: boolean;
  specialConsentRequired?: boolean;
  specialConsentLabel?: string;
  instanceTable: string;
  instanceFormId?: string;
  accountTable?: string;
  accountFormId?: string;
  messageFormId?: string;
  instanceRegistrationEndpoint?: string;
}

export interface MessagePartSpec {
  id?: string;
  name: string;
  displayName?: string;
  description?: string;
  type: MessagePartType;
  required?: boolean;
  maxLength?: number;
  order?: number;
}

export interface LocaleSpec {
  id?: string;
  localeId: number;
  content: Record<string, string>;
}

export interface ColumnSpec {
  logicalName: string;
  displayName?: string;
  type: ColumnType;
  maxLength?: number;
  required?: boolean;
}

export interface TableSpec {
  logicalName: string;
  displayName: string;
  pluralName?: string;
  primaryName?: string;
  columns?: ColumnSpec[];
}

/** The three custom APIs by role. */
export type ChannelApiRole = 'outbound' | 'deliveryReport' | 'inbound';
export const CHANNEL_API_ROLES: readonly ChannelApiRole[] = ['outbound', 'deliveryReport', 'inbound'];

/** A channel spec as written. */
export interface ChannelSpec {
  $schema?: string;
  channel: ChannelDefinitionSpec;
  messageParts: MessagePartSpec[];
  locales?: LocaleSpec[];
  tables: { instance: TableSpec; account?: TableSpec };
  customApis: { outbound: CustomApiSpec; deliveryReport?: CustomApiSpec; inbound?: CustomApiSpec };
}

/** A channel with every default applied; what apply, export and conformance work on. */
export interface NormalizedChannel {
  channel: Required<Pick<ChannelDefinitionSpec, 'hasInbound' | 'hasDeliveryReceipt' | 'supportsAccount' | 'supportsAttachment' | 'supportsBinary' | 'specialConsentRequired'>> & ChannelDefinitionSpec;
  messageParts: (Required<Pick<MessagePartSpec, 'id' | 'required'>> & MessagePartSpec)[];
  locales: Required<LocaleSpec>[];
  tables: { instance: NormalizedTable; account?: NormalizedTable };
  customApis: { outbound: CustomApiDefinition; deliveryReport?: CustomApiDefinition; inbound?: CustomApiDefinition };
}

export interface NormalizedTable {
  logicalName: string;
  displayName: string;
  pluralName: string;
  primaryName: string;
  columns: (ColumnSpec & { displayName: string; required: boolean })[];
}

/** A parsed spec and a way back from JSON pointers to lines. */
export interface ReadChannelSpec {
  spec: ChannelSpec;
  lineOf(pointer: string): number | undefined;
}

/** Read a channel spec (YAML or JSON) and validate it against the schema. */
export function readChannelSpec(text: string, source: { file?: string } = {}): ReadChannelSpec {
  const parsed = parseYamlText(text, source.file === undefined ? {} : { file: source.file });
  return { spec: validateChannelSpec(parsed.value, source), lineOf: (pointer) => parsed.positionOf(pointer)?.line };
}

/** Validate a parsed value against the channel schema. */
export function validateChannelSpec(value: unknown, source: { file?: string } = {}): ChannelSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError('a channel spec must be an object (a YAML mapping or JSON object)', { ...source, pointer: '' }, {
      hint: 'start from journeyctl realtime new --type sms',
    });
  }
  assertChannelSchema('realtime-channel', value, 'channel spec', source);
  return value as ChannelSpec;
}

/** The id of a message part: given, or name-based on the channel id and part name. */
export function messagePartId(channelId: string, part: MessagePartSpec): string {
  return (part.id ?? nameBasedGuid(`channelmessagepart:${channelId.toLowerCase()}:${part.name}`)).toLowerCase();
}

/** The id of a locale: given, or name-based on the channel id and LCID. */
export function localeId(channelId: string, locale: LocaleSpec): string {
  return (locale.id ?? nameBasedGuid(`channeldefinitionlocale:${channelId.toLowerCase()}:${locale.localeId}`)).toLowerCase();
}

function prefixOf(logicalName: string): string {
  return logicalName.slice(0, logicalName.indexOf('_'));
}

function normalizeTable(table: TableSpec): NormalizedTable {
  return {
    logicalName: table.logicalName,
    displayName: table.displayName,
    pluralName: table.pluralName ?? `${table.displayName}s`,
    primaryName: table.primaryName ?? `${prefixOf(table.logicalName)}_name`,
    columns: (table.columns ?? []).map((c) => {
      const column: ColumnSpec & { displayName: string; required: boolean } = { logicalName: c.logicalName, displayName: c.displayName ?? c.logicalName, type: c.type, required: c.required ?? false };
      // The metadata API's defaults for String and Memo columns; other types have no length.
      const maxLength = c.maxLength ?? (c.type === 'String' ? 100 : c.type === 'Memo' ? 2000 : undefined);
      if (maxLength !== undefined && (c.type === 'String' || c.type === 'Memo')) column.maxLength = maxLength;
      return column;
    }),
  };
}

/** Apply defaults (ids of parts and locales, flags, table names, custom API defaults). */
export function normalizeChannelSpec(spec: ChannelSpec): NormalizedChannel {
  const c = spec.channel;
  const channel = {
    ...c,
    id: c.id.toLowerCase(),
    hasInbound: c.hasInbound ?? false,
    hasDeliveryReceipt: c.hasDeliveryReceipt ?? false,
    supportsAccount: c.supportsAccount ?? false,
    supportsAttachment: c.supportsAttachment ?? false,
    supportsBinary: c.supportsBinary ?? false,
    specialConsentRequired: c.specialConsentRequired ?? false,
  };
  const result: NormalizedChannel = {
    channel,
    messageParts: spec.messageParts.map((p) => ({ ...p, id: messagePartId(c.id, p), required: p.required ?? false })),
    locales: (spec.locales ?? []).map((l) => ({ id: localeId(c.id, l), localeId: l.localeId, content: { ...l.content } })),
    tables: { instance: normalizeTable(spec.tables.instance) },
    customApis: { outbound: normalizeCustomApiSpec(spec.customApis.outbound) },
  };
  if (spec.tables.account) result.tables.account = normalizeTable(spec.tables.account);
  if (spec.customApis.deliveryReport) result.customApis.deliveryReport = normalizeCustomApiSpec(spec.customApis.deliveryReport);
  if (spec.customApis.inbound) result.customApis.inbound = normalizeCustomApiSpec(spec.customApis.inbound);
  return result;
}

/** The custom API unique name an outbound endpoint names (`/cr65f_X` or `cr65f_X`). */
export function endpointApiName(endpoint: string): string {
  return endpoint.trim().replace(/^\/+/, '');
}
