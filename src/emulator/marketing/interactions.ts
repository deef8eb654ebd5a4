/**
 * Custom channel interactions: the request of `msdyncrm_CustomChannelActivityCreateInteraction`
 * and the query of `msdyncrm_LoadInteractionsPublic`, as pure functions over plain records.
 * https://learn.microsoft.com/dynamics365/marketing/developer/create-custom-channel-activity-interaction
 * https://learn.microsoft.com/dynamics365/marketing/developer/retrieve-interactions-contact
 */
import type { InteractionResponse, InteractionSubject } from '../../model/interaction.js';
import { ODATA_NAMESPACE } from '../../model/names.js';
import { parseGuid } from '../../util/guid.js';
import type { Refusal } from './journeyRules.js';
import type { TileConfig } from './tileConfig.js';

/** Interaction type recorded for `msdyncrm_CustomChannelActivityCreateInteraction`. */
export const CUSTOM_CHANNEL_RESPONSE = 'CustomChannelResponse';
/** Interaction type recorded when the runtime creates a custom channel activity for a contact. */
export const CUSTOM_CHANNEL_ACTIVITY_PROCESSED = 'CreateCustomChannelActivityContactProcessed';

/** One stored interaction, in the shape `msdyncrm_LoadInteractionsPublic` returns. */
export interface Interaction {
  InteractionId: string;
  InteractionType: string;
  /** ISO-8601 UTC. */
  Timestamp: string;
  ContactId: string;
  ActivityId: string;
  CustomerJourneyId: string;
  CustomerJourneyIterationId: string;
  EntityType?: string;
  EntityId?: string;
  ResponseType?: string;
  TriggerKeyword?: string;
}

/** The validated parameters of a CreateInteraction call (ids lower-case, without braces). */
export interface CreateInteractionRequest extends InteractionSubject, InteractionResponse {}

const ACTION = 'msdyncrm_CustomChannelActivityCreateInteraction';

function bad(message: string): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { status: 400, code: '0x80040203', message } };
}


const ENTITY_PARAMETERS = {
  CustomerJourney: { logicalName: 'msdyncrm_customerjourney', key: 'msdyncrm_customerjourneyid' },
  CustomerJourneyIteration: { logicalName: 'msdyncrm_customerjourneyiteration', key: 'msdyncrm_customerjourneyiterationid' },
  Contact: { logicalName: 'contact', key: 'contactid' },
} as const;
const STRING_PARAMETERS = ['ActivityId', 'EntityType', 'EntityId', 'ResponseType', 'TriggerKeyword'] as const;
const REQUIRED = ['ActivityId', 'CustomerJourney', 'CustomerJourneyIteration', 'Contact', 'EntityType', 'EntityId', 'ResponseType'];

/**
 * Validate the parameters: entity references must name the right table (when `@odata.type` is
 * given) and carry their key; strings must be strings; every parameter but TriggerKeyword is
 * required (the emulator is strict where the service would fail later, so clients learn early).
 */
