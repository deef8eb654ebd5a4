/**
 * The audit checkpoint: after each page of journeys, where to continue (the paging continuation
 * token), how long each work file was, and the summary so far. Written atomically, so an
 * interruption at any moment leaves the previous or the new checkpoint, never half of one.
 */
import { isDocumentError } from '../io/documentError.js';
import { readDocument } from '../io/readInput.js';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from './files.js';
import type { EntraStatus } from './owners.js';
import type { AuditSummary } from './types.js';

/** File name of the checkpoint inside the output directory. */
export const CHECKPOINT_FILE = 'audit-checkpoint.json';

/** The checkpoint's content. */
export interface AuditCheckpoint {
  format: 'journeyctl-audit-checkpoint';
  version: 1;
  startedAt: string;
  sourceUrl: string | null;
  pageSize: number;
  archiveDir: string | null;
  /** Journey pages done. */
  pages: number;
  /** Every journey page is done. */
  journeysDone: boolean;
  /** Where the next page starts (absent when done). */
  continuationToken?: string;
  /** Work file sizes in bytes after the last page. */
  files: { journeys: number; references: number; archive: number };
  summary: AuditSummary;
  /** Journeys per custom channel tile prefix. */
  tileUsage: Record<string, number>;
  /** Entra states looked up so far. */
  entra: Record<string, EntraStatus>;
  /** When the audit finished (reports written); absent while it is unfinished. */
  finishedAt?: string;
}

/** Write the checkpoint atomically. */
export async function writeCheckpoint(outDir: string, checkpoint: AuditCheckpoint): Promise<void> {
  await writeFileAtomic(join(outDir, CHECKPOINT_FILE), `${JSON.stringify(checkpoint)}\n`);
}

/**
 * Read the checkpoint, or undefined when there is none.
 * @throws InputError when the file is not a checkpoint of this version.
 */
export async function readCheckpoint(outDir: string): Promise<AuditCheckpoint | undefined> {
  const file = join(outDir, CHECKPOINT_FILE);
  let value: Partial<AuditCheckpoint> | undefined;
  try {
    value = (await readDocument(file, { syntax: 'json' })).value as Partial<AuditCheckpoint>;
  } catch (error) {
    if (isDocumentError(error) && error.reason === 'not-found') return undefined;
    if (!isDocumentError(error) || error.failure === 'unreadable') throw error;
    value = undefined;
  }
  if (
    !value ||
    value.format !== 'journeyctl-audit-checkpoint' ||
    value.version !== 1 ||
    typeof value.pages !== 'number' ||
    typeof value.summary !== 'object' ||
    typeof value.files !== 'object'
  ) {
    throw new InputError('The audit checkpoint cannot be read', { file }, { hint: 'start the audit again without --resume' });
  }
  return value as AuditCheckpoint;
}
