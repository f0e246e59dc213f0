/**
 * Benchmark for src/stats: the paired interval a comparison decides on (sign flips + bounded score
 * test) over 10,000 per-case differences, 1,999 random sign patterns — once with continuous score
 * differences (every unit distinct: the slow case) and once with pass-fraction differences of 3
 * repeats (few distinct values). Run: npx tsx bench/stats.ts — the last line is JSON with the median
 * wall time in seconds over five runs (the first, cold run included; no separate warm-up).
 */
import { performance } from 'node:perf_hooks';
import { createRng, pairedInterval, unitTotals } from '../src/stats/index.js';

const DIFFS = 10_000;
const RESAMPLES = 1_999;
const RUNS = 5;

const rng = createRng('bench-diffs');
const continuous = Float64Array.from({ length: DIFFS }, () => (rng.next() < 0.5 ? rng.next() - 0.45 : 0));
const fractions = Float64Array.from({ length: DIFFS }, () => (Math.floor(rng.next() * 4) - Math.floor(rng.next() * 4)) / 3);

function median(data: Float64Array): { seconds: number; last: ReturnType<typeof pairedInterval> } {
  const timings: number[] = [];
  let last = pairedInterval(unitTotals([0, 0]), { alpha: 0.05, resamples: RESAMPLES, seed: 0 });
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    last = pairedInterval(unitTotals(data), { alpha: 0.05, resamples: RESAMPLES, seed: run });
    timings.push((performance.now() - start) / 1000);
  }
  timings.sort((a, b) => a - b);
  return { seconds: timings[Math.floor(RUNS / 2)]!, last };
}

const a = median(continuous);
const b = median(fractions);
console.log(`paired interval: ${DIFFS} diffs x ${RESAMPLES} sign flips, ${RUNS} runs`);
console.log(`  continuous differences: ${a.seconds.toFixed(3)} s; last [${a.last.low.toFixed(5)}, ${a.last.high.toFixed(5)}]`);
console.log(`  pass-fraction differences: ${b.seconds.toFixed(3)} s; last [${b.last.low.toFixed(5)}, ${b.last.high.toFixed(5)}]`);
console.log(JSON.stringify({ paired_interval_10k_s: Number(a.seconds.toFixed(4)), paired_interval_10k_fractions_s: Number(b.seconds.toFixed(4)) }));