export function parseCreateInteraction(body: unknown): { ok: true; request: CreateInteractionRequest } | { ok: false; refusal: Refusal } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad(`The request body of ${ACTION} must be a JSON object.`);
  const input = body as Record<string, unknown>;
  for (const name of Object.keys(input)) {
    if (!name.startsWith('@') && !(name in ENTITY_PARAMETERS) && !(STRING_PARAMETERS as readonly string[]).includes(name)) {
      return {
        ok: false,
        refusal: { status: 400, code: '0x0', message: `The parameter '${name}' in the request payload is not a valid parameter for the operation '${ACTION}'.` },
      };
    }
  }
  const missing = REQUIRED.filter((n) => input[n] === undefined || input[n] === null || input[n] === '');
  if (missing.length > 0) return bad(`${ACTION}: missing required parameter(s) ${missing.join(', ')}.`);
  for (const name of STRING_PARAMETERS) {
    if (input[name] !== undefined && input[name] !== null && typeof input[name] !== 'string') {
      return bad(`${ACTION}: parameter '${name}' must be a string (Edm.String), got ${JSON.stringify(input[name])}.`);
    }
  }
  const ids: Record<string, string> = {};
  for (const [name, spec] of Object.entries(ENTITY_PARAMETERS)) {
    const ref = input[name];
    if (typeof ref !== 'object' || ref === null || Array.isArray(ref)) {
      return bad(
        `${ACTION}: parameter '${name}' must be an entity reference like {"@odata.type":"${ODATA_NAMESPACE}.${spec.logicalName}","${spec.key}":"<guid>"}.`,
      );
    }
    const r = ref as Record<string, unknown>;
    const type = r['@odata.type'];
    if (type !== undefined && type !== `${ODATA_NAMESPACE}.${spec.logicalName}` && type !== `#${ODATA_NAMESPACE}.${spec.logicalName}`) {
      return bad(`${ACTION}: parameter '${name}' must reference ${spec.logicalName}, but its @odata.type is ${JSON.stringify(type)}.`);
    }
    const id = parseGuid(r[spec.key]);
    if (id === undefined) {
      return bad(`${ACTION}: parameter '${name}': EdmEntityObject passed should have the key property value set ('${spec.key}' must be a GUID).`);
    }
    ids[name] = id;
  }
  const request: CreateInteractionRequest = {
    activityId: input.ActivityId as string,
    journeyId: ids.CustomerJourney!,
    iterationId: ids.CustomerJourneyIteration!,
    contactId: ids.Contact!,
    entityType: input.EntityType as string,
    entityId: input.EntityId as string,
    responseType: input.ResponseType as string,
  };
  if (typeof input.TriggerKeyword === 'string' && input.TriggerKeyword !== '') request.triggerKeyword = input.TriggerKeyword;
  return { ok: true, request };
}

/**
 * Check ResponseType (and TriggerKeyword) against the channel's tile, when the tile is known:
 * the id must be one of its `<ResponseType>`s, and the `custom="True"` type needs a keyword.
 */
export function checkResponseType(request: CreateInteractionRequest, tile: TileConfig | undefined): Refusal | undefined {
  if (tile === undefined || tile.responseTypes.length === 0) return undefined;
  const type = tile.responseTypes.find((t) => t.id === request.responseType);
  if (type === undefined) {
    return {
      status: 400,
      code: '0x80040203',
      message: `ResponseType '${request.responseType}' is not defined by the tile of channel entity '${tile.entityType}'. Defined response types: ${tile.responseTypes
        .map((t) => t.id)
        .join(', ')}.`,
    };
  }
  if (type.custom && request.triggerKeyword === undefined) {
    return {
      status: 400,
      code: '0x80040203',
      message: `ResponseType '${type.id}' of channel entity '${tile.entityType}' is the custom (keyword) response type: pass the keyword in TriggerKeyword.`,
    };
  }
  return undefined;
}

/** The validated parameters of a LoadInteractionsPublic call. */
export interface LoadInteractionsQuery {
  contactId: string;
  interactionType: string;
  /** Inclusive lower bound, epoch ms (start of DateFrom, UTC). */
  from?: number;
  /** Exclusive upper bound, epoch ms (end of DateTo, UTC). */
  to?: number;
  top: number;
  /** Number of matching interactions already returned. */
  skip: number;
}

/** Page size when Top is absent, and the largest Top honored. */
export const DEFAULT_INTERACTIONS_TOP = 100;
export const MAX_INTERACTIONS_TOP = 5000;

function parseDate(value: unknown, name: string): number | Refusal | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const m = typeof value === 'string' ? /^(\d{2})-(\d{2})-(\d{4})$/.exec(value) : null;
  const ms = m ? Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2])) : NaN;
  const d = new Date(ms);
  if (!m || Number.isNaN(ms) || d.getUTCMonth() !== Number(m[1]) - 1 || d.getUTCDate() !== Number(m[2])) {
    return { status: 400, code: '0x80040203', message: `msdyncrm_LoadInteractionsPublic: ${name} must be a date formatted MM-DD-YYYY, got ${JSON.stringify(value)}.` };
  }
  return ms;
}

