/**
 * Offline validation benchmarks, each against a baseline doing the same reading in the same run,
 * alternated round by round:
 *
 * 1. Whole process: `journeyctl validate DIR --format json` on 3,000 generated definitions
 *    (20 to 200 tiles, two-space indented as `definition fmt` writes them) against a node
 *    process that lists the same folder, reads every file and `JSON.parse`s it. Target <= 2x.
 * 2. Rate: `validateFiles` on 5,000 definitions of 20 tiles (read, parse, validate, locate, on
 *    worker threads), in definitions per second, against reading and `JSON.parse` of the same
 *    files in one thread. Target >= 5,000 definitions/s.
 * 3. Memory: peak RSS of the whole `validate DIR --format json` process on 3,000 files against
 *    the same on 300 of them. Target <= 1.3x: the run holds a bounded number of documents.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serializeDefinition, type WorkflowDefinition } from '../src/definition/index.js';
import { validateFiles } from '../src/validation/index.js';
import { seededRandom } from '../src/util/seededRandom.js';
import { compare, rated, timed, type Benchmark } from './harness.js';

type Json = Record<string, unknown>;

/** dist-bench/bench -> dist-bench/src/cli/main.js, compiled with the benchmarks. */
const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');

function guid(next: () => number): string {
  const hex = (length: number): string => Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

/** A valid definition of exactly `tiles` activities besides the root. */
export function generateDefinition(tiles: number, next: () => number): Json[] {
  let itemId = 0;
  let counter = 0;
  const item = (type: string, recordId: string | null, extra: Json = {}): Json => ({
    ItemId: recordId,
    ActivityTypeId: type,
    Title: 'Undefined',
    IsNameSystemDefined: true,
    Name: `${type} ${itemId}`,
    ActivityItemId: itemId++,
    ...extra,
  });
  const root: Json = {
    ActivityTypeId: 'bpf_root',
    ParentBranchId: 0,
    ParentRelationshipType: 'Default',
    ActivityId: '01',
    Properties: { Items: [item('bpf_root', null, { Name: 'New ActivityTypeName_bpf_root_TitleText' })] },
  };
  const definition: Json[] = [root];
  const add = (type: string, parent: Json, branch: number, items: Json[], relationship = 'Default'): Json => {
    const activity: Json = {
      ActivityTypeId: type,
      ParentActivityId: parent.ActivityId,
      ParentBranchId: branch,
      ParentRelationshipType: relationship,
      ActivityId: `${parent.ActivityId as string}_${++counter}`,
      Properties: { Items: items },
      EntityTarget: 'contact',
    };
    definition.push(activity);
    return activity;
  };
  const segment = add('Segment', root, 0, [
    item('Segment', null, { SegmentMergeMethod: 'Union' }),
    item('SegmentItem', guid(next), { ContainmentMethod: 'Inclusion', SegmentSourceType: 'Segment', DciSegmentName: 'segment', SegmentDisplayName: 'Segment' }),
  ]);
  // Open ends a new tile may hang from: each is a (parent, branch, relationship) slot.
  const open: { parent: Json; watched: number[] }[] = [{ parent: segment, watched: [] }];
  while (definition.length - 1 < tiles) {
    const remaining = tiles - (definition.length - 1);
    const slot = open.splice(Math.floor(next() * open.length), 1)[0] ?? { parent: segment, watched: [] };
    const roll = next();
    if (roll < 0.15 && remaining >= 3 && slot.watched.length > 0) {
      const trigger = add('Trigger', slot.parent, 0, [
        item('Trigger', null, { TimeoutValue: 5, TimeoutUnit: 'Day', RuleLogic: 'AND', ConditionExpressions: [{ SourceActivityItemId: String(slot.watched[0]), Condition: 'UserRegistered' }] }),
      ]);
      const yes = add('Email', trigger, 0, [item('Email', guid(next))], 'YesBranch');
      const no = add('Scheduler', trigger, 1, [item('Scheduler', null, { OffsetType: 'Duration', ScheduledDurationUnit: 'Minute', ScheduledDurationValue: 30 })], 'NoBranch');
      open.push({ parent: yes, watched: slot.watched }, { parent: no, watched: slot.watched });
    } else if (roll < 0.25 && remaining >= 5) {
      const splitter = add('Splitter', slot.parent, 0, [item('Splitter', null)]);
      for (let branch = 0; branch < 2; branch++) {
        const arm = add('SplitterBranch', splitter, branch, [item('SplitterBranch', null)]);
        open.push({ parent: add('Email', arm, 0, [item('Email', guid(next))]), watched: slot.watched });
      }
    } else if (roll < 0.7) {
      const page = item('LandingPage', guid(next));
      const email = add('Email', slot.parent, 0, [item('Email', guid(next)), page]);
      open.push({ parent: email, watched: [page.ActivityItemId as number] });
    } else {
      const wait = add('Scheduler', slot.parent, 0, [item('Scheduler', null, { OffsetType: 'Duration', ScheduledDurationUnit: 'Day', ScheduledDurationValue: 2 })]);
      open.push({ parent: wait, watched: slot.watched });
    }
  }
  return definition;
}

/** Write `count` definitions of `minTiles`..`maxTiles` tiles into a new folder, as `definition fmt` writes them. */
export function writeCorpus(parent: string, name: string, count: number, minTiles: number, maxTiles: number, seed: number): { folder: string; bytes: number } {
  const folder = join(parent, name);
  mkdirSync(folder);
  const next = seededRandom(seed);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const tiles = minTiles + Math.floor(next() * (maxTiles - minTiles + 1));
    const text = `${serializeDefinition(generateDefinition(tiles, next) as unknown as WorkflowDefinition, { pretty: true })}\n`;
    bytes += text.length;
    writeFileSync(join(folder, `journey-${String(i).padStart(5, '0')}.json`), text);
  }
  return { folder, bytes };
}

