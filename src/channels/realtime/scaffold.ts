/**
 * `realtime new`: a working channel spec for an SMS or a Custom channel, and a starter handler
 * module that implements its three custom APIs in the emulator.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel
 */
import { InputError } from '../../errors.js';
import { nameBasedGuid } from '../../util/guid.js';
import { generateChannelApi } from '../customApi/generators.js';
import type { ChannelSpec } from './channelSpec.js';
import { validateChannelSpec } from './channelSpec.js';

/** Options of {@link scaffoldChannel}. */
export interface ScaffoldOptions {
  type: 'sms' | 'custom';
  /** Publisher prefix. @default "cr65f" (the documentation's sample prefix) */
  prefix?: string;
  /** The channel's name after the prefix. @default "SampleSms" or "SampleCustom" */
  name?: string;
}

const PREFIX = /^[a-z][a-z0-9]*$/;
const NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** Build a spec that passes `realtime lint` and installs with `realtime apply`. */
export function scaffoldChannel(options: ScaffoldOptions): ChannelSpec {
  const prefix = options.prefix ?? 'cr65f';
  if (!PREFIX.test(prefix)) {
    throw new InputError(`"${prefix}" is not a publisher prefix`, {}, { hint: 'lower-case letters and digits, starting with a letter (e.g. cr65f)' });
  }
  const sms = options.type === 'sms';
  const name = options.name ?? (sms ? 'SampleSms' : 'SampleCustom');
  if (!NAME.test(name)) throw new InputError(`"${name}" is not a channel name: use letters and digits, starting with a letter`, {}, { hint: 'e.g. --name ContosoSms' });
  const lower = name.toLowerCase();
  const id = nameBasedGuid(`channeldefinition:${prefix}_${name}`);
  const outbound = generateChannelApi('outbound-channel', { prefix, name: `${name}Outbound` });
  const deliveryReport = generateChannelApi('delivery-report', { prefix, name: `${name}DeliveryReport` });
  const inbound = generateChannelApi('inbound', { prefix, name: `${name}Inbound` });
  const spec: ChannelSpec = {
    $schema: 'https://journeyctl.dev/schemas/realtime-channel.schema.json',
    channel: {
      id,
      name: `${prefix}_${name}`,
      displayName: sms ? `${name} SMS` : `${name} channel`,
      description: sms ? 'A custom SMS provider' : 'A custom channel',
      type: sms ? 'SMS' : 'Custom',
      outboundEndpoint: `/${outbound.uniqueName}`,
      hasInbound: sms,
      hasDeliveryReceipt: true,
      supportsAccount: sms,
      instanceTable: `${prefix}_${lower}instance`,
      ...(sms ? { accountTable: `${prefix}_${lower}account` } : {}),
    },
    messageParts: sms
      ? [{ name: 'text', displayName: 'Text', description: 'The text of the SMS', type: 'PlainText', required: true, maxLength: 1600 }]
      : [
          { name: 'title', displayName: 'Title', type: 'PlainText', required: true, maxLength: 100, order: 2 },
          { name: 'text', displayName: 'Text', type: 'PlainText', required: true, maxLength: 4000, order: 1 },
        ],
    locales: [
      {
        localeId: 1033,
        content: {
          'ChannelDefinition.DisplayName': sms ? `${name} SMS` : `${name} channel`,
          'ChannelDefinition.Description': sms ? 'A custom SMS provider' : 'A custom channel',
          'ChannelMessagePart.text.DisplayName': 'Text',
        },
      },
    ],
    tables: {
      instance: {
        logicalName: `${prefix}_${lower}instance`,
        displayName: `${name} instance`,
        columns: [
          { logicalName: `${prefix}_senderid`, displayName: 'Sender id', type: 'String', maxLength: 100 },
          { logicalName: `${prefix}_throttle`, displayName: 'Messages per second', type: 'Integer' },
        ],
      },
      ...(sms
        ? {
            account: {
              logicalName: `${prefix}_${lower}account`,
              displayName: `${name} account`,
              columns: [
                { logicalName: `${prefix}_accountsid`, displayName: 'Account SID', type: 'String', maxLength: 100, required: true },
                { logicalName: `${prefix}_region`, displayName: 'Region', type: 'String', maxLength: 50 },
              ],
            },
          }
        : {}),
    },
    customApis: { outbound, deliveryReport, ...(sms ? { inbound } : {}) },
  };
  return validateChannelSpec(spec);
}

/**
 * A starter handler module for the emulator: `outbound` answers `Sent` with a message id,
 * `deliveryReport` and `inbound` forward the provider's payload to msdyn_D365ChannelsNotification
 * and msdyn_D365ChannelsInbound. It passes `realtime conformance`.
 */
export function scaffoldHandler(): string {
  return `// Implementation of the channel's custom APIs for the journeyctl emulator (stands in for the
// plug-ins). Each export receives { name, parameters, execute } and returns the response
// properties. https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-api

/** Outbound: payload in, response out. Send the message through your provider here. */
export async function outbound({ parameters }) {
  const payload = JSON.parse(parameters.payload);
  const response = {
    ChannelDefinitionId: payload.ChannelDefinitionId,
    RequestId: payload.RequestId,
    MessageId: \`msg-\${payload.RequestId}\`,
    Status: 'Sent',
  };
  return { response: JSON.stringify(response) };
}

/** Delivery report: the provider's receipt, forwarded to msdyn_D365ChannelsNotification. */
export async function deliveryReport({ parameters, execute }) {
  const receipt = JSON.parse(parameters.payload);
  const result = await execute('msdyn_D365ChannelsNotification', { notificationPayLoad: JSON.stringify(receipt) });
  return { response: JSON.stringify(result ?? {}) };
}

/** Inbound: a user's message, forwarded to msdyn_D365ChannelsInbound. */
export async function inbound({ parameters, execute }) {
  const message = JSON.parse(parameters.payload);
  const result = await execute('msdyn_D365ChannelsInbound', { inboundPayLoad: JSON.stringify(message) });
  return { response: JSON.stringify(result ?? {}) };
}
`;
}
