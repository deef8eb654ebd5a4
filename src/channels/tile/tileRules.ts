/**
 * The documented rules of a custom channel tile XML, each with the page it comes from.
 * Only rules the documentation states are here; the linter checks nothing else.
 */
import { documentedRule, type DocumentedRule } from '../documentedRule.js';

/** The current tile page (2022): naming, sample with "mandatory" comments, element table. */
export const TILE_DOC_URL = 'https://learn.microsoft.com/dynamics365/customer-insights/journeys/developer/configure-tile-custom-channel';
/** The 2018 tile page (Dynamics 365 Marketing), which also documents `<Definition>` and the CSS web resource. */
export const TILE_DOC_2018_URL = 'https://learn.microsoft.com/dynamics365/marketing/developer/configure-tile-custom-channel';
/** The test page: "The file name must end with 'CustomerJourneyDesignerTileConfig.xml'". */
export const TILE_TEST_DOC_URL = 'https://learn.microsoft.com/dynamics365/customer-insights/journeys/developer/test-custom-channel-tile';

/** A tile rule: id, severity, what it checks and where that is documented. */
export type TileRule = DocumentedRule;

const rule = documentedRule;

/** Every tile rule by key. */
export const TILE_RULES = Object.freeze({
  fileNameSuffix: rule(
    'tile-file-name-suffix',
    'error',
    'The file name must end with CustomerJourneyDesignerTileConfig.xml.',
    TILE_TEST_DOC_URL,
  ),
  fileNameCharacters: rule(
    'tile-file-name-characters',
    'error',
    'The file name may only contain alphanumeric characters and underscores.',
    TILE_DOC_URL,
  ),
  fileNamePrefix: rule(
    'tile-file-name-prefix',
    'warning',
    'The file name has the form <SolutionPublisherPrefix>_<FileNamePrefix>CustomerJourneyDesignerTileConfig.xml.',
    TILE_DOC_URL,
  ),
  mandatoryElement: rule(
    'tile-mandatory-element',
    'error',
    'ChannelProperties (with EntityType, EntitySetName, ComplianceField, LookupViewId, QuickViewFormId), Labels and Tooltips are mandatory.',
    TILE_DOC_URL,
  ),
  recommendedElement: rule(
    'tile-recommended-element',
    'warning',
    'TitleFieldName appears in the sample without being described; Definition is mandatory in the 2018 page and absent from the current one.',
    TILE_DOC_URL,
  ),
  definitionAttribute: rule(
    'tile-definition-attribute',
    'warning',
    'Definition carries icon, fontFamily and cssFileName.',
    TILE_DOC_2018_URL,
  ),
  cssFileName: rule(
    'tile-css-file-name',
    'warning',
    'The CSS file name follows the XML file naming convention: <FileNamePrefix>CustomerJourneyDesignerTileConfig.css.',
    TILE_DOC_2018_URL,
  ),
  guid: rule('tile-guid', 'error', 'LookupViewId and QuickViewFormId are ids (GUIDs) of a view and a form of the custom entity.', TILE_DOC_URL),
  label1033: rule('tile-label-1033', 'error', 'Labels must contain a Label with locId="1033".', TILE_DOC_URL),
  tooltip1033: rule('tile-tooltip-1033', 'error', 'Tooltips must contain a Tooltip with locId="1033".', TILE_DOC_URL),
  responseTypeLabel1033: rule(
    'tile-response-type-label-1033',
    'error',
    'Each ResponseType has Labels with a Label for locId="1033".',
    TILE_DOC_URL,
  ),
  responseTypeId: rule('tile-response-type-id', 'error', 'Each ResponseType has a non-empty id attribute.', TILE_DOC_URL),
  responseTypeDuplicate: rule(
    'tile-response-type-duplicate',
    'error',
    'ResponseType ids identify the response reported as ResponseType; each id appears once.',
    TILE_DOC_URL,
  ),
  customResponseTypeCount: rule(
    'tile-custom-response-type-count',
    'error',
    'At most one ResponseType may have custom="True".',
    TILE_DOC_URL,
  ),
});

/** A tile rule's key in {@link TILE_RULES}. */
export type TileRuleKey = keyof typeof TILE_RULES;