/** Run a node process to completion; its stdout. Fails on a non-zero exit or anything on stderr worth reading. */
function runNode(args: readonly string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString('utf8').slice(0, 500)}`));
    });
  });
}

/** The baseline process: list the folder, read every file, JSON.parse it. */
const READ_AND_PARSE = `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const folder = process.argv[1];
let activities = 0;
for (const name of readdirSync(folder).sort()) activities += JSON.parse(readFileSync(join(folder, name), 'utf8')).length;
if (activities === 0) process.exit(1);
`;

/**
 * A script that runs the CLI in its own process and writes the process's peak RSS (MB) to a file.
 * On Linux it reads VmHWM, the high-water mark of this process's own memory (worker threads share
 * it): getrusage's maxRSS also counts the parent's resident memory when the child was forked from
 * it, so with a large parent every child reported the parent's size.
 * https://man7.org/linux/man-pages/man5/proc_pid_status.5.html
 */
function rssWrapper(dir: string): string {
  const file = join(dir, 'peak-rss.mjs');
  writeFileSync(
    file,
    `import { readFileSync, writeFileSync } from 'node:fs';
const [out, ...args] = process.argv.slice(2);
const { run } = await import(${JSON.stringify(pathToFileURL(CLI).href)});
const code = await run(args);
let peakKiB = process.resourceUsage().maxRSS;
try {
  const hwm = /^VmHWM:\\s+(\\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (hwm) peakKiB = Number(hwm[1]);
} catch {}
writeFileSync(out, String(peakKiB / 1024));
process.exitCode = code;
`,
  );
  return file;
}

/** Whole-process validate of a folder: checks the report covers every file and is clean. */
async function validateProcess(folder: string, files: number): Promise<void> {
  const stdout = await runNode([CLI, 'validate', folder, '--format', 'json']);
  const summary = (JSON.parse(stdout) as { summary: { files: number; errors: number } }).summary;
  if (summary.files !== files || summary.errors !== 0) throw new Error(`validate reported ${summary.files} files and ${summary.errors} errors; expected ${files} clean files`);
}

export const benchmarks: Benchmark[] = [
  {
    name: 'validation: whole-process validate of a folder vs reading and JSON.parse',
    description:
      '`journeyctl validate DIR --format json` as a user runs it (a new node process: start-up, walking the folder, reading, parsing with positions kept, every rule, worker threads, the JSON report on stdout) on generated definitions of 20 to 200 tiles written two-space indented as `definition fmt` writes them, against a new node process that lists the same folder, reads every file and `JSON.parse`s it: the least any tool must do with these files. Both sides read the same bytes from a warm page cache, alternately. Target: at most twice the baseline.',
    async run({ smoke }) {
      const dir = mkdtempSync(join(tmpdir(), 'journeyctl-bench-validate-'));
      try {
        const count = smoke ? 60 : 3_000;
        const { folder, bytes } = writeCorpus(dir, 'corpus', count, 20, 200, 7);
        const result = await compare(
          {
            name: `validate ${count.toLocaleString('en-US')} definitions (${(bytes / 1e6).toFixed(0)} MB), whole process`,
            unit: 'ms',
            subject: { label: 'journeyctl validate --format json', sample: timed(() => validateProcess(folder, count)) },
            baseline: { label: 'node: readdir + readFileSync + JSON.parse', sample: timed(() => runNode(['-e', READ_AND_PARSE, folder])) },
            rounds: smoke ? 1 : 7,
            ratioTarget: { max: 2 },
          },
          { smoke },
        );
        return [result];
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'validation: definitions of 20 tiles per second',
    description:
      'The library\'s `validateFiles` (read, parse, every rule, positions, worker threads when there are many files) on 5,000 generated definitions of 20 tiles, in definitions per second, against reading and `JSON.parse` of the same files in this process in the same run. The target is on journeyctl\'s rate itself (at least 5,000 definitions per second); the ratio shows what validation costs over the bare read.',
    async run({ smoke }) {
      const dir = mkdtempSync(join(tmpdir(), 'journeyctl-bench-rate-'));
      try {
        const count = smoke ? 200 : 5_000;
        const { folder } = writeCorpus(dir, 'corpus', count, 20, 20, 11);
        const names = readdirSync(folder).sort().map((name) => join(folder, name));
        const validateAll = async (): Promise<void> => {
          const run = validateFiles([folder]);
          let files = 0;
          for await (const file of run) if (file.findings.length === 0) files++;
          if (files !== count) throw new Error(`validated ${files} clean files of ${count}`);
        };
        const parseAll = (): void => {
          let activities = 0;
          for (const name of names) activities += (JSON.parse(readFileSync(name, 'utf8')) as unknown[]).length;
          if (activities !== count * 21) throw new Error(`parsed ${activities} activities`);
        };
        const result = await compare(
          {
            name: `definitions of 20 tiles validated per second (${count.toLocaleString('en-US')} files)`,
            unit: 'definitions/s',
            higherIsBetter: true,
            subject: { label: 'validateFiles', sample: rated(count, validateAll) },
            baseline: { label: 'readFileSync + JSON.parse', sample: rated(count, parseAll) },
            rounds: smoke ? 1 : 7,
            valueTarget: { min: 5_000 },
          },
          { smoke },
        );
        return [result];
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'validation: peak memory of a folder run, 3,000 files vs 300',
    description:
      'Peak resident memory (the process\'s own high-water mark, VmHWM on Linux, worker threads included) of `journeyctl validate DIR --format json` on 3,000 generated definitions against the same command on the first 300 of them, each a new process. A run that loaded every document before validating grew with the folder; a streaming run holds a bounded number of documents, so ten times the files may cost only a little more memory. Target: at most 1.3 times.',
    async run({ smoke }) {
      const dir = mkdtempSync(join(tmpdir(), 'journeyctl-bench-rss-'));
      try {
        const large = smoke ? 100 : 3_000;
        const small = large / 10;
        const big = writeCorpus(dir, 'large', large, 20, 200, 7);
        const few = writeCorpus(dir, 'small', small, 20, 200, 7);
        const wrapper = rssWrapper(dir);
        const peak = (folder: string) => async (): Promise<number> => {
          const out = join(dir, `rss-${Math.random().toString(36).slice(2)}.txt`);
          await runNode([wrapper, out, 'validate', folder, '--format', 'json']);
          return Number(readFileSync(out, 'utf8'));
        };
        const result = await compare(
          {
            name: `peak RSS of validate, ${large.toLocaleString('en-US')} files vs ${small.toLocaleString('en-US')}`,
            unit: 'MB',
            subject: { label: `${large.toLocaleString('en-US')} files`, sample: peak(big.folder) },
            baseline: { label: `${small.toLocaleString('en-US')} files`, sample: peak(few.folder) },
            rounds: smoke ? 1 : 5,
            ratioTarget: { max: 1.3 },
          },
          { smoke },
        );
        return [result];
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
