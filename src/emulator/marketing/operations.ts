/**
 * The marketing actions the emulator serves, as core operation handlers. Each validates its
 * parameters (pure functions in this folder) and answers like the service: Dataverse-shaped errors,
 * results as the action's response properties.
 */
import { randomUUID } from 'node:crypto';
import { Actions, Tables } from '../../model/names.js';
import { WebApiError, recordNotFound } from '../core/errors.js';
import type { EmulatorCore, OperationHandler, RowValues } from '../core/types.js';
import { parseInbound, parseNotification } from './channelMessages.js';
import { CUSTOM_CHANNEL_RESPONSE, type Interaction, checkResponseType, interactionsPage, parseCreateInteraction, parseLoadInteractions } from './interactions.js';
import { CHANNEL_MESSAGE_TABLE, findInteractions, interactionWrite } from './interactionStore.js';
import { validateJourneyFields } from './journeyValidation.js';
import type { Refusal } from './journeyRules.js';
import { loadTileConfigs } from './runtime.js';
import { parseValidateRequest } from './validateRequest.js';

/** A refusal as the error the core answers with. */
export function toWebApiError(refusal: Refusal): WebApiError {
  return new WebApiError(refusal.status, refusal.code, refusal.message);
}

/** A parse result: the checked parameters, or why they were refused. */
type Checked = { ok: true } | { ok: false; refusal: Refusal };

/** An action whose parameters `parse` checks first; a refusal is answered as the error it describes. */
function checkedAction<P extends Checked>(
  parse: (parameters: Record<string, unknown>) => P,
  run: (parsed: Extract<P, { ok: true }>, core: EmulatorCore) => unknown,
): OperationHandler {
  return {
    kind: 'action',
    handle({ parameters, core }) {
      const parsed = parse(parameters);
      if (!parsed.ok) throw toWebApiError((parsed as Extract<P, { ok: false }>).refusal);
      return run(parsed as Extract<P, { ok: true }>, core);
    },
  };
}

/** The row's values; a missing row is answered with Dataverse's "does not exist" error. */
function requireRow(core: EmulatorCore, table: { entitySet: string; logicalName: string }, id: string): RowValues {
  const row = core.read(table.entitySet, id);
  if (row === undefined) throw recordNotFound(table.logicalName, id);
  return row;
}

/** `msdyncrm_CustomerJourneyValidate`: the error check over the values passed (nothing is read or saved). */
export const customerJourneyValidate = checkedAction(parseValidateRequest, ({ input }, core) => {
  // The result is a JSON document serialized into a string property, as the service answers.
  return { ValidationResult: JSON.stringify(validateJourneyFields(input.fields, core)) };
});

/** `msdyncrm_CustomChannelActivityCreateInteraction`: records one custom channel response; 204. */
export const customChannelActivityCreateInteraction = checkedAction(parseCreateInteraction, ({ request }, core) => {
  requireRow(core, Tables.customerJourney, request.journeyId);
  requireRow(core, Tables.journeyIteration, request.iterationId);
  requireRow(core, Tables.contact, request.contactId);
  const tile = loadTileConfigs(core).find((c) => c.entityType === request.entityType);
  const refusal = checkResponseType(request, tile);
  if (refusal !== undefined) throw toWebApiError(refusal);
  const interaction: Interaction = {
    InteractionId: randomUUID(),
    InteractionType: CUSTOM_CHANNEL_RESPONSE,
    Timestamp: new Date().toISOString(),
    ContactId: request.contactId,
    ActivityId: request.activityId,
    CustomerJourneyId: request.journeyId,
    CustomerJourneyIterationId: request.iterationId,
    EntityType: request.entityType,
    EntityId: request.entityId,
    ResponseType: request.responseType,
  };
  if (request.triggerKeyword !== undefined) interaction.TriggerKeyword = request.triggerKeyword;
  core.write(interactionWrite(interaction), { system: true });
  return undefined;
});

/** `msdyncrm_LoadInteractionsPublic`: one page of a contact's interactions of one type. */
export const loadInteractionsPublic = checkedAction(parseLoadInteractions, ({ query }, core) => interactionsPage(findInteractions(core, query), query));

function storeChannelMessage(core: EmulatorCore, kind: string, channelDefinitionId: string, payload: Record<string, unknown>): string {
  const id = randomUUID();
  core.write(
    {
      entitySet: CHANNEL_MESSAGE_TABLE.entitySet,
      operation: 'create',
      id,
      values: {
        emulator_kind: kind,
        emulator_channeldefinitionid: channelDefinitionId,
        emulator_receivedon: new Date().toISOString(),
        emulator_payload: JSON.stringify(payload),
      },
    },
    { system: true },
  );
  return id;
}

/** `msdyn_D365ChannelsNotification`: stores a delivery report; `responseMessage` acknowledges it. */
export const channelsNotification = checkedAction(parseNotification, ({ notification }, core) => {
  requireRow(core, Tables.channelDefinition, notification.channelDefinitionId);
  const id = storeChannelMessage(core, 'notification', notification.channelDefinitionId, notification.payload);
  return { responseMessage: JSON.stringify({ Status: 'Accepted', RequestId: notification.requestId, Id: id }) };
});

/** `msdyn_D365ChannelsInbound`: stores an inbound message for a channel that declares inbound support. */
export const channelsInbound = checkedAction(parseInbound, ({ inbound }, core) => {
  const definition = requireRow(core, Tables.channelDefinition, inbound.channelDefinitionId);
  if (definition.msdyn_hasinbound !== true) {
    throw toWebApiError({
      status: 400,
      code: '0x80040203',
      message: `msdyn_D365ChannelsInbound: channel definition ${inbound.channelDefinitionId} does not support inbound messages (msdyn_hasinbound is false).`,
    });
  }
  const id = storeChannelMessage(core, 'inbound', inbound.channelDefinitionId, inbound.payload);
  return { responseMessage: JSON.stringify({ Status: 'Accepted', Id: id }) };
});

/** The outbound marketing actions: gone from current tenants (profile `outbound-removed`). */
export const OUTBOUND_OPERATIONS: Readonly<Record<string, OperationHandler>> = Object.freeze({
  [Actions.customerJourneyValidate]: customerJourneyValidate,
  [Actions.customChannelActivityCreateInteraction]: customChannelActivityCreateInteraction,
  [Actions.loadInteractionsPublic]: loadInteractionsPublic,
});

/** The real-time channel actions of the channel base solution (kept after the outbound removal). */
export const CHANNEL_OPERATIONS: Readonly<Record<string, OperationHandler>> = Object.freeze({
  [Actions.channelsNotification]: channelsNotification,
  [Actions.channelsInbound]: channelsInbound,
});
