/** Outbound custom channel tile XML: safe parsing, response types and the documented lint rules. */
export { parseXml, decodeXmlText, type XmlElement, type ParseXmlOptions } from './safeXml.js';
export {
  parseTileConfig,
  englishText,
  TILE_FILE_SUFFIX,
  TILE_ROOT_ELEMENT,
  REQUIRED_LOCALE_ID,
  type TileConfig,
  type TileDefinition,
  type ChannelProperties,
  type ResponseType,
  type LocalizedText,
} from './tileConfig.js';
export { responseTypesOf, findResponseType, checkResponseType } from './responseTypes.js';
export { lintTile, type TileFinding } from './lintTile.js';
export { TILE_RULES, type TileRule, type TileRuleKey } from './tileRules.js';
