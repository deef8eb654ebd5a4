/**
 * `journeyctl definition fmt|tree|refs FILE`: the workflow definition of any journey document
 * (a definition, a journey record, a validate request, an export folder or a spec), formatted,
 * drawn as a tree, or listed by the records it references.
 */
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import { InputError } from '../../errors.js';
import {
  buildGraph,
  collectReferences,
  REFERENCE_KIND_BY_TYPE,
  serializeDefinition,
  serializeDesignerState,
  type Activity,
  type Item,
  type WorkflowDefinition,
} from '../../definition/index.js';
import { loadJourneyDocument, readInputText, STDIN, type JourneyDocument } from '../../io/index.js';
import { JourneyLookups } from '../../model/names.js';
import { BRACED_GUID_PATTERN, parseGuid } from '../../util/guid.js';
import { writeOut } from '../context.js';
import { ExitCode, ExitError } from '../exit.js';
import { renderRows, withFormatOption, type Column, type OutputFormat } from '../render.js';

interface FmtArgs {
  file: string;
  check: boolean;
  write: boolean;
  compact: boolean;
}

interface FileArgs {
  file: string;
}

/** The canonical text of a document, and the file it belongs in. */
interface CanonicalText {
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

/** Write a file through a temporary file and a rename, so a crash never leaves half a file. */
async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}

async function runFmt(args: FmtArgs): Promise<void> {
  if (args.check && args.write) throw new InputError('use --check or --write, not both', {}, { hint: 'see journeyctl definition fmt --help' });
  let stdinText: string | undefined;
  const readStdin = async (): Promise<string> => (stdinText ??= await readInputText(STDIN));
  const document = await loadJourneyDocument(args.file, { readStdin });
  if (document.kind === 'spec' && (args.check || args.write)) {
    throw new InputError('a journey spec is not a definition: fmt prints the definition it compiles to', { file: args.file }, {
      hint: 'run without --check/--write to see the compiled definition',
    });
  }
  const canonical = canonicalText(document, args.compact);
  if (!args.check && !args.write) {
    writeOut(canonical.text);
    return;
  }
  const current = canonical.file === STDIN ? (stdinText ?? '') : await readInputText(canonical.file);
  const same = current.replace(/\r\n/g, '\n') === canonical.text;
  if (args.check) {
    if (!same) {
      // Like `gofmt -l`: name the file that is not canonical, on stdout, and fail.
      writeOut(canonical.file);
      throw new ExitError(ExitCode.Failure);
    }
    return;
  }
  if (canonical.file === STDIN) throw new InputError('--write needs a file, not stdin', { file: STDIN });
  if (!same) await writeFileAtomically(canonical.file, canonical.text);
}

// ---------------------------------------------------------------------------------------------
// tree

const NESTED_LABEL: Readonly<Record<string, string>> = Object.freeze({
  SegmentItem: 'segment',
  LandingPage: 'page',
  Event: 'event',
  Survey: 'survey',
  MarketingForm: 'form',
});

function quoted(text: unknown): string {
  return typeof text === 'string' && text !== '' ? ` "${text}"` : '';
}

/** One line describing an activity: type, name, id, and what it points at. */
function describeActivity(activity: Activity, itemNames: ReadonlyMap<string, string>): string {
  const header: Item | undefined = activity.Properties?.Items?.[0];
  const name = quoted(header?.Name);
  const id = `[${activity.ActivityId}]`;
  const record = header ? recordOf(header) : '';
  switch (activity.ActivityTypeId) {
    case 'Segment':
      return `Segment group${name} ${id} ${String(header?.SegmentMergeMethod ?? 'Union').toLowerCase()}`;
    case 'Trigger': {
      const conditions = Array.isArray(header?.ConditionExpressions) ? (header.ConditionExpressions as Record<string, unknown>[]) : [];
      const when = conditions
        .map((c) => {
          const source = String(c.SourceActivityItemId ?? '');
          return `${String(c.Condition ?? '?')} on #${source}${quoted(itemNames.get(source))}`;
        })
        .join(` ${String(header?.RuleLogic ?? 'AND').toLowerCase()} `);
      const timeout = header?.TimeoutValue !== undefined ? `, timeout ${String(header.TimeoutValue)} ${String(header.TimeoutUnit ?? '')}`.trimEnd() : '';
      return `Trigger${name} ${id}${when ? ` when ${when}` : ''}${timeout}`;
    }
    case 'Scheduler': {
      const until = header?.ScheduledDateTime;
      const wait =
        typeof until === 'string'
          ? ` until ${until}`
          : header?.ScheduledDurationValue !== undefined
            ? ` for ${String(header.ScheduledDurationValue)} ${String(header.ScheduledDurationUnit ?? '')}`.trimEnd()
            : '';
      return `Wait${name} ${id}${wait}`;
    }
    case 'empty':
      return `(empty) ${id}`;
    default:
      return `${activity.ActivityTypeId}${name} ${id}${record}`;
  }
}

