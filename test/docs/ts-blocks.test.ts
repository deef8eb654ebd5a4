/**
 * Every ```ts block in README.md and docs/*.md is a complete program: it type-checks under strict
 * TypeScript importing 'journeyctl' and 'journeyctl/emulator' the way a user's project does (a
 * node_modules/journeyctl link to this package, whose exports point at the built dist/), and runs
 * to completion with DATAVERSE_URL pointed at a seeded emulator, in the repository folder.
 *
 * A block marked `<!-- needs: real environment -->` is type-checked but not run.
 * Needs `npm run build` first (npm test does it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { repoRoot } from '../helpers/cli.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { blocksOf, documents, type DocBlock } from './docBlocks.js';

const blocks = documents().flatMap(blocksOf).filter((b) => b.lang === 'ts' || b.lang === 'typescript');
const nameOf = (b: DocBlock) => `${b.file.replace(/[^\w]+/g, '_')}_line${b.line}`;

/** A throwaway user project: package.json, tsconfig, node_modules/journeyctl -> this package. */
function userProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'journeyctl-doc-blocks-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules', 'journeyctl'), 'dir');
  // journeyctl's own dependencies a user's code may import too (installed beside it by npm).
  symlinkSync(join(repoRoot, 'node_modules', '@azure'), join(dir, 'node_modules', '@azure'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doc-blocks', private: true, type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noUncheckedIndexedAccess: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        outDir: 'out',
        rootDir: '.',
        typeRoots: [join(repoRoot, 'node_modules', '@types')],
        types: ['node'],
        skipLibCheck: true,
      },
      include: ['*.ts'],
    }),
  );
  for (const block of blocks) writeFileSync(join(dir, `${nameOf(block)}.ts`), `${block.code}\n`);
  return dir;
}

describe('TypeScript blocks of the documentation', () => {
  let dir: string;
  let diagnostics = '';
  let emulator: RunningEmulator;
  beforeAll(async () => {
    dir = userProject();
    const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
    diagnostics = `${tsc.stdout}${tsc.stderr}`;
    emulator = await startTestEmulator({ seed: true });
  });
  afterAll(() => emulator?.close());

  it('there are blocks to check', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line}`, b] as const))('%s type-checks and runs', async (_where, block) => {
    const name = nameOf(block);
    const errors = diagnostics.split('\n').filter((line) => line.startsWith(`${name}.ts`));
    expect(errors).toEqual([]);
    if (block.needs !== undefined) return;
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, [join(dir, 'out', `${name}.js`)], {
        cwd: repoRoot,
        env: { ...process.env, DATAVERSE_URL: emulator.url, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
    expect(result.code, result.output).toBe(0);
  });
});
