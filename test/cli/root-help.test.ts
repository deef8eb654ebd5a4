/**
 * `journeyctl --help` prints the root help rendered at build time; it must be exactly what yargs
 * renders from today's command table, at every width it was rendered for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

const dist = join(repoRoot, 'dist', 'cli');
const { renderRootHelp } = (await import(pathToFileURL(join(dist, 'writeRootHelp.js')).href)) as { renderRootHelp: (width: number) => Promise<string> };
const { PRERENDERED_HELP_WIDTHS, COMMANDS } = (await import(pathToFileURL(join(dist, 'main.js')).href)) as {
  PRERENDERED_HELP_WIDTHS: readonly number[];
  COMMANDS: readonly { command: string; describe: string }[];
};

describe('journeyctl --help', () => {
  it.each([['--help'], ['-h']])('%s prints the help yargs renders (not a terminal: 100 columns)', async (flag) => {
    const result = await runCli([flag]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${await renderRootHelp(100)}\n`);
    for (const entry of COMMANDS) expect(result.stdout).toContain(entry.command.split(' ', 1)[0]);
  });

  it('the build rendered every width from the current command table', async () => {
    const texts = JSON.parse(readFileSync(join(dist, 'root-help.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(texts).sort()).toEqual(PRERENDERED_HELP_WIDTHS.map(String).sort());
    for (const width of PRERENDERED_HELP_WIDTHS) expect(texts[String(width)]).toBe(await renderRootHelp(width));
  });
});
