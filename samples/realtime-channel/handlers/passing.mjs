// A handler for the sample SMS channel that keeps the contract: `journeyctl realtime conformance
// samples/realtime-channel/channel.yaml --handler samples/realtime-channel/handlers/passing.mjs`
// passes every check. It stands in for the plug-ins of the channel's three custom APIs.
// https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-api

/** Outbound (contoso_ContosoSmsOutbound): payload in, response out. */
export async function outbound({ parameters }) {
  const payload = JSON.parse(parameters.payload);
  // A real plug-in sends payload.Message.text to payload.To through the provider here, and
  // deduplicates on payload.IdempotencyId (the platform retries after 20 seconds).
  const accepted = typeof payload.Message.text === 'string' && payload.Message.text.length <= 1600;
  const response = {
    ChannelDefinitionId: payload.ChannelDefinitionId,
    RequestId: payload.RequestId,
    MessageId: accepted ? `SM${payload.IdempotencyId ?? payload.RequestId}` : null,
    Status: accepted ? 'Sent' : 'NotSent',
    ...(accepted ? {} : { Details: { Reason: 'TooLong', Message: 'The text exceeds 1600 characters.' } }),
  };
  return { response: JSON.stringify(response) };
}

/** Delivery report (contoso_ContosoSmsDeliveryReport): the provider's receipt → msdyn_D365ChannelsNotification. */
export async function deliveryReport({ parameters, execute }) {
  const receipt = JSON.parse(parameters.payload);
  const notification = {
    ChannelDefinitionId: receipt.ChannelDefinitionId,
    RequestId: receipt.RequestId,
    MessageId: receipt.MessageId,
    From: receipt.From,
    OrganizationId: receipt.OrganizationId,
    Status: receipt.Status === 'Delivered' ? 'Delivered' : 'NotDelivered',
  };
  const result = await execute('msdyn_D365ChannelsNotification', { notificationPayLoad: JSON.stringify(notification) });
  return { response: JSON.stringify(result ?? {}) };
}

/** Inbound (contoso_ContosoSmsInbound): a user's SMS → msdyn_D365ChannelsInbound. */
export async function inbound({ parameters, execute }) {
  const message = JSON.parse(parameters.payload);
  const result = await execute('msdyn_D365ChannelsInbound', { inboundPayLoad: JSON.stringify(message) });
  return { response: JSON.stringify(result ?? {}) };
}
