/**
 * The response types a tile declares, and the check the interaction reporter makes before it
 * reports a provider response through `msdyncrm_CustomChannelActivityCreateInteraction`:
 * its `ResponseType` must be the id of a declared `<ResponseType>`, and `TriggerKeyword` is
 * the keyword of the one `custom="True"` type.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/developer/configure-tile-custom-channel
 */
import { InputError } from '../../errors.js';
import type { ResponseType, TileConfig } from './tileConfig.js';

/** The response types a tile declares, in document order (empty when it declares none). */
export function responseTypesOf(tile: TileConfig): readonly ResponseType[] {
  return tile.responseTypes ?? [];
}

/** The response type with this id, if the tile declares it (ids compare exactly). */
export function findResponseType(tile: TileConfig, id: string): ResponseType | undefined {
  return responseTypesOf(tile).find((r) => r.id === id);
}

/**
 * Check a provider response against the tile before it is reported, and return the declared
 * response type. Throws an {@link InputError} when:
 * - the tile declares no response type with this id (journeys can only react to declared ones);
 * - the type is `custom="True"` and no non-empty `triggerKeyword` is given;
 * - a `triggerKeyword` is given for a type that is not `custom="True"` (it would be ignored,
 *   which usually means the provider mapped the response to the wrong type).
 */
export function checkResponseType(tile: TileConfig, responseType: string, triggerKeyword?: string): ResponseType {
  const location = tile.fileName === undefined ? {} : { file: tile.fileName };
  if (responseType.trim() === '') {
    throw new InputError('the response type is empty', location, { hint: 'pass the id of a <ResponseType> the tile declares' });
  }
  const declared = findResponseType(tile, responseType);
  const known = responseTypesOf(tile).map((r) => r.id);
  if (!declared) {
    throw new InputError(`unknown response type "${responseType}": the tile does not declare it`, location, {
      hint:
        known.length === 0
          ? 'the tile declares no <ResponseTypes>; add a <ResponseType id="..."> for each response the provider reports'
          : `use one of: ${known.join(', ')}`,
    });
  }
  const hasKeyword = triggerKeyword !== undefined && triggerKeyword.trim() !== '';
  if (declared.custom && !hasKeyword) {
    throw new InputError(`response type "${responseType}" is a keyword response (custom="True") and needs a TriggerKeyword`, location, {
      hint: 'pass the keyword the contact answered as TriggerKeyword',
    });
  }
  if (!declared.custom && triggerKeyword !== undefined) {
    const custom = responseTypesOf(tile).find((r) => r.custom);
    throw new InputError(`response type "${responseType}" takes no TriggerKeyword (only custom="True" types do)`, location, {
      hint: custom ? `report keyword answers as "${custom.id}"` : 'drop the TriggerKeyword',
    });
  }
  return declared;
}