/** ` -> <id>` for an item pointing at a record; a note when a record-type item has none yet. */
function recordOf(item: Item): string {
  if (item.ItemId) return ` -> ${item.ItemId}`;
  return Object.prototype.hasOwnProperty.call(REFERENCE_KIND_BY_TYPE, item.ActivityTypeId) ? ' (no record id)' : '';
}

/** Lines for the nested items of an activity (segments of a group, pages of an email, …). */
function describeNestedItems(activity: Activity): string[] {
  const items = activity.Properties?.Items ?? [];
  return items.slice(1).map((item) => {
    const label = NESTED_LABEL[item.ActivityTypeId] ?? item.ActivityTypeId;
    const containment =
      item.ActivityTypeId === 'SegmentItem' ? (item.ContainmentMethod === 'Exclusion' ? 'exclude ' : 'include ') : '';
    const unique = typeof item.DciSegmentName === 'string' && item.DciSegmentName !== item.Name ? ` (${item.DciSegmentName})` : '';
    const target = recordOf(item);
    return `${containment}${label}${quoted(item.Name)} #${item.ActivityItemId}${target}${unique}`;
  });
}

/** Label of each child when a tile has branches. */
function branchLabel(parent: Activity, child: Activity, index: number): string {
  if (parent.ActivityTypeId === 'Trigger') {
    return child.ParentRelationshipType === 'NoBranch' ? 'no' : child.ParentRelationshipType === 'YesBranch' ? 'yes' : `branch ${index + 1}`;
  }
  if (parent.ActivityTypeId === 'bpf_root') return `lane ${index + 1}`;
  return `branch ${index + 1}`;
}

/**
 * The journey as text: a chain of tiles stays at one indentation level; where a tile has
 * branches (trigger yes/no, splitter branches, swimlanes), each branch is drawn below it.
 */
