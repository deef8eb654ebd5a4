/**
 * Turns the paths a user passes (files, folders, globs, `-`) into the list of journey documents
 * to read, in a stable order.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../errors.js';
import { EXPORT_FILES } from './loadJourneyDocument.js';
import { STDIN } from './readInput.js';

/** File extensions read when walking a folder. */
export const DOCUMENT_EXTENSIONS: readonly string[] = Object.freeze(['.json', '.yaml', '.yml']);

/** Folders never walked into. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.journeyctl']);

function hasDocumentExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return DOCUMENT_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function isExportFolder(folder: string): boolean {
  return existsSync(join(folder, EXPORT_FILES.definition));
}

/** Every document under a folder: export folders as one entry, other JSON/YAML files as files. */
function walk(folder: string, out: string[]): void {
  if (isExportFolder(folder)) {
    out.push(folder);
    return;
  }
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) walk(path, out);
    } else if (entry.isFile() && hasDocumentExtension(entry.name)) {
      out.push(path);
    }
  }
}

/** Whether a path contains glob characters. */
export function isGlob(path: string): boolean {
  return /[*?[\]{}]/.test(path);
}

/** A glob (`*`, `**`, `?`, `{a,b}`) as a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches any number of folders, including none.
        const slash = glob[i + 2] === '/';
        source += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        source += '[^/]*';
      }
    } else if (c === '?') source += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) source += '\\{';
      else {
        source += `(?:${glob.slice(i + 1, end).split(',').map(escapeRegExp).join('|')})`;
        i = end;
      }
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Files matching a glob, walking from the glob's fixed leading folders. */
function expandGlob(glob: string): string[] {
  const normalized = glob.split(sep).join('/');
  const parts = normalized.split('/');
  const fixed: string[] = [];
  while (parts.length > 1 && !isGlob(parts[0]!)) fixed.push(parts.shift()!);
  const root = fixed.length === 0 ? '.' : fixed.join('/') || '/';
  if (!existsSync(root)) return [];
  const pattern = globToRegExp(parts.join('/'));
  const found: string[] = [];
  const visit = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const rel = relative(root, path).split(sep).join('/');
      if (entry.isDirectory()) {
        if (SKIPPED_FOLDERS.has(entry.name)) continue;
        if (pattern.test(rel) && isExportFolder(path)) found.push(path);
        else visit(path);
      } else if (entry.isFile() && pattern.test(rel)) found.push(path);
    }
  };
  visit(root);
  return found.sort();
}

/**
 * Expand paths into document paths: `-` stays (stdin), a file stays, a folder becomes every
 * JSON/YAML document under it (an export folder counts as one document), a glob becomes its
 * matches. Duplicates are dropped; order follows the arguments, then path order.
 *
 * @throws InputError when a path does not exist or a glob matches nothing
 */
export function expandInputs(paths: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (path: string): void => {
    if (!seen.has(path)) {
      seen.add(path);
      out.push(path);
    }
  };
  for (const path of paths) {
    if (path === STDIN) add(path);
    else if (existsSync(path)) {
      if (statSync(path).isDirectory()) {
        const found: string[] = [];
        walk(path, found);
        found.forEach(add);
      } else add(path);
    } else if (isGlob(path)) {
      const matches = expandGlob(path);
      if (matches.length === 0) throw new InputError(`no files match ${path}`, { file: path }, { hint: 'check the pattern; quote it so the shell does not expand it' });
      matches.forEach(add);
    } else {
      throw new InputError('file not found', { file: path }, { hint: 'check the path; use - to read standard input' });
    }
  }
  return out;
}
