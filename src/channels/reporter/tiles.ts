/**
 * The channel tiles of an environment: web resources named `…CustomerJourneyDesignerTileConfig.xml`
 * (content base64-encoded, as Dataverse stores web resources), keyed by their EntityType, so a
 * response can be checked against the tile of the activity's channel before it is reported.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/developer/configure-tile-custom-channel
 */
import type { DataverseClient } from '../../dataverse/index.js';
import { Tables } from '../../model/names.js';
import { parseTileConfig, TILE_FILE_SUFFIX, type TileConfig } from '../tile/index.js';

/** Web resource `content` is base64; plain XML is accepted as well. */
function webResourceText(content: unknown): string {
  if (typeof content !== 'string') return '';
  if (content.trimStart().startsWith('<')) return content;
  return Buffer.from(content, 'base64').toString('utf8');
}

/** Tiles by the logical name of their channel entity. Tiles that cannot be parsed are passed to `onSkipped`. */
export async function loadChannelTiles(
  client: DataverseClient,
  options: { abortSignal?: AbortSignal; onSkipped?: (name: string, reason: string) => void } = {},
): Promise<Map<string, TileConfig>> {
  const tiles = new Map<string, TileConfig>();
  const rows = client.query(Tables.webResource.entitySet, {
    select: ['name', 'content'],
    filter: `endswith(name,'${TILE_FILE_SUFFIX}')`,
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
  for await (const row of rows) {
    const name = String(row.name ?? '');
    try {
      const tile = parseTileConfig(webResourceText(row.content), { fileName: name });
      const entityType = tile.channelProperties?.entityType;
      if (entityType) tiles.set(entityType, tile);
      else options.onSkipped?.(name, 'no ChannelProperties/EntityType');
    } catch (error) {
      options.onSkipped?.(name, (error as Error).message);
    }
  }
  return tiles;
}
