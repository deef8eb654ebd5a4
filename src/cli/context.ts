/** Global options every command receives, and the streams it writes to. */
export interface GlobalOptions {
  verbose: boolean;
  quiet: boolean;
  color: boolean;
}

/**
 * Whether to colour output written to `stream`: the one place colour is decided. In order:
 * `--no-color` never; `NO_COLOR` (any non-empty value, https://no-color.org) never;
 * `FORCE_COLOR` (non-empty, not `0` or `false`) always, even through a pipe; otherwise only on a
 * terminal.
 */
export function useColor(
  options: Pick<GlobalOptions, 'color'>,
  stream: Pick<NodeJS.WriteStream, 'isTTY'> = process.stdout,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (!options.color) return false;
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return stream.isTTY === true;
}

/** Machine output (data, reports) goes to stdout. */
export function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Logs, progress and notices go to stderr, so stdout stays parseable. */
export function writeErr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
