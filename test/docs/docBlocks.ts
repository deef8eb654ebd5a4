/**
 * Reads the fenced code blocks of the project's Markdown documents, for the tests that run them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';

/** One fenced block: its document, the line its fence opens on, its language and text. */
export interface DocBlock {
  file: string;
  line: number;
  lang: string;
  code: string;
  /** What the HTML comment right before the fence says it needs (`<!-- needs: real environment -->`). */
  needs?: string;
}

/** README.md and every docs/*.md, relative to the repository root. */
export function documents(): string[] {
  return ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((n) => n.endsWith('.md')).sort().map((n) => `docs/${n}`)];
}

/** The fenced blocks of one document. */
export function blocksOf(file: string): DocBlock[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split(/\r?\n/);
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence); i++) body.push(lines[i]!);
    let previous = start - 1;
    while (previous >= 0 && lines[previous]!.trim() === '') previous--;
    const needs = previous >= 0 ? /^<!--\s*needs:\s*(.+?)\s*-->$/.exec(lines[previous]!.trim())?.[1] : undefined;
    blocks.push({ file, line: start + 1, lang: open[3]!.toLowerCase(), code: body.join('\n'), ...(needs ? { needs } : {}) });
  }
  return blocks;
}
