/**
 * Views of a loaded journey document: its canonical text (what `definition fmt` writes), the
 * title of its tree, and the records it references.
 */
import { basename } from 'node:path';
import { collectReferences, serializeDefinition, serializeDesignerState, type WorkflowDefinition } from '../definition/index.js';
import { JourneyLookups } from '../model/names.js';
import { BRACED_GUID_PATTERN, parseGuid } from '../util/guid.js';
import type { JourneyDocument } from './loadJourneyDocument.js';
import { STDIN } from './readInput.js';

/** The canonical text of a document, and the file it belongs in. */
export interface CanonicalText {
  /** The file whose content the text replaces (`-` for stdin). */
  file: string;
  text: string;
}

/**
 * The canonical text of a loaded document: a definition in the designer's key order (pretty by
 * default, compact as stored with `compact`); a record or validate request with its definition
 * (and designer state) re-serialized compactly, the way the Web API stores them, and the record
 * itself indented by two spaces; an export folder's definition.json.
 */
export function canonicalText(document: JourneyDocument, compact: boolean): CanonicalText {
  const definitionText = (def: WorkflowDefinition): string => `${serializeDefinition(def, { pretty: !compact })}\n`;
  switch (document.kind) {
    case 'definition':
    case 'export':
    case 'spec':
      return { file: document.definitionFile, text: definitionText(document.definition) };
    case 'record':
    case 'validate-request': {
      const record = document.raw ?? {};
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(record)) {
        const replaced =
          key === 'msdyncrm_workflowdefinition' || key === 'FieldValueWorkflowDefinition'
            ? serializeDefinition(document.definition)
            : key === 'msdyncrm_customerjourneydesignerstate' && document.designerState
              ? serializeDesignerState(document.designerState)
              : value;
        Object.defineProperty(out, key, { value: replaced, enumerable: true, writable: true, configurable: true });
      }
      return { file: document.file, text: compact ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n` };
    }
  }
}

/** The first line of a tree: the journey's name and target when the document has them. */
export function treeTitle(document: JourneyDocument): string {
  const name = document.fields?.msdyncrm_name;
  const target = document.definition.find((a) => typeof a.EntityTarget === 'string')?.EntityTarget;
  const tiles = document.definition.filter((a) => a.ActivityTypeId !== 'bpf_root' && a.ActivityTypeId !== 'empty').length;
  const label = typeof name === 'string' && name !== '' ? name : document.file === STDIN ? '(stdin)' : basename(document.file);
  return `${label} (${target ?? 'contact'}, ${tiles} tile${tiles === 1 ? '' : 's'})`;
}

/** One referenced record, from the definition or from the journey's own fields. */
export interface ReferenceRow {
  kind: string;
  id: string | null;
  name?: string;
  /** Segment unique name (`DciSegmentName`). */
  dciSegmentName?: string;
  /** Segment containment (`Inclusion`/`Exclusion`). */
  containment?: string;
  /** ActivityId of the tile; `""` for a journey field. */
  activityId: string;
  activityItemId?: number;
  tileType?: string;
  /** JSON pointer into the document (into the decoded definition for records). */
  pointer: string;
  /** False when the record is known only by name (specs), to be resolved against an environment. */
  resolved: boolean;
}

const FIELD_REFERENCES = [
  { kind: 'contentSettings', lookup: JourneyLookups.contentSettings },
  { kind: 'suppressionSegment', lookup: JourneyLookups.suppressionSegment },
  { kind: 'template', lookup: JourneyLookups.template },
] as const;

const BIND_ID = new RegExp(`\\((${BRACED_GUID_PATTERN})\\)$`);

/** A GUID out of `/entityset(guid)`. */
function idFromBind(bind: unknown): string | null {
  return (typeof bind === 'string' ? parseGuid(BIND_ID.exec(bind)?.[1]) : undefined) ?? null;
}

/** Every record a document references: its definition's, then its journey fields'. */
export function referenceRows(document: JourneyDocument): ReferenceRow[] {
  const rows: ReferenceRow[] = collectReferences(document.definition).map((ref) => ({
    kind: ref.kind,
    id: ref.id,
    ...(ref.name === undefined ? {} : { name: ref.name }),
    ...(ref.dciSegmentName === undefined ? {} : { dciSegmentName: ref.dciSegmentName }),
    ...(ref.containment === undefined ? {} : { containment: ref.containment }),
    activityId: ref.activityId,
    activityItemId: ref.activityItemId,
    tileType: ref.tileType,
    pointer: document.definitionPointer + ref.pointer,
    resolved: ref.id !== null && ref.id !== undefined && ref.id !== '',
  }));
  const fields = document.fields ?? {};
  for (const { kind, lookup } of FIELD_REFERENCES) {
    const bindKey = `${lookup.navigationProperty}@odata.bind`;
    const valueKey = lookup.valueProperty;
    const id = idFromBind(fields[bindKey]) ?? (typeof fields[valueKey] === 'string' ? (fields[valueKey] as string) : null);
    if (id) rows.push({ kind, id, activityId: '', pointer: `/${fields[bindKey] !== undefined ? bindKey : valueKey}`, resolved: true });
  }
  for (const unresolved of document.unresolved ?? []) {
    if (unresolved.activityId === '') {
      rows.push({ kind: unresolved.kind, id: null, name: unresolved.name, activityId: '', pointer: unresolved.pointer, resolved: false });
    }
  }
  return rows;
}

