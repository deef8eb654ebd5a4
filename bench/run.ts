/**
 * `npm run bench [-- --smoke] [-- --filter NAME]`: runs every `*.bench.js` module next to this file,
 * prints each result with its baseline, spread and ratio, and says which targets were missed.
 * A full run (no `--smoke`, no `--filter`) writes docs/benchmarks.md; nothing else writes it.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatBound, formatNumber, formatSpread, type Benchmark, type BenchResult } from './harness.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const filterIndex = args.indexOf('--filter');
const filter = filterIndex >= 0 ? args[filterIndex + 1] : undefined;

function targetText(result: BenchResult): string {
  const parts: string[] = [];
  if (result.ratioTarget) parts.push(`ratio ${formatBound(result.ratioTarget, 'x')}`);
  if (result.valueTarget) parts.push(`${formatBound(result.valueTarget)} ${result.unit}`);
  return parts.join(', ');
}

function verdict(result: BenchResult): string {
  if (result.met === undefined) return result.ratioTarget || result.valueTarget ? 'not judged' : '—';
  return result.met ? 'met' : 'MISSED';
}

function print(result: BenchResult): void {
  const target = targetText(result);
  console.log(
    `  ${result.name}: ${formatSpread(result.value, result.unit)} vs ${result.baseline} ${formatSpread(result.baselineValue, result.unit)}` +
      ` -> ratio ${formatNumber(result.ratio.median)}x (${formatNumber(result.ratio.min)}–${formatNumber(result.ratio.max)}, ${result.rounds} rounds)` +
      (target ? ` target ${target}: ${verdict(result)}` : '') +
      (result.notes ? `\n    ${result.notes}` : ''),
  );
}

function machine(): string {
  const cpus = os.cpus();
  const gib = Math.round(os.totalmem() / 2 ** 30);
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${gib} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function markdown(ran: { bench: Benchmark; results: BenchResult[] }[], startedAt: Date, seconds: number): string {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (never by hand). Each figure is journeyctl against a baseline that does',
    'the same work, both measured alternately in the same run (A B, B A, …); the table gives medians with',
    'their range (minimum–maximum) and the median of the per-round ratios. Ratios compare across machines',
    'better than absolute figures. `npm run bench -- --smoke` runs every benchmark on tiny input (CI runs it',
    'to prove the benchmarks still run; it judges no target).',
    '',
    `Machine: ${machine()}.`,
    `Run: ${startedAt.toISOString().slice(0, 10)}, ${Math.round(seconds)} s.`,
    '',
  ];
  const all = ran.flatMap((r) => r.results);
  const missed = all.filter((r) => r.met === false);
  const judged = all.filter((r) => r.met !== undefined);
  lines.push(
    missed.length === 0
      ? `**${judged.length} of ${judged.length} targets met.**`
      : `**${missed.length} of ${judged.length} targets MISSED:** ${missed.map((r) => r.name).join('; ')}.`,
    '',
  );
  for (const { bench, results } of ran) {
    lines.push(`## ${bench.name}`, '', bench.description.trim(), '');
    lines.push('| Measure | journeyctl | Baseline | Ratio | Target | |', '|---|---|---|---|---|---|');
    for (const r of results) {
      lines.push(
        `| ${cell(r.name)} | ${cell(`${r.subject}: ${formatSpread(r.value, r.unit)}`)} | ${cell(`${r.baseline}: ${formatSpread(r.baselineValue, r.unit)}`)} | ` +
          `${formatNumber(r.ratio.median)}x (${formatNumber(r.ratio.min)}–${formatNumber(r.ratio.max)}) | ${cell(targetText(r) || '—')} | ${verdict(r)} |`,
      );
    }
    const notes = results.filter((r) => r.notes);
    if (notes.length > 0) {
      lines.push('');
      for (const r of notes) lines.push(`- ${cell(r.name)}: ${cell(r.notes!)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.bench.js')).sort();
console.log(`journeyctl benchmarks${smoke ? ' (smoke: targets not judged)' : ''} on ${machine()}`);
const startedAt = new Date();
let failures = 0;
const ran: { bench: Benchmark; results: BenchResult[] }[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { benchmarks?: Benchmark[] };
  for (const bench of mod.benchmarks ?? []) {
    if (filter && !bench.name.includes(filter)) continue;
    console.log(`\n${bench.name}`);
    try {
      const results = await bench.run({ smoke });
      for (const result of results) print(result);
      ran.push({ bench, results });
    } catch (error) {
      failures++;
      console.error(`  failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
}
const missed = ran.flatMap((r) => r.results).filter((r) => r.met === false);
if (missed.length > 0) {
  console.log(`\nTargets MISSED (${missed.length}):`);
  for (const r of missed) console.log(`  ${r.name}: ratio ${formatNumber(r.ratio.median)}x, target ${targetText(r)}`);
}
if (failures > 0) {
  console.error(`\n${failures} benchmark(s) failed`);
  process.exitCode = 1;
} else if (!smoke && filter === undefined) {
  // dist-bench/bench/run.js -> the repository root.
  const out = resolve(here, '..', '..', 'docs', 'benchmarks.md');
  writeFileSync(out, markdown(ran, startedAt, (Date.now() - startedAt.getTime()) / 1000));
  console.log(`\nwrote ${out}`);
}
