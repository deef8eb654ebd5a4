/**
 * Interaction reporter throughput under service protection: the emulator's limits are scaled
 * down (`maxRequests` per `windowMs`) and the reporter reports `sent` + `delivered` for every
 * custom channel activity with the simulated provider. The baseline does the same work with no
 * bookkeeping: it reads the same activity rows and posts the same
 * `msdyncrm_CustomChannelActivityCreateInteraction` calls in `$batch` requests of the same size,
 * as many in flight, through the same client (which waits out 429s as the reporter's does), against
 * a fresh emulator with the same rows and limits. Both rates are computed the same way from the
 * emulator's request log. Target: >= 0.9x. The service-protection ceiling
 * (`maxRequests / window × interactions per $batch`) is given for reference.
 */
import { ReporterLedger, runReporter, simulatedProvider } from '../src/channels/index.js';
import { ACTIVITY_SELECT, activityFilterExpression, activityFromRow, createInteractionParameters } from '../src/channels/reporter/index.js';
import { Actions, Tables } from '../src/model/names.js';
import { DataverseClient } from '../src/dataverse/index.js';
import { SeedIds, startEmulator } from '../src/emulator/index.js';
import { compare, type Benchmark, type BenchResult } from './harness.js';

interface Scenario {
  windowMs: number;
  maxRequests: number;
  batchSize: number;
  activities: number;
}

/**
 * Dataverse answers `Retry-After` in whole seconds (the emulator too), so a waiting request may
 * idle up to a second after its slot frees: with the real 300-second window that is noise, with a
 * 5-second one it would cost ~15%. The scaled-down window stays long enough to keep that small.
 */
const FULL: Scenario = { windowMs: 15_000, maxRequests: 30, batchSize: 100, activities: 3000 };
const SMOKE: Scenario = { windowMs: 1000, maxRequests: 6, batchSize: 10, activities: 70 };
/** `$batch` requests in flight, the reporter's default. */
const CONCURRENCY = 4;

/** Activities of the seeded Live SMS journey for `count` new contacts (written without limits). */
async function populate(client: DataverseClient, count: number): Promise<void> {
  const { id: iterationId } = await client.create('msdyncrm_customerjourneyiterations', {
    msdyncrm_name: 'bench iteration',
    msdyncrm_iterationnumber: 9,
    'msdyncrm_CustomerJourneyId@odata.bind': `/msdyncrm_customerjourneys(${SeedIds.journeys.liveSms})`,
  });
  const contacts = await client.createMany('contacts', Array.from({ length: count }, (_, i) => ({ firstname: 'Bench', lastname: String(i) })), { batchSize: 500 });
  await client.createMany(
    'msdyncrm_customerjourneycustomchannelactivities',
    contacts.ids.map((contactId, i) => ({
      msdyncrm_name: `bench ${i}`,
      msdyncrm_activityid: 'bench-tile',
      msdyncrm_entitytype: 'contoso_smsmessage',
      msdyncrm_entityid: SeedIds.smsMessage,
      'msdyncrm_customerjourney@odata.bind': `/msdyncrm_customerjourneys(${SeedIds.journeys.liveSms})`,
      'msdyncrm_customerjourneyiteration@odata.bind': `/msdyncrm_customerjourneyiterations(${iterationId})`,
      'msdyncrm_contact@odata.bind': `/contacts(${contactId})`,
    })),
    { batchSize: 500 },
  );
}

