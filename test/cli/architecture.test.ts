/**
 * docs/architecture.md stays true to src/: every `src/<folder>/` it names exists, and every
 * folder in src/ is named in it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const doc = readFileSync(join(repoRoot, 'docs', 'architecture.md'), 'utf8');
const named = new Set([...doc.matchAll(/\bsrc\/([A-Za-z0-9_-]+)\//g)].map((m) => m[1]!));
const folders = readdirSync(join(repoRoot, 'src'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('docs/architecture.md', () => {
  it('names only folders that exist in src/', () => {
    expect([...named].filter((name) => !folders.includes(name))).toEqual([]);
  });
  it('names every folder of src/', () => {
    expect(folders.filter((name) => !named.has(name))).toEqual([]);
  });
});
