/**
 * The conformance run: plays Customer Insights - Journeys against a channel. It installs the
 * channel into an in-memory emulator with the developer's implementations bound to its custom
 * APIs, sends the documented outbound payloads (with and without MarketingAppContext, and a test
 * send), checks each response against the contract, then sends delivery reports and inbound
 * messages the way a provider would and checks what the runtime recorded.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-api
 */
import { randomUUID } from 'node:crypto';
import { DataverseClient } from '../../dataverse/index.js';
import { InputError } from '../../errors.js';
import type { CustomApiImplementation, RunningEmulator } from '../../emulator/index.js';
import { escapeXml } from '../../validation/formatters/xml.js';
import { formatReport } from '../../validation/formatters/index.js';
import { buildReport, type CheckedRule, type FileReport } from '../../validation/report.js';
import { normalizeCustomApiSpec } from '../customApi/spec.js';
import { lintChannel } from './channelLint.js';
import { endpointApiName, normalizeChannelSpec, type ChannelSpec, type NormalizedChannel } from './channelSpec.js';
import { validateChannelSchema } from './channelSchemas.js';
import { applyChannel } from './install.js';
import { OUTBOUND_PAYLOAD_PARAMETER, OUTBOUND_RESPONSE_PROPERTY, type OutboundPayload } from './types.js';

const API = 'https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-api';

/** One contract clause the run checks. */
export interface ConformanceCheckDefinition {
  id: string;
  clause: string;
  source: string;
}

function check(id: string, clause: string): ConformanceCheckDefinition {
  return Object.freeze({ id, clause, source: API });
}

/** Every check of the run, with the contract clause it tests. */
export const CONFORMANCE_CHECKS = Object.freeze({
  outboundCall: check('outbound-call', 'The outbound custom API accepts one input parameter, payload (serialized JSON), and returns one output property, response, within the 20-second plug-in limit.'),
  responseJson: check('outbound-response-json', 'response is a serialized JSON object.'),
  requestId: check('outbound-request-id', 'RequestId: should be equal to the request ID value inside the request payload.'),
  channelDefinitionId: check('outbound-channel-definition-id', 'ChannelDefinitionId: the channel definition ID of the payload.'),
  status: check('outbound-status', 'Status: NotSent (rejected, no retry) or Sent (accepted by the provider).'),
  messageId: check('outbound-message-id', "MessageId: the provider's message id, a string; delivery reports refer to it, so a Sent message of a channel with delivery receipts returns one."),
  responseShape: check('outbound-response-shape', 'The response has the documented properties and types (Details {Reason, Message} when present).'),
  deliveryReportCall: check('delivery-report-call', "The delivery report custom API, called by the provider, accepts the provider's report and succeeds."),
  deliveryReportRecorded: check('delivery-report-recorded', 'The delivery report custom API calls msdyn_D365ChannelsNotification with notificationPayLoad {ChannelDefinitionId, RequestId, MessageId, From, OrganizationId, Status}, which the runtime records.'),
  inboundCall: check('inbound-call', "The inbound custom API, called by the provider, accepts the provider's message and succeeds."),
  inboundRecorded: check('inbound-recorded', 'The inbound custom API calls msdyn_D365ChannelsInbound with inboundPayLoad {ChannelDefinitionId, To, From, OrganizationId, Message}, which the runtime records.'),
});

/** The outcome of one check in one case. */
export interface ConformanceResult {
  check: string;
  case: string;
  status: 'pass' | 'fail' | 'skip';
  clause: string;
  source: string;
  /** Why it failed or was skipped. */
  message?: string;
  /** Where in the spec the piece under test is declared. */
  pointer: string;
}

