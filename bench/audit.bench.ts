/**
 * Migration audit benchmarks.
 *
 * 1. Streaming: audit a small and a large environment (2,000 and 20,000 journeys; smoke: 50 and
 *    200), each in its own child process with `--expose-gc`, against an emulator running in this
 *    process. Peak heap after GC (sampled after every page) of the larger must be at most 1.5x the
 *    smaller's: the audit holds one page, not every journey.
 * 2. Time per journey of the whole audit (inventories, analysis, offline validation, work files,
 *    all four reports) versus paging the same journey rows (same `$select`, same page size) with
 *    `dynamics-web-api`'s `retrieveAll`, which only downloads them (and keeps them all in memory).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DynamicsWebApi } from 'dynamics-web-api';
import { JOURNEY_SELECT, runAudit } from '../src/audit/index.js';
import { DataverseClient } from '../src/dataverse/index.js';
import { journey, serializeDefinition, serializeDesignerState, type JourneyBuilder } from '../src/definition/index.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { Tables } from '../src/model/names.js';
import { JourneyStatus, journeyStateOf } from '../src/model/optionSets.js';
import { type Benchmark, type BenchResult } from './harness.js';
import { rateResult, timeResult } from './legacy.js';

// dynamics-web-api routes everything through http_proxy/https_proxy and ignores NO_PROXY.
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

const PAGE_SIZE = 200;
const CHILD_FLAG = '--audit-bench-child';
const STATUSES = Object.values(JourneyStatus);
const SEGMENT = '5e600000-0000-4000-8000-000000000001';
const EMAIL = '5e600000-0000-4000-8000-000000000002';

const DESIGNS: ((j: JourneyBuilder) => void)[] = [
  (j) => {
    const mail = j.segmentGroup({ include: [{ id: SEGMENT, name: 'All' }] }).email({ id: EMAIL, name: 'Welcome', pages: [{ id: null, name: 'Page' }] });
    const t = mail.trigger({ when: [{ item: mail, condition: 'EmailOpened' }] });
    t.yes.createActivity({ activityType: 'task' });
    t.no.waitFor({ value: 2, unit: 'Day' }).email({ id: EMAIL, name: 'Reminder' });
  },
  (j) => {
    const split = j.segmentGroup({ include: [{ id: SEGMENT, name: 'All' }] }).splitter();
    split.branch().launchWorkflow();
    split.branch().email({ id: EMAIL, name: 'B' });
    j.segmentGroup({ include: [{ id: SEGMENT, name: 'All' }] }).linkedInCampaign();
  },
];

/** Seed `count` journeys straight into the store. */
function seed(emulator: RunningEmulator, count: number): void {
  const designs = DESIGNS.map((design) => {
    const j = journey();
    design(j);
    const built = j.build();
    return { definition: serializeDefinition(built.definition), designerState: serializeDesignerState(built.designerState) };
  });
  const store = emulator.store;
  const now = '2026-06-01T00:00:00Z';
  store.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `00000001-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
      const status = STATUSES[i % STATUSES.length]!;
      const design = designs[i % designs.length]!;
      store.insert(Tables.customerJourney.entitySet, id, {
        msdyncrm_customerjourneyid: id,
        msdyncrm_name: `Journey ${i}`,
        statuscode: status,
        statecode: journeyStateOf(status),
        msdyncrm_workflowdefinition: design.definition,
        msdyncrm_customerjourneydesignerstate: design.designerState,
        msdyncrm_entitytarget: 0,
        createdon: now,
        modifiedon: now,
        versionnumber: store.nextVersion(),
      });
    }
  });
}

interface ChildResult {
  journeys: number;
  ms: number;
  peakHeapBytes: number;
  maxRssBytes: number;
}

/** Audit `url` in this process (the child): measure time and peak heap after GC per page. */
async function childMain(url: string, outDir: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const client = new DataverseClient({ url });
  let peakHeap = 0;
  const sample = () => {
    gc();
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const start = performance.now();
  const outcome = await runAudit(client, { outDir, pageSize: PAGE_SIZE, onProgress: (e) => e.phase === 'journeys' && sample() });
  const ms = performance.now() - start;
  sample();
  client.close();
  const result: ChildResult = { journeys: outcome.summary.journeys, ms, peakHeapBytes: peakHeap, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(url: string, outDir: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), CHILD_FLAG, url, outDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`audit child exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
    });
  });
}

async function measure(count: number, dir: string): Promise<{ child: ChildResult; dwaMs: number }> {
  const emulator = await startEmulator({ port: 0 });
  try {
    seed(emulator, count);
    const child = await runChild(emulator.url, join(dir, `audit-${count}`));
    if (child.journeys !== count) throw new Error(`audited ${child.journeys} of ${count} journeys`);
    const api = new DynamicsWebApi({ serverUrl: emulator.url, onTokenRefresh: async () => 'bench-token', dataApi: { version: '9.2' } });
    const start = performance.now();
    const rows = await api.retrieveAll({ collection: Tables.customerJourney.entitySet, select: [...JOURNEY_SELECT], maxPageSize: PAGE_SIZE });
    const dwaMs = performance.now() - start;
    if (rows.value.length !== count) throw new Error(`retrieveAll returned ${rows.value.length} of ${count} rows`);
    return { child, dwaMs };
  } finally {
    await emulator.close();
  }
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

export const benchmarks: Benchmark[] = [
  {
    name: 'audit',
    description: 'Transitional: not yet rewritten on compare().',
    async run({ smoke }): Promise<BenchResult[]> {
      const [small, large] = smoke ? [50, 200] : [2000, 20000];
      const dir = await mkdtemp(join(tmpdir(), 'journeyctl-audit-bench-'));
      try {
        const a = await measure(small, dir);
        const b = await measure(large, dir);
        return [
          {
            name: `peak heap after GC, ${large} vs ${small} journeys`,
            unit: 'MB',
            higherIsBetter: false,
            subject: `audit of ${large} journeys`,
            value: { median: b.child.peakHeapBytes / 1048576, min: b.child.peakHeapBytes / 1048576, max: b.child.peakHeapBytes / 1048576 },
            baseline: `audit of ${small} journeys`,
            baselineValue: { median: a.child.peakHeapBytes / 1048576, min: a.child.peakHeapBytes / 1048576, max: a.child.peakHeapBytes / 1048576 },
            ratio: { median: b.child.peakHeapBytes / a.child.peakHeapBytes, min: b.child.peakHeapBytes / a.child.peakHeapBytes, max: b.child.peakHeapBytes / a.child.peakHeapBytes },
            rounds: 1,
            ratioTarget: { max: 1.5 },
            met: b.child.peakHeapBytes / a.child.peakHeapBytes <= 1.5,
            notes: `max RSS ${mb(b.child.maxRssBytes)} vs ${mb(a.child.maxRssBytes)}`,
          },
          timeResult(
            `audit time per journey (${large} journeys)`,
            b.child.ms / large,
            'dynamics-web-api retrieveAll of the same rows',
            b.dwaMs / large,
            undefined,
            `audit ${(b.child.ms / 1000).toFixed(1)} s incl. analysis, validation and 4 reports; retrieveAll ${(b.dwaMs / 1000).toFixed(1)} s (download only)`,
          ),
          rateResult(`audit throughput (${large} journeys)`, (large / b.child.ms) * 1000, 'journeys/s', 'dynamics-web-api retrieveAll rows/s', (large / b.dwaMs) * 1000),
        ];
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
];

if (process.argv[2] === CHILD_FLAG) {
  childMain(process.argv[3]!, process.argv[4]!).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
