// Compare benchmark (issues 4 and 17): whole-process wall time and peak RSS of `promptgold compare`
// on two generated run records of 100,000 samples each (20,000 cases × 5 repeats, one cell). Needs
// `npm run build` first. The comparison runs RUNS times (default 3); the figures are the median
// run's. Prints each run, the target beside the figure, and one JSON line of figures last.
// KEEP=1 keeps the generated records (their folder is printed) for profiling.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../dist/stats/random.js';
import { runNodeMeasured } from './processes.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'dist/cli/main.js');
const CASES = 20_000;
const REPEATS = 5;
const RUNS = Number(process.env.RUNS ?? 3);
/** Issue 17: two 100,000-sample runs compared in at most 2 s, whole process. */
const TARGET_WALL_S = 2;

/** Floats in [0, 1) from the project's seeded generator, so generated records are the same on every machine. */
function rng(seed) {
  const generator = createRng(seed);
  return () => generator.next();
}

async function writeRecord(file, { seed, passBias }) {
  const random = rng(seed);
  const out = createWriteStream(file);
  const write = (value) => (out.write(`${JSON.stringify(value)}\n`) ? Promise.resolve() : new Promise((r) => out.once('drain', r)));
  await write({
    type: 'header', recordVersion: 1, suite: 'bench', suiteFile: 'suites/bench.eval.ts',
    prompts: [{ id: 'bench', version: 'v1', hash: 'h1', file: 'prompt.hbs' }], models: ['claude-haiku-4-5'],
    dataset: { path: 'cases.jsonl', hash: 'd1', cases: CASES }, options: { repeats: REPEATS }, planned: CASES * REPEATS,
    planHash: 'p', git: { commit: null, dirty: null }, tool: { name: 'promptgold', version: '0.1.0' }, seed: 1,
  });
  let index = 0;
  for (let c = 0; c < CASES; c++) {
    const difficulty = (c % 97) / 97;
    for (let r = 0; r < REPEATS; r++) {
      const similarity = Math.min(1, Math.max(0, 1 - difficulty * 0.6 + (random() - 0.5) * 0.3 + passBias));
      const category = random() < 0.9 - difficulty * 0.3 + passBias;
      const scores = [
        { name: 'category', score: category ? 1 : 0, pass: category, reason: category ? 'output.category equals expected.category' : 'output.category "bug" does not equal expected.category "billing"' },
        { name: 'summary', score: similarity, pass: similarity >= 0.6, reason: `similarity ${similarity.toFixed(2)} vs 0.60` },
        { name: 'schema', score: 1, pass: true, reason: 'output matches JSON Schema' },
      ];
      const score = (scores[0].score + scores[1].score + 1) / 3;
      await write({
        type: 'sample', index: index++, caseId: `case-${String(c).padStart(6, '0')}`, promptId: 'bench', version: 'v1', model: 'claude-haiku-4-5',
        repeat: r, tags: [`t${c % 7}`], promptHash: `ph${c}`,
        output: `{"category":"${category ? 'billing' : 'bug'}","summary":"Customer ${c} reports a problem with invoice number ${(c * 7919) % 100000} and asks for help."}`,
        stopReason: 'end_turn', scores, score, pass: scores.every((s) => s.pass),
        usage: { inputTokens: 200 + (c % 50), outputTokens: 30 + Math.floor(random() * 10) }, costUsd: 0.0004, latencyMs: 500 + Math.floor(random() * 1000),
      });
    }
  }
  await write({ type: 'summary', cells: [], totals: { samples: index, passed: 0, errors: 0, infrastructureErrors: 0, costUsd: 0, judgeCostUsd: 0 }, threshold: null, failingCells: [] });
  await new Promise((resolve) => out.end(resolve));
}

const dir = await mkdtemp(join(tmpdir(), 'promptgold-bench-compare-'));
try {
  await writeRecord(join(dir, 'a.jsonl'), { seed: 1, passBias: 0 });
  await writeRecord(join(dir, 'b.jsonl'), { seed: 2, passBias: -0.01 });
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await runNodeMeasured([cli, 'compare', 'a.jsonl', 'b.jsonl', '--no-html'], dir);
    if (result.code !== 0 && result.code !== 1) throw new Error(`compare exited ${result.code}: ${result.stderr}`);
    runs.push({ wallS: result.wallS, rssMb: result.rssMb });
    console.log(`run ${i + 1}: ${result.wallS.toFixed(2)} s, ${Math.round(result.rssMb)} MB (load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`);
  }
  const median = [...runs].sort((a, b) => a.wallS - b.wallS)[Math.floor(runs.length / 2)];
  const met = median.wallS <= TARGET_WALL_S ? 'met' : 'MISSED';
  console.log(`compare_100k_wall_s ${median.wallS.toFixed(2)} s — target ≤ ${TARGET_WALL_S} s (${met}); peak RSS ${Math.round(median.rssMb)} MB`);
  console.log(JSON.stringify({ compare_100k_wall_s: Number(median.wallS.toFixed(2)), compare_100k_rss_mb: Math.round(median.rssMb) }));
} finally {
  if (!process.env.KEEP) await rm(dir, { recursive: true, force: true });
  else console.error(dir);
}