/** The whole run. */
export interface ConformanceReport {
  channel: { id: string; name: string; type: string };
  file?: string;
  results: ConformanceResult[];
  summary: { passed: number; failed: number; skipped: number };
}

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /**
   * A JavaScript module implementing the channel's APIs: its `outbound` (or default), `deliveryReport`
   * and `inbound` exports are bound to the spec's three custom APIs.
   */
  handler?: string;
  /** More implementations by custom API unique name (they win over `handler`). */
  bindings?: Record<string, CustomApiImplementation>;
  /** Call this HTTP endpoint as the outbound API (`POST {payload}` → `{response}`) instead of the emulator. */
  endpoint?: string;
  /** How long an implementation may run. @default 20000 (the documented plug-in limit of a channel) */
  timeoutMs?: number;
  /** The spec's file, for reports. */
  file?: string;
  /** Module paths are resolved from here. @default process.cwd() */
  baseDir?: string;
}

const OUTBOUND_CASES = ['send', 'send-without-app-context', 'test-send'] as const;

/** The exports of a handler module, by API role, for the emulator's bindings. */
async function handlerBindings(spec: NormalizedChannel, handler: string, baseDir: string): Promise<Record<string, CustomApiImplementation>> {
  const { resolve } = await import('node:path');
  const { pathToFileURL } = await import('node:url');
  const file = resolve(baseDir, handler);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`cannot load the handler module: ${(error as Error).message}`, { file }, { hint: 'pass a JavaScript module (.mjs) that exports outbound, deliveryReport and inbound functions' });
  }
  const bindings: Record<string, CustomApiImplementation> = {};
  const outbound = module.outbound ?? module.default;
  if (typeof outbound !== 'function') throw new InputError('the handler module exports no outbound (or default) function', { file }, { hint: 'export async function outbound({ parameters }) { … }' });
  bindings[spec.customApis.outbound.uniqueName] = `${file}#${module.outbound ? 'outbound' : 'default'}`;
  for (const role of ['deliveryReport', 'inbound'] as const) {
    const api = spec.customApis[role];
    if (api && typeof module[role] === 'function') bindings[api.uniqueName] = `${file}#${role}`;
  }
  return bindings;
}

function sampleValue(type: string): string {
  switch (type) {
    case 'Number':
      return '42';
    case 'Boolean':
      return 'true';
    case 'Date':
      return new Date(Date.UTC(2026, 0, 15)).toISOString();
    case 'PlainText':
      return 'Hello from the journeyctl conformance run';
    default:
      return randomUUID();
  }
}

/** Run the conformance checks (see the module comment). Throws an InputError for a spec that cannot be installed. */
export async function runConformance(spec: ChannelSpec, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const findings = lintChannel(spec, options.file ? { file: options.file } : {}).filter((f) => f.severity === 'error');
  if (findings.length > 0) {
    throw new InputError(`the channel spec breaks ${findings.length} rule(s): ${findings.map((f) => `${f.ruleId} at ${f.location.pointer}: ${f.message}`).join('; ')}`, { ...(options.file ? { file: options.file } : {}), pointer: findings[0]!.location.pointer ?? '' }, {
      hint: 'run journeyctl realtime lint and fix the errors first',
    });
  }
  const n = normalizeChannelSpec(spec);
  const baseDir = options.baseDir ?? process.cwd();
  const timeoutMs = options.timeoutMs ?? 20_000;
  const bindings = { ...(options.handler ? await handlerBindings(n, options.handler, baseDir) : {}), ...(options.bindings ?? {}) };
  // Loaded on use: the library's entry point does not start (or load) the emulator.
  const { startEmulator } = await import('../../emulator/index.js');
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, seed: false, customApis: bindings, customApiTimeoutMs: timeoutMs, customApiBaseDir: baseDir });
  const client = new DataverseClient({ url: emulator.url, auth: { none: true }, retry: { maxAttempts: 1 }, timeoutInMs: timeoutMs + 5_000 });
  try {
    await applyChannel(client, spec, options.file ? { file: options.file } : {});
    return await play(n, emulator, client, options, timeoutMs);
  } finally {
    client.close();
    await emulator.close();
  }
}

