import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkResponseType,
  lintTile,
  parseTileConfig,
  parseXml,
  responseTypesOf,
  TILE_RULES,
  type TileFinding,
} from '../../src/channels/index.js';
import { isInputError } from '../../src/errors.js';
import { inputErrorOf } from '../helpers/errors.js';

const TILES = resolve(import.meta.dirname, '../../samples/channels/tiles');
const GOOD_NAME = 'contoso_SmsTileCustomerJourneyDesignerTileConfig.xml';
const GOOD = readFileSync(resolve(TILES, GOOD_NAME), 'utf8');

function sample(name: string): string {
  return readFileSync(resolve(TILES, name), 'utf8');
}

/** The good tile with one substring replaced (the replacement must happen). */
function breakGood(search: string | RegExp, replacement: string): string {
  const broken = GOOD.replace(search, replacement);
  expect(broken, `sample must contain ${String(search)}`).not.toBe(GOOD);
  return broken;
}

function ruleIds(findings: readonly TileFinding[]): string[] {
  return findings.map((f) => f.ruleId);
}


describe('parseTileConfig', () => {
  it('reads every documented element of the sample into the typed configuration', () => {
    const tile = parseTileConfig(GOOD, { fileName: GOOD_NAME });
    expect(tile.fileName).toBe(GOOD_NAME);
    expect(tile.definition).toEqual({
      icon: 'contoso_SmsTile',
      fontFamily: 'contoso_SmsTileSymbolFont',
      cssFileName: 'contoso_SmsTileCustomerJourneyDesignerTileConfig.css',
    });
    expect(tile.channelProperties).toEqual({
      entityType: 'contoso_textmessage',
      entitySetName: 'contoso_textmessages',
      titleFieldName: 'contoso_name',
      complianceField: 'donotphone',
      lookupViewId: '8d0c9a7e-3b51-4f2a-9c61-2f4be0c1a7d3',
      quickViewFormId: '1f6e2d44-9a0b-4c3e-8e7f-5a9d2b6c0e18',
    });
    expect(responseTypesOf(tile).map((r) => [r.id, r.custom])).toEqual([
      ['sent', false],
      ['delivered', false],
      ['reply', true],
    ]);
    expect(tile.responseTypes?.[0]?.labels.map((l) => [l.locId, l.text])).toEqual([
      ['1033', 'Text sent'],
      ['1036', 'SMS envoyé'],
    ]);
    expect(tile.labels?.find((l) => l.locId === '1033')?.text).toBe('Text message');
    expect(tile.tooltips?.map((t) => t.locId)).toEqual(['1033', '1036']);
  });

  it('leaves absent optional elements undefined instead of empty', () => {
    const tile = parseTileConfig(breakGood(/<ResponseTypes>[\s\S]*<\/ResponseTypes>/, ''));
    expect(tile.responseTypes).toBeUndefined();
    expect(responseTypesOf(tile)).toEqual([]);
  });

  it('decodes the predefined entities and character references, and leaves unknown ones as written', () => {
    const tile = parseTileConfig(breakGood('<Label locId="1033">Text message</Label>', '<Label locId="1033">Q&amp;A &#x41;&#66; &lt;b&gt; &nbsp;</Label>'));
    expect(tile.labels?.[0]?.text).toBe('Q&A AB <b> &nbsp;');
  });

  it('accepts custom="true" in any case as the keyword response type', () => {
    const tile = parseTileConfig(breakGood('custom="True"', 'custom="true"'));
    expect(responseTypesOf(tile).find((r) => r.custom)?.id).toBe('reply');
  });

  it('refuses a document whose root is not LibraryTile', () => {
    const error = inputErrorOf(() => parseTileConfig('<Tile><Labels/></Tile>', { fileName: 'x.xml' }));
    expect(error.message).toContain('<LibraryTile>');
    expect(error.location).toEqual({ file: 'x.xml', pointer: '/Tile' });
  });
});

