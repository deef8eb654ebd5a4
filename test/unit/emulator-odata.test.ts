/** The OData engine's pure parts: Prefer parsing, the $filter tokenizer/parser/compiler, query options. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRegistry, coreEntities } from '../../src/emulator/core/entities/registry.js';
import { isWebApiError } from '../../src/emulator/core/errors.js';
import { compileFilter, likeToRegex, parseFilter, tokenize } from '../../src/emulator/core/odata/filter.js';
import { decodeLiteral, parseKeyValues } from '../../src/emulator/core/odata/literals.js';
import { includesAnnotation, parsePrefer } from '../../src/emulator/core/odata/prefer.js';
import { parseOptions, parseQueryString } from '../../src/emulator/core/odata/query.js';

const registry = createRegistry(coreEntities);
const contact = registry.resolved('contacts')!;

function rejects(fn: () => unknown): { status: number; code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (!isWebApiError(error)) throw error;
    return error;
  }
  throw new Error('expected a Dataverse error');
}

describe('parsePrefer', () => {
  it('splits on commas outside quotes, as DWA combines every preference in one header', () => {
    const prefer = parsePrefer('return=representation,odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname",odata.maxpagesize=10');
    expect(prefer).toEqual({
      returnRepresentation: true,
      maxPageSize: 10,
      includeAnnotations: ['OData.Community.Display.V1.FormattedValue', 'Microsoft.Dynamics.CRM.lookuplogicalname'],
      continueOnError: false,
    });
  });

  it('clamps maxpagesize to 5000 and ignores invalid or unknown preferences', () => {
    expect(parsePrefer('odata.maxpagesize=99999').maxPageSize).toBe(5000);
    expect(parsePrefer('odata.maxpagesize=0').maxPageSize).toBeUndefined();
    expect(parsePrefer('odata.maxpagesize=abc, respond-async, odata.continue-on-error').continueOnError).toBe(true);
    expect(parsePrefer(undefined)).toEqual({ returnRepresentation: false, includeAnnotations: [], continueOnError: false });
  });

  it('matches annotation patterns: *, exact names and prefix wildcards', () => {
    expect(includesAnnotation(['*'], 'OData.Community.Display.V1.FormattedValue')).toBe(true);
    expect(includesAnnotation(['Microsoft.Dynamics.CRM.*'], 'Microsoft.Dynamics.CRM.lookuplogicalname')).toBe(true);
    expect(includesAnnotation(['Microsoft.Dynamics.CRM.*'], 'OData.Community.Display.V1.FormattedValue')).toBe(false);
    expect(includesAnnotation([], 'OData.Community.Display.V1.FormattedValue')).toBe(false);
  });
});

describe('$filter tokenizer and parser', () => {
  it('tokenizes GUIDs, dates, numbers, strings with doubled quotes and aliases', () => {
    const kinds = tokenize("a eq 'O''Brien' and b eq 00000000-0000-0000-0000-000000000001 or c gt 2024-01-02T03:04:05Z or d le -1.5 or e eq @p").map((t) => [t.kind, t.text]);
    expect(kinds).toContainEqual(['string', "O'Brien"]);
    expect(kinds).toContainEqual(['guid', '00000000-0000-0000-0000-000000000001']);
    expect(kinds).toContainEqual(['datetime', '2024-01-02T03:04:05Z']);
    expect(kinds).toContainEqual(['number', '-1.5']);
    expect(kinds).toContainEqual(['alias', '@p']);
  });

  it('gives and precedence over or, and binds not tighter than both', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toMatchObject({ kind: 'or', right: { kind: 'and' } });
    expect(parseFilter('not a eq 1 and b eq 2')).toMatchObject({ kind: 'and', left: { kind: 'not' } });
    expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toMatchObject({ kind: 'and', left: { kind: 'or' } });
  });

  it('reports syntax errors with a position, as 400', () => {
    for (const source of ["name eq 'x", 'a eq', 'a eq 1)', '(a eq 1', 'a eq 1 and', 'eq 1', 'a ~ 1', '']) {
      const error = rejects(() => parseFilter(source));
      expect(error.status, source).toBe(400);
    }
    expect(rejects(() => parseFilter('a eq 1 b')).message).toMatch(/position 7/);
  });

  it('bounds nesting so hostile input cannot exhaust the stack', () => {
    const deep = `${'('.repeat(5000)}a eq 1${')'.repeat(5000)}`;
    expect(rejects(() => parseFilter(deep)).message).toMatch(/nested too deeply/);
    expect(rejects(() => parseFilter(`${'not '.repeat(5000)}a eq 1`)).message).toMatch(/nested too deeply/);
  });

  it('refuses functions Dataverse lacks and related-table paths clearly', () => {
    expect(rejects(() => parseFilter("tolower(name) eq 'x'")).message).toMatch(/unknown function/i);
    expect(rejects(() => parseFilter("primarycontactid/fullname eq 'x'")).status).toBe(501);
  });
});

describe('$filter compiler', () => {
  const row = { firstname: 'Ann', lastname: "O'Hara", donotemail: true, emailaddress1: null, createdon: '2024-05-01T10:00:00Z', parentcustomerid: 'aaaaaaaa-0000-0000-0000-000000000001', statecode: 0 };
  const test = (source: string, aliases = new Map<string, string>()) => compileFilter(parseFilter(source, aliases), contact)(row);

  it('compares strings case-insensitively and supports contains/startswith/endswith', () => {
    expect(test("firstname eq 'ANN'")).toBe(true);
    expect(test("contains(lastname,'HAR')")).toBe(true);
    expect(test("startswith(lastname,'o''h')")).toBe(true);
    expect(test("endswith(firstname,'x')")).toBe(false);
    expect(test("firstname gt 'Aa' and firstname lt 'B'")).toBe(true);
  });

  it('honours SQL LIKE wildcards inside function values, as Dataverse does', () => {
    expect(test("contains(lastname,'o%a')")).toBe(true);
    expect(test("startswith(firstname,'a_n')")).toBe(true);
    expect(test("startswith(firstname,'[ab]nn')")).toBe(true);
    expect(test("startswith(firstname,'[^a]nn')")).toBe(false);
    expect(test("contains(lastname,'.*')")).toBe(false);
    expect(new RegExp(`^${likeToRegex('a.b(c)[')}$`).test('a.b(c)[')).toBe(true);
  });

  it('handles null, booleans, bare boolean properties, dates, lookups and aliases', () => {
    expect(test('emailaddress1 eq null')).toBe(true);
    expect(test('emailaddress1 ne null')).toBe(false);
    expect(test('emailaddress1 gt null')).toBe(false);
    expect(test('donotemail eq true and donotemail')).toBe(true);
    expect(test('not donotemail')).toBe(false);
    expect(test('createdon ge 2024-05-01 and createdon lt 2024-05-02T00:00:00Z')).toBe(true);
    expect(test('_parentcustomerid_value eq AAAAAAAA-0000-0000-0000-000000000001')).toBe(true);
    expect(test("_parentcustomerid_value eq 'aaaaaaaa-0000-0000-0000-000000000001'")).toBe(true);
    expect(test('statecode eq @s', new Map([['@s', '0']]))).toBe(true);
    expect(test('statecode eq @unset')).toBe(false);
  });

  it('refuses unknown properties, lookups by logical name, and type mismatches', () => {
    expect(rejects(() => test("nope eq 'x'")).message).toBe("Could not find a property named 'nope' on type 'Microsoft.Dynamics.CRM.contact'.");
    expect(rejects(() => test('parentcustomerid eq null')).code).toBe('0x0');
    expect(rejects(() => test("statecode eq 'x'")).message).toMatch(/incompatible types/);
    expect(rejects(() => test('firstname')).message).toMatch(/Edm.Boolean/);
    expect(rejects(() => test("contains(statecode,'1')")).status).toBe(400);
  });

  it('never throws anything but a Dataverse error on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (source) => {
        try {
          compileFilter(parseFilter(source), contact)(row);
        } catch (error) {
          return isWebApiError(error) && [400, 501].includes((error as { status: number }).status);
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('URL literals', () => {
  it('parses keys and parameters with quoted strings containing commas, quotes and equals signs', () => {
    expect([...parseKeyValues("a='x,y=''z''',b=3, c = true")]).toEqual([
      ['a', "'x,y=''z'''"],
      ['b', '3'],
      ['c', 'true'],
    ]);
    expect(decodeLiteral("'x,y=''z'''")).toBe("x,y='z'");
    expect(decodeLiteral('3')).toBe(3);
    expect(decodeLiteral('null')).toBeNull();
    expect(decodeLiteral('AAAAAAAA-0000-0000-0000-000000000001')).toBe('aaaaaaaa-0000-0000-0000-000000000001');
    expect(decodeLiteral('["a",1]')).toEqual(['a', 1]);
    for (const bad of ["a='open", 'a=1,a=2', '=1', 'a=1 b=2']) expect(rejects(() => parseKeyValues(bad)).status, bad).toBe(400);
    expect(rejects(() => decodeLiteral('{oops')).status).toBe(400);
  });
});

describe('query options', () => {
  const options = (query: string, loose = false) => parseOptions(parseQueryString(query), contact, registry, { loose });

  it('parses $select, $orderby, $top, $count and $expand with nested options', () => {
    const parsed = options('$select=fullname,_parentcustomerid_value&$orderby=lastname desc,firstname&$top=5&$count=true&$expand=parentcustomerid_account($select=name)');
    expect(parsed.select).toEqual(['fullname', '_parentcustomerid_value']);
    expect(parsed.orderBy.map((key) => [key.access.key, key.descending])).toEqual([['lastname', true], ['firstname', false]]);
    expect(parsed.top).toBe(5);
    expect(parsed.count).toBe(true);
    expect(parsed.expand[0]).toMatchObject({ navigation: 'parentcustomerid_account', options: { select: ['name'] } });
  });

  it('refuses unsupported options unless loose, and decodes + and %-escapes', () => {
    expect(rejects(() => options('$skip=1')).code).toBe('0x80060888');
    expect(options('$skip=1&$format=json', true).top).toBeUndefined();
    expect(rejects(() => options('fetchXml=%3Cfetch/%3E')).status).toBe(501);
    expect(rejects(() => options('$filter=%E0%A4%A')).message).toMatch(/percent-encoding/);
    expect(rejects(() => options('$top=-1')).message).toMatch(/non-negative integer/);
    expect(rejects(() => options('$count=yes')).status).toBe(400);
    expect(rejects(() => options('$expand=nope')).code).toBe('0x0');
    expect(rejects(() => options('$expand=parentcustomerid_account($top=1)')).status).toBe(400);
    expect(parseQueryString('$filter=firstname+eq+%27a%2Bb%27').values.get('$filter')).toBe("firstname eq 'a+b'");
    // Custom query options (no $) are ignored, as OData services do.
    expect(options('foo=bar').orderBy).toEqual([]);
  });
});
