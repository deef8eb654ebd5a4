/**
 * `journeyctl definition fmt|tree|refs FILE`: the workflow definition of any journey document
 * (a definition, a journey record, a validate request, an export folder or a spec), formatted,
 * drawn as a tree, or listed by the records it references. The views are the library's
 * (`canonicalText`, `renderDefinitionTree`, `referenceRows`); this file parses the arguments
 * and returns what each command prints.
 */
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import { InputError } from '../../errors.js';
import { renderDefinitionTree } from '../../definition/tree.js';
import { loadJourneyDocument, readInputText, STDIN } from '../../io/index.js';
import { canonicalText, referenceRows, treeTitle, type ReferenceRow } from '../../io/journeyDocumentViews.js';
import { ExitCode } from '../exit.js';
import { renderTable, withFormatOption, type Column, type CommandResult } from '../render.js';
import { handle, type ArgsOf, type GlobalArgs } from '../command.js';

/** Write a file through a temporary file and a rename, so a crash never leaves half a file. */
async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}

/** Printed as it is: fmt's canonical text, `--check`'s file name, the tree. */
function textResult(text: string, exitCode?: number): CommandResult<string> {
  return { data: text, text: (t) => t, ...(exitCode === undefined ? {} : { exitCode }) };
}

async function runFmt(args: ArgsOf<typeof fmtBuilder>): Promise<CommandResult<string> | void> {
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
  if (!args.check && !args.write) return textResult(canonical.text);
  const current = canonical.file === STDIN ? (stdinText ?? '') : await readInputText(canonical.file);
  const same = current.replace(/\r\n/g, '\n') === canonical.text;
  if (args.check) {
    // Like `gofmt -l`: name the file that is not canonical, on stdout, and fail.
    return same ? undefined : textResult(canonical.file, ExitCode.Failure);
  }
  if (canonical.file === STDIN) throw new InputError('--write needs a file, not stdin', { file: STDIN });
  if (!same) await writeFileAtomically(canonical.file, canonical.text);
}

// ---------------------------------------------------------------------------------------------
// tree

async function runTree(args: { file: string }): Promise<CommandResult<string>> {
  const document = await loadJourneyDocument(args.file);
  return textResult(renderDefinitionTree(document.definition, treeTitle(document)));
}

// ---------------------------------------------------------------------------------------------
// refs

const REFERENCE_COLUMNS: readonly Column<ReferenceRow>[] = [
  { header: 'KIND', value: (r) => r.kind },
  { header: 'ID', value: (r) => r.id ?? '(by name)' },
  { header: 'NAME', value: (r) => r.name ?? r.dciSegmentName ?? '' },
  { header: 'TILE', value: (r) => (r.activityId === '' ? '(journey)' : `${r.tileType ?? ''} ${r.activityId}`) },
  { header: 'ITEM', value: (r) => r.activityItemId ?? '' },
];

async function runRefs(args: { file: string }): Promise<CommandResult<ReferenceRow[]>> {
  const document = await loadJourneyDocument(args.file);
  return { data: referenceRows(document), text: (rows) => renderTable(rows, REFERENCE_COLUMNS) };
}

// ---------------------------------------------------------------------------------------------

const FILE_DESCRIPTION =
  'A workflow definition (JSON array, or the JSON string the Web API stores), a journey record, a validate request body, an exported journey folder, or a journey spec (YAML/JSON); - reads stdin';

/** The FILE positional; a lone `-` (which yargs hands over as an empty string) means stdin. */
function fileArgument<T>(cli: Argv<T>) {
  return cli.positional('file', {
    type: 'string',
    demandOption: true,
    describe: FILE_DESCRIPTION,
    coerce: (file: unknown): string => (file === '' || file === true ? STDIN : String(file)),
  });
}

const fmtBuilder = (fmt: Argv<GlobalArgs>) =>
  fileArgument(fmt)
    .option('check', { type: 'boolean', default: false, describe: 'Print the file name and exit 1 when it is not canonical; write nothing' })
    .option('write', { alias: 'w', type: 'boolean', default: false, describe: 'Rewrite the file in place (atomically) instead of printing' })
    .option('compact', { type: 'boolean', default: false, describe: 'Definition files: one line, as the Web API stores it (default: indented by two spaces)' })
    .example('$0 definition fmt journey.json', 'print the canonical form')
    .example('$0 definition fmt --check journey.json', 'exit 1 if journey.json is not canonical (CI)')
    .example('$0 definition fmt --write journey.json', 'rewrite journey.json in place')
    .example('$0 definition fmt welcome.yaml', 'print the definition a spec compiles to')
    .example('cat record.json | $0 definition fmt -', 'read stdin');

/** `journeyctl definition fmt|tree|refs`. */
export const builder = (definition: Argv<GlobalArgs>) =>
  definition
    .command('fmt <file>', 'Write a definition in the designer’s canonical shape and key order', fmtBuilder, handle('definition fmt', runFmt))
    .command(
      'tree <file>',
      'Draw the journey as a tree: tiles, branches, names and referenced records',
      (tree) =>
        fileArgument(tree)
          .example('$0 definition tree samples/definitions/all-tile-types.json', 'draw a definition')
          .example('$0 definition tree samples/specs/welcome.yaml', 'draw what a spec compiles to'),
      handle('definition tree', runTree),
    )
    .command(
      'refs <file>',
      'List the records the journey references (segments, emails, pages, forms, events, …)',
      (refs) =>
        withFormatOption(fileArgument(refs))
          .example('$0 definition refs journey.json', 'a table')
          .example('$0 definition refs --format json record.json', 'JSON for scripts'),
      handle('definition refs', runRefs),
    )
    .demandCommand(1, 'Name a definition command: fmt, tree or refs.')
    .example('$0 definition tree journey.json', 'draw a journey')
    .example('$0 definition refs --format json journey.json', 'list referenced records as JSON');
