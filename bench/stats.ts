/**
 * Benchmark for src/stats: paired bootstrap of 10,000 diffs with 2,000 resamples.
 * Run: npx tsx bench/stats.ts — the last line is JSON with the median wall
 * time in seconds over five runs (the first, cold run included; no separate warm-up).
 */
import { performance } from 'node:perf_hooks';
import { createRng, pairedBootstrap } from '../src/stats/index.js';

const DIFFS = 10_000;
const RESAMPLES = 2_000;
const RUNS = 5;

const rng = createRng('bench-diffs');
const diffs = Float64Array.from({ length: DIFFS }, () => (rng.next() < 0.5 ? rng.next() - 0.45 : 0));

const timings: number[] = [];
let interval = { low: NaN, high: NaN, mean: NaN };
for (let run = 0; run < RUNS; run++) {
  const start = performance.now();
  interval = pairedBootstrap(diffs, { resamples: RESAMPLES, seed: run });
  timings.push((performance.now() - start) / 1000);
}
timings.sort((a, b) => a - b);
const median = timings[Math.floor(RUNS / 2)] as number;

console.log(`paired bootstrap: ${DIFFS} diffs x ${RESAMPLES} resamples, ${RUNS} runs`);
console.log(`  timings (s): ${timings.map((t) => t.toFixed(3)).join(', ')}`);
console.log(`  last interval: mean ${interval.mean.toFixed(5)} [${interval.low.toFixed(5)}, ${interval.high.toFixed(5)}]`);
console.log(JSON.stringify({ bootstrap_10k_2000_s: Number(median.toFixed(4)) }));
