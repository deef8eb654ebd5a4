/**
 * Migration audit benchmarks, on a corpus of many generated designs with custom channel
 * activities. Each round audits 2,000 and 20,000 journeys (smoke: 50 and 200), each in its own
 * child process with `--expose-gc` against an emulator in this process, and pages the 20,000 rows
 * with dynamics-web-api's retrieveAll, in alternating order:
 *
 * 1. Time per journey, 20,000 against 2,000. Target <= 1.3x: the audit's cost is linear.
 * 2. Peak heap after GC (sampled after every page), 20,000 against 2,000. Target <= 1.5x: the
 *    audit holds one page, not every journey.
 * 3. The audit per journey against retrieveAll of the same rows (same `$select`, same page size),
 *    which only downloads them: what the analysis costs on top of paging.
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
import { journey, serializeDefinition, serializeDesignerState, type Flow, type JourneyBuilder } from '../src/definition/index.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { CustomChannelActivityAttributes as CCA, Tables } from '../src/model/names.js';
import { JourneyStatus, journeyStateOf } from '../src/model/optionSets.js';
import { seededRandom } from '../src/util/seededRandom.js';
import { judge, spread, type Benchmark, type BenchResult, type Bound } from './harness.js';

// dynamics-web-api routes everything through http_proxy/https_proxy and ignores NO_PROXY.
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

const PAGE_SIZE = 200;
const CHILD_FLAG = '--audit-bench-child';
const STATUSES = Object.values(JourneyStatus);
const DESIGN_COUNT = 60;

/** Record ids: a few shared by many designs (as real environments reuse segments and emails), some per design. */
function recordId(kind: number, n: number): string {
  return `5e6${kind.toString(16).padStart(5, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/**
 * One generated journey design: 1 to 4 swimlanes, each a random chain of emails (with pages,
 * events and forms), waits, triggers with yes/no branches, splitters, activity, record, LinkedIn
 * and custom channel tiles, from about 3 to about 150 tiles. Seeded, so every run audits the same corpus.
 */
function design(seed: number): JourneyBuilder {
  const next = seededRandom(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const record = (kind: number) => ({ id: recordId(kind, pick(40)), name: `Record ${kind}-${pick(1000)}` });
  const j = journey({ target: next() < 0.85 ? 'contact' : 'account' });
  const lanes = 1 + pick(4);
  const steps = [2, 6, 15, 40][pick(4)]!;
  for (let lane = 0; lane < lanes; lane++) {
    let at: Flow = j.segmentGroup({ include: [record(1)], ...(next() < 0.2 ? { exclude: [record(1)] } : {}) });
    const length = 1 + pick(steps);
    for (let step = 0; step < length; step++) {
      switch (pick(10)) {
        case 0:
        case 1:
        case 2: {
          const email = at.email({ ...record(2), ...(next() < 0.4 ? { pages: [record(3)] } : {}), ...(next() < 0.15 ? { events: [record(4)] } : {}), ...(next() < 0.1 ? { forms: [record(5)] } : {}) });
          if (next() < 0.5) {
            const trigger = email.trigger({ when: [{ item: email, condition: next() < 0.5 ? 'EmailOpened' : 'EmailClicked' }], timeout: { value: 1 + pick(5), unit: 'Day' } });
            trigger.yes.createActivity({ activityType: (['task', 'phonecall', 'appointment'] as const)[pick(3)]! });
            at = trigger.no;
          } else at = email;
          break;
        }
        case 3:
          at = at.waitFor({ value: 1 + pick(10), unit: next() < 0.5 ? 'Day' : 'Hour' });
          break;
        case 4: {
          const split = at.splitter();
          const branches = 2 + pick(2);
          for (let b = 1; b < branches; b++) split.branch().email(record(2));
          at = split.branch();
          break;
        }
        case 5:
          at = next() < 0.5 ? at.launchWorkflow(record(6)) : at.recordUpdate(record(6));
          break;
        case 6:
          at = at.createLead(record(7));
          break;
        case 7:
          at = at.linkedInCampaign(record(8));
          break;
        case 8:
          at = at.custom({ type: next() < 0.5 ? 'contoso_smsmessage' : 'contoso_pushnotification', ...record(9) });
          break;
        default:
          at = next() < 0.5 ? at.event(record(4)) : at.survey(record(10));
      }
    }
  }
  return j;
}

/** Seed `count` journeys (of DESIGN_COUNT designs) straight into the store, with custom channel activities for journeys that have custom tiles. */
function seed(emulator: RunningEmulator, count: number): void {
  const designs = Array.from({ length: DESIGN_COUNT }, (_, i) => {
    const built = design(i + 1).build();
    const definition = serializeDefinition(built.definition);
    return { definition, designerState: serializeDesignerState(built.designerState), custom: definition.includes('contoso_') };
  });
  const store = emulator.store;
  const now = '2026-06-01T00:00:00Z';
  let activities = 0;
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
      if (!design.custom) continue;
      for (let k = 0; k < 2; k++) {
        const activityId = `00000002-0000-4000-8000-${(activities++).toString(16).padStart(12, '0')}`;
        store.insert(Tables.customChannelActivity.entitySet, activityId, {
          [CCA.id]: activityId,
          [CCA.name]: `Activity ${activities}`,
          [CCA.journey.attribute]: id,
          [`${CCA.journey.attribute}@type`]: Tables.customerJourney.logicalName,
          statecode: 0,
          statuscode: 1,
          createdon: now,
          modifiedon: now,
          versionnumber: store.nextVersion(),
        });
      }
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

interface Environment {
  count: number;
  emulator: RunningEmulator;
}

export async function environment(count: number): Promise<Environment> {
  const emulator = await startEmulator({ port: 0 });
  seed(emulator, count);
  return { count, emulator };
}

let runs = 0;
async function audit(env: Environment, dir: string): Promise<ChildResult> {
  const out = join(dir, `audit-${env.count}-${runs++}`);
  const child = await runChild(env.emulator.url, out);
  await rm(out, { recursive: true, force: true });
  if (child.journeys !== env.count) throw new Error(`audited ${child.journeys} of ${env.count} journeys`);
  return child;
}

async function retrieveAll(env: Environment): Promise<number> {
  const api = new DynamicsWebApi({ serverUrl: env.emulator.url, onTokenRefresh: async () => 'bench-token', dataApi: { version: '9.2' } });
  const start = performance.now();
  const rows = await api.retrieveAll({ collection: Tables.customerJourney.entitySet, select: [...JOURNEY_SELECT], maxPageSize: PAGE_SIZE });
  const ms = performance.now() - start;
  if (rows.value.length !== env.count) throw new Error(`retrieveAll returned ${rows.value.length} of ${env.count} rows`);
  return ms;
}

/** A result from samples taken alternately in the same rounds (the runs are too long to repeat per figure). */
function paired(
  fields: { name: string; unit: string; subject: string; baseline: string; ratioTarget?: Bound; notes?: string },
  a: number[],
  b: number[],
  smoke: boolean,
): BenchResult {
  return judge(
    {
      ...fields,
      higherIsBetter: false,
      value: spread(a),
      baselineValue: spread(b),
      ratio: spread(a.map((x, i) => x / b[i]!)),
      rounds: a.length,
    },
    { smoke },
  );
}

const mb = (bytes: number) => bytes / 1048576;

export const benchmarks: Benchmark[] = [
  {
    name: 'audit',
    description: `The whole migration audit (inventories, analysis of every journey, offline validation, work files, the four reports) in a child process against an emulator in this process, on a corpus of ${DESIGN_COUNT} generated journey designs (1 to 4 swimlanes of emails with pages, events and forms, waits, triggers, splitters, activity, record, LinkedIn and custom channel tiles; about 3 to 150 tiles each), with two custom channel activities per journey that has custom tiles (the audit counts them per journey). Per journey, 20,000 journeys against 2,000 (target at most 1.3x: the audit is linear); peak heap after GC of the same runs (target at most 1.5x: the audit holds one page); and the audit against dynamics-web-api's retrieveAll of the same journey rows (same $select and page size, download only). Each round runs the three in alternating order.`,
    async run({ smoke }): Promise<BenchResult[]> {
      const [small, large] = smoke ? [50, 200] : [2000, 20000];
      const rounds = smoke ? 1 : 3;
      const dir = await mkdtemp(join(tmpdir(), 'journeyctl-audit-bench-'));
      const a = await environment(small);
      const b = await environment(large);
      try {
        const smallRuns: ChildResult[] = [];
        const largeRuns: ChildResult[] = [];
        const dwa: number[] = [];
        for (let round = 0; round < rounds; round++) {
          const steps = [
            async () => smallRuns.push(await audit(a, dir)),
            async () => largeRuns.push(await audit(b, dir)),
            async () => dwa.push(await retrieveAll(b)),
          ];
          if (round % 2 === 1) steps.reverse();
          for (const step of steps) await step();
        }
        const perJourney = (runs: ChildResult[], count: number) => runs.map((r) => r.ms / count);
        return [
          paired(
            { name: `audit time per journey, ${large} vs ${small} journeys`, unit: 'ms/journey', subject: `audit of ${large}`, baseline: `audit of ${small}`, ratioTarget: { max: 1.3 } },
            perJourney(largeRuns, large),
            perJourney(smallRuns, small),
            smoke,
          ),
          paired(
            {
              name: `peak heap after GC, ${large} vs ${small} journeys`,
              unit: 'MB',
              subject: `audit of ${large}`,
              baseline: `audit of ${small}`,
              ratioTarget: { max: 1.5 },
              notes: `max RSS ${spread(largeRuns.map((r) => mb(r.maxRssBytes))).median.toFixed(1)} MB vs ${spread(smallRuns.map((r) => mb(r.maxRssBytes))).median.toFixed(1)} MB`,
            },
            largeRuns.map((r) => mb(r.peakHeapBytes)),
            smallRuns.map((r) => mb(r.peakHeapBytes)),
            smoke,
          ),
          paired(
            {
              name: `audit of ${large} journeys vs downloading them`,
              unit: 'ms/journey',
              subject: 'audit (analysis, validation, activity counts, 4 reports)',
              baseline: 'dynamics-web-api retrieveAll of the same rows',
              notes: 'retrieveAll only downloads the rows (and keeps them all in memory): the ratio is what the analysis costs on top of paging',
            },
            perJourney(largeRuns, large),
            dwa.map((ms) => ms / large),
            smoke,
          ),
        ];
      } finally {
        await Promise.all([a.emulator.close(), b.emulator.close()]);
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
