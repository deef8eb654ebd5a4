import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  buildQueryString,
  composePrefer,
  entityReference,
  errorFromResponse,
  formatKey,
  functionPath,
  idFromEntityUrl,
  isActionNotAvailableError,
  isConcurrencyError,
  isDataverseError,
  isDuplicateRecordError,
  isNotFoundError,
  isThrottledError,
  isAuthenticationError,
  parseEnvironmentUrl,
  parseRetryAfter,
  resolveConnection,
  splitPreferences,
  redactHeaders,
  createHeaders,
  firstDifference,
  comparableColumns,
} from '../../src/dataverse/index.js';

const ID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

describe('composePrefer', () => {
  it('joins preferences in one header with quoted annotations', () => {
    expect(composePrefer({ returnRepresentation: true, includeAnnotations: '*', maxPageSize: 10 })).toBe(
      'return=representation,odata.include-annotations="*",odata.maxpagesize=10',
    );
  });
  it('keeps commas of several annotation names inside the quotes', () => {
    const value = composePrefer({ includeAnnotations: ['OData.Community.Display.V1.FormattedValue', 'Microsoft.Dynamics.CRM.lookuplogicalname'], continueOnError: true })!;
    expect(value).toBe('odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname",odata.continue-on-error');
    expect(splitPreferences(value)).toEqual([
      'odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname"',
      'odata.continue-on-error',
    ]);
  });
  it('is undefined when nothing is preferred', () => {
    expect(composePrefer({})).toBeUndefined();
    expect(composePrefer({ returnRepresentation: false, continueOnError: false })).toBeUndefined();
  });
  it('rejects page sizes outside 1–5000 and quotes in annotation names', () => {
    expect(() => composePrefer({ maxPageSize: 0 })).toThrow(RangeError);
    expect(() => composePrefer({ maxPageSize: 5001 })).toThrow(/1 to 5000/);
    expect(() => composePrefer({ maxPageSize: 2.5 })).toThrow(RangeError);
    expect(() => composePrefer({ includeAnnotations: 'a"b' })).toThrow(RangeError);
    expect(composePrefer({ maxPageSize: 5000 })).toBe('odata.maxpagesize=5000');
  });
});

describe('OData URL pieces', () => {
  it('formats GUID and alternate keys', () => {
    expect(formatKey(ID)).toBe(`(${ID})`);
    expect(formatKey(`{${ID}}`)).toBe(`(${ID})`);
    expect(formatKey({ accountnumber: "O'Brian & co", revision: 3 })).toBe("(accountnumber='O''Brian%20%26%20co',revision=3)");
    expect(() => formatKey('')).toThrow(RangeError);
    expect(() => formatKey({})).toThrow(RangeError);
  });
  it('builds query strings with one level of encoding', () => {
    expect(buildQueryString({ select: ['name', 'revenue'], filter: "name eq 'A&B'", orderBy: ['name desc', 'revenue'], top: 5, count: true })).toBe(
      "?$select=name,revenue&$filter=name%20eq%20'A%26B'&$orderby=name%20desc,revenue&$top=5&$count=true",
    );
    expect(buildQueryString({})).toBe('');
    expect(() => buildQueryString({ top: 0 })).toThrow(RangeError);
  });
  it('builds nested $expand options', () => {
    const query = buildQueryString({ expand: ['owninguser', { property: 'Account_Tasks', select: ['subject'], filter: "contains(subject,'x')", top: 2 }] });
    expect(decodeURIComponent(query)).toBe("?$expand=owninguser,Account_Tasks($select=subject;$filter=contains(subject,'x');$top=2)");
  });
  it('writes function parameters as encoded aliases', () => {
    expect(functionPath('WhoAmI')).toBe('WhoAmI()');
    const path = functionPath('Fn', { Text: 'a&b', Count: 3, Id: ID, Target: { '@odata.id': `contacts(${ID})` }, Kind: "Microsoft.Dynamics.CRM.EntityFilters'Entity'" });
    expect(path.startsWith('Fn(Text=@p1,Count=@p2,Id=@p3,Target=@p4,Kind=@p5)?')).toBe(true);
    const params = new URLSearchParams(path.split('?')[1]);
    expect(params.get('@p1')).toBe("'a&b'");
    expect(params.get('@p2')).toBe('3');
    expect(params.get('@p3')).toBe(ID);
    expect(JSON.parse(params.get('@p4')!)).toEqual({ '@odata.id': `contacts(${ID})` });
    expect(params.get('@p5')).toBe("Microsoft.Dynamics.CRM.EntityFilters'Entity'");
  });
  it('builds entity references for action bodies', () => {
    expect({ ...entityReference('msdyncrm_customerjourney', `{${ID}}`) }).toEqual({
      '@odata.type': 'Microsoft.Dynamics.CRM.msdyncrm_customerjourney',
      msdyncrm_customerjourneyid: ID,
    });
    expect({ ...entityReference('letter', ID, 'activityid') }).toEqual({ '@odata.type': 'Microsoft.Dynamics.CRM.letter', activityid: ID });
  });
  it('reads the id at the end of OData-EntityId', () => {
    expect(idFromEntityUrl(`http://127.0.0.1:5/api/data/v9.2/contacts(${ID.toUpperCase()})`)).toBe(ID);
    expect(idFromEntityUrl('http://x/api/data/v9.2/contacts(name=1)')).toBeUndefined();
    expect(idFromEntityUrl(undefined)).toBeUndefined();
  });
});

