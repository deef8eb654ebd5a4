/**
 * The package as a library user gets it: `npm pack` of the built project, installed into an
 * empty folder from the npm cache (offline), its bin run, and a strict TypeScript consumer of
 * 'journeyctl' and 'journeyctl/emulator' type-checked against the installed declarations.
 * Also: what importing the root entry, and starting the CLI, load (no SQLite driver, no yargs).
 *
 * Needs `npm run build` first (npm test builds before vitest).
 */
import { execFile, type ExecFileOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: readonly string[], options: ExecFileOptions = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, [...args], { maxBuffer: 64 * 1024 * 1024, timeout: 600_000, encoding: 'utf8', ...options }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = existsSync(join(repoRoot, 'dist', 'index.js'));

describe('the packed tarball', () => {
  let dir: string;
  let tarball: string;
  let consumer: string;
  /** How the dependencies were provided: from the npm cache, or linked from this project. */
  let installed: 'offline' | 'linked';

  beforeAll(async () => {
    if (!built) throw new Error('dist/ is missing: run "npm run build" first');
    dir = await mkdtemp(join(tmpdir(), 'journeyctl-pack-'));
    const packed = await exec(npm, ['pack', '--pack-destination', dir, '--ignore-scripts', '--json'], { cwd: repoRoot, shell: process.platform === 'win32' });
    expect(packed.code, packed.stderr).toBe(0);
    tarball = join(dir, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
    consumer = join(dir, 'consumer');
    await exec(process.execPath, ['-e', `require('node:fs').mkdirSync(${JSON.stringify(consumer)})`]);
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    // The dependencies come from the npm cache (no network). Where the cache lacks one, npm
    // fails with ENOTCACHED: then the package is unpacked and this project's node_modules linked
    // beside it, and the test says so.
    const install = await exec(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball], {
      cwd: consumer,
      shell: process.platform === 'win32',
    });
    if (install.code === 0) {
      installed = 'offline';
    } else {
      installed = 'linked';
      console.warn(`npm install --offline failed (${install.stderr.split('\n').find((l) => l.includes('ERR')) ?? install.code}); linking this project's node_modules instead`);
      const target = join(consumer, 'node_modules', 'journeyctl');
      await exec(process.execPath, ['-e', `require('node:fs').mkdirSync(${JSON.stringify(target)}, { recursive: true })`]);
      const untar = await exec('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
      expect(untar.code, untar.stderr).toBe(0);
      await symlink(join(repoRoot, 'node_modules'), join(target, 'node_modules'), 'junction');
    }
  }, 900_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds dist and schemas, without the demo or source maps', async () => {
    const listed = await exec('tar', ['-tzf', tarball]);
    const files = listed.stdout.split('\n').filter(Boolean);
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/dist/cli/main.js');
    expect(files.some((f) => f.startsWith('package/schemas/'))).toBe(true);
    expect(files.filter((f) => f.startsWith('package/dist/demo/'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('declares a types condition for every entry', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    for (const entry of ['.', './emulator']) {
      const conditions = pkg.exports[entry] as Record<string, string>;
      expect(Object.keys(conditions)[0]).toBe('types');
      expect(existsSync(join(repoRoot, conditions.types!))).toBe(true);
    }
  });

  it('installs, and its bin prints the version', async () => {
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    const pkg = JSON.parse(readFileSync(join(consumer, 'node_modules', 'journeyctl', 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const bin = join(consumer, 'node_modules', 'journeyctl', pkg.bin.journeyctl!);
    const ran = await exec(process.execPath, [bin, '--version'], { cwd: consumer });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout.trim()).toBe(version);
    if (installed === 'offline') {
      const shim = join(consumer, 'node_modules', '.bin', process.platform === 'win32' ? 'journeyctl.cmd' : 'journeyctl');
      const viaShim = await exec(shim, ['--version'], { cwd: consumer, shell: process.platform === 'win32' });
      expect(viaShim.stdout.trim()).toBe(version);
    }
    const help = await exec(process.execPath, [bin, 'validate', '--help'], { cwd: consumer });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('--format');
  });

  it('type-checks a strict TypeScript consumer of journeyctl and journeyctl/emulator', async () => {
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          types: ['node'],
          typeRoots: [join(repoRoot, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    await writeFile(
      join(consumer, 'consumer.ts'),
      [
        "import { parseDefinition, validateFiles, isGuid, InputError, type WorkflowDefinition } from 'journeyctl';",
        "import { startEmulator, type RunningEmulator } from 'journeyctl/emulator';",
        '',
        "const definition: WorkflowDefinition = parseDefinition('[]');",
        "const guid: boolean = isGuid('6628bbf7-3b1b-e911-a9b7-000d3a1e6adc');",
        "const error: Error = new InputError('x', {});",
        'export async function check(paths: string[]): Promise<number> {',
        '  let files = 0;',
        '  for await (const file of validateFiles(paths)) files += file.findings.length >= 0 ? 1 : 0;',
        "  const emulator: RunningEmulator = await startEmulator({ port: 0 });",
        '  await emulator.close();',
        '  return files + definition.length + (guid ? 1 : 0) + error.message.length;',
        '}',
        '',
      ].join('\n'),
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await exec(process.execPath, [tsc, '-p', join(consumer, 'tsconfig.json')], { cwd: consumer });
    expect(checked.stdout + checked.stderr, 'tsc output').toBe('');
    expect(checked.code).toBe(0);
  });
});

/** A preload that records every module a process resolves (ESM hook) or requires (CommonJS). */
async function writeLoadRecorder(dir: string): Promise<string> {
  await writeFile(
    join(dir, 'hook.mjs'),
    `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(file, resolved.url + '\\n');
  return resolved;
}
`,
  );
  const preload = join(dir, 'record-loads.mjs');
  await writeFile(
    preload,
    `import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
const file = process.env.JOURNEYCTL_LOADS_FILE;
register(new URL('./hook.mjs', import.meta.url), { data: { file } });
const load = Module._load;
Module._load = function (request, ...rest) { appendFileSync(file, 'require:' + request + '\\n'); return load.call(this, request, ...rest); };
`,
  );
  return preload;
}

/** The packages (node_modules/<name>) a node process loaded. */
async function packagesLoaded(dir: string, preload: string, args: readonly string[]): Promise<{ ran: Ran; packages: Set<string> }> {
  const file = join(dir, `loads-${Math.random().toString(36).slice(2)}.txt`);
  const ran = await exec(process.execPath, ['--import', pathToFileURL(preload).href, ...args], {
    cwd: repoRoot,
    env: { ...process.env, JOURNEYCTL_LOADS_FILE: file, NO_COLOR: '1' },
  });
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const packages = new Set<string>();
  for (const match of text.matchAll(/node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/\n]+)/g)) packages.add(match[1]!.replace(/\\/g, '/'));
  for (const match of text.matchAll(/^require:((?:@[^/\n]+\/)?[^./\n][^/\n]*)/gm)) if (!match[1]!.startsWith('node:')) packages.add(match[1]!);
  return { ran, packages };
}

describe('what loading costs', () => {
  let dir: string;
  let preload: string;
  beforeAll(async () => {
    if (!built) throw new Error('dist/ is missing: run "npm run build" first');
    dir = await mkdtemp(join(tmpdir(), 'journeyctl-loads-'));
    preload = await writeLoadRecorder(dir);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('importing the root entry loads no SQLite driver and none of the CLI dependencies', async () => {
    const { ran, packages } = await packagesLoaded(dir, preload, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'index.js')).href)})`]);
    expect(ran.code, ran.stderr).toBe(0);
    // The recorder works: the root entry does load some dependency.
    expect(packages.size).toBeGreaterThan(0);
    for (const name of ['better-sqlite3', 'yargs', 'yargs-parser', 'cli-progress']) expect([...packages], name).not.toContain(name);
  });

  it('journeyctl --version and --help load no dependency; a command\'s help loads yargs but no command dependency', async () => {
    const cli = join(repoRoot, 'dist', 'cli', 'main.js');
    const version = await packagesLoaded(dir, preload, [cli, '--version']);
    expect(version.ran.code, version.ran.stderr).toBe(0);
    expect([...version.packages]).toEqual([]);
    // The root help was rendered by yargs at build time.
    const rootHelp = await packagesLoaded(dir, preload, [cli, '--help']);
    expect(rootHelp.ran.code, rootHelp.ran.stderr).toBe(0);
    expect(rootHelp.ran.stdout).toContain('journeyctl <command> [options]');
    expect([...rootHelp.packages]).toEqual([]);
    const help = await packagesLoaded(dir, preload, [cli, 'definition', '--help']);
    expect(help.ran.code, help.ran.stderr).toBe(0);
    expect(help.packages.has('yargs')).toBe(true);
    // definition reads YAML documents, so yaml may load with its module; nothing of the client,
    // the emulator, the schemas or the query language does.
    for (const name of ['axios', 'better-sqlite3', 'ajv', 'fast-xml-parser', 'jsonpath-plus', '@azure/identity', '@microsoft/microsoft-graph-client']) {
      expect([...help.packages], name).not.toContain(name);
    }
  });

  it('validate of one definition loads neither the client, the emulator nor the schemas', async () => {
    const sample = join(repoRoot, 'samples', 'definitions');
    const file = (await readdir(sample)).filter((f) => f.endsWith('.json')).sort()[0]!;
    const ran = await packagesLoaded(dir, preload, [join(repoRoot, 'dist', 'cli', 'main.js'), 'validate', join(sample, file), '--fail-on', 'never']);
    expect(ran.ran.code, ran.ran.stderr).toBe(0);
    for (const name of ['axios', 'better-sqlite3', 'ajv', 'fast-xml-parser', '@azure/identity', '@microsoft/microsoft-graph-client']) {
      expect([...ran.packages], name).not.toContain(name);
    }
  });
});
