/** The path arguments of the commands that read journey documents (`validate`, `query`). */
import { STDIN } from '../io/index.js';

/**
 * The paths of a command, with `-` (stdin) put back: yargs drops a lone `-` while filling
 * variadic positionals, so it is recovered from the process arguments (the CLI entry point
 * parses exactly those).
 */
export function withStdin(paths: readonly string[], processArgs: readonly string[] = process.argv.slice(2)): string[] {
  const result = [...paths];
  if (!result.includes(STDIN) && processArgs.includes(STDIN)) result.push(STDIN);
  return result;
}
