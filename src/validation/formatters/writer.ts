/**
 * A report renderer that streams: `start()` before the first file, `file()` for each file as it
 * is validated, `end()` with the summary. Every format is written this way, so a run of any size
 * is rendered without holding its files, and `formatReport` is the same text at once.
 */
import type { FileReport, Summary } from '../report.js';

export interface ReportWriter {
  /** Text before the first file. */
  start(): string;
  /** Text for one file. */
  file(file: FileReport): string;
  /** Text after the last file. */
  end(summary: Summary): string;
}

/** Indent every line but the first of a JSON text (JSON strings hold no raw line breaks). */
export function indentJson(text: string, spaces: number): string {
  return text.replace(/\n/g, `\n${' '.repeat(spaces)}`);
}

/**
 * The text of an array written element by element, exactly as `JSON.stringify(…, null, 2)`
 * writes it at `depth` levels of indentation: `[`, the elements, `]`.
 */
export class JsonArrayWriter {
  private count = 0;
  constructor(private readonly depth: number) {}

  /** The text of one more element. */
  element(value: unknown): string {
    const pad = ' '.repeat(2 * (this.depth + 1));
    const text = `${this.count === 0 ? '' : ','}\n${pad}${indentJson(JSON.stringify(value, null, 2), 2 * (this.depth + 1))}`;
    this.count++;
    return text;
  }

  /** The closing bracket (an empty array closes on the same line, as JSON.stringify writes it). */
  close(): string {
    return this.count === 0 ? ']' : `\n${' '.repeat(2 * this.depth)}]`;
  }
}