async function play(n: NormalizedChannel, emulator: RunningEmulator, client: DataverseClient, options: ConformanceOptions, timeoutMs: number): Promise<ConformanceReport> {
  const C = CONFORMANCE_CHECKS;
  const results: ConformanceResult[] = [];
  const record = (def: ConformanceCheckDefinition, caseName: string, pointer: string, failure?: string | false, skip?: string): void => {
    const status = skip !== undefined ? 'skip' : failure ? 'fail' : 'pass';
    const message = skip ?? (failure || undefined);
    results.push({ check: def.id, case: caseName, status, clause: def.clause, source: def.source, pointer, ...(message ? { message } : {}) });
  };
  const channelId = n.channel.id;
  const sms = n.channel.type === 'SMS';
  const from = sms ? '+15550100' : 'journeyctl-sender';
  const to = sms ? '+15550199' : 'recipient@example.com';
  const organizationId = (await client.whoAmI()).OrganizationId;
  await client.create('msdyn_channelinstances', { msdyn_name: 'Conformance sender', msdyn_contactpoint: from, 'msdyn_ChannelDefinitionId@odata.bind': `/msdyn_channeldefinitions(${channelId})` });
  const contact = await client.create('contacts', { firstname: 'Conformance', lastname: 'Recipient' });
  const outboundName = endpointApiName(n.channel.outboundEndpoint);
  const at = '/customApis/outbound';

  const sent = new Map<string, { payload: OutboundPayload; messageId?: string; status?: string }>();
  for (const caseName of OUTBOUND_CASES) {
    const payload: OutboundPayload = {
      ChannelDefinitionId: channelId,
      RequestId: randomUUID(),
      IdempotencyId: randomUUID(),
      From: from,
      To: to,
      Message: Object.fromEntries(n.messageParts.map((p) => [p.name, sampleValue(p.type)])),
    };
    if (caseName === 'send') payload.MarketingAppContext = { CustomerJourneyId: randomUUID(), UserId: contact.id, UserEntityType: 'contact', IsTestSend: false };
    if (caseName === 'test-send') payload.MarketingAppContext = { CustomerJourneyId: null, UserId: null, UserEntityType: null, IsTestSend: true };
    const dependents = [C.responseJson, C.requestId, C.channelDefinitionId, C.status, C.messageId, C.responseShape];

    let responseText: unknown;
    try {
      const body = { [OUTBOUND_PAYLOAD_PARAMETER]: JSON.stringify(payload) };
      const answer = options.endpoint ? await callEndpoint(options.endpoint, body, timeoutMs) : await client.callAction<Record<string, unknown>>(outboundName, body);
      responseText = answer?.[OUTBOUND_RESPONSE_PROPERTY];
      if (typeof responseText !== 'string') throw new Error(`the answer has no string property "${OUTBOUND_RESPONSE_PROPERTY}" (got ${JSON.stringify(responseText ?? null)})`);
      record(C.outboundCall, caseName, at);
    } catch (error) {
      record(C.outboundCall, caseName, at, (error as Error).message);
      for (const def of dependents) record(def, caseName, at, undefined, 'no response to check');
      continue;
    }
    let response: Record<string, unknown>;
    try {
      const parsed = JSON.parse(responseText as string) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`response holds ${Array.isArray(parsed) ? 'an array' : typeof parsed}, not an object`);
      response = parsed as Record<string, unknown>;
      record(C.responseJson, caseName, at);
    } catch (error) {
      record(C.responseJson, caseName, at, `response is not a serialized JSON object: ${(error as Error).message}`);
      for (const def of dependents.slice(1)) record(def, caseName, at, undefined, 'response is not JSON');
      continue;
    }
    record(C.requestId, caseName, at, response.RequestId !== payload.RequestId && `RequestId ${JSON.stringify(response.RequestId ?? null)} does not echo the payload's "${payload.RequestId}"`);
    record(C.channelDefinitionId, caseName, at, String(response.ChannelDefinitionId ?? '').toLowerCase() !== channelId && `ChannelDefinitionId ${JSON.stringify(response.ChannelDefinitionId ?? null)} is not the payload's "${channelId}"`);
    const status = response.Status;
    record(C.status, caseName, at, status !== 'Sent' && status !== 'NotSent' && `Status ${JSON.stringify(status ?? null)} is not Sent or NotSent${status === 'Delivered' || status === 'NotDelivered' ? ' (delivery outcomes go to msdyn_D365ChannelsNotification, not the outbound response)' : ''}`);
    const messageId = response.MessageId;
    const needsMessageId = status === 'Sent' && n.channel.hasDeliveryReceipt;
    record(
      C.messageId,
      caseName,
      at,
      (messageId !== undefined && messageId !== null && typeof messageId !== 'string' && `MessageId must be a string, got ${JSON.stringify(messageId)}`) ||
        (needsMessageId && (typeof messageId !== 'string' || messageId === '') && 'a Sent message of a channel with delivery receipts returns the MessageId its delivery reports refer to'),
    );
    const issues = validateChannelSchema('realtime-outbound-response', response);
    record(C.responseShape, caseName, at, issues.length > 0 && `${issues[0]!.pointer || '/'} ${issues[0]!.message}`);
    sent.set(caseName, { payload, ...(typeof messageId === 'string' ? { messageId } : {}), ...(typeof status === 'string' ? { status } : {}) });
  }

  // Delivery reports, as the provider sends them, for the sends it accepted.
  const deliveryApi = n.customApis.deliveryReport;
  if (n.channel.hasDeliveryReceipt && deliveryApi) {
    const pointer = '/customApis/deliveryReport';
    const parameter = normalizeCustomApiSpec(deliveryApi).requestParameters.find((p) => p.type === 'String')?.uniqueName ?? 'payload';
    for (const [caseName, outcome] of [['send', 'Delivered'], ['send-without-app-context', 'NotDelivered']] as const) {
      const sentCase = sent.get(caseName);
      const name = `delivery-report-${outcome.toLowerCase()}`;
      if (!sentCase || sentCase.status !== 'Sent' || !sentCase.messageId) {
        record(C.deliveryReportCall, name, pointer, undefined, `the ${caseName} case has no Sent response with a MessageId`);
        record(C.deliveryReportRecorded, name, pointer, undefined, `the ${caseName} case has no Sent response with a MessageId`);
        continue;
      }
      const report = { ChannelDefinitionId: channelId, RequestId: sentCase.payload.RequestId, MessageId: sentCase.messageId, From: from, OrganizationId: organizationId, Status: outcome };
      try {
        await client.callAction(deliveryApi.uniqueName, { [parameter]: JSON.stringify(report) });
        record(C.deliveryReportCall, name, pointer);
      } catch (error) {
        record(C.deliveryReportCall, name, pointer, (error as Error).message);
      }
      const recorded = recordedMessages(emulator, 'notification', channelId).find((p) => p.RequestId === report.RequestId);
      record(
        C.deliveryReportRecorded,
        name,
        pointer,
        (!recorded && `the runtime recorded no delivery report for RequestId ${report.RequestId}: the API must call msdyn_D365ChannelsNotification`) ||
          (recorded && (recorded.Status !== outcome || recorded.MessageId !== report.MessageId) && `the runtime recorded Status ${JSON.stringify(recorded.Status)} and MessageId ${JSON.stringify(recorded.MessageId)}, expected ${outcome} and ${report.MessageId}`),
      );
    }
  }

  // An inbound message, as the provider sends it.
  const inboundApi = n.customApis.inbound;
  if (n.channel.hasInbound && inboundApi) {
    const pointer = '/customApis/inbound';
    const parameter = normalizeCustomApiSpec(inboundApi).requestParameters.find((p) => p.type === 'String')?.uniqueName ?? 'payload';
    const text = `STOP ${randomUUID().slice(0, 8)}`;
    const message = { ChannelDefinitionId: channelId, To: from, From: to, OrganizationId: organizationId, Message: { [n.messageParts[0]?.name ?? 'text']: text } };
    try {
      await client.callAction(inboundApi.uniqueName, { [parameter]: JSON.stringify(message) });
      record(C.inboundCall, 'inbound', pointer);
    } catch (error) {
      record(C.inboundCall, 'inbound', pointer, (error as Error).message);
    }
    const recorded = recordedMessages(emulator, 'inbound', channelId).find((p) => JSON.stringify(p.Message ?? {}).includes(text));
    record(C.inboundRecorded, 'inbound', pointer, !recorded && 'the runtime recorded no inbound message: the API must call msdyn_D365ChannelsInbound with the message');
  }

  const summary = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) {
    if (r.status === 'pass') summary.passed++;
    else if (r.status === 'fail') summary.failed++;
    else summary.skipped++;
  }
  return { channel: { id: channelId, name: n.channel.name, type: n.channel.type }, ...(options.file ? { file: options.file } : {}), results, summary };
}

