/**
 * The tile configuration of an outbound custom channel: the Data (XML) web resource
 * `<prefix>_<Name>CustomerJourneyDesignerTileConfig.xml` that puts the channel's tile in the
 * customer journey designer.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/developer/configure-tile-custom-channel
 */
import { InputError } from '../../errors.js';
import { childNamed, childrenNamed, parseXml, type XmlElement } from './safeXml.js';

/** Tile web resource names end with this. */
export const TILE_FILE_SUFFIX = 'CustomerJourneyDesignerTileConfig.xml';

/** The locale every label and tooltip list must contain (English, United States). */
export const REQUIRED_LOCALE_ID = '1033';

/** A text in one locale (`<Label locId="1033">Sent</Label>`). */
export interface LocalizedText {
  /** The LCID as written, e.g. `1033`. */
  locId: string;
  text: string;
  /** 1-based source line, when known. */
  line?: number;
}

/** `<Definition icon= fontFamily= cssFileName= />`: how the tile icon is drawn. */
export interface TileDefinition {
  /** CSS class of the tile icon. */
  icon?: string;
  /** CSS class of the icon font. */
  fontFamily?: string;
  /** Name of the CSS web resource with those classes. */
  cssFileName?: string;
}

/** `<ChannelProperties>`: the channel's custom entity. */
export interface ChannelProperties {
  /** Logical name of the channel's custom entity (e.g. `sample_specialmessage`). */
  entityType?: string;
  /** Its entity set (collection) name (e.g. `sample_specialmessages`). */
  entitySetName?: string;
  /** Its primary name attribute. */
  titleFieldName?: string;
  /** Boolean attribute of contact; the activity is created only when it is false. */
  complianceField?: string;
  /** Lookup view id of the custom entity. */
  lookupViewId?: string;
  /** Quick-view form id of the custom entity. */
  quickViewFormId?: string;
}

/** One `<ResponseType id="…" [custom="True"]>`. */
export interface ResponseType {
  /** The value reported as `ResponseType` of `msdyncrm_CustomChannelActivityCreateInteraction`. */
  id: string;
  /** `custom="True"`: a keyword response; the keyword travels as `TriggerKeyword`. */
  custom: boolean;
  labels: LocalizedText[];
  line?: number;
}

/** A parsed tile configuration. Absent elements stay `undefined`; {@link lintTile} judges them. */
export interface TileConfig {
  /** The file name the configuration came from, when known. */
  fileName?: string;
  definition?: TileDefinition;
  channelProperties?: ChannelProperties;
  /** `undefined` when the optional `<ResponseTypes>` element is absent. */
  responseTypes?: ResponseType[];
  /** Tile display names; `undefined` when `<Labels>` is absent. */
  labels?: LocalizedText[];
  /** `undefined` when `<Tooltips>` is absent. */
  tooltips?: LocalizedText[];
}

/** The root element of a tile configuration. */
export const TILE_ROOT_ELEMENT = 'LibraryTile';

/**
 * Parse a tile configuration. Throws an {@link InputError} for XML that cannot be read safely
 * (malformed, DOCTYPE/ENTITY declarations) or whose root is not `<LibraryTile>`; everything
 * else (missing elements, bad ids) is left to {@link lintTile}.
 */
export function parseTileConfig(xml: string, options: { fileName?: string } = {}): TileConfig {
  return tileFromRoot(parseTileRoot(xml, options.fileName), options.fileName);
}

/** Parse the XML and check the root element; shared by {@link parseTileConfig} and the linter. */
export function parseTileRoot(xml: string, fileName?: string): XmlElement {
  const root = parseXml(xml, fileName === undefined ? {} : { file: fileName });
  if (root.name !== TILE_ROOT_ELEMENT) {
    throw new InputError(
      `not a tile configuration: the root element is <${root.name}>, expected <${TILE_ROOT_ELEMENT}>`,
      { ...(fileName === undefined ? {} : { file: fileName }), pointer: `/${root.name}` },
      { hint: 'a custom channel tile XML starts with <LibraryTile>' },
    );
  }
  return root;
}

/** Build the typed configuration from a parsed `<LibraryTile>` element. */
export function tileFromRoot(root: XmlElement, fileName?: string): TileConfig {
  const tile: TileConfig = {};
  if (fileName !== undefined) tile.fileName = fileName;
  const definition = childNamed(root, 'Definition');
  if (definition) {
    tile.definition = withoutUndefined({
      icon: definition.attributes.get('icon'),
      fontFamily: definition.attributes.get('fontFamily'),
      cssFileName: definition.attributes.get('cssFileName'),
    });
  }
  const channel = childNamed(root, 'ChannelProperties');
  if (channel) {
    const text = (name: string): string | undefined => {
      const value = childNamed(channel, name)?.text;
      return value === undefined || value === '' ? undefined : value;
    };
    tile.channelProperties = withoutUndefined({
      entityType: text('EntityType'),
      entitySetName: text('EntitySetName'),
      titleFieldName: text('TitleFieldName'),
      complianceField: text('ComplianceField'),
      lookupViewId: text('LookupViewId'),
      quickViewFormId: text('QuickViewFormId'),
    });
  }
  const responseTypes = childNamed(root, 'ResponseTypes');
  if (responseTypes) {
    tile.responseTypes = childrenNamed(responseTypes, 'ResponseType').map((element) => ({
      id: element.attributes.get('id') ?? '',
      custom: isTrue(element.attributes.get('custom')),
      labels: localizedTexts(childNamed(element, 'Labels'), 'Label'),
      ...(element.line === undefined ? {} : { line: element.line }),
    }));
  }
  const labels = childNamed(root, 'Labels');
  if (labels) tile.labels = localizedTexts(labels, 'Label');
  const tooltips = childNamed(root, 'Tooltips');
  if (tooltips) tile.tooltips = localizedTexts(tooltips, 'Tooltip');
  return tile;
}

/** `custom="True"` in the docs' sample; XML booleans are also written `true`/`1`. */
export function isTrue(value: string | undefined): boolean {
  const v = value?.trim().toLowerCase();
  return v === 'true' || v === '1';
}

function localizedTexts(parent: XmlElement | undefined, name: string): LocalizedText[] {
  return childrenNamed(parent, name).map((element) => ({
    locId: element.attributes.get('locId') ?? '',
    text: element.text,
    ...(element.line === undefined ? {} : { line: element.line }),
  }));
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/** The 1033 text of a list of localized texts, when there is one. */
export function englishText(texts: readonly LocalizedText[] | undefined): string | undefined {
  return texts?.find((t) => t.locId === REQUIRED_LOCALE_ID)?.text;
}