describe('safe XML parsing', () => {
  const laughs = sample('contoso_LaughsCustomerJourneyDesignerTileConfig.xml');

  it('refuses the billion-laughs sample with a clear input error before expanding anything', () => {
    const error = inputErrorOf(() => lintTile('contoso_LaughsCustomerJourneyDesignerTileConfig.xml', laughs));
    expect(error.message).toMatch(/DOCTYPE or ENTITY on line 2/);
    expect(error.message).toContain('no entity expansion');
    expect(error.location.file).toBe('contoso_LaughsCustomerJourneyDesignerTileConfig.xml');
    expect(error.hint).toMatch(/remove the <!DOCTYPE/);
  });

  it('refuses external entities and a lone ENTITY declaration as well', () => {
    const external = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><LibraryTile>&xxe;</LibraryTile>';
    expect(inputErrorOf(() => parseXml(external)).message).toContain('DOCTYPE or ENTITY');
    expect(inputErrorOf(() => parseXml('<LibraryTile><!ENTITY a "b"></LibraryTile>')).message).toContain('DOCTYPE or ENTITY');
    expect(inputErrorOf(() => parseXml('<!doctype LibraryTile><LibraryTile/>')).message).toContain('DOCTYPE or ENTITY');
  });

  it('reports malformed XML with its line and column', () => {
    const error = inputErrorOf(() => lintTile('m.xml', sample('contoso_MalformedCustomerJourneyDesignerTileConfig.xml')));
    expect(error.message).toMatch(/^malformed XML on line 5, column \d+: .*ChannelProperties/);
    expect(error.location.file).toBe('m.xml');
  });

  it('refuses element names that could pollute prototypes, and pollutes nothing', () => {
    for (const name of ['__proto__', 'constructor']) {
      const error = inputErrorOf(() => parseXml(`<LibraryTile><${name}><polluted>yes</polluted></${name}></LibraryTile>`));
      expect(error.message).toMatch(/not accepted/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps attribute values in a Map and records the line of each element', () => {
    const root = parseXml('<a>\n  <b x="1" y="&quot;two&quot;"/>\n</a>');
    const b = root.children[0]!;
    expect(b.attributes).toBeInstanceOf(Map);
    expect([...b.attributes]).toEqual([
      ['x', '1'],
      ['y', '"two"'],
    ]);
    expect(root.line).toBe(1);
    expect(b.line).toBe(2);
  });

  it('never fails with anything but an InputError, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `<LibraryTile>${s}</LibraryTile>`)), (text) => {
        try {
          expect(Array.isArray(lintTile(GOOD_NAME, text))).toBe(true);
        } catch (error) {
          expect(isInputError(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('lintTile', () => {
  it('finds nothing in the good sample', () => {
    expect(lintTile(GOOD_NAME, GOOD)).toEqual([]);
  });

  it('accepts a file path and judges only its last segment', () => {
    expect(lintTile(`web resources/${GOOD_NAME}`, GOOD)).toEqual([]);
  });

  it('reports findings of the shared Finding type with file, path and line', () => {
    const findings = lintTile(GOOD_NAME, breakGood(/<EntitySetName>.*<\/EntitySetName>/, ''));
    expect(findings).toEqual([
      {
        ruleId: 'tile-mandatory-element',
        severity: 'error',
        activityId: '',
        message: 'EntitySetName is missing from ChannelProperties',
        arguments: ['EntitySetName'],
        location: { file: GOOD_NAME, pointer: '/LibraryTile/ChannelProperties/EntitySetName' },
        line: 6,
      },
    ]);
  });

  describe('file naming', () => {
    it('requires the CustomerJourneyDesignerTileConfig.xml suffix', () => {
      const findings = lintTile('contoso_SmsTile.xml', GOOD);
      expect(ruleIds(findings)).toEqual([TILE_RULES.fileNameSuffix.id]);
    });
    it('allows only letters, digits and underscores', () => {
      expect(ruleIds(lintTile('contoso_Sms-TileCustomerJourneyDesignerTileConfig.xml', GOOD))).toContain(TILE_RULES.fileNameCharacters.id);
      expect(ruleIds(lintTile('contoso-push-tile.xml', sample('contoso-push-tile.xml')))).toEqual([
        TILE_RULES.fileNameSuffix.id,
        TILE_RULES.fileNameCharacters.id,
      ]);
    });
    it('warns when the publisher prefix or the file name prefix is missing', () => {
      for (const name of ['SmsTileCustomerJourneyDesignerTileConfig.xml', 'contoso_CustomerJourneyDesignerTileConfig.xml']) {
        const findings = lintTile(name, GOOD).filter((f) => f.ruleId !== TILE_RULES.cssFileName.id);
        expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([[TILE_RULES.fileNamePrefix.id, 'warning']]);
      }
    });
  });

  describe('mandatory elements', () => {
    it.each(['EntityType', 'EntitySetName', 'ComplianceField', 'LookupViewId', 'QuickViewFormId'])('%s missing is an error', (name) => {
      const findings = lintTile(GOOD_NAME, breakGood(new RegExp(`<${name}>.*</${name}>`), ''));
      expect(findings.map((f) => [f.ruleId, f.severity, f.location.pointer])).toEqual([
        [TILE_RULES.mandatoryElement.id, 'error', `/LibraryTile/ChannelProperties/${name}`],
      ]);
    });
    it('an empty mandatory element is an error too', () => {
      const findings = lintTile(GOOD_NAME, breakGood(/<EntityType>.*<\/EntityType>/, '<EntityType>  </EntityType>'));
      expect(findings.map((f) => f.message)).toEqual(['EntityType is empty']);
    });
    it.each(['ChannelProperties', 'Labels', 'Tooltips'])('%s missing is an error', (name) => {
      const findings = lintTile(GOOD_NAME, breakGood(new RegExp(`\\n  <${name}>[\\s\\S]*?\\n  </${name}>`), ''));
      expect(findings.map((f) => [f.ruleId, f.location.pointer])).toEqual([[TILE_RULES.mandatoryElement.id, `/LibraryTile/${name}`]]);
    });
    it('TitleFieldName and Definition are only warnings (shown in samples, not mandatory in the current page)', () => {
      const withoutTitle = lintTile(GOOD_NAME, breakGood(/<TitleFieldName>.*<\/TitleFieldName>/, ''));
      expect(withoutTitle.map((f) => [f.ruleId, f.severity])).toEqual([[TILE_RULES.recommendedElement.id, 'warning']]);
      const withoutDefinition = lintTile(GOOD_NAME, breakGood(/<Definition [^>]*\/>/, ''));
      expect(withoutDefinition.map((f) => [f.ruleId, f.severity, f.location.pointer])).toEqual([
        [TILE_RULES.recommendedElement.id, 'warning', '/LibraryTile/Definition'],
      ]);
    });
    it('a ResponseTypes element is optional', () => {
      expect(lintTile(GOOD_NAME, breakGood(/<ResponseTypes>[\s\S]*<\/ResponseTypes>/, ''))).toEqual([]);
    });
  });

  describe('Definition', () => {
    it('warns about a missing attribute', () => {
      const findings = lintTile(GOOD_NAME, breakGood(' fontFamily="contoso_SmsTileSymbolFont"', ''));
      expect(findings.map((f) => [f.ruleId, f.location.pointer])).toEqual([[TILE_RULES.definitionAttribute.id, '/LibraryTile/Definition/@fontFamily']]);
    });
    it('warns when cssFileName does not follow the XML file name', () => {
      const findings = lintTile(GOOD_NAME, breakGood('cssFileName="contoso_SmsTileCustomerJourneyDesignerTileConfig.css"', 'cssFileName="sms.css"'));
      expect(findings.map((f) => [f.ruleId, f.severity, f.arguments])).toEqual([
        [TILE_RULES.cssFileName.id, 'warning', ['sms.css', 'contoso_SmsTileCustomerJourneyDesignerTileConfig.css']],
      ]);
    });
  });

  describe('ids', () => {
    it('LookupViewId and QuickViewFormId must be GUIDs (braces and upper case are fine)', () => {
      const bad = lintTile(GOOD_NAME, breakGood('1f6e2d44-9a0b-4c3e-8e7f-5a9d2b6c0e18', 'quick-view'));
      expect(bad.map((f) => [f.ruleId, f.location.pointer, f.line])).toEqual([[TILE_RULES.guid.id, '/LibraryTile/ChannelProperties/QuickViewFormId', 12]]);
      expect(lintTile(GOOD_NAME, breakGood('8d0c9a7e-3b51-4f2a-9c61-2f4be0c1a7d3', '{8D0C9A7E-3B51-4F2A-9C61-2F4BE0C1A7D3}'))).toEqual([]);
    });
  });

  describe('locales', () => {
    it('Labels needs a 1033 label', () => {
      const findings = lintTile(GOOD_NAME, breakGood('<Label locId="1033">Text message</Label>', ''));
      expect(ruleIds(findings)).toEqual([TILE_RULES.label1033.id]);
    });
    it('Tooltips needs a 1033 tooltip', () => {
      const findings = lintTile(GOOD_NAME, breakGood('<Tooltip locId="1033">', '<Tooltip locId="1031">'));
      expect(findings.map((f) => [f.ruleId, f.location.pointer])).toEqual([[TILE_RULES.tooltip1033.id, '/LibraryTile/Tooltips']]);
    });
    it('each response type needs a 1033 label', () => {
      const findings = lintTile(GOOD_NAME, breakGood('<Label locId="1033">Text delivered</Label>', ''));
      expect(findings.map((f) => [f.ruleId, f.location.pointer, f.arguments[0]])).toEqual([
        [TILE_RULES.responseTypeLabel1033.id, '/LibraryTile/ResponseTypes/ResponseType[2]/Labels', 'delivered'],
      ]);
    });
  });

  describe('response types', () => {
    it('at most one custom="True" type', () => {
      const findings = lintTile(GOOD_NAME, breakGood('<ResponseType id="delivered">', '<ResponseType id="delivered" custom="True">'));
      expect(findings.map((f) => [f.ruleId, f.location.pointer, f.arguments])).toEqual([
        [TILE_RULES.customResponseTypeCount.id, '/LibraryTile/ResponseTypes/ResponseType[3]/@custom', ['delivered', 'reply']],
      ]);
    });
    it('ids are unique and present', () => {
      expect(ruleIds(lintTile(GOOD_NAME, breakGood('<ResponseType id="delivered">', '<ResponseType id="sent">')))).toEqual([TILE_RULES.responseTypeDuplicate.id]);
      expect(ruleIds(lintTile(GOOD_NAME, breakGood('<ResponseType id="delivered">', '<ResponseType>')))).toEqual([TILE_RULES.responseTypeId.id]);
    });
  });

  it('finds every planted problem in the broken sample, in line order', () => {
    const findings = lintTile('contoso_BrokenTileCustomerJourneyDesignerTileConfig.xml', sample('contoso_BrokenTileCustomerJourneyDesignerTileConfig.xml'));
    expect(findings.map((f) => f.ruleId)).toEqual([
      TILE_RULES.cssFileName.id,
      TILE_RULES.mandatoryElement.id,
      TILE_RULES.guid.id,
      TILE_RULES.responseTypeDuplicate.id,
      TILE_RULES.responseTypeLabel1033.id,
      TILE_RULES.customResponseTypeCount.id,
      TILE_RULES.tooltip1033.id,
    ]);
    const lines = findings.map((f) => f.line ?? 0);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('every rule has a kebab-case id and a documentation source', () => {
    for (const rule of Object.values(TILE_RULES)) {
      expect(rule.id).toMatch(/^tile(-[a-z0-9]+)+$/);
      expect(rule.source).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    }
  });
});

describe('checkResponseType', () => {
  const tile = parseTileConfig(GOOD, { fileName: GOOD_NAME });

  it('returns the declared response type', () => {
    expect(checkResponseType(tile, 'delivered')).toMatchObject({ id: 'delivered', custom: false });
    expect(checkResponseType(tile, 'reply', 'YES')).toMatchObject({ id: 'reply', custom: true });
  });

  it('refuses an unknown id and lists the declared ones', () => {
    const error = inputErrorOf(() => checkResponseType(tile, 'opened'));
    expect(error.message).toContain('unknown response type "opened"');
    expect(error.hint).toBe('use one of: sent, delivered, reply');
    expect(error.location.file).toBe(GOOD_NAME);
    // ids compare exactly: the reporter must send what the tile declares
    expect(() => checkResponseType(tile, 'Sent')).toThrow(/unknown response type/);
    expect(() => checkResponseType(tile, ' ')).toThrow(/the response type is empty/);
  });

  it('requires a keyword for the custom type', () => {
    expect(() => checkResponseType(tile, 'reply')).toThrow(/needs a TriggerKeyword/);
    expect(() => checkResponseType(tile, 'reply', '  ')).toThrow(/needs a TriggerKeyword/);
  });

  it('refuses a keyword on a standard type and names the custom type', () => {
    const error = inputErrorOf(() => checkResponseType(tile, 'sent', 'YES'));
    expect(error.message).toContain('takes no TriggerKeyword');
    expect(error.hint).toBe('report keyword answers as "reply"');
  });

  it('refuses everything when the tile declares no response types', () => {
    const bare = parseTileConfig(GOOD.replace(/<ResponseTypes>[\s\S]*<\/ResponseTypes>/, ''));
    const error = inputErrorOf(() => checkResponseType(bare, 'sent'));
    expect(error.hint).toMatch(/declares no <ResponseTypes>/);
  });
});
