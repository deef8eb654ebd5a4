/**
 * Renderers shared by the data commands: a command returns rows (or any JSON value) and the
 * user's `--format` decides how they are printed. Machine formats (json, yaml) print the data
 * as-is; `table` prints the columns a command declares.
 */
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { writeErr, writeOut } from './context.js';
import { ExitError } from './exit.js';

/** The output formats of data commands. */
export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** One column of a table: its header and how to get a row's cell. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/**
 * Add `--format table|json|yaml` to a command.
 * @param fallback the default format. @default "table"
 */
export function withFormatOption<T>(cli: Argv<T>, fallback: OutputFormat = 'table') {
  return cli.option('format', {
    alias: 'f',
    choices: OUTPUT_FORMATS,
    default: fallback,
    describe: 'Output format',
  });
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.replace(/[\r\n\t]+/g, ' ');
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** A plain-text table: a header row, a rule, and one row per item, columns padded to fit. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row))));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** JSON with two-space indentation and a final newline. */
export function renderJson(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** YAML (block style). The yaml package loads with the first YAML output. */
export function renderYaml(data: unknown): string {
  const { stringify } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return stringify(data, { lineWidth: 0 });
}

/**
 * Render rows in a format. `table` needs the columns; json and yaml print the rows themselves,
 * so scripts get every field even when the table shows a few.
 */
export function renderRows<T>(rows: readonly T[], format: OutputFormat, columns: readonly Column<T>[]): string {
  switch (format) {
    case 'json':
      return renderJson(rows);
    case 'yaml':
      return renderYaml(rows);
    case 'table':
      return renderTable(rows, columns);
  }
}

/**
 * What a command produced: its data (printed as-is by `json` and `yaml`), how it reads for
 * people (`table`/`text`), and how the command ends once it is printed.
 */
export interface CommandResult<T = unknown> {
  data: T;
  /** The data for people; `''` prints nothing. */
  text: (data: T) => string;
  /**
   * Renderers of formats the data has its own formatter for (a report's sarif, junit, github and
   * its json), by format name; they take precedence over `json`, `yaml` and `text`.
   */
  formats?: Readonly<Record<string, (data: T) => string>>;
  /**
   * Print in this format whatever `--format` says: when `--format` named the format of a file the
   * command wrote, and stdout only says what was written.
   */
  format?: string;
  /** Lines for stderr after the output (a summary, the inputs that could not be read). */
  notices?: readonly string[];
  /** End with this exit code after printing (findings, a failed operation, a difference). */
  exitCode?: number;
  /** Throw this after printing (its own exit code and message on stderr). */
  error?: unknown;
}

/** Rows: a table of `columns` for people, the rows themselves in json and yaml. */
export function rowsResult<T>(rows: T[], columns: readonly Column<T>[]): CommandResult<T[]> {
  return { data: rows, text: (r) => renderTable(r, columns) };
}

/** A result whatever its data (what a handler returns; each result is typed where it is made). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommandResult = CommandResult<any>;

/**
 * The result of a report that has its own formatter (a validation or conformance report): it
 * prints in `format` (the report's text, json, sarif, junit, …) through `render`.
 */
export function reportResult<T>(data: T, format: string, render: (data: T) => string, end: Pick<CommandResult<T>, 'notices' | 'exitCode'> = {}): CommandResult<T> {
  return { data, text: render, formats: { [format]: render }, ...end };
}

/**
 * Render a result in a format: the data's own formatter for that format when it has one, else
 * `json`, `yaml`, or the command's text.
 */
export function renderResult<T>(result: CommandResult<T>, format: string): string {
  const own = result.formats?.[format];
  if (own) return own(result.data);
  return format === 'json' ? renderJson(result.data) : format === 'yaml' ? renderYaml(result.data) : result.text(result.data);
}

/**
 * The one place a command's result is printed (commands return it; `handle()` in command.ts
 * passes it here with the command's `--format`).
 *
 * Exceptions, written by their commands as they go because the output is a stream:
 * - `emulator export` streams the store as it reads it (to stdout or `--out`);
 * - the long-running servers (`emulator start`, `channel receive`, `channel serve`) print
 *   `listening on URL` as soon as they listen, the line scripts wait for (the summary `channel
 *   receive` prints when it stops is a result like any other);
 * - `validate` streams its report file by file through the report writers (one per format, to
 *   stdout or an `--output` file), so a large folder is reported as it is read.
 * Notices and progress go to stderr as they happen (context.ts `writeErr`, progress.ts).
 */
export function emit<T>(result: CommandResult<T>, format: string): void {
  const out = renderResult(result, result.format ?? format);
  if (out !== '') writeOut(out);
  for (const notice of result.notices ?? []) writeErr(notice);
  if (result.error !== undefined) throw result.error;
  if (result.exitCode !== undefined && result.exitCode !== 0) throw new ExitError(result.exitCode);
}
