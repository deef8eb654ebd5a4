/**
 * Benchmark harness: every `bench/*.bench.ts` module exports `benchmarks`, each of which measures
 * journeyctl against a named baseline in the same run and reports the ratio.
 */
import { performance } from 'node:perf_hooks';

export interface BenchOptions {
  /** Tiny inputs, a couple of seconds per benchmark: proves the benchmark runs (CI). */
  smoke: boolean;
}

export interface BenchResult {
  /** What was measured, e.g. "parse 1 MB definition". */
  name: string;
  /** Unit of `value` and `baselineValue`, e.g. "ms", "ops/s", "req/s". */
  unit: string;
  value: number;
  /** The named baseline, e.g. "JSON.parse", "bare node:http". */
  baseline: string;
  baselineValue: number;
  /** How journeyctl compares: for times, value/baseline (lower is better); for rates, value/baseline (higher is better). */
  ratio: number;
  /** The target from the issue, e.g. "<= 3x" or ">= 0.5x", and whether it was met. */
  target?: string;
  met?: boolean;
  /** Anything else worth printing (sizes, counts). */
  notes?: string;
}

export interface Benchmark {
  name: string;
  run(options: BenchOptions): Promise<BenchResult[]>;
}

/** Median wall time of `fn` in milliseconds over `iterations` runs after `warmup` runs. */
export async function medianMs(fn: () => unknown | Promise<unknown>, iterations: number, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** A time ratio result: journeyctl's time over the baseline's (lower is better). */
export function timeResult(name: string, ms: number, baseline: string, baselineMs: number, maxRatio?: number, notes?: string): BenchResult {
  const ratio = ms / baselineMs;
  return {
    name,
    unit: 'ms',
    value: ms,
    baseline,
    baselineValue: baselineMs,
    ratio,
    ...(maxRatio === undefined ? {} : { target: `<= ${maxRatio}x`, met: ratio <= maxRatio }),
    ...(notes === undefined ? {} : { notes }),
  };
}

/** A rate ratio result: journeyctl's rate over the baseline's (higher is better). */
export function rateResult(name: string, rate: number, unit: string, baseline: string, baselineRate: number, minRatio?: number, notes?: string): BenchResult {
  const ratio = rate / baselineRate;
  return {
    name,
    unit,
    value: rate,
    baseline,
    baselineValue: baselineRate,
    ratio,
    ...(minRatio === undefined ? {} : { target: `>= ${minRatio}x`, met: ratio >= minRatio }),
    ...(notes === undefined ? {} : { notes }),
  };
}
