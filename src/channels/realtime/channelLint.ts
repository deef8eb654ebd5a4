/**
 * `lintChannel`: the documented rules across the pieces of a real-time custom channel, as
 * findings of the shared {@link Finding} type with JSON pointers into the spec. The custom APIs
 * are also checked against the custom API rules (`lintCustomApi`), with pointers under
 * `/customApis/<role>`.
 */
import { escapePointerToken } from '../../errors.js';
import type { Finding } from '../../validation/finding.js';
import type { CheckedRule } from '../../validation/report.js';
import { CUSTOM_API_RULES } from '../customApi/customApiRules.js';
import { lintCustomApi } from '../customApi/lintCustomApi.js';
import { normalizeCustomApiSpec, type CustomApiSpec } from '../customApi/spec.js';
import { INBOUND_PAYLOAD_PARAMETER, NOTIFICATION_PAYLOAD_PARAMETER, OUTBOUND_PAYLOAD_PARAMETER, OUTBOUND_RESPONSE_PROPERTY } from './types.js';
import { CHANNEL_API_ROLES, endpointApiName, type ChannelSpec } from './channelSpec.js';
import { documentedRule, type DocumentedRule } from '../documentedRule.js';

const RT = 'https://learn.microsoft.com/dynamics365/customer-insights/journeys';
const DEFINITION = `${RT}/real-time-marketing-define-channel-definition`;
const PARTS = `${RT}/real-time-marketing-custom-channel-message-parts`;
const API = `${RT}/real-time-marketing-custom-channel-custom-api`;
const OVERVIEW = `${RT}/real-time-marketing-custom-channel`;

/** A channel rule: id, severity, what it checks and where that is documented. */
export type ChannelRule = DocumentedRule;

const rule = documentedRule;

/** Every channel rule by key. */
export const CHANNEL_RULES = Object.freeze({
  outboundEndpoint: rule('realtime-outbound-endpoint', 'error', 'msdyn_outboundendpointurltemplate names the outbound custom API of the spec.', DEFINITION),
  outboundContract: rule('realtime-outbound-contract', 'error', 'The outbound custom API has one input parameter `payload` (String) and one output property `response` (String), and is an action.', API),
  deliveryReportApi: rule('realtime-delivery-report-api', 'error', 'A channel with delivery receipts (msdyn_hasdeliveryreceipt) has a delivery report custom API that calls msdyn_D365ChannelsNotification; one without declares none.', API),
  inboundApi: rule('realtime-inbound-api', 'error', 'A channel with inbound messages (msdyn_hasinbound) has an inbound custom API that calls msdyn_D365ChannelsInbound; one without declares none.', API),
  providerApiContract: rule('realtime-provider-api-contract', 'error', `The delivery report and inbound custom APIs are actions that take the provider's payload as a String parameter (they pass it on as ${NOTIFICATION_PAYLOAD_PARAMETER} / ${INBOUND_PAYLOAD_PARAMETER}).`, API),
  smsSupportsAccount: rule('realtime-sms-supports-account', 'error', 'msdyn_supportsaccount must be true for SMS channels and false otherwise.', DEFINITION),
  accountTable: rule('realtime-account-table', 'error', 'SMS channels have an extended configuration table for the channel instance account; Custom channels do not support one.', OVERVIEW),
  instanceTable: rule('realtime-instance-table', 'error', 'msdyn_channeldefinitionexternalentity (and the account entity) name the extended configuration tables of the spec.', DEFINITION),
  smsMessagePart: rule('realtime-sms-message-part', 'error', 'An SMS channel has exactly one message part, named "text", of type 192350000 (plain text).', PARTS),
  messagePartNames: rule('realtime-message-part-names', 'error', 'Message part names (msdyn_name, the keys of the outbound Message) are unique, and locales refer to existing parts.', PARTS),
  smsEditor: rule('realtime-sms-editor', 'error', 'SMS channels use the native SMS editor: no msdyn_messageformid.', OVERVIEW),
  lowerCaseGuid: rule('realtime-lowercase-guid', 'error', 'GUIDs in metadata records are lower case.', DEFINITION),
  publisherPrefix: rule('realtime-publisher-prefix', 'warning', 'The channel, its tables and its custom APIs use one publisher prefix.', OVERVIEW),
});

/** The rules `lintChannel` checks (channel rules, then custom API rules), for SARIF and JUnit. */
export function channelCheckedRules(): CheckedRule[] {
  return [...Object.values(CHANNEL_RULES), ...Object.values(CUSTOM_API_RULES)].map((r) => ({ id: r.id, severity: r.severity, summary: r.summary, helpUri: r.source }));
}

/** Options of {@link lintChannel}. */
export interface LintChannelOptions {
  file?: string;
}

