/**
 * The tile configuration of an outbound custom channel: a Data (XML) web resource whose name ends
 * with `CustomerJourneyDesignerTileConfig.xml`.
 * https://learn.microsoft.com/dynamics365/marketing/developer/configure-tile-custom-channel
 */
import { XMLParser } from 'fast-xml-parser';

/** Web resources whose name ends with this are custom channel tile configurations. */
export const TILE_CONFIG_SUFFIX = 'CustomerJourneyDesignerTileConfig.xml';

/** One `<ResponseType>` of a tile. */
export interface TileResponseType {
  id: string;
  /** `custom="True"`: a keyword response; the keyword travels as TriggerKeyword. */
  custom: boolean;
}

/** What the emulator needs from a tile configuration. */
export interface TileConfig {
  /** The web resource name without path and suffix (the designer's `Custom_<prefix>` naming). */
  prefix: string;
  /** Logical name of the channel's custom entity. */
  entityType: string;
  entitySetName?: string;
  titleFieldName?: string;
  /** Boolean contact attribute: a custom channel activity is created only when it is false or unset. */
  complianceField?: string;
  responseTypes: TileResponseType[];
  /** English (1033) label of the tile, when given. */
  label?: string;
}

// Entity processing off: a tile XML is user data, and DOCTYPE entities would let it expand
// without bound. Attributes are needed (ResponseType id/custom, Label locId).
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === 'ResponseType' || name === 'Label',
});

/** The prefix of a tile web resource name (`new_/tiles/sms_SmsCustomerJourneyDesignerTileConfig.xml` -> `sms_Sms`). */
export function tilePrefixOf(webResourceName: string): string | undefined {
  if (!webResourceName.endsWith(TILE_CONFIG_SUFFIX)) return undefined;
  const base = webResourceName.slice(webResourceName.lastIndexOf('/') + 1);
  return base.slice(0, base.length - TILE_CONFIG_SUFFIX.length);
}

function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node.trim() === '' ? undefined : node.trim();
  if (typeof node === 'object' && node !== null && typeof (node as Record<string, unknown>)['#text'] === 'string') {
    return text((node as Record<string, unknown>)['#text']);
  }
  return undefined;
}

function child(node: unknown, name: string): unknown {
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[name] : undefined;
}

/**
 * Parse a tile configuration, or undefined when the XML is not one (no
 * `LibraryTile/ChannelProperties/EntityType`). Never throws: a broken web resource is ignored.
 */
export function parseTileConfig(webResourceName: string, xml: string): TileConfig | undefined {
  const prefix = tilePrefixOf(webResourceName);
  if (prefix === undefined) return undefined;
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    return undefined;
  }
  const tile = child(doc, 'LibraryTile');
  const channel = child(tile, 'ChannelProperties');
  const entityType = text(child(channel, 'EntityType'));
  if (entityType === undefined) return undefined;
  const responseNodes = child(child(tile, 'ResponseTypes'), 'ResponseType');
  const responseTypes: TileResponseType[] = [];
  if (Array.isArray(responseNodes)) {
    for (const node of responseNodes) {
      const id = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)['@id'] : undefined;
      if (typeof id !== 'string' || id === '') continue;
      const custom = String((node as Record<string, unknown>)['@custom'] ?? '').toLowerCase() === 'true';
      responseTypes.push({ id, custom });
    }
  }
  const labels = child(child(tile, 'Labels'), 'Label');
  const english = Array.isArray(labels)
    ? labels.find((l) => typeof l === 'object' && l !== null && (l as Record<string, unknown>)['@locId'] === '1033')
    : undefined;
  const config: TileConfig = { prefix, entityType, responseTypes };
  const entitySetName = text(child(channel, 'EntitySetName'));
  const titleFieldName = text(child(channel, 'TitleFieldName'));
  const complianceField = text(child(channel, 'ComplianceField'));
  const label = text(english);
  if (entitySetName !== undefined) config.entitySetName = entitySetName;
  if (titleFieldName !== undefined) config.titleFieldName = titleFieldName;
  if (complianceField !== undefined) config.complianceField = complianceField;
  if (label !== undefined) config.label = label;
  return config;
}

/**
 * Whether a custom tile of the workflow definition belongs to this configuration. The
 * ActivityTypeId of custom tiles is undocumented; the designer's naming (`Custom_<prefix>`,
 * `libraryElementCustom_<prefix>`) hints at the prefix, and the entity's logical name is the
 * other natural choice, so all of them match (case-insensitively).
 */
export function tileMatchesActivityType(config: TileConfig, activityTypeId: string): boolean {
  const t = activityTypeId.toLowerCase();
  const p = config.prefix.toLowerCase();
  return t === config.entityType.toLowerCase() || t === p || t === `custom_${p}` || t === `libraryelementcustom_${p}`;
}