export function renderDefinitionTree(definition: WorkflowDefinition, title: string): string {
  const graph = buildGraph(definition);
  const itemNames = new Map<string, string>();
  for (const activity of definition) {
    for (const item of activity.Properties?.Items ?? []) {
      if (typeof item.Name === 'string') itemNames.set(String(item.ActivityItemId), item.Name);
    }
  }
  const lines: string[] = [title];
  const drawn = new Set<Activity>();
  const drawChain = (first: Activity | undefined, prefix: string): void => {
    let current = first;
    while (current && !drawn.has(current)) {
      drawn.add(current);
      if (current.ActivityTypeId !== 'bpf_root') {
        lines.push(`${prefix}${describeActivity(current, itemNames)}`);
        for (const nested of describeNestedItems(current)) lines.push(`${prefix}  ${nested}`);
      }
      const children = graph.childrenOf(current.ActivityId);
      const branches = current.ActivityTypeId === 'Trigger' || children.length > 1;
      if (!branches) {
        current = children[0];
        continue;
      }
      children.forEach((child, i) => {
        const last = i === children.length - 1;
        lines.push(`${prefix}${last ? '└─ ' : '├─ '}${branchLabel(current!, child, i)}`);
        // A splitter branch tile carries only its title: draw what follows it in the branch.
        drawChain(child, `${prefix}${last ? '   ' : '│  '}`);
      });
      current = undefined;
    }
  };
  drawChain(graph.root, '');
  // Activities not reachable from the root (dangling parents) are still shown.
  for (const activity of definition) {
    if (!drawn.has(activity)) {
      lines.push(`(not under the root) ${describeActivity(activity, itemNames)}`);
      drawn.add(activity);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The first line of a tree: the journey's name and target when the document has them. */
function treeTitle(document: JourneyDocument): string {
  const name = document.fields?.msdyncrm_name;
  const target = document.definition.find((a) => typeof a.EntityTarget === 'string')?.EntityTarget;
  const tiles = document.definition.filter((a) => a.ActivityTypeId !== 'bpf_root' && a.ActivityTypeId !== 'empty').length;
  const label = typeof name === 'string' && name !== '' ? name : document.file === STDIN ? '(stdin)' : basename(document.file);
  return `${label} (${target ?? 'contact'}, ${tiles} tile${tiles === 1 ? '' : 's'})`;
}

async function runTree(args: FileArgs): Promise<void> {
  const document = await loadJourneyDocument(args.file);
  writeOut(renderDefinitionTree(document.definition, treeTitle(document)));
}

// ---------------------------------------------------------------------------------------------
// refs

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

const REFERENCE_COLUMNS: readonly Column<ReferenceRow>[] = [
  { header: 'KIND', value: (r) => r.kind },
  { header: 'ID', value: (r) => r.id ?? '(by name)' },
  { header: 'NAME', value: (r) => r.name ?? r.dciSegmentName ?? '' },
  { header: 'TILE', value: (r) => (r.activityId === '' ? '(journey)' : `${r.tileType ?? ''} ${r.activityId}`) },
  { header: 'ITEM', value: (r) => r.activityItemId ?? '' },
];

async function runRefs(args: FileArgs & { format: OutputFormat }): Promise<void> {
  const document = await loadJourneyDocument(args.file);
  writeOut(renderRows(referenceRows(document), args.format, REFERENCE_COLUMNS));
}

// ---------------------------------------------------------------------------------------------

const FILE_DESCRIPTION =
  'A workflow definition (JSON array, or the JSON string the Web API stores), a journey record, a validate request body, an exported journey folder, or a journey spec (YAML/JSON); - reads stdin';

function fileArgument<T>(cli: Argv<T>): Argv<T & FileArgs> {
  return cli
    .positional('file', { type: 'string', demandOption: true, describe: FILE_DESCRIPTION })
    .middleware((args) => {
      // yargs hands a lone "-" positional over as an empty string; "-" means stdin.
      const parsed = args as unknown as { file: unknown };
      if (parsed.file === '' || parsed.file === true) parsed.file = STDIN;
    }) as unknown as Argv<T & FileArgs>;
}

/** Registers `journeyctl definition fmt|tree|refs`. */
export default function register(cli: Argv): Argv {
  return cli.command('definition', 'Format, draw and inspect workflow definitions', (definition) =>
    definition
      .command(
        'fmt <file>',
        'Write a definition in the designer’s canonical shape and key order',
        (fmt) =>
          fileArgument(fmt)
            .option('check', { type: 'boolean', default: false, describe: 'Print the file name and exit 1 when it is not canonical; write nothing' })
            .option('write', { alias: 'w', type: 'boolean', default: false, describe: 'Rewrite the file in place (atomically) instead of printing' })
            .option('compact', { type: 'boolean', default: false, describe: 'Definition files: one line, as the Web API stores it (default: indented by two spaces)' })
            .example('$0 definition fmt journey.json', 'print the canonical form')
            .example('$0 definition fmt --check journey.json', 'exit 1 if journey.json is not canonical (CI)')
            .example('$0 definition fmt --write journey.json', 'rewrite journey.json in place')
            .example('$0 definition fmt welcome.yaml', 'print the definition a spec compiles to')
            .example('cat record.json | $0 definition fmt -', 'read stdin'),
        (args) => runFmt(args as unknown as FmtArgs),
      )
      .command(
        'tree <file>',
        'Draw the journey as a tree: tiles, branches, names and referenced records',
        (tree) =>
          fileArgument(tree)
            .example('$0 definition tree samples/definitions/all-tile-types.json', 'draw a definition')
            .example('$0 definition tree samples/specs/welcome.yaml', 'draw what a spec compiles to'),
        (args) => runTree(args as unknown as FileArgs),
      )
      .command(
        'refs <file>',
        'List the records the journey references (segments, emails, pages, forms, events, …)',
        (refs) =>
          withFormatOption(fileArgument(refs))
            .example('$0 definition refs journey.json', 'a table')
            .example('$0 definition refs --format json record.json', 'JSON for scripts'),
        (args) => runRefs(args as unknown as FileArgs & { format: OutputFormat }),
      )
      .demandCommand(1, 'Name a definition command: fmt, tree or refs.')
      .example('$0 definition tree journey.json', 'draw a journey')
      .example('$0 definition refs --format json journey.json', 'list referenced records as JSON'),
  );
}
