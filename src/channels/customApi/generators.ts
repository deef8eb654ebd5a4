/**
 * Specs of the custom APIs a real-time custom channel needs: the outbound API the platform
 * calls (`payload` in, `response` out), and the delivery-report and inbound APIs the provider
 * calls, whose plug-ins forward to `msdyn_D365ChannelsNotification` / `msdyn_D365ChannelsInbound`.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-api
 */
import { InputError } from '../../errors.js';
import { OUTBOUND_PAYLOAD_PARAMETER, OUTBOUND_RESPONSE_PROPERTY } from '../realtime/types.js';
import { validateCustomApiSpec, type CustomApiSpec } from './spec.js';

/** The kinds of channel API the generator knows. */
export const CHANNEL_API_KINDS = ['outbound-channel', 'delivery-report', 'inbound'] as const;
/** One of {@link CHANNEL_API_KINDS}. */
export type ChannelApiKind = (typeof CHANNEL_API_KINDS)[number];

/** Options of {@link generateChannelApi}. */
export interface GenerateChannelApiOptions {
  /** The solution publisher's customization prefix, e.g. `cr65f`. */
  prefix: string;
  /**
   * The name after the prefix. @default `OutboundCustomApi`, `DeliveryReportCustomApi` or
   * `InboundCustomApi` (the names of the documentation's sample channel)
   */
  name?: string;
}

const DEFAULT_NAMES: Record<ChannelApiKind, string> = {
  'outbound-channel': 'OutboundCustomApi',
  'delivery-report': 'DeliveryReportCustomApi',
  inbound: 'InboundCustomApi',
};

// The same shape lintCustomApi accepts: letters and digits, starting with a letter.
const PREFIX = /^[A-Za-z][A-Za-z0-9]*$/;
const NAME = /^[A-Za-z0-9_]+$/;

/** Generate the spec of one channel API. Throws an {@link InputError} for a bad prefix or name. */
export function generateChannelApi(kind: ChannelApiKind, options: GenerateChannelApiOptions): CustomApiSpec {
  if (!PREFIX.test(options.prefix)) {
    throw new InputError(`"${options.prefix}" is not a publisher prefix`, {}, {
      hint: 'use your solution publisher\'s customization prefix: letters and digits, starting with a letter (e.g. cr65f)',
    });
  }
  const name = options.name ?? DEFAULT_NAMES[kind];
  if (!NAME.test(name)) {
    throw new InputError(`"${name}" is not a custom API name: use letters, digits and underscores`, {}, { hint: 'e.g. --name SmsOutbound' });
  }
  const uniqueName = `${options.prefix}_${name}`;
  return validateCustomApiSpec(stringInStringOut(uniqueName, SHAPES[kind]));
}

/** The texts and visibility of a channel API: one String parameter in, one String property out. */
interface ChannelApiShape {
  displayName: string;
  description: string;
  isPrivate: boolean;
  parameter: readonly [uniqueName: string, displayName: string, description: string];
  property: readonly [uniqueName: string, displayName: string, description: string];
}

/** Every channel API is a Global action, not customizable, with no custom processing steps. */
function stringInStringOut(uniqueName: string, shape: ChannelApiShape): CustomApiSpec {
  const [parameterName, parameterDisplayName, parameterDescription] = shape.parameter;
  const [propertyName, propertyDisplayName, propertyDescription] = shape.property;
  return {
    uniqueName,
    displayName: shape.displayName,
    description: shape.description,
    bindingType: 'Global',
    isFunction: false,
    isPrivate: shape.isPrivate,
    allowedCustomProcessingStepType: 'None',
    workflowSdkStepEnabled: false,
    isCustomizable: false,
    requestParameters: [
      { uniqueName: parameterName, displayName: parameterDisplayName, description: parameterDescription, type: 'String', isOptional: false, isCustomizable: false },
    ],
    responseProperties: [{ uniqueName: propertyName, displayName: propertyDisplayName, description: propertyDescription, type: 'String', isCustomizable: false }],
  };
}

const SHAPES: Record<ChannelApiKind, ChannelApiShape> = {
  // Public on purpose: the journey runtime calls this API, and private messages cannot be used
  // from plug-ins (custom-api.md, "Private messages can't be used in plug-ins").
  'outbound-channel': {
    displayName: 'Custom channel outbound',
    description: 'Sends one message of a real-time journeys custom channel to the provider. Set as msdyn_outboundendpointurltemplate of the channel definition.',
    isPrivate: false,
    parameter: [OUTBOUND_PAYLOAD_PARAMETER, 'Payload', 'The outbound payload (serialized JSON).'],
    property: [OUTBOUND_RESPONSE_PROPERTY, 'Response', 'The outbound response (serialized JSON).'],
  },
  'delivery-report': {
    displayName: 'Custom channel delivery report',
    description: 'Called by the provider with a delivery receipt; forwards it to msdyn_D365ChannelsNotification.',
    isPrivate: true,
    parameter: ['payload', 'Payload', "The provider's delivery receipt (serialized JSON)."],
    property: ['response', 'Response', 'The result of msdyn_D365ChannelsNotification.'],
  },
  inbound: {
    displayName: 'Custom channel inbound',
    description: 'Called by the provider with a message from a user; forwards it to msdyn_D365ChannelsInbound.',
    isPrivate: true,
    parameter: ['payload', 'Payload', "The provider's inbound message (serialized JSON)."],
    property: ['response', 'Response', 'The result of msdyn_D365ChannelsInbound.'],
  },
};
