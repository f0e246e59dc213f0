// Operating characteristics of the compare verdict (issue 12): simulates pairs of runs through the
// real compare code (SideBuilder → compareSides: reduction per case, pairing, statistics, verdict)
// and counts how often each verdict comes out. Per case, a difficulty (logit ~ N(1.2, 1.5²)) gives a
// pass probability p; with clusters, every fifth case is a golden case and the next four are its
// chaos variants (logit = the golden case's + N(0, 0.7²)). Each repeat passes with probability p on
// the baseline and p·(1 − drop/p̄) on the candidate, p̄ being the population mean pass rate, so the
// true drop of the pass rate is `drop`. Default policy (maxPassRateDrop 0.02, alpha 0.05).
// Seeded; two worker threads; a few minutes on two cores. Needs `npm run build` first (npm run bench
// does it). Prints the table, then one JSON line of figures.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { compareSides } from '../dist/compare/compareRuns.js';
import { DEFAULT_POLICY } from '../dist/compare/policy.js';
import { SideBuilder } from '../dist/compare/sideReader.js';
import { createRng } from '../dist/stats/random.js';

const SIZES = [2, 3, 5, 10, 30, 100, 300, 1000, 3000];
const DESIGNS = [
  { repeats: 1, clustered: false },
  { repeats: 3, clustered: false },
  { repeats: 1, clustered: true },
  { repeats: 3, clustered: true },
];
const D = DEFAULT_POLICY.maxPassRateDrop;
const DROPS = [0, D, 0.05, 0.1, 0.2];
const CLUSTER_SIZE = 5;
/**
 * Simulated run pairs per (n, drop): fewer where each costs more, and fewest for the large drops at
 * large n, where every run fails anyway.
 */
function REPS(n, drop) {
  const decisive = drop === 0 || drop === D;
  if (n <= 10) return 400;
  if (n <= 100) return 600;
  if (n <= 300) return decisive ? 400 : 100;
  if (n <= 1000) return decisive ? 400 : 40;
  return decisive ? 600 : 25;
}

