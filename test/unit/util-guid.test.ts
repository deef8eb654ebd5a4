/** The one GUID module: which forms are accepted where, and name-based ids. */
import { describe, expect, it } from 'vitest';
import { BRACED_GUID_PATTERN, GUID_PATTERN, isGuid, nameBasedGuid, parseGuid, sameGuid } from '../../src/util/guid.js';
import { isGuid as publicIsGuid, parseGuid as publicParseGuid } from '../../src/index.js';

const ID = '1922b1d8-0523-e911-a9ba-000d3a1e689f';

describe('isGuid: the bare wire form', () => {
  it('accepts 8-4-4-4-12 hex digits in either case', () => {
    expect(isGuid(ID)).toBe(true);
    expect(isGuid(ID.toUpperCase())).toBe(true);
  });

  it('refuses braces, whitespace, wrong lengths, other characters and non-strings', () => {
    for (const bad of [`{${ID}}`, ` ${ID}`, `${ID}\n`, ID.slice(1), `${ID}0`, ID.replace('a', 'g'), ID.replace(/-/g, ''), '', null, undefined, 42, { id: ID }]) {
      expect(isGuid(bad), String(bad)).toBe(false);
    }
  });

  it('is what the public entry exports', () => {
    expect(publicIsGuid).toBe(isGuid);
    expect(publicParseGuid).toBe(parseGuid);
  });
});

describe('parseGuid: the forms people and payloads write', () => {
  it('returns the canonical lower-case bare form for bare, braced, upper-case and padded input', () => {
    for (const input of [ID, ID.toUpperCase(), `{${ID}}`, `{${ID.toUpperCase()}}`, `  ${ID}\t`, ` {${ID}} `]) {
      expect(parseGuid(input), input).toBe(ID);
    }
  });

  it('refuses unbalanced or doubled braces and anything that is not a GUID', () => {
    for (const bad of [`{${ID}`, `${ID}}`, `{{${ID}}}`, `(${ID})`, `crm${ID}`, 'Welcome email', '', undefined, 7]) {
      expect(parseGuid(bad), String(bad)).toBeUndefined();
    }
  });

  it('compares GUIDs across forms', () => {
    expect(sameGuid(`{${ID.toUpperCase()}}`, ID)).toBe(true);
    expect(sameGuid(ID, ID.replace(/f$/, 'e'))).toBe(false);
    expect(sameGuid('not a guid', 'not a guid')).toBe(false);
  });

  it('embeds in larger patterns through GUID_PATTERN', () => {
    const inParens = new RegExp(`^accounts\\((${GUID_PATTERN})\\)$`);
    expect(inParens.exec(`accounts(${ID})`)?.[1]).toBe(ID);
    expect(inParens.test(`accounts({${ID}})`)).toBe(false);
    const bind = new RegExp(`^/contacts\\((${BRACED_GUID_PATTERN})\\)$`);
    expect(parseGuid(bind.exec(`/contacts({${ID.toUpperCase()}})`)?.[1])).toBe(ID);
    expect(parseGuid(bind.exec(`/contacts(${ID})`)?.[1])).toBe(ID);
    expect(bind.test(`/contacts({${ID})`)).toBe(false);
  });
});

describe('nameBasedGuid', () => {
  it('is RFC 9562 version 5: the RFC example (DNS namespace, www.example.com)', () => {
    // https://www.rfc-editor.org/rfc/rfc9562#name-example-of-a-uuidv5-value
    expect(nameBasedGuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('is stable, depends on name and namespace, and has the version 5 and RFC variant bits', () => {
    const a = nameBasedGuid('contact:Nancy Davolio');
    expect(nameBasedGuid('contact:Nancy Davolio')).toBe(a);
    expect(nameBasedGuid('contact:Nancy Davolio', ID)).not.toBe(a);
    expect(nameBasedGuid('contact:Nancy Davolio ')).not.toBe(a);
    expect(a).toMatch(new RegExp(`^${GUID_PATTERN}$`));
    expect(a[14]).toBe('5');
    expect('89ab').toContain(a[19]);
  });

  it('refuses a namespace that is not a GUID', () => {
    expect(() => nameBasedGuid('x', 'not-a-namespace')).toThrow(RangeError);
  });
});
