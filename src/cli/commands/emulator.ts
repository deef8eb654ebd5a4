import type { Argv } from 'yargs';

// Placeholder registration; the emulator command lands with its issue.
export default function register(cli: Argv): Argv {
  return cli;
}