/** Encode / decode the opaque NextSkipToken (the count of interactions already returned). */
export function encodeSkipToken(skip: number): string {
  return Buffer.from(JSON.stringify({ skip }), 'utf8').toString('base64url');
}
function decodeSkipToken(token: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const skip = (parsed as { skip?: unknown } | null)?.skip;
    return typeof skip === 'number' && Number.isInteger(skip) && skip >= 0 ? skip : undefined;
  } catch {
    return undefined;
  }
}

/** Validate the parameters of `msdyncrm_LoadInteractionsPublic`. */
export function parseLoadInteractions(body: unknown): { ok: true; query: LoadInteractionsQuery } | { ok: false; refusal: Refusal } {
  const name = 'msdyncrm_LoadInteractionsPublic';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad(`The request body of ${name} must be a JSON object.`);
  const input = body as Record<string, unknown>;
  const known = ['ContactId', 'InteractionType', 'DateFrom', 'DateTo', 'Top', 'SkipToken'];
  for (const key of Object.keys(input)) {
    if (!key.startsWith('@') && !known.includes(key)) {
      return { ok: false, refusal: { status: 400, code: '0x0', message: `The parameter '${key}' in the request payload is not a valid parameter for the operation '${name}'.` } };
    }
  }
  const contactId = parseGuid(input.ContactId);
  if (contactId === undefined) return bad(`${name}: ContactId is required and must be a contact id (GUID).`);
  if (typeof input.InteractionType !== 'string' || input.InteractionType === '') {
    return bad(`${name}: InteractionType is required, e.g. '${CUSTOM_CHANNEL_RESPONSE}' or '${CUSTOM_CHANNEL_ACTIVITY_PROCESSED}'.`);
  }
  const from = parseDate(input.DateFrom, 'DateFrom');
  if (typeof from === 'object') return { ok: false, refusal: from };
  const toStart = parseDate(input.DateTo, 'DateTo');
  if (typeof toStart === 'object') return { ok: false, refusal: toStart };
  let top = DEFAULT_INTERACTIONS_TOP;
  if (input.Top !== undefined && input.Top !== null) {
    if (typeof input.Top !== 'number' || !Number.isInteger(input.Top) || input.Top < 1) return bad(`${name}: Top must be a positive integer, got ${JSON.stringify(input.Top)}.`);
    top = Math.min(input.Top, MAX_INTERACTIONS_TOP);
  }
  let skip = 0;
  if (input.SkipToken !== undefined && input.SkipToken !== null && input.SkipToken !== '') {
    const decoded = typeof input.SkipToken === 'string' ? decodeSkipToken(input.SkipToken) : undefined;
    if (decoded === undefined) return bad(`${name}: SkipToken is not a NextSkipToken returned by this service; pass the previous response's NextSkipToken unchanged.`);
    skip = decoded;
  }
  const query: LoadInteractionsQuery = { contactId, interactionType: input.InteractionType, top, skip };
  if (from !== undefined) query.from = from;
  if (toStart !== undefined) query.to = toStart + 24 * 3600 * 1000;
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to) return bad(`${name}: DateFrom must not be after DateTo.`);
  return { ok: true, query };
}

/** Whether an interaction matches a query's contact, type and date window. */
export function matchesQuery(interaction: Interaction, query: LoadInteractionsQuery): boolean {
  if (interaction.ContactId !== query.contactId || interaction.InteractionType !== query.interactionType) return false;
  const t = Date.parse(interaction.Timestamp);
  if (query.from !== undefined && t < query.from) return false;
  if (query.to !== undefined && t >= query.to) return false;
  return true;
}

/**
 * One page of the action's answer from the matching interactions in timestamp order: `Data` is
 * the page serialized as a JSON string, `NextSkipToken` is null on the last page.
 */
export function interactionsPage(matching: readonly Interaction[], query: LoadInteractionsQuery): { Data: string; NextSkipToken: string | null } {
  const page = matching.slice(query.skip, query.skip + query.top);
  const next = query.skip + page.length;
  return { Data: JSON.stringify(page), NextSkipToken: next < matching.length ? encodeSkipToken(next) : null };
}
