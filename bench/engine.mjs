// Engine benchmarks (issues 1 and 17): whole-process wall time and peak RSS of `promptgold run` on
// generated suites, each beside bench/loop.mjs — the hand-written loop doing the same work with the
// same libraries on the same generated data, run alternately with promptgold in the same bench run
// (median of TRIALS, default 5, each) — plus the concurrency ideal with a sleeping provider and `--help`
// start-up. Needs `npm run build` first. Prints one line per target, then one JSON object of
// figures as its last line.
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, runNode, runNodeMeasured } from './processes.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'dist/cli/main.js');
const loop = join(repo, 'bench/loop.mjs');
const TRIALS = Number(process.env.TRIALS ?? 5);

const PROMPT = `---
id: bench
version: v1
max_tokens: 200
system: Classify the ticket and summarize it.
variables:
  ticket: string
  n: number
---
Ticket #{{n}}: {{ticket}}
`;

const SCHEMA = {
  type: 'object',
  required: ['category', 'summary'],
  properties: { category: { enum: ['billing', 'bug', 'account'] }, summary: { type: 'string' } },
};

function suiteSource({ sleepMs = 0, concurrency = 64, repeats = 1 } = {}) {
  return `import { defineSuite, contains, fuzzy, jsonSchema, custom } from 'promptgold';
const categories = ['billing', 'bug', 'account'];
export default defineSuite({
  name: 'bench',
  prompt: './prompt.hbs',
  models: ['claude-haiku-4-5'],
  dataset: './cases.jsonl',
  concurrency: ${concurrency},
  repeats: ${repeats},
  threshold: 0,
  provider: async (input) => {
    ${sleepMs ? `await new Promise((r) => setTimeout(r, ${sleepMs}));` : ''}
    return { category: categories[input.n % 3], summary: 'Customer reports ' + input.ticket.slice(0, 40) };
  },
  scorers: [
    contains({ values: ['Customer'], mode: 'all' }),
    fuzzy({ method: 'levenshtein', threshold: 0.6, field: 'summary', expectedField: 'summary' }),
    jsonSchema({ schema: ${JSON.stringify(SCHEMA)} }),
    custom('short-summary', (sample) => sample.output.length < 400),
  ],
});
`;
}

async function generatedProject(cases, suiteOptions) {
  const root = await mkdtemp(join(tmpdir(), 'promptgold-bench-'));
  await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
  await mkdir(join(root, 'node_modules'));
  await symlink(repo, join(root, 'node_modules/promptgold'), 'dir');
  await writeFile(join(root, 'prompt.hbs'), PROMPT);
  await writeFile(join(root, 'bench.eval.ts'), suiteSource(suiteOptions));
  const lines = [];
  for (let i = 0; i < cases; i++) {
    const ticket = `I was charged twice for order ${i} and the app crashed when I tried to open invoice ${i * 7}.`;
    lines.push(JSON.stringify({ id: `c${i}`, vars: { ticket, n: i }, expected: { summary: `Customer reports ${ticket.slice(0, 40)}` } }));
  }
  await writeFile(join(root, 'cases.jsonl'), `${lines.join('\n')}\n`);
  return root;
}

