/**
 * Every `journeyctl …` line in the shell blocks of README.md and docs/cli.md runs as written, in
 * order, in one fresh folder (so they share the embedded emulator's store, as a user's session
 * does), with `samples/` linked into it; and exits 0. A block marked
 * `<!-- needs: real environment -->` is listed but not run. In a line, `<id>` stands for the first
 * record id the previous command printed. Servers (`emulator start`, `channel serve|receive`) run
 * on a free port until they listen, then stop on SIGINT and must exit 0.
 *
 * The numbers the README states are checked against the code: the rule count, and the commands
 * and subcommands of its command table against the CLI's own help.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/validation/index.js';
import { cliPath, repoRoot, runCli } from '../helpers/cli.js';
import { blocksOf, type DocBlock } from './docBlocks.js';

const SHELL = new Set(['sh', 'bash', 'shell', 'console', '']);
const COMMAND = /^\s*(?:\$\s+)?(?:npx\s+)?journeyctl(\s.*)?$/;
const SERVER = /^(emulator start|channel serve|channel receive)\b/;
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

interface CliLine {
  block: DocBlock;
  text: string;
  args: string[];
}

/** Split a command line into words (single and double quotes group; `#` starts a comment). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(#.*$)|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[3] !== undefined) break;
    out.push(m[1] ?? m[2] ?? m[4]!);
  }
  return out;
}

function cliLines(file: string): CliLine[] {
  return blocksOf(file)
    .filter((b) => SHELL.has(b.lang))
    .flatMap((block) =>
      block.code
        .split('\n')
        .filter((line) => COMMAND.test(line))
        .map((text) => ({ block, text: text.trim(), args: words(COMMAND.exec(text)![1] ?? '') })),
    );
}

async function runServer(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args, '--port', '0'], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      output += c;
      if (/listening on http/.test(output)) child.kill('SIGINT');
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe.each(['README.md', 'docs/cli.md'])('journeyctl lines of %s', (file) => {
  const lines = cliLines(file);

  it('every marker names what the block needs', () => {
    for (const line of lines) if (line.block.needs !== undefined) expect(line.block.needs).toBe('real environment');
  });

  it('every line runs and exits 0, in order, in one fresh folder', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'journeyctl-doc-lines-'));
    symlinkSync(join(repoRoot, 'samples'), join(cwd, 'samples'), 'dir');
    let lastId: string | undefined;
    const ran: string[] = [];
    for (const line of lines) {
      if (line.block.needs !== undefined) continue;
      const args = line.args.map((a) => (a === '<id>' ? (lastId ?? a) : a));
      expect(args.every((a) => !/^<.*>$/.test(a)), `${file}:${line.block.line}: ${line.text} has a placeholder nothing before it fills`).toBe(true);
      const result = SERVER.test(args.join(' ')) ? await runServer(args, cwd) : await runCli(args, { cwd }).then((r) => ({ code: r.code, output: `${r.stdout}\n${r.stderr}`, stdout: r.stdout }));
      expect(result.code, `${file}:${line.block.line}: ${line.text}\n${result.output}`).toBe(0);
      lastId = GUID.exec('stdout' in result ? (result.stdout as string) : result.output)?.[0] ?? lastId;
      ran.push(line.text);
    }
    if (file === 'README.md') expect(ran.length).toBeGreaterThan(0);
  });
});

describe("the README's numbers", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

  it('states the number of offline rules in the catalogue', () => {
    const stated = /(\d+) offline rules/.exec(readme)?.[1];
    expect(Number(stated)).toBe(RULES.length);
  });

  it('lists exactly the CLI commands and each group’s subcommands', async () => {
    const rows = [...readme.matchAll(/^\| `([a-z-]+)(?: ([^`]*))?` \|/gm)].map((m) => ({ command: m[1]!, rest: m[2] ?? '' }));
    const help = await runCli(['--help']);
    const commands = [...help.stdout.matchAll(/^ {2}journeyctl ([a-z-]+)/gm)].map((m) => m[1]!);
    expect(rows.map((r) => r.command).sort()).toEqual([...new Set(commands)].sort());
    for (const row of rows) {
      const listed = /^[a-z-]+(?:\\\|[a-z-]+)+$|^[a-z-]+$/.test(row.rest) && !row.rest.startsWith('[') ? row.rest.split('\\|') : undefined;
      if (listed === undefined || row.rest === '') continue;
      const sub = await runCli([row.command, '--help']);
      const actual = [...sub.stdout.matchAll(new RegExp(`^ {2}journeyctl ${row.command} ([a-z-]+)`, 'gm'))].map((m) => m[1]!);
      expect({ command: row.command, subcommands: listed.sort() }).toEqual({ command: row.command, subcommands: [...new Set(actual)].sort() });
    }
  });
});
