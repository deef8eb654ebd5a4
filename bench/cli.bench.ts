/**
 * CLI start-up, whole process, against `node -e 0` (a node process that does nothing) in the same
 * run, alternated round by round:
 *
 * 1. `journeyctl --version`: target <= 2.5x.
 * 2. `journeyctl --help`: target <= 2.5x.
 * 3. `journeyctl validate FILE` of one small definition: target <= 4x.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, timed, type Benchmark, type BenchResult } from './harness.js';

/** dist-bench/bench -> dist-bench/src/cli/main.js, compiled with the benchmarks. */
const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');

/** Run a node process to completion; fails on an exit code other than `expected`. */
function runNode(args: readonly string[], expected = 0): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const err: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === expected) resolvePromise();
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString('utf8').slice(0, 500)}`));
    });
  });
}

/** A small valid definition: the root and one segment tile. */
const SMALL_DEFINITION = [
  {
    ActivityTypeId: 'bpf_root',
    ParentBranchId: 0,
    ParentRelationshipType: 'Default',
    ActivityId: '01',
    Properties: { Items: [{ ItemId: null, ActivityTypeId: 'bpf_root', Title: 'Undefined', IsNameSystemDefined: true, Name: 'New ActivityTypeName_bpf_root_TitleText', ActivityItemId: 0 }] },
  },
];

export const benchmarks: Benchmark[] = [
  {
    name: 'cli start-up: journeyctl vs node -e 0',
    description:
      'Whole-process wall time of `journeyctl --version`, `journeyctl --help` and `journeyctl validate FILE` (one small definition, text output) against `node -e 0`, a node process that loads nothing and does nothing: what any node CLI pays before its first line of code. Each command loads only its own module and dependencies, so `--version` reads package.json and stops, `--help` loads the argument parser and no command, and `validate` loads validation only. Both sides are new processes, alternately. Targets: `--version` and `--help` at most 2.5 times the baseline, `validate` of one file at most 4 times.',
    async run({ smoke }) {
      const dir = mkdtempSync(join(tmpdir(), 'journeyctl-bench-cli-'));
      try {
        const file = join(dir, 'small.json');
        writeFileSync(file, `${JSON.stringify(SMALL_DEFINITION, null, 2)}\n`);
        const rounds = smoke ? 1 : 15;
        const baseline = { label: 'node -e 0', sample: timed(() => runNode(['-e', '0'])) };
        const cases: { name: string; args: string[]; target: number }[] = [
          { name: 'journeyctl --version', args: [CLI, '--version'], target: 2.5 },
          { name: 'journeyctl --help', args: [CLI, '--help'], target: 2.5 },
          { name: 'journeyctl validate of one small file', args: [CLI, 'validate', file, '--fail-on', 'never'], target: 4 },
        ];
        const results: BenchResult[] = [];
        for (const c of cases) {
          results.push(
            await compare(
              {
                name: `${c.name}, whole process`,
                unit: 'ms',
                subject: { label: c.name, sample: timed(() => runNode(c.args)) },
                baseline,
                rounds,
                warmup: smoke ? 0 : 2,
                ratioTarget: { max: c.target },
              },
              { smoke },
            ),
          );
        }
        return results;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
