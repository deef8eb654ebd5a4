/**
 * Build step (`npm run build`): render the root help with yargs for each width in
 * PRERENDERED_HELP_WIDTHS and write them to dist/cli/root-help.json, which `journeyctl --help`
 * prints without loading yargs.
 */
import { writeFileSync } from 'node:fs';
import { isEntryPoint } from '../util/entryPoint.js';
import { buildParser, PRERENDERED_HELP_WIDTHS, ROOT_HELP_FILE } from './main.js';

/** The root help as yargs renders it at `width` columns. */
export async function renderRootHelp(width: number): Promise<string> {
  return (await buildParser(['--help'], { width })).getHelp();
}

if (isEntryPoint(import.meta.url)) {
  const texts: Record<string, string> = {};
  for (const width of PRERENDERED_HELP_WIDTHS) texts[String(width)] = await renderRootHelp(width);
  writeFileSync(ROOT_HELP_FILE, `${JSON.stringify(texts, null, 2)}\n`);
}
