// Engine benchmarks for the core issue: whole-process wall time and peak RSS of `promptgold run`
// on generated suites, the concurrency ideal with a sleeping provider, and `--help` start-up.
// Needs `npm run build` first. Prints one JSON object of figures as its last line.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'dist/cli/main.js');
const rssProbe = join(repo, 'bench/rss-probe.mjs');

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

function runProcess(args, cwd) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, wallS: (performance.now() - started) / 1000, stderr }));
  });
}

async function wholeRun(cases, repeats = 1) {
  const root = await generatedProject(cases, { repeats });
  const rssFile = join(root, 'rss.json');
  try {
    const result = await runProcess(['--import', rssProbe, cli, 'run', 'bench.eval.ts', '--no-progress', '--no-html'], root);
    if (result.code !== 0) throw new Error(`run of ${cases} exited ${result.code}: ${result.stderr}`);
    const { maxRssMb } = JSON.parse(await readFile(rssFile, 'utf8'));
    return { wallS: round(result.wallS), rssMb: round(maxRssMb) };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function sleepingRun() {
  const root = await generatedProject(2000, { sleepMs: 50, concurrency: 50 });
  try {
    const { importSuites, loadSuite, runSuite, createFunctionProvider } = await import(join(repo, 'dist/index.js'));
    const [suite] = await importSuites(join(root, 'bench.eval.ts'));
    const loaded = await loadSuite(suite, join(root, 'bench.eval.ts'), {}, root);
    const started = performance.now();
    await runSuite(loaded, { provider: createFunctionProvider(suite.provider), runDir: join(root, 'run'), runId: 'sleep' });
    return round((performance.now() - started) / 1000);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function helpStartup() {
  const times = [];
  for (let i = 0; i < 7; i++) times.push((await runProcess([cli, '--help'], repo)).wallS * 1000);
  times.sort((a, b) => a - b);
  return Math.round(times[3]);
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}

const run10k = await wholeRun(10_000);
process.stderr.write(`10k samples: ${run10k.wallS}s, ${run10k.rssMb} MB peak RSS\n`);
const run100k = await wholeRun(10_000, 10);
process.stderr.write(`100k samples (10k cases × 10 repeats): ${run100k.wallS}s, ${run100k.rssMb} MB peak RSS\n`);
const run100kCases = await wholeRun(100_000);
process.stderr.write(`100k samples (100k cases × 1): ${run100kCases.wallS}s, ${run100kCases.rssMb} MB peak RSS\n`);
const sleepWall = await sleepingRun();
process.stderr.write(`2,000 × 50 ms at concurrency 50: ${sleepWall}s (ideal 2 s)\n`);
const helpMs = await helpStartup();
process.stderr.write(`promptgold --help: ${helpMs} ms (median of 7)\n`);

console.log(
  JSON.stringify({
    run_10k_wall_s: run10k.wallS,
    run_10k_rss_mb: run10k.rssMb,
    run_100k_wall_s: run100k.wallS,
    run_100k_rss_mb: run100k.rssMb,
    run_100k_cases_wall_s: run100kCases.wallS,
    run_100k_cases_rss_mb: run100kCases.rssMb,
    sleep_2000x50ms_c50_wall_s: sleepWall,
    sleep_2000x50ms_c50_vs_ideal: round(sleepWall / 2),
    help_ms: helpMs,
  }),
);
