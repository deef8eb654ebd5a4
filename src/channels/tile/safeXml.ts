/**
 * A small, safe XML reader for configuration files written by people (tile XML web resources).
 *
 * Safety: a document type declaration is refused outright, before parsing, so no internal or
 * external entity can be declared, let alone expanded (the "billion laughs" attack). Entity
 * processing in the parser is off too; the five predefined XML entities and numeric character
 * references are decoded here in one non-recursive pass. Element and attribute names land in a
 * `Map`, never as keys of a plain object, so names like `__proto__` cannot pollute prototypes.
 */
import { LineIndex } from '../../io/parseText.js';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '../../errors.js';

/** One element of a parsed document. */
export interface XmlElement {
  /** Tag name as written (XML is case-sensitive). */
  readonly name: string;
  /** Attributes by name, values decoded. */
  readonly attributes: ReadonlyMap<string, string>;
  /** Child elements in document order. */
  readonly children: readonly XmlElement[];
  /** The element's own text (text nodes and CDATA joined, trimmed, entities decoded). */
  readonly text: string;
  /** 1-based line of the element's start tag, when known. */
  readonly line?: number;
}

// A DOCTYPE is the only place entities can be declared; nothing a tile needs lives there.
const DOCTYPE_OR_ENTITY = /<!\s*(DOCTYPE|ENTITY)\b/i;

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }),
);

/** Decode the predefined entities and character references; anything else stays as written. */
export function decodeXmlText(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED_ENTITIES[ref] ?? whole;
  });
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  captureMetaData: true,
});

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;
const ATTRIBUTES_KEY = ':@';
const TEXT_KEY = '#text';

/** Options of {@link parseXml}. */
export interface ParseXmlOptions {
  /** The file name, for error messages. */
  file?: string;
}

/**
 * Parse an XML document into its root {@link XmlElement}. Throws an {@link InputError} (with
 * the line) for malformed XML, for any DOCTYPE/ENTITY declaration and for a document without a
 * root element.
 */
export function parseXml(xml: string, options: ParseXmlOptions = {}): XmlElement {
  const location = options.file === undefined ? {} : { file: options.file };
  const declaration = DOCTYPE_OR_ENTITY.exec(xml);
  if (declaration) {
    throw new InputError(
      `XML declares a DOCTYPE or ENTITY on line ${new LineIndex(xml).at(declaration.index).line}; journeyctl refuses them (no entity expansion)`,
      location,
      { hint: 'remove the <!DOCTYPE ...> declaration; a tile configuration needs none' },
    );
  }
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw new InputError(`malformed XML on line ${line}, column ${col}: ${msg}`, location, {
      hint: 'fix the XML syntax (an XML editor or `xmllint --noout FILE` shows the same error)',
    });
  }
  let nodes: unknown;
  try {
    nodes = parser.parse(xml);
  } catch (error) {
    // The parser refuses names such as __proto__ or constructor (prototype pollution guard).
    throw new InputError(`XML not accepted: ${(error as Error).message}`, location, { cause: error });
  }
  const lines = new LineIndex(xml);
  const roots = toElements(nodes, lines);
  const root = roots[0];
  if (!root) throw new InputError('XML has no root element', location);
  return root;
}

function toElements(nodes: unknown, lines: LineIndex): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const elements: XmlElement[] = [];
  for (const node of nodes) {
    if (typeof node !== 'object' || node === null) continue;
    for (const key of Object.keys(node)) {
      if (key === ATTRIBUTES_KEY || key === TEXT_KEY) continue;
      elements.push(toElement(key, node as Record<string, unknown>, lines));
    }
  }
  return elements;
}

function toElement(name: string, node: Record<string, unknown>, lines: LineIndex): XmlElement {
  const content = node[name];
  const attributes = new Map<string, string>();
  const rawAttributes = node[ATTRIBUTES_KEY];
  if (typeof rawAttributes === 'object' && rawAttributes !== null) {
    for (const [key, value] of Object.entries(rawAttributes)) {
      if (typeof value === 'string') attributes.set(key, decodeXmlText(value));
    }
  }
  const texts: string[] = [];
  if (Array.isArray(content)) {
    for (const part of content) {
      const text = typeof part === 'object' && part !== null ? (part as Record<string, unknown>)[TEXT_KEY] : undefined;
      if (typeof text === 'string' || typeof text === 'number') texts.push(String(text));
    }
  }
  const start = (node as { [META]?: { startIndex?: number } })[META]?.startIndex;
  const element: XmlElement = {
    name,
    attributes,
    children: toElements(content, lines),
    text: decodeXmlText(texts.join('')).trim(),
    ...(start === undefined ? {} : { line: lines.at(start).line }),
  };
  return element;
}


/** The child elements named `name`. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}

/** The first child element named `name`. */
export function childNamed(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}
