/**
 * Transitional: the old single-sided helpers, mapped onto the new result shape. Every benchmark
 * moves to `compare` in harness.ts; this file is deleted when the last one has.
 */
import { performance } from 'node:perf_hooks';
import type { BenchResult } from './harness.js';

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

const one = (n: number) => ({ median: n, min: n, max: n });

export function timeResult(name: string, ms: number, baseline: string, baselineMs: number, maxRatio?: number, notes?: string): BenchResult {
  return {
    name, unit: 'ms', higherIsBetter: false, subject: 'journeyctl', value: one(ms), baseline, baselineValue: one(baselineMs),
    ratio: one(ms / baselineMs), rounds: 1,
    ...(maxRatio === undefined ? {} : { ratioTarget: { max: maxRatio }, met: ms / baselineMs <= maxRatio }),
    ...(notes === undefined ? {} : { notes }),
  };
}

export function rateResult(name: string, rate: number, unit: string, baseline: string, baselineRate: number, minRatio?: number, notes?: string): BenchResult {
  return {
    name, unit, higherIsBetter: true, subject: 'journeyctl', value: one(rate), baseline, baselineValue: one(baselineRate),
    ratio: one(rate / baselineRate), rounds: 1,
    ...(minRatio === undefined ? {} : { ratioTarget: { min: minRatio }, met: rate / baselineRate >= minRatio }),
    ...(notes === undefined ? {} : { notes }),
  };
}