/** Lint a validated spec. */
export function lintChannel(spec: ChannelSpec, options: LintChannelOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const add = (r: ChannelRule, message: string, pointer: string, args: string[] = []): void => {
    findings.push({ ruleId: r.id, severity: r.severity, activityId: '', message, arguments: args, location: { ...(options.file === undefined ? {} : { file: options.file }), pointer } });
  };
  const R = CHANNEL_RULES;
  const c = spec.channel;
  const apis = spec.customApis;
  const sms = c.type === 'SMS';

  // The outbound endpoint and its contract.
  const endpoint = endpointApiName(c.outboundEndpoint);
  if (endpoint !== apis.outbound.uniqueName) {
    const other = CHANNEL_API_ROLES.find((role) => apis[role]?.uniqueName === endpoint);
    add(R.outboundEndpoint, `outboundEndpoint "${c.outboundEndpoint}" does not name the outbound custom API "${apis.outbound.uniqueName}"${other ? ` (it names the ${other} API)` : ''}`, '/channel/outboundEndpoint', [c.outboundEndpoint]);
  }
  checkStringInOut(apis.outbound, '/customApis/outbound', OUTBOUND_PAYLOAD_PARAMETER, OUTBOUND_RESPONSE_PROPERTY, R.outboundContract, add);

  // Delivery reports and inbound.
  const hasDelivery = c.hasDeliveryReceipt ?? false;
  const hasInbound = c.hasInbound ?? false;
  if (hasDelivery && !apis.deliveryReport) add(R.deliveryReportApi, 'hasDeliveryReceipt is true but customApis.deliveryReport is missing', '/channel/hasDeliveryReceipt');
  if (!hasDelivery && apis.deliveryReport) add(R.deliveryReportApi, 'customApis.deliveryReport is declared but hasDeliveryReceipt is false: the platform will not expect delivery reports', '/customApis/deliveryReport');
  if (hasInbound && !apis.inbound) add(R.inboundApi, 'hasInbound is true but customApis.inbound is missing', '/channel/hasInbound');
  if (!hasInbound && apis.inbound) add(R.inboundApi, 'customApis.inbound is declared but hasInbound is false', '/customApis/inbound');
  for (const role of ['deliveryReport', 'inbound'] as const) {
    const api = apis[role];
    if (api) checkProviderApi(api, `/customApis/${role}`, add);
  }

  // SMS specifics: account support and table, message part, editor.
  const supportsAccount = c.supportsAccount ?? false;
  if (sms !== supportsAccount) add(R.smsSupportsAccount, `supportsAccount must be ${sms} for a ${c.type} channel`, '/channel/supportsAccount', [c.type]);
  if (sms && (c.accountTable === undefined || spec.tables.account === undefined)) {
    add(R.accountTable, 'an SMS channel needs channel.accountTable and tables.account (the channel instance account configuration)', c.accountTable === undefined ? '/channel' : '/tables');
  }
  if (!sms && (c.accountTable !== undefined || spec.tables.account !== undefined)) {
    add(R.accountTable, 'a Custom channel does not support a channel instance account table', c.accountTable !== undefined ? '/channel/accountTable' : '/tables/account');
  }
  if (sms && c.messageFormId !== undefined) add(R.smsEditor, 'an SMS channel uses the native SMS editor: remove messageFormId', '/channel/messageFormId');
  if (c.instanceTable !== spec.tables.instance.logicalName) {
    add(R.instanceTable, `instanceTable "${c.instanceTable}" is not tables.instance ("${spec.tables.instance.logicalName}")`, '/channel/instanceTable', [c.instanceTable]);
  }
  if (c.accountTable !== undefined && spec.tables.account !== undefined && c.accountTable !== spec.tables.account.logicalName) {
    add(R.instanceTable, `accountTable "${c.accountTable}" is not tables.account ("${spec.tables.account.logicalName}")`, '/channel/accountTable', [c.accountTable]);
  }
  if (sms) {
    const only = spec.messageParts.length === 1 ? spec.messageParts[0] : undefined;
    if (!only || only.name !== 'text' || only.type !== 'PlainText') {
      add(R.smsMessagePart, `an SMS channel has exactly one message part, "text" of type PlainText (192350000); this one has ${spec.messageParts.map((p) => `"${p.name}" (${p.type})`).join(', ')}`, '/messageParts');
    }
  }

  // Message part names, and the locales' references to them.
  const partNames = new Map<string, number>();
  spec.messageParts.forEach((part, index) => {
    const first = partNames.get(part.name);
    if (first !== undefined) add(R.messagePartNames, `message part "${part.name}" is declared twice (first at index ${first})`, `/messageParts/${index}/name`, [part.name]);
    else partNames.set(part.name, index);
  });
  (spec.locales ?? []).forEach((locale, index) => {
    for (const key of Object.keys(locale.content)) {
      const match = /^ChannelMessagePart\.(.+)\.(DisplayName|Description)$/.exec(key);
      if (match && !partNames.has(match[1]!)) {
        add(R.messagePartNames, `locale ${locale.localeId} names message part "${match[1]}", which the spec does not declare`, `/locales/${index}/content/${escapePointerToken(key)}`, [match[1]!]);
      } else if (!match && !/^ChannelDefinition\.(DisplayName|Description|SpecialConsentLabel)$/.test(key)) {
        add(R.messagePartNames, `locale ${locale.localeId} has an undocumented key "${key}"`, `/locales/${index}/content/${escapePointerToken(key)}`, [key]);
      }
    }
  });

  // Lower-case GUIDs.
  const guid = (value: string | undefined, pointer: string): void => {
    if (value !== undefined && value !== value.toLowerCase()) add(R.lowerCaseGuid, `GUID "${value}" must be lower case in metadata records`, pointer, [value]);
  };
  guid(c.id, '/channel/id');
  guid(c.instanceFormId, '/channel/instanceFormId');
  guid(c.accountFormId, '/channel/accountFormId');
  guid(c.messageFormId, '/channel/messageFormId');
  spec.messageParts.forEach((p, i) => guid(p.id, `/messageParts/${i}/id`));
  (spec.locales ?? []).forEach((l, i) => guid(l.id, `/locales/${i}/id`));
  for (const role of CHANNEL_API_ROLES) guid(apis[role]?.pluginTypeId, `/customApis/${role}/pluginTypeId`);

  // One publisher prefix.
  const prefix = c.name.includes('_') ? c.name.slice(0, c.name.indexOf('_')) : undefined;
  if (prefix !== undefined) {
    const named: [string, string][] = [
      [spec.tables.instance.logicalName, '/tables/instance/logicalName'],
      ...(spec.tables.account ? [[spec.tables.account.logicalName, '/tables/account/logicalName'] as [string, string]] : []),
      ...CHANNEL_API_ROLES.flatMap((role) => (apis[role] ? [[apis[role]!.uniqueName, `/customApis/${role}/uniqueName`] as [string, string]] : [])),
    ];
    for (const [name, pointer] of named) {
      if (!name.startsWith(`${prefix}_`)) add(R.publisherPrefix, `"${name}" does not use the channel's publisher prefix "${prefix}_"`, pointer, [name, prefix]);
    }
  }

  // The custom API rules, pointed into the spec.
  for (const role of CHANNEL_API_ROLES) {
    const api = apis[role];
    if (!api) continue;
    for (const finding of lintCustomApi(api, options.file === undefined ? {} : { file: options.file })) {
      // The journey runtime calls the outbound API: keeping it public is deliberate (docs/decisions.md).
      if (role === 'outbound' && finding.ruleId === CUSTOM_API_RULES.shipPrivate.id) continue;
      findings.push({ ...finding, location: { ...finding.location, pointer: `/customApis/${role}${finding.location.pointer ?? ''}` } });
    }
  }
  return findings;
}

