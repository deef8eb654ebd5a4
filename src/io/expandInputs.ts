/**
 * Turns the paths a user passes (files, folders, globs, `-`) into the list of journey documents
 * to read, in a stable order.
 */
import { existsSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DocumentError } from './documentError.js';
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

/** What a directory entry is, following symbolic links; undefined for a dangling link. */
function kindOf(path: string, entry: Dirent): 'file' | 'directory' | 'other' | undefined {
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const target = statSync(path);
    return target.isDirectory() ? 'directory' : target.isFile() ? 'file' : 'other';
  } catch {
    return undefined;
  }
}

/** The entries of a folder in name order. */
function entriesOf(folder: string): Dirent[] {
  return readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Every document under a folder: export folders as one entry, other JSON/YAML files as files.
 * Symbolic links to files and folders are followed; a folder reached again (a link cycle, or two
 * links to one folder) is walked once. A dangling link with a document extension is kept, so
 * reading it reports it.
 */
function walk(folder: string, out: string[], visited: Set<string>): void {
  const real = realpathSync(folder);
  if (visited.has(real)) return;
  visited.add(real);
  if (isExportFolder(folder)) {
    out.push(folder);
    return;
  }
  for (const entry of entriesOf(folder)) {
    const path = join(folder, entry.name);
    const kind = kindOf(path, entry);
    if (kind === 'directory') {
      if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) walk(path, out, visited);
    } else if ((kind === 'file' || kind === undefined) && hasDocumentExtension(entry.name)) {
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
  const visited = new Set<string>();
  const visit = (folder: string): void => {
    const real = realpathSync(folder);
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of entriesOf(folder)) {
      const path = join(folder, entry.name);
      const rel = relative(root, path).split(sep).join('/');
      const kind = kindOf(path, entry);
      if (kind === 'directory') {
        if (SKIPPED_FOLDERS.has(entry.name)) continue;
        if (pattern.test(rel) && isExportFolder(path)) found.push(path);
        else visit(path);
      } else if (kind !== 'other' && pattern.test(rel)) found.push(path);
    }
  };
  visit(root);
  return found.sort();
}

/** A document path and how it was named. */
export interface InputPath {
  /** The path (`-` for standard input). */
  path: string;
  /**
   * `argument` when named on the command line (a file, `-`), `folder` when found by walking a
   * folder or matching a glob: a found file that is no kind of journey document is skipped.
   */
  origin: 'argument' | 'folder';
}

/**
 * Expand paths into document paths: `-` stays (stdin), a file stays, a folder becomes every
 * JSON/YAML document under it (an export folder counts as one document; links are followed), a
 * glob becomes its matches. Duplicates are dropped; order follows the arguments, then path order.
 *
 * @throws DocumentError (`not-found`) when a path does not exist or a glob matches nothing
 */
export function expandInputPaths(paths: readonly string[]): InputPath[] {
  const out: InputPath[] = [];
  const seen = new Set<string>();
  const add = (path: string, origin: InputPath['origin']): void => {
    if (!seen.has(path)) {
      seen.add(path);
      out.push({ path, origin });
    }
  };
  for (const path of paths) {
    if (path === STDIN) add(path, 'argument');
    else if (existsSync(path)) {
      if (statSync(path).isDirectory() && !isExportFolder(path)) {
        const found: string[] = [];
        walk(path, found, new Set());
        for (const file of found) add(file, 'folder');
      } else add(path, 'argument');
    } else if (isGlob(path)) {
      const matches = expandGlob(path);
      if (matches.length === 0) {
        throw new DocumentError('not-found', `no files match ${path}`, { file: path }, { hint: 'check the pattern; quote it so the shell does not expand it' });
      }
      for (const match of matches) add(match, 'folder');
    } else {
      throw new DocumentError('not-found', 'file not found', { file: path }, { hint: 'check the path; use - to read standard input' });
    }
  }
  return out;
}

/** The paths of {@link expandInputPaths}, without their origin. */
export function expandInputs(paths: readonly string[]): string[] {
  return expandInputPaths(paths).map((input) => input.path);
}
