/**
 * The marketing actions the emulator serves, as core operation handlers. Each validates its
 * parameters (pure functions in this folder) and answers like the service: Dataverse-shaped errors,
 * results as the action's response properties.
 */
import { randomUUID } from 'node:crypto';
import { Actions, Tables } from '../../model/names.js';
import { WebApiError, recordNotFound } from '../core/errors.js';
import type { EmulatorCore, OperationHandler } from '../core/types.js';
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

function requireRow(core: EmulatorCore, table: { entitySet: string; logicalName: string }, id: string): void {
  if (core.read(table.entitySet, id) === undefined) throw recordNotFound(table.logicalName, id);
}

/** `msdyncrm_CustomerJourneyValidate`: the error check over the values passed (nothing is read or saved). */
export const customerJourneyValidate: OperationHandler = {
  kind: 'action',
  handle({ parameters }) {
    const parsed = parseValidateRequest(parameters);
    if (!parsed.ok) throw toWebApiError(parsed.refusal);
    // The result is a JSON document serialized into a string property, as the service answers.
    return { ValidationResult: JSON.stringify(validateJourneyFields(parsed.input.fields)) };
  },
};

/** `msdyncrm_CustomChannelActivityCreateInteraction`: records one custom channel response; 204. */
export const customChannelActivityCreateInteraction: OperationHandler = {
  kind: 'action',
  handle({ parameters, core }) {
    const parsed = parseCreateInteraction(parameters);
    if (!parsed.ok) throw toWebApiError(parsed.refusal);
    const request = parsed.request;
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
  },
};

/** `msdyncrm_LoadInteractionsPublic`: one page of a contact's interactions of one type. */
export const loadInteractionsPublic: OperationHandler = {
  kind: 'action',
  handle({ parameters, core }) {
    const parsed = parseLoadInteractions(parameters);
    if (!parsed.ok) throw toWebApiError(parsed.refusal);
    return interactionsPage(findInteractions(core, parsed.query), parsed.query);
  },
};

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
export const channelsNotification: OperationHandler = {
  kind: 'action',
  handle({ parameters, core }) {
    const parsed = parseNotification(parameters);
    if (!parsed.ok) throw toWebApiError(parsed.refusal);
    const n = parsed.notification;
    requireRow(core, Tables.channelDefinition, n.channelDefinitionId);
    const id = storeChannelMessage(core, 'notification', n.channelDefinitionId, n.payload);
    return { responseMessage: JSON.stringify({ Status: 'Accepted', RequestId: n.requestId, Id: id }) };
  },
};

/** `msdyn_D365ChannelsInbound`: stores an inbound message for a channel that declares inbound support. */
export const channelsInbound: OperationHandler = {
  kind: 'action',
  handle({ parameters, core }) {
    const parsed = parseInbound(parameters);
    if (!parsed.ok) throw toWebApiError(parsed.refusal);
    const m = parsed.inbound;
    const definition = core.read(Tables.channelDefinition.entitySet, m.channelDefinitionId);
    if (definition === undefined) throw recordNotFound(Tables.channelDefinition.logicalName, m.channelDefinitionId);
    if (definition.msdyn_hasinbound !== true) {
      throw toWebApiError({
        status: 400,
        code: '0x80040203',
        message: `msdyn_D365ChannelsInbound: channel definition ${m.channelDefinitionId} does not support inbound messages (msdyn_hasinbound is false).`,
      });
    }
    const id = storeChannelMessage(core, 'inbound', m.channelDefinitionId, m.payload);
    return { responseMessage: JSON.stringify({ Status: 'Accepted', Id: id }) };
  },
};

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
