// A handler for the sample SMS channel that breaks the contract in documented ways, so that
// `journeyctl realtime conformance … --handler samples/realtime-channel/handlers/failing.mjs`
// fails these checks (and exits 1):
// - outbound-request-id: without MarketingAppContext it answers with a new RequestId instead of
//   echoing the payload's;
// - outbound-status: there it also reports the delivery outcome ("Delivered") in the outbound
//   response, which the current contract does not allow (Sent or NotSent only);
// - outbound-response-json: a test send gets a plain-text answer instead of serialized JSON;
// - delivery-report-recorded: the delivery report API acknowledges the receipt but never calls
//   msdyn_D365ChannelsNotification.
// The inbound API keeps the contract, so inbound-call and inbound-recorded pass.
// https://learn.microsoft.com/dynamics365/customer-insights/journeys/real-time-marketing-custom-channel-custom-api
import { randomUUID } from 'node:crypto';

export async function outbound({ parameters }) {
  const payload = JSON.parse(parameters.payload);
  if (payload.MarketingAppContext?.IsTestSend) return { response: 'OK' };
  if (!payload.MarketingAppContext) {
    return { response: JSON.stringify({ ChannelDefinitionId: payload.ChannelDefinitionId, RequestId: randomUUID(), Status: 'Delivered' }) };
  }
  const response = { ChannelDefinitionId: payload.ChannelDefinitionId, RequestId: payload.RequestId, MessageId: `SM${payload.RequestId}`, Status: 'Sent' };
  return { response: JSON.stringify(response) };
}

export async function deliveryReport() {
  return { response: JSON.stringify({ Status: 'Accepted' }) };
}

export async function inbound({ parameters, execute }) {
  const result = await execute('msdyn_D365ChannelsInbound', { inboundPayLoad: parameters.payload });
  return { response: JSON.stringify(result ?? {}) };
}
