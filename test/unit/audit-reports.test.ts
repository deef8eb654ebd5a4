/** CSV, Markdown, HTML and chart formatting of the audit reports. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barChart, csvCell, csvLine, emptySummary, escapeHtml, escapeMarkdown, JOURNEY_COLUMNS, renderHtml, renderMarkdown } from '../../src/audit/index.js';

/** A small RFC 4180 parser, to read back what csvLine wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('csv', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(3.5)).toBe('3.5');
    expect(csvCell(false)).toBe('false');
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('neutralizes cells that a spreadsheet would run as formulas', () => {
    for (const dangerous of ['=HYPERLINK("http://x")', '+1+2', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd']) {
      const cell = csvCell(dangerous);
      const value = parseCsv(`${cell}\r\n`)[0]![0]!;
      expect(value).toBe(`'${dangerous}`);
    }
    expect(csvCell(-5)).toBe('-5');
  });

  it('round-trips any text through a CSV parser (plus the formula guard)', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (values) => {
        const parsed = parseCsv(csvLine(values));
        expect(parsed).toHaveLength(1);
        expect(parsed[0]).toEqual(values.map((v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)));
      }),
    );
  });

  it('has one header column per journey field written', () => {
    expect(new Set(JOURNEY_COLUMNS).size).toBe(JOURNEY_COLUMNS.length);
  });
});

describe('escaping', () => {
  it('escapes HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('keeps Markdown table cells on one line and inert', () => {
    expect(escapeMarkdown('a | b\nc')).toBe('a \\| b c');
    expect(escapeMarkdown('[link](http://x) *bold* <b>')).toBe('\\[link\\]\\(http://x\\) \\*bold\\* \\<b\\>');
  });
});

describe('charts', () => {
  it('draws one bar per entry, scaled to the largest, with escaped labels', () => {
    const svg = barChart(
      [
        { label: 'Live', value: 10 },
        { label: '<Draft>', value: 5 },
      ],
      { title: 'Journeys' },
    );
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('width="320"');
    expect(svg).toContain('width="160"');
    expect(svg).toContain('&lt;Draft&gt;');
    expect(svg).not.toContain('<Draft>');
  });

  it('says "no data" for an empty chart', () => {
    expect(barChart([], { title: 'Empty' })).toContain('no data');
  });
});

describe('markdown and html', () => {
  const summary = emptySummary();
  summary.journeys = 3;
  summary.journeysByStatus = { Live: 2, Draft: 1 };
  summary.tilesByType = { Email: 4, contoso_Sms: 1 };
  summary.risks = { 'custom-channel': 1 };
  summary.effortHours = 12.5;
  const meta = { generatedAt: '2026-11-24T00:00:00.000Z', startedAt: '2026-11-24T00:00:00.000Z', sourceUrl: 'https://org.example', toolVersion: '1.2.3' };
  const top = [
    {
      name: 'Evil | <b>name</b>',
      status: 'Live',
      tileCount: 5,
      mapping: 'none',
      risks: ['custom-channel'],
      effortHours: 12.5,
      ownerName: null,
      ownerId: 'x',
    },
  ] as never[];

  it('renders the Markdown summary with counts and escaped names', () => {
    const text = renderMarkdown({ summary, meta }, top);
    expect(text).toContain('| Journeys | 3 |');
    expect(text).toContain('| Live | 2 |');
    expect(text).toContain('| custom-channel | 1 |');
    expect(text).toContain('Evil \\| \\<b\\>name\\</b\\>');
    expect(text).toContain('https://org.example');
  });

  it('renders a self-contained HTML document without scripts', () => {
    const html = renderHtml({ summary, meta }, top);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toContain('<script');
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('Evil | &lt;b&gt;name&lt;/b&gt;');
    expect(html.match(/<svg /g)).toHaveLength(4);
  });
});