type Add = (r: ChannelRule, message: string, pointer: string, args?: string[]) => void;

function checkStringInOut(spec: CustomApiSpec, at: string, parameter: string, property: string, r: ChannelRule, add: Add): void {
  const api = normalizeCustomApiSpec(spec);
  if (api.isFunction) add(r, `${api.uniqueName} must be an action (isFunction: false)`, `${at}/isFunction`, [api.uniqueName]);
  if (api.bindingType !== 'Global') add(r, `${api.uniqueName} must be unbound (bindingType: Global)`, `${at}/bindingType`, [api.uniqueName]);
  const index = api.requestParameters.findIndex((p) => p.uniqueName === parameter);
  const p = api.requestParameters[index];
  if (!p) add(r, `${api.uniqueName} needs the request parameter "${parameter}" (String)`, `${at}/requestParameters`, [parameter]);
  else {
    if (p.type !== 'String') add(r, `request parameter "${parameter}" must be a String, not ${p.type}`, `${at}/requestParameters/${index}/type`, [parameter]);
    if (p.isOptional) add(r, `request parameter "${parameter}" must not be optional`, `${at}/requestParameters/${index}/isOptional`, [parameter]);
  }
  api.requestParameters.forEach((other, i) => {
    if (other.uniqueName !== parameter && !other.isOptional) add(r, `${api.uniqueName} has the extra required parameter "${other.uniqueName}", which the platform never sends`, `${at}/requestParameters/${i}`, [other.uniqueName]);
  });
  const pIndex = api.responseProperties.findIndex((q) => q.uniqueName === property);
  const q = api.responseProperties[pIndex];
  if (!q) add(r, `${api.uniqueName} needs the response property "${property}" (String)`, `${at}/responseProperties`, [property]);
  else if (q.type !== 'String') add(r, `response property "${property}" must be a String, not ${q.type}`, `${at}/responseProperties/${pIndex}/type`, [property]);
}

function checkProviderApi(spec: CustomApiSpec, at: string, add: Add): void {
  const api = normalizeCustomApiSpec(spec);
  const r = CHANNEL_RULES.providerApiContract;
  if (api.isFunction) add(r, `${api.uniqueName} must be an action (isFunction: false): the provider posts its payload`, `${at}/isFunction`, [api.uniqueName]);
  if (!api.requestParameters.some((p) => p.type === 'String' && !p.isOptional)) {
    add(r, `${api.uniqueName} needs a required String request parameter for the provider's payload`, `${at}/requestParameters`, [api.uniqueName]);
  }
}