/** What the runtime stored for msdyn_D365ChannelsNotification / msdyn_D365ChannelsInbound. */
function recordedMessages(emulator: RunningEmulator, kind: 'notification' | 'inbound', channelId: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const row of emulator.store.scan('emulator_channelmessages')) {
    if (row.values.emulator_kind !== kind || String(row.values.emulator_channeldefinitionid).toLowerCase() !== channelId) continue;
    try {
      out.push(JSON.parse(String(row.values.emulator_payload)) as Record<string, unknown>);
    } catch {
      // Not a payload this run sent.
    }
  }
  return out;
}

async function callEndpoint(url: string, body: Record<string, string>, timeoutMs: number): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new Error(`the endpoint ${url} did not answer: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`the endpoint answered ${response.status}: ${text.slice(0, 300)}`);
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new Error(`the endpoint answered malformed JSON: ${text.slice(0, 200)}`);
  }
}

// ------------------------------------------------------------------------------------------ formats

/** The output formats of a conformance run. */
export const CONFORMANCE_FORMATS = ['text', 'json', 'junit', 'sarif'] as const;
export type ConformanceFormat = (typeof CONFORMANCE_FORMATS)[number];

/** Render a run. */
export function formatConformance(report: ConformanceReport, format: ConformanceFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'junit':
      return junit(report);
    case 'sarif':
      return sarif(report);
    case 'text': {
      const lines = report.results.map((r) => `${r.status.toUpperCase().padEnd(4)} ${r.case.padEnd(28)} ${r.check}${r.message ? `: ${r.message}` : ''}${r.status === 'fail' ? `\n     clause: ${r.clause}` : ''}`);
      lines.push(`${report.summary.passed} passed, ${report.summary.failed} failed, ${report.summary.skipped} skipped (channel ${report.channel.name}, ${report.channel.type})`);
      return `${lines.join('\n')}\n`;
    }
  }
}

function junit(report: ConformanceReport): string {
  const cases = [...new Set(report.results.map((r) => r.case))];
  const suites = cases.map((name) => {
    const results = report.results.filter((r) => r.case === name);
    const body = results
      .map((r) => {
        const open = `    <testcase classname="${escapeXml(`${report.channel.name}.${name}`)}" name="${escapeXml(r.check)}"`;
        if (r.status === 'pass') return `${open}/>`;
        if (r.status === 'skip') return `${open}><skipped message="${escapeXml(r.message ?? '')}"/></testcase>`;
        return `${open}><failure message="${escapeXml(r.message ?? '')}">${escapeXml(`${r.message ?? ''}\nclause: ${r.clause}\nsource: ${r.source}`)}</failure></testcase>`;
      })
      .join('\n');
    const count = (status: string): number => results.filter((r) => r.status === status).length;
    return `  <testsuite name="${escapeXml(name)}" tests="${results.length}" failures="${count('fail')}" errors="0" skipped="${count('skip')}">\n${body}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="journeyctl realtime conformance">\n${suites.join('\n')}\n</testsuites>\n`;
}

function sarif(report: ConformanceReport): string {
  const rules: CheckedRule[] = Object.values(CONFORMANCE_CHECKS).map((c) => ({ id: `realtime-conformance-${c.id}`, severity: 'error', summary: c.clause, helpUri: c.source }));
  const path = report.file ?? 'channel.yaml';
  const file: FileReport = {
    path,
    findings: report.results
      .filter((r) => r.status === 'fail')
      .map((r) => ({ ruleId: `realtime-conformance-${r.check}`, severity: 'error' as const, activityId: '', message: `${r.case}: ${r.message ?? 'failed'}`, arguments: [r.case], location: { file: path, pointer: r.pointer } })),
  };
  return formatReport('sarif', buildReport([file], rules));
}
