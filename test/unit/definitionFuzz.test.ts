import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDefinitionError, parseDefinition, parseDesignerState, serializeDefinition } from '../../src/definition/index.js';
import { storedFixture } from '../helpers/fixtures.js';

const seed = JSON.parse(storedFixture('seed-create-definition.json')) as unknown[];

/** Runs `fn`; anything thrown must be a DefinitionError with a pointer, never a TypeError. */
function onlyDefinitionErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!isDefinitionError(error)) throw error;
    expect(typeof error.location.pointer).toBe('string');
    expect(error.message).not.toMatch(/Cannot read|is not a function|undefined is not/);
  }
}

/** Replaces the value at a random path of a JSON document with another JSON value. */
function mutate(doc: unknown, path: number[], replacement: unknown): unknown {
  const copy = structuredClone(doc);
  let node: unknown = copy;
  let parent: Record<string, unknown> | unknown[] | undefined;
  let key: string | number | undefined;
  for (const step of path) {
    if (node === null || typeof node !== 'object') break;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    parent = node as Record<string, unknown>;
    key = keys[step % keys.length]!;
    node = (parent as Record<string, unknown>)[key];
  }
  if (parent === undefined || key === undefined) return replacement;
  (parent as Record<string | number, unknown>)[key] = replacement;
  return copy;
}

describe('parser fuzzing: malformed input only ever gives a DefinitionError', () => {
  it('random JSON values, as objects and as text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        onlyDefinitionErrors(() => parseDefinition(value));
        onlyDefinitionErrors(() => parseDefinition(JSON.stringify(value) ?? ''));
        onlyDefinitionErrors(() => parseDesignerState(value));
      }),
      { numRuns: 300 },
    );
  });

  it('the documented definition with one value replaced anywhere; what parses also serializes', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), (path, replacement) => {
        const doc = mutate(seed, path, replacement);
        onlyDefinitionErrors(() => {
          const def = parseDefinition(JSON.stringify(doc));
          const text = serializeDefinition(def);
          expect(serializeDefinition(parseDefinition(text))).toBe(text);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('random text, and the stored text cut short anywhere', () => {
    const text = storedFixture('seed-create-definition.json');
    fc.assert(
      fc.property(fc.string(), fc.nat({ max: text.length - 1 }), (garbage, cut) => {
        onlyDefinitionErrors(() => parseDefinition(garbage));
        onlyDefinitionErrors(() => parseDefinition(text.slice(0, cut)));
        onlyDefinitionErrors(() => parseDesignerState(garbage));
      }),
      { numRuns: 300 },
    );
  });
});
