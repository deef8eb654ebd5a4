/**
 * The sample outbound custom channel of the seed data: an SMS tile configuration web resource with
 * the response types sent, delivered and one keyword (custom) response.
 * https://learn.microsoft.com/dynamics365/marketing/developer/configure-tile-custom-channel
 */

/** Web resource name; the part before `CustomerJourneyDesignerTileConfig.xml` is the tile prefix. */
export const SAMPLE_TILE_WEB_RESOURCE = 'contoso_SmsCustomerJourneyDesignerTileConfig.xml';

/** The tile prefix, which the seed journeys use as the custom tile's ActivityTypeId. */
export const SAMPLE_TILE_PREFIX = 'contoso_Sms';

/** Logical and entity set names of the channel's custom entity, as the tile declares them. */
export const SAMPLE_CHANNEL_ENTITY = Object.freeze({ logicalName: 'contoso_smsmessage', entitySet: 'contoso_smsmessages' });

/** The tile configuration XML. */
export const SAMPLE_TILE_XML = `<?xml version="1.0" encoding="utf-8"?>
<LibraryTile>
  <Definition icon="contoso_Sms" fontFamily="contoso_SmsSymbolFont" cssFileName="contoso_SmsCustomerJourneyDesignerTileConfig.css" />
  <ChannelProperties>
    <EntityType>${SAMPLE_CHANNEL_ENTITY.logicalName}</EntityType>
    <EntitySetName>${SAMPLE_CHANNEL_ENTITY.entitySet}</EntitySetName>
    <TitleFieldName>contoso_name</TitleFieldName>
    <ComplianceField>donotphone</ComplianceField>
    <LookupViewId>7c6b3a1e-2f4d-4b8a-9e5c-1d0f3a2b4c6e</LookupViewId>
    <QuickViewFormId>2e9d4c7b-8a1f-4e3d-b6c5-0a9f8e7d6c5b</QuickViewFormId>
  </ChannelProperties>
  <ResponseTypes>
    <ResponseType id="sent">
      <Labels>
        <Label locId="1033">Sent</Label>
      </Labels>
    </ResponseType>
    <ResponseType id="delivered">
      <Labels>
        <Label locId="1033">Delivered</Label>
      </Labels>
    </ResponseType>
    <ResponseType id="keyword" custom="True">
      <Labels>
        <Label locId="1033">Keyword reply</Label>
      </Labels>
    </ResponseType>
  </ResponseTypes>
  <Labels>
    <Label locId="1033">Contoso SMS</Label>
  </Labels>
  <Tooltips>
    <Tooltip locId="1033">Send a text message through Contoso SMS</Tooltip>
  </Tooltips>
</LibraryTile>
`;
