/**
 * Benchmark harness: every `bench/*.bench.ts` module exports `benchmarks`; each benchmark measures
 * journeyctl against a baseline that does the same work, alternated in the same run (A B, B A,
 * A B, ...), and reports medians with their spread and the median of the per-round ratios.
 * Nothing here divides by a constant: a figure without a measured baseline is not a figure.
 */
import { performance } from 'node:perf_hooks';

export interface BenchOptions {
  /** Tiny inputs, a couple of seconds per benchmark: proves the benchmark runs (CI). Targets are not judged. */
  smoke: boolean;
}

/** A bound on a ratio or on a value: `max` when lower is better, `min` when higher is better. */
export type Bound = { max: number } | { min: number };

/** Median and spread (minimum, maximum) of a series of samples. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface BenchResult {
  /** What was measured, e.g. "validate 3,000 definitions, whole process". */
  name: string;
  /** Unit of the samples, e.g. "ms", "definitions/s", "MB". */
  unit: string;
  /** Whether a larger sample is better (rates) or worse (times, memory). */
  higherIsBetter: boolean;
  /** journeyctl's samples. */
  subject: string;
  value: Spread;
  /** The baseline doing the same work, e.g. "JSON.parse of the same bytes". */
  baseline: string;
  baselineValue: Spread;
  /** Median and spread of the per-round ratios subject/baseline. */
  ratio: Spread;
  rounds: number;
  /** Target on the median ratio, e.g. `{ max: 2 }`. */
  ratioTarget?: Bound;
  /** Target on the subject's median value, e.g. `{ min: 5000 }` definitions/s. */
  valueTarget?: Bound;
  /** Every target met (undefined when there is none, or in smoke runs, which are not judged). */
  met?: boolean;
  notes?: string;
}

export interface Benchmark {
  name: string;
  /** A paragraph for docs/benchmarks.md: what the benchmark does and why the baseline is fair. */
  description: string;
  run(options: BenchOptions): Promise<BenchResult[]>;
}

/** One side of a comparison: `sample()` does the work once and returns the measurement. */
export interface Side {
  label: string;
  sample(): Promise<number>;
}

export interface Comparison {
  name: string;
  unit: string;
  higherIsBetter?: boolean;
  subject: Side;
  baseline: Side;
  /** Measured rounds; each runs both sides once, in alternating order. */
  rounds: number;
  /** Unmeasured rounds first (JIT, caches). Default 1. */
  warmup?: number;
  ratioTarget?: Bound;
  valueTarget?: Bound;
  notes?: string;
}

/** A sample that is the wall time of `fn` in milliseconds. */
export function timed(fn: () => unknown): () => Promise<number> {
  return async () => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
}

/** A sample that is `items` divided by the wall time of `fn`, per second. */
export function rated(items: number, fn: () => unknown): () => Promise<number> {
  const time = timed(fn);
  return async () => (items * 1000) / (await time());
}

export function spread(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('spread of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

function within(value: number, bound: Bound): boolean {
  return 'max' in bound ? value <= bound.max : value >= bound.min;
}

/** Judges a result's targets (not in smoke runs: tiny inputs say nothing about speed). */
export function judge(result: Omit<BenchResult, 'met'>, options: BenchOptions): BenchResult {
  const bounds: [number, Bound][] = [];
  if (result.ratioTarget) bounds.push([result.ratio.median, result.ratioTarget]);
  if (result.valueTarget) bounds.push([result.value.median, result.valueTarget]);
  if (options.smoke || bounds.length === 0) return result;
  return { ...result, met: bounds.every(([value, bound]) => within(value, bound)) };
}

/**
 * Runs both sides `rounds` times, alternating which goes first (A B, B A, ...), so drift in the
 * machine's state (thermal, GC, other load) falls on both alike.
 */
export async function compare(comparison: Comparison, options: BenchOptions): Promise<BenchResult> {
  const { subject, baseline } = comparison;
  for (let i = 0; i < (comparison.warmup ?? 1); i++) {
    await subject.sample();
    await baseline.sample();
  }
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < comparison.rounds; round++) {
    let sa: number;
    let sb: number;
    if (round % 2 === 0) {
      sa = await subject.sample();
      sb = await baseline.sample();
    } else {
      sb = await baseline.sample();
      sa = await subject.sample();
    }
    a.push(sa);
    b.push(sb);
    ratios.push(sa / sb);
  }
  return judge(
    {
      name: comparison.name,
      unit: comparison.unit,
      higherIsBetter: comparison.higherIsBetter ?? false,
      subject: subject.label,
      value: spread(a),
      baseline: baseline.label,
      baselineValue: spread(b),
      ratio: spread(ratios),
      rounds: comparison.rounds,
      ...(comparison.ratioTarget ? { ratioTarget: comparison.ratioTarget } : {}),
      ...(comparison.valueTarget ? { valueTarget: comparison.valueTarget } : {}),
      ...(comparison.notes ? { notes: comparison.notes } : {}),
    },
    options,
  );
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

export function formatBound(bound: Bound, suffix = ''): string {
  return 'max' in bound ? `≤ ${formatNumber(bound.max)}${suffix}` : `≥ ${formatNumber(bound.min)}${suffix}`;
}

export function formatSpread(s: Spread, unit = ''): string {
  const u = unit ? ` ${unit}` : '';
  return `${formatNumber(s.median)}${u} (${formatNumber(s.min)}–${formatNumber(s.max)})`;
}
