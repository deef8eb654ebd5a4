/**
 * Bulk create through the bulk operation messages: journeyctl's `createMany` sending 2,000 rows as
 * `CreateMultiple` requests of 500, against dynamics-web-api `executeBatch` with change sets of 100
 * and against journeyctl's own `$batch` path (`bulkMessages: false`), on the emulator in its own
 * process with no injected latency. Microsoft recommends the bulk operation messages as the most
 * performant way to create many rows of one table, ahead of batching single creates:
 * https://learn.microsoft.com/power-apps/developer/data-platform/bulk-operations
 */
import { DataverseClient } from '../src/dataverse/index.js';
import { compare, rated, type Benchmark, type BenchResult } from './harness.js';
import { contacts, dwaFor, liftedLimits, remoteEmulator } from './setup.js';

let tagCounter = 0;

const bulkCreate: Benchmark = {
  name: 'client: bulk create through CreateMultiple',
  description: `Creates 2,000 contacts (100 in smoke runs) on the emulator running in its own process, with no injected latency and no throttling. journeyctl's createMany sends chunks of 500 rows (its default) as CreateMultiple requests (one transaction each), several in flight under its concurrency limiter. The baselines write the same rows: dynamics-web-api executeBatch with one change set of 100 creates per batch, batches one after another as its documentation shows; and journeyctl's own $batch path (createMany with bulkMessages: false, continue-on-error batches of 100, the same concurrency). Every run checks that every row was written.`,
  async run({ smoke }): Promise<BenchResult[]> {
    const count = smoke ? 100 : 2000;
    const rounds = smoke ? 1 : 8;
    const emulator = await remoteEmulator({ limits: liftedLimits(1000) });
    const client = new DataverseClient({ url: emulator.url, auth: { token: 'bench-token' } });
    const dwa = dwaFor(emulator.url);
    const ours = async (bulkMessages: boolean) => {
      const result = await client.createMany('contacts', contacts(count, `bulk${tagCounter++}`), { batchSize: 100, bulkMessages });
      if (result.failed.length > 0 || result.succeeded !== count) throw new Error(`createMany: ${result.failed.length} failed, ${result.succeeded} written`);
    };
    const dwaBatches = async () => {
      const rows = contacts(count, `bulk${tagCounter++}`);
      for (let i = 0; i < rows.length; i += 100) {
        dwa.startBatch();
        for (const data of rows.slice(i, i + 100)) void dwa.create({ collection: 'contacts', data });
        const answers = (await dwa.executeBatch({ inChangeSet: true })) as unknown[];
        if (answers.length !== Math.min(100, rows.length - i)) throw new Error(`executeBatch answered ${answers.length} results`);
      }
    };
    try {
      const subject = { label: 'createMany, CreateMultiple of 500', sample: rated(count, () => ours(true)) };
      return [
        await compare(
          {
            name: `bulk create ${count.toLocaleString('en-US')} rows vs dynamics-web-api executeBatch (change sets of 100)`,
            unit: 'records/s',
            higherIsBetter: true,
            subject,
            baseline: { label: 'dynamics-web-api executeBatch, change sets of 100', sample: rated(count, dwaBatches) },
            rounds,
            warmup: smoke ? 1 : 3,
            ratioTarget: { min: 1.5 },
          },
          { smoke },
        ),
        await compare(
          {
            name: `bulk create ${count.toLocaleString('en-US')} rows, CreateMultiple vs $batch path`,
            unit: 'records/s',
            higherIsBetter: true,
            subject,
            baseline: { label: 'createMany, $batch of 100 (bulkMessages: false)', sample: rated(count, () => ours(false)) },
            rounds,
            warmup: smoke ? 1 : 3,
            notes: 'The difference Dataverse itself shows is larger: CreateMultiple runs plug-ins and the database once per request instead of once per row.',
          },
          { smoke },
        ),
      ];
    } finally {
      client.close();
      emulator.close();
    }
  },
};

export const benchmarks: Benchmark[] = [bulkCreate];