describe('Retry-After and backoff', () => {
  it('parses delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
  it('grows exponentially, stays within half and all of the ceiling, and is capped', () => {
    const options = { baseDelayInMs: 100, maxDelayInMs: 1000 };
    expect(backoffDelay(1, options, 0)).toBe(50);
    expect(backoffDelay(1, options, 0.999999)).toBe(100);
    expect(backoffDelay(2, options, 0)).toBe(100);
    expect(backoffDelay(3, options, 0.5)).toBe(300);
    expect(backoffDelay(10, options, 0)).toBe(500);
    expect(backoffDelay(10, options, 0.999999)).toBe(1000);
    for (let retry = 1; retry < 8; retry++) {
      for (const r of [0, 0.3, 0.7, 0.99]) {
        const ceiling = Math.min(1000, 100 * 2 ** (retry - 1));
        const delay = backoffDelay(retry, options, r);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

describe('errorFromResponse', () => {
  const body = (code: string, message: string): string => JSON.stringify({ error: { code, message } });
  it('maps statuses and codes to error kinds with hints', () => {
    const notFound = errorFromResponse({ status: 404, bodyText: body('0x80040217', `contact With Id = ${ID} Does Not Exist`), requestId: 'r1', operation: 'GET contacts' });
    expect(isNotFoundError(notFound)).toBe(true);
    expect(isDataverseError(notFound)).toBe(true);
    expect(notFound).toMatchObject({ status: 404, code: '0x80040217', requestId: 'r1', retryable: false, kind: 'input' });
    expect(notFound.message).toContain('Does Not Exist');
    expect(notFound.hint).toBeTruthy();

    expect(isConcurrencyError(errorFromResponse({ status: 412, bodyText: body('0x80060882', 'version mismatch') }))).toBe(true);
    expect(isDuplicateRecordError(errorFromResponse({ status: 412, bodyText: body('0x80040237', 'A record with matching key values already exists.') }))).toBe(true);
    expect(isDuplicateRecordError(errorFromResponse({ status: 500, bodyText: body('0x80040333', 'duplicate') }))).toBe(true);
    const throttled = errorFromResponse({ status: 429, bodyText: body('0x80072322', 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.'), attempts: 10 });
    expect(isThrottledError(throttled)).toBe(true);
    expect(throttled).toMatchObject({ retryable: true, attempts: 10 });
    expect(throttled.message).toContain('10 attempt');
    expect(isAuthenticationError(errorFromResponse({ status: 401, bodyText: '' }))).toBe(true);
  });
  it('keeps an unknown failure as the base kind, and survives non-JSON bodies', () => {
    const error = errorFromResponse({ status: 400, bodyText: body('0x0', "Could not find a property named 'x' on type 'Microsoft.Dynamics.CRM.account'.") });
    expect(error.name).toBe('DataverseError');
    expect(error.code).toBe('0x0');
    const html = errorFromResponse({ status: 503, bodyText: '<html>Service Unavailable</html>' });
    expect(html).toMatchObject({ name: 'DataverseError', status: 503, retryable: true, code: '' });
    expect(html.message).toContain('Service Unavailable');
    expect(isActionNotAvailableError(html)).toBe(false);
  });
});

describe('connection', () => {
  it('accepts an origin or a service root and picks the API version', () => {
    expect(parseEnvironmentUrl('https://contoso.crm4.dynamics.com')).toEqual({
      origin: 'https://contoso.crm4.dynamics.com',
      serviceRoot: 'https://contoso.crm4.dynamics.com/api/data/v9.2/',
      apiVersion: '9.2',
    });
    expect(parseEnvironmentUrl('http://127.0.0.1:8080/api/data/v9.1/').serviceRoot).toBe('http://127.0.0.1:8080/api/data/v9.1/');
    expect(parseEnvironmentUrl('https://x.crm.dynamics.com/', '9.0').serviceRoot).toBe('https://x.crm.dynamics.com/api/data/v9.0/');
    expect(() => parseEnvironmentUrl('contoso')).toThrow(/Not a URL/);
    expect(() => parseEnvironmentUrl('ftp://x')).toThrow(/https/);
    expect(() => parseEnvironmentUrl('https://x', '8.2')).toThrow(/Unsupported/);
  });
  it('reads DATAVERSE_URL and DATAVERSE_TOKEN, and needs no auth for loopback', async () => {
    const withToken = resolveConnection({ env: { DATAVERSE_URL: 'https://org.crm.dynamics.com', DATAVERSE_TOKEN: 'tok' } });
    expect(withToken.authKind).toBe('token');
    expect(await withToken.tokens!.getToken()).toBe('tok');
    expect(resolveConnection({ env: { DATAVERSE_URL: 'http://127.0.0.1:1234' } }).authKind).toBe('none');
    expect(resolveConnection({ env: { DATAVERSE_URL: 'https://org.crm.dynamics.com' } }).authKind).toBe('credential');
    expect(() => resolveConnection({ env: {} })).toThrow(/DATAVERSE_URL|No Dataverse/);
  });
});

describe('redaction and comparisons', () => {
  it('never prints authorization or cookies', () => {
    const text = redactHeaders(createHeaders({ Authorization: 'Bearer secret-token', cookie: 'ARRAffinity=x', accept: 'application/json' }));
    expect(text).not.toContain('secret-token');
    expect(text).not.toContain('ARRAffinity');
    expect(text).toContain('authorization: REDACTED');
    expect(text).toContain('accept: application/json');
  });
  it('recognises a stored record holding the sent values', () => {
    const sent = { firstname: 'Ada', n: 3, when: '2026-01-01T10:00:00.123Z', ref: ID.toUpperCase(), 'x@odata.bind': '/contacts(1)', nested: { a: 1 } };
    expect(comparableColumns(sent)).toEqual(['firstname', 'n', 'when', 'ref']);
    expect(firstDifference(sent, { firstname: 'Ada', n: 3, when: '2026-01-01T10:00:00Z', ref: ID }, comparableColumns(sent))).toBeUndefined();
    expect(firstDifference(sent, { firstname: 'Bob', n: 3, when: '2026-01-01T10:00:00Z', ref: ID }, comparableColumns(sent))).toBe('firstname');
    expect(firstDifference({ n: 3 }, { n: '4' }, ['n'])).toBe('n');
  });
});

describe('createCredential', () => {
  it('builds the @azure/identity credential for each kind without contacting Entra ID', async () => {
    const { createCredential } = await import('../../src/dataverse/index.js');
    const tenantId = '00000000-0000-4000-8000-000000000001';
    expect((await createCredential({ kind: 'clientSecret', tenantId, clientId: 'app', clientSecret: 's' })).constructor.name).toBe('ClientSecretCredential');
    expect((await createCredential({ kind: 'azureCli' })).constructor.name).toBe('AzureCliCredential');
    expect((await createCredential({ kind: 'managedIdentity', clientId: 'mi' })).constructor.name).toBe('ManagedIdentityCredential');
    expect((await createCredential({ kind: 'deviceCode', tenantId })).constructor.name).toBe('DeviceCodeCredential');
    expect((await createCredential({ kind: 'default' })).constructor.name).toBe('DefaultAzureCredential');
    await expect(createCredential({ kind: 'password' } as never)).rejects.toThrow(/Unknown credential kind "password"/);
  });
});
