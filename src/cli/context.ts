/** Global options every command receives, and the streams it writes to. */
export interface GlobalOptions {
  verbose: boolean;
  quiet: boolean;
  color: boolean;
}

/** Whether to colour output written to `stream`: only on a TTY, never with --no-color or NO_COLOR. */
export function useColor(options: Pick<GlobalOptions, 'color'>, stream: NodeJS.WriteStream = process.stdout): boolean {
  return options.color && stream.isTTY === true && !process.env.NO_COLOR;
}

/** Machine output (data, reports) goes to stdout. */
export function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Logs, progress and notices go to stderr, so stdout stays parseable. */
export function writeErr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