function normal(rng) {
  // Box–Muller from the project's seeded generator.
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const logistic = (x) => 1 / (1 + Math.exp(-x));

/** Per-case pass probabilities (and cluster ids) of one simulated dataset. */
function dataset(rng, n, clustered) {
  const p = new Float64Array(n);
  const cluster = new Array(n);
  let golden = 0;
  for (let i = 0; i < n; i++) {
    if (!clustered || i % CLUSTER_SIZE === 0) {
      golden = 1.2 + 1.5 * normal(rng);
      p[i] = logistic(golden);
      cluster[i] = null;
    } else {
      p[i] = logistic(golden + 0.7 * normal(rng));
      cluster[i] = `c${String(i - (i % CLUSTER_SIZE)).padStart(5, '0')}`;
    }
  }
  return { p, cluster };
}

/** p̄ of a design, from 400,000 cases (seeded), so a drop of `drop` in p̄ is exactly `drop` in expectation. */
function populationMean(clustered) {
  const { p } = dataset(createRng(`verdict-population-${clustered}`), 400_000, clustered);
  return p.reduce((a, b) => a + b, 0) / p.length;
}

function header(n, repeats) {
  return {
    type: 'header', recordVersion: 1, suite: 'bench', suiteFile: 'suites/bench.eval.ts',
    prompts: [{ id: 'bench', version: 'v1', hash: 'h1', file: 'bench.hbs' }], models: ['m'],
    dataset: { path: 'cases.jsonl', hash: 'd1', cases: n }, options: { repeats }, planned: n * repeats,
    planHash: 'p', git: { commit: null, dirty: null }, tool: { name: 'promptgold', version: '0' }, seed: 1,
  };
}

const SCORES = { true: [{ name: 'check', score: 1, pass: true, reason: '' }], false: [{ name: 'check', score: 0, pass: false, reason: '' }] };

function side(rng, name, data, repeats, factor) {
  const builder = new SideBuilder();
  const n = data.p.length;
  // One sample object, refilled: the reduction copies what it keeps, and the bench should measure
  // the compare code rather than its own garbage.
  const sample = { caseId: '', version: 'v1', model: 'm', repeat: 0, tags: [], promptHash: 'h', output: '', stopReason: 'end_turn', scores: SCORES.true, score: 1, pass: true, costUsd: 0, latencyMs: null };
  const chaos = new Map();
  for (let i = 0; i < n; i++) {
    sample.caseId = `c${String(i).padStart(5, '0')}`;
    const cluster = data.cluster[i];
    if (cluster) {
      if (!chaos.has(cluster)) chaos.set(cluster, { sourceCaseId: cluster, operators: ['op'], fields: [], ops: [], property: '' });
      sample.chaos = chaos.get(cluster);
    } else delete sample.chaos;
    const probability = data.p[i] * factor;
    for (let r = 0; r < repeats; r++) {
      const pass = rng.next() < probability;
      sample.repeat = r;
      sample.pass = pass;
      sample.score = pass ? 1 : 0;
      sample.scores = SCORES[pass];
      builder.add(sample);
    }
  }
  return builder.build(name, name, header(n, repeats), true);
}

function simulate(task) {
  const { n, repeats, clustered, drop, reps, mean } = task;
  const counts = { pass: 0, fail: 0, inconclusive: 0 };
  for (let rep = 0; rep < reps; rep++) {
    const rng = createRng(`verdict:${n}:${repeats}:${clustered}:${drop}:${rep}`);
    const data = dataset(rng, n, clustered);
    const baseline = side(rng, 'baseline', data, repeats, 1);
    const candidate = side(rng, 'candidate', data, repeats, 1 - drop / mean);
    counts[compareSides(baseline, candidate, { policy: DEFAULT_POLICY }).verdict.verdict]++;
  }
  return { ...task, counts };
}

if (!isMainThread) {
  for (const task of workerData.tasks) parentPort.postMessage(simulate(task));
} else {
  const started = performance.now();
  const means = { false: populationMean(false), true: populationMean(true) };
  const tasks = [];
  for (const n of SIZES) for (const design of DESIGNS) for (const drop of DROPS) tasks.push({ n, ...design, drop, reps: REPS(n, drop), mean: means[design.clustered] });
  // Largest first, dealt to the workers in turn so both finish at about the same time.
  tasks.sort((a, b) => b.n * b.repeats * b.reps - a.n * a.repeats * a.reps);
  const workers = Math.max(1, Math.min(2, availableParallelism()));
  const results = [];
  await Promise.all(
    Array.from({ length: workers }, (_, w) => new Promise((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { tasks: tasks.filter((_, i) => i % workers === w) } });
      worker.on('message', (result) => {
        results.push(result);
        process.stderr.write(`\r${results.length}/${tasks.length} scenarios`);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exit ${code}`))));
    })),
  );
  process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;

  const rate = (r, verdict) => r.counts[verdict] / r.reps;
  const find = (n, design, drop) => results.find((r) => r.n === n && r.repeats === design.repeats && r.clustered === design.clustered && r.drop === drop);
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `Verdict operating characteristics (maxPassRateDrop D = ${D * 100} pts, alpha ${DEFAULT_POLICY.alpha}); share of simulated run pairs.`,
    'The "±" column is the Monte Carlo margin (95%) of a rate of 2.5% — the most either error rate should be — at that many run pairs.',
    '',
    '| cases | repeats | clusters | run pairs | no change: FAIL | no change: PASS | drop = D: PASS | ± (95%) at 2.5% | drop 5 pts: FAIL | drop 10 pts: FAIL | drop 20 pts: FAIL |',
    '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  let falseFail = 0;
  let passAtD = 0;
  for (const design of DESIGNS) {
    for (const n of SIZES) {
      const none = find(n, design, 0);
      const atD = find(n, design, D);
      falseFail = Math.max(falseFail, rate(none, 'fail'));
      passAtD = Math.max(passAtD, rate(atD, 'pass'));
      lines.push(`| ${n.toLocaleString('en-US')} | ${design.repeats} | ${design.clustered ? `of ${CLUSTER_SIZE}` : 'no'} | ${none.reps} | ${pct(rate(none, 'fail'))} | ${pct(rate(none, 'pass'))} | ${pct(rate(atD, 'pass'))} | ${pct(1.96 * Math.sqrt((0.025 * 0.975) / none.reps))} | ${[0.05, 0.1, 0.2].map((d) => pct(rate(find(n, design, d), 'fail'))).join(' | ')} |`);
    }
  }
  console.log(lines.join('\n'));
  console.log(`\n${tasks.length} scenarios, ${results.reduce((a, r) => a + r.reps, 0).toLocaleString('en-US')} simulated comparisons, ${seconds.toFixed(0)} s on ${workers} threads`);
  const big = find(3000, DESIGNS[1], 0);
  console.log(JSON.stringify({
    verdict_false_fail_max: Number(falseFail.toFixed(4)),
    verdict_pass_at_tolerance_max: Number(passAtD.toFixed(4)),
    verdict_pass_no_change_3000x3: Number(rate(big, 'pass').toFixed(4)),
    verdict_bench_s: Number(seconds.toFixed(1)),
  }));
}
