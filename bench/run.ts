/**
 * `npm run bench [-- --smoke] [-- --filter NAME]`: runs every `*.bench.js` module next to this file
 * and prints each result with its baseline and ratio. `--smoke` runs tiny inputs (used by CI to
 * prove the benchmarks still run); full runs are recorded in docs/benchmarks.md.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, BenchResult } from './harness.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const filterIndex = args.indexOf('--filter');
const filter = filterIndex >= 0 ? args[filterIndex + 1] : undefined;

function format(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3);
}

function print(result: BenchResult): void {
  const verdict = result.met === undefined ? '' : result.met ? '  [target met]' : '  [target MISSED]';
  console.log(
    `  ${result.name}: ${format(result.value)} ${result.unit} vs ${result.baseline} ${format(result.baselineValue)} ${result.unit}` +
      ` -> ratio ${result.ratio.toFixed(2)}x${result.target ? ` (target ${result.target})` : ''}${verdict}` +
      (result.notes ? `\n    ${result.notes}` : ''),
  );
}

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.bench.js')).sort();
console.log(`journeyctl benchmarks${smoke ? ' (smoke)' : ''} on ${os.cpus()[0]?.model ?? 'unknown cpu'} x${os.cpus().length}, node ${process.version}`);
let failures = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { benchmarks?: Benchmark[] };
  for (const bench of mod.benchmarks ?? []) {
    if (filter && !bench.name.includes(filter)) continue;
    console.log(`\n${bench.name}`);
    try {
      for (const result of await bench.run({ smoke })) print(result);
    } catch (error) {
      failures++;
      console.error(`  failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
}
if (failures > 0) {
  console.error(`\n${failures} benchmark(s) failed`);
  process.exitCode = 1;
}