/** The bare sender: the same action calls, `batchSize` per `$batch`, `CONCURRENCY` in flight. */
async function bareSender(client: DataverseClient, s: Scenario): Promise<number> {
  const operations: { method: 'POST'; path: string; body: Record<string, unknown> }[] = [];
  for await (const row of client.query(Tables.customChannelActivity.entitySet, { select: ACTIVITY_SELECT, filter: activityFilterExpression({}) })) {
    const parsed = activityFromRow(row);
    if ('missing' in parsed) throw new Error(`activity row without ${parsed.missing}`);
    for (const responseType of ['sent', 'delivered']) {
      operations.push({ method: 'POST', path: Actions.customChannelActivityCreateInteraction, body: createInteractionParameters(parsed.activity, { responseType }) });
    }
  }
  let next = 0;
  let confirmed = 0;
  const worker = async () => {
    while (next < operations.length) {
      const chunk = operations.slice(next, next + s.batchSize);
      next += s.batchSize;
      for (;;) {
        const results = await client.batch(chunk, { continueOnError: true });
        if (results.every((r) => r.ok)) break;
        if (results.some((r) => r.ok)) throw new Error('a $batch was partly refused');
      }
      confirmed += chunk.length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return confirmed;
}

/**
 * Rate of one side on a fresh emulator, from its request log: admitted requests (429s excluded)
 * in admission order come in groups of `maxRequests`, each at least a window after the one before.
 * Rate = interactions carried before the last group / time from the first admission to the last
 * group's first one: exactly the ceiling when no refill is taken late, whatever the size of the
 * last (partial) group.
 */
async function underLimits(s: Scenario, side: 'reporter' | 'bare'): Promise<number> {
  const emulator = await startEmulator({ seed: true });
  const client = new DataverseClient({ url: emulator.url, auth: { none: true } });
  const ledger = ReporterLedger.open(':memory:');
  try {
    await populate(client, s.activities);
    emulator.setLimits({ windowMs: s.windowMs, maxRequests: s.maxRequests, maxExecutionMs: 3_600_000, maxConcurrent: 52 });
    const logFrom = emulator.requestLog.length;
    let confirmed: number;
    if (side === 'reporter') {
      const summary = await runReporter({ client, ledger, provider: simulatedProvider(), batchSize: s.batchSize, concurrency: CONCURRENCY });
      confirmed = summary.reports.confirmed;
    } else confirmed = await bareSender(client, s);
    if (confirmed < s.activities * 2) throw new Error(`${side}: only ${confirmed} of ${s.activities * 2} interactions confirmed`);
    const admitted = emulator.requestLog.slice(logFrom).filter((e) => e.status !== 429 && e.status !== 0);
    admitted.sort((a, b) => a.startedAt - b.startedAt);
    const lastGroup = Math.floor((admitted.length - 1) / s.maxRequests) * s.maxRequests;
    if (lastGroup === 0) throw new Error('the run fits in one window: raise the number of activities');
    const interactions = admitted.slice(0, lastGroup).reduce((n, e) => n + (e.batchOperations ?? 0), 0);
    return (interactions * 1000) / (admitted[lastGroup]!.startedAt - admitted[0]!.startedAt);
  } finally {
    ledger.close();
    client.close();
    await emulator.close();
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'channels-reporter-throughput',
    description:
      'The interaction reporter (ledger, tile checks, simulated provider) reporting sent and delivered for every custom channel activity under scaled-down service-protection limits, against a bare sender doing the same work: reading the same activity rows and posting the same msdyncrm_CustomChannelActivityCreateInteraction calls in $batch requests of the same size with as many in flight, through the same client, on a fresh emulator with the same rows and limits. Both rates come from the emulator\'s request log the same way (interactions admitted before the last window\'s group over the time between the first admission and that group). Target: at least 0.9x.',
    async run({ smoke }): Promise<BenchResult[]> {
      const s = smoke ? SMOKE : FULL;
      const ceiling = (s.maxRequests * 1000 * s.batchSize) / s.windowMs;
      return [
        await compare(
          {
            name: `reporter, ${s.maxRequests} req / ${s.windowMs / 1000} s, ${s.batchSize} per $batch`,
            unit: 'interactions/s',
            higherIsBetter: true,
            subject: { label: 'runReporter', sample: () => underLimits(s, 'reporter') },
            baseline: { label: 'bare $batch sender, same calls', sample: () => underLimits(s, 'bare') },
            rounds: smoke ? 1 : 3,
            warmup: 0,
            // The smoke run's 1-second window is dominated by whole-second Retry-After rounding: it proves the benchmark runs.
            ratioTarget: { min: 0.9 },
            notes: `${s.activities * 2} interactions per run; the service-protection ceiling is ${ceiling.toFixed(0)} interactions/s`,
          },
          { smoke },
        ),
      ];
    },
  },
];
