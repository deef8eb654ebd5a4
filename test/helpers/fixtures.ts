/**
 * Reads files from `test/fixtures/`. Stored definitions are kept exactly as the Web API carries
 * them: a JSON string literal whose value is the definition text.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** The raw text of a fixture file. */
export function fixtureText(name: string): string {
  return readFileSync(resolve(fixturesDir, name), 'utf8');
}

/** A fixture holding a JSON string literal: the string value (e.g. a stored definition). */
export function storedFixture(name: string): string {
  const value: unknown = JSON.parse(fixtureText(name));
  if (typeof value !== 'string') throw new Error(`fixture ${name} is not a JSON string literal`);
  return value;
}

/** A fixture holding any JSON value. */
export function jsonFixture(name: string): unknown {
  return JSON.parse(fixtureText(name));
}
