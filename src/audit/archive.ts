/**
 * The audit's archive: every journey in the journeys export format (one folder each, files
 * written atomically; see `journeys/exportFormat.ts`), plus `manifest.json` listing journeys,
 * files and SHA-256 checksums, the tool version, the source and the time. Re-running over an
 * existing archive rewrites the same folders (unchanged journeys give byte-identical files) and
 * the manifest, so it is safe; `journeyctl journeys import` reads the folders back.
 */
import { relative, join, sep } from 'node:path';
import { EXPORT_SELECT, writeJourneyExport } from '../journeys/exportFormat.js';
import { openAtomicStream, readLines } from './files.js';

/** Columns the archive needs on top of the inventory's. */
export const ARCHIVE_EXTRA_SELECT: readonly string[] = EXPORT_SELECT;

/** File name of the manifest inside the archive directory. */
export const MANIFEST_FILE = 'manifest.json';

/** One archived journey, as the manifest lists it. */
export interface ArchivedJourney {
  id: string;
  name: string;
  /** Folder relative to the archive directory (`/` separators); null when it could not be written. */
  folder: string | null;
  files: { path: string; sha256: string; bytes: number }[];
  /** Why the journey is not archived (e.g. no workflow definition). */
  skipped?: string;
}

/** Archive one journey (Web API shape); an unreadable journey is listed as skipped, not fatal. */
export async function archiveJourney(dir: string, entity: Record<string, unknown>): Promise<ArchivedJourney> {
  const id = String(entity.msdyncrm_customerjourneyid ?? '');
  const name = typeof entity.msdyncrm_name === 'string' ? entity.msdyncrm_name : '';
  try {
    const written = await writeJourneyExport(dir, entity);
    const rel = (path: string) => relative(dir, path).split(sep).join('/');
    return { id, name, folder: rel(written.folder), files: written.files.map((f) => ({ path: rel(f.path), sha256: f.sha256, bytes: f.bytes })) };
  } catch (error) {
    if ((error as { kind?: string }).kind !== 'input') throw error;
    return { id, name, folder: null, files: [], skipped: (error as Error).message };
  }
}

/** Write `manifest.json` by streaming the archive work file. */
export async function writeArchiveManifest(
  dir: string,
  workFile: string,
  meta: { generatedAt: string; sourceUrl: string | null; toolVersion: string | null },
): Promise<{ path: string; journeys: number }> {
  const path = join(dir, MANIFEST_FILE);
  const out = await openAtomicStream(path);
  let journeys = 0;
  try {
    const head = { format: 'journeyctl-audit-archive', version: 1, tool: { name: 'journeyctl', version: meta.toolVersion }, source: meta.sourceUrl, generatedAt: meta.generatedAt };
    await out.write(`${JSON.stringify(head, null, 2).slice(0, -2)},\n  "journeys": [`);
    for await (const entry of readLines<ArchivedJourney>(workFile)) {
      await out.write(`${journeys === 0 ? '\n' : ',\n'}    ${JSON.stringify(entry)}`);
      journeys++;
    }
    await out.write(`${journeys === 0 ? '' : '\n  '}],\n  "count": ${journeys}\n}\n`);
    await out.commit();
  } catch (error) {
    await out.abort();
    throw error;
  }
  return { path, journeys };
}