/** One whole process under the RSS probe: its wall time and peak RSS. */
async function measured(args, cwd, what) {
  const result = await runNodeMeasured(args, cwd, { CI: 'true' });
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}: ${result.stderr}`);
  return { wallS: result.wallS, rssMb: result.rssMb };
}

/**
 * promptgold and the loop on one generated project, alternating, TRIALS times each: medians of
 * wall time and peak RSS, and promptgold's wall time over the loop's.
 */
async function versusLoop(cases, repeats, { html = false } = {}) {
  const root = await generatedProject(cases, { repeats });
  const runArgs = [cli, 'run', 'bench.eval.ts', '--no-progress', ...(html ? [] : ['--no-html'])];
  try {
    const ours = [];
    const theirs = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      theirs.push(await measured([loop, root, String(repeats), join(root, 'loop.jsonl')], root, 'the loop'));
      ours.push(await measured(runArgs, root, `run of ${cases} × ${repeats}`));
      await rm(join(root, 'reports'), { recursive: true, force: true });
    }
    const wallS = median(ours.map((m) => m.wallS));
    const loopWallS = median(theirs.map((m) => m.wallS));
    return {
      wallS: round(wallS),
      rssMb: round(median(ours.map((m) => m.rssMb))),
      loopWallS: round(loopWallS),
      loopRssMb: round(median(theirs.map((m) => m.rssMb))),
      ratio: round(wallS / loopWallS),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function sleepingRun() {
  const root = await generatedProject(2000, { sleepMs: 50, concurrency: 50 });
  try {
    const { RunSession, importSuites, runSuite } = await import(join(repo, 'dist/index.js'));
    const file = join(root, 'bench.eval.ts');
    const [suite] = await importSuites(file);
    const session = await RunSession.open({ root });
    const loaded = await session.loadSuite(suite, file);
    const assembled = await session.assemble(loaded);
    const started = performance.now();
    await runSuite(loaded, { provider: assembled.provider, runDir: join(root, 'run'), runId: 'sleep' });
    const wallS = round((performance.now() - started) / 1000);
    await assembled.close();
    return wallS;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function helpStartup() {
  const times = [];
  for (let i = 0; i < 7; i++) times.push((await runNode([cli, '--help'], repo, { CI: 'true' })).wallS * 1000);
  return Math.round(median(times));
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}

function verdict(ok) {
  return ok ? 'met' : 'MISSED';
}

function line(label, m, target) {
  process.stderr.write(`${label}: ${m.wallS}s, ${m.rssMb} MB peak RSS; loop ${m.loopWallS}s, ${m.loopRssMb} MB → ${m.ratio}× the loop (${target})\n`);
}

const run1k = await versusLoop(1_000, 1);
line('1k samples', run1k, `target ≤ 0.5 s: ${verdict(run1k.wallS <= 0.5)}`);
const run10k = await versusLoop(10_000, 1);
line('10k samples', run10k, `target ≤ 2×: ${verdict(run10k.ratio <= 2)}`);
const run10kHtml = await versusLoop(10_000, 1, { html: true });
line('10k samples with the HTML report', run10kHtml, `target ≤ 2.5×: ${verdict(run10kHtml.ratio <= 2.5)}`);
const run100k = await versusLoop(10_000, 10);
line('100k samples (10k cases × 10 repeats)', run100k, `targets ≤ 2×, ≤ 200 MB: ${verdict(run100k.ratio <= 2)}, ${verdict(run100k.rssMb <= 200)}`);
const run100kCases = await versusLoop(100_000, 1);
line('100k samples (100k cases × 1)', run100kCases, `targets ≤ 2×, ≤ 200 MB: ${verdict(run100kCases.ratio <= 2)}, ${verdict(run100kCases.rssMb <= 200)}`);
const sleepWall = await sleepingRun();
process.stderr.write(`2,000 × 50 ms at concurrency 50: ${sleepWall}s (ideal 2 s)\n`);
const helpMs = await helpStartup();
process.stderr.write(`promptgold --help: ${helpMs} ms (median of 7)\n`);

console.log(
  JSON.stringify({
    run_1k_wall_s: run1k.wallS,
    run_1k_loop_wall_s: run1k.loopWallS,
    run_10k_wall_s: run10k.wallS,
    run_10k_rss_mb: run10k.rssMb,
    run_10k_loop_wall_s: run10k.loopWallS,
    run_10k_vs_loop: run10k.ratio,
    run_10k_html_wall_s: run10kHtml.wallS,
    run_10k_html_rss_mb: run10kHtml.rssMb,
    run_10k_html_vs_loop: run10kHtml.ratio,
    run_100k_wall_s: run100k.wallS,
    run_100k_rss_mb: run100k.rssMb,
    run_100k_loop_wall_s: run100k.loopWallS,
    run_100k_vs_loop: run100k.ratio,
    run_100k_cases_wall_s: run100kCases.wallS,
    run_100k_cases_rss_mb: run100kCases.rssMb,
    run_100k_cases_loop_wall_s: run100kCases.loopWallS,
    run_100k_cases_vs_loop: run100kCases.ratio,
    sleep_2000x50ms_c50_wall_s: sleepWall,
    sleep_2000x50ms_c50_vs_ideal: round(sleepWall / 2),
    help_ms: helpMs,
  }),
);
