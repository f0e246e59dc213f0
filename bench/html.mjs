// HTML report benchmark: a compare of two 10,000-sample runs (records generated here, compared by the
// real compare engine), rendered to one file and opened in headless Chromium.
// Prints { "html_10k_mb", "html_overview_ms", "html_filter_ms" } as the last line.
//
//   npx tsc -p tsconfig.build.json && node bench/html.mjs
//   node bench/html.mjs --screenshot   # README screenshot from the offline example (npm run eval first)
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compareRecords } from '../dist/compare/index.js';
import { SummaryBuilder } from '../dist/records/summary.js';
import { writeHtmlReport } from '../dist/report/html/index.js';
import { createRng } from '../dist/stats/random.js';
import { launchChromium, median } from './processes.mjs';

const CASES = 5000;
const REPEATS = 2;
const TRIALS = 3;

/** Floats in [0, 1) from the project's seeded generator, so generated records are the same on every machine. */
function rng(seed) {
  const generator = createRng(seed);
  return () => generator.next();
}

const WORDS = 'customer charged twice invoice refund login password reset export csv fails large account locked payroll tax report missing page slow error timeout'.split(' ');
const CATEGORIES = ['billing', 'bug', 'account_access', 'feature_request', 'outage', 'how_to'];

function sentence(random, words) {
  return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

function header(version) {
  return {
    type: 'header', recordVersion: 1, suite: 'bench', suiteFile: 'suites/bench.eval.ts',
    prompts: [{ id: 'triage', version, hash: `prompt-${version}`, file: `prompts/triage.${version}.hbs` }],
    models: ['claude-sonnet-4-5'], dataset: { path: 'bench.jsonl', hash: 'bench-data', cases: CASES },
    options: { threshold: 0.7, repeats: REPEATS }, planned: CASES * REPEATS, planHash: 'bench',
    git: { commit: null, dirty: null }, tool: { name: 'promptgold', version: '0.1.0' }, seed: 1,
  };
}

/** One run folder: run.jsonl with header, samples and summary, and prompts.jsonl. */
async function writeRun(dir, version, seed, passBias) {
  await mkdir(dir, { recursive: true });
  const random = rng(seed);
  const builder = new SummaryBuilder({ threshold: 0.7 });
  const lines = [JSON.stringify(header(version))];
  const prompts = [];
  let index = 0;
  for (let c = 0; c < CASES; c++) {
    const caseId = `case-${String(c).padStart(5, '0')}`;
    const promptHash = `${version}-${caseId}`;
    const ticket = sentence(rng(c + 1), 60);
    prompts.push(JSON.stringify({ hash: promptHash, system: `You are a support triage assistant (${version}). Answer with JSON only.`, user: `Classify the ticket below into category, priority and a one-sentence summary.\n\n<ticket>\n${ticket}\n</ticket>` }));
    const hard = rng(c + 7)() < 0.3;
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const pass = random() < (hard ? 0.45 : 0.93) + passBias;
      const similarity = pass ? 0.7 + random() * 0.3 : 0.2 + random() * 0.3;
      const output = JSON.stringify({ category: CATEGORIES[(c + (pass ? 0 : 1)) % CATEGORIES.length], priority: pass ? 'medium' : 'low', summary: sentence(random, 30 + Math.floor(random() * 20)) }, null, 2);
      const sample = {
        type: 'sample', index: index++, caseId, promptId: 'triage', version, model: 'claude-sonnet-4-5', repeat,
        tags: [CATEGORIES[c % CATEGORIES.length]], promptHash, output, stopReason: 'end_turn',
        scores: [
          { name: 'jsonSchema', score: 1, pass: true, reason: 'output matches JSON Schema' },
          { name: 'category', score: pass ? 1 : 0, pass, reason: pass ? 'output.category equals expected.category' : 'output.category differs from expected.category' },
          { name: 'summary', score: Math.round(similarity * 1000) / 1000, pass: similarity >= 0.5, reason: `output.summary tokenSet similarity ${similarity.toFixed(2)} ${similarity >= 0.5 ? '>=' : '<'} 0.50 to expected.summary` },
        ],
        score: Math.round(((1 + (pass ? 1 : 0) + similarity) / 3) * 1e6) / 1e6, pass,
        usage: { inputTokens: 240 + (c % 50), outputTokens: 60 + (c % 30) }, costUsd: 0.0012, latencyMs: 400 + Math.floor(random() * 1200),
      };
      builder.add(sample);
      lines.push(JSON.stringify(sample));
    }
  }
  lines.push(JSON.stringify(builder.build()));
  await writeFile(join(dir, 'run.jsonl'), `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'prompts.jsonl'), `${prompts.join('\n')}\n`);
  return dir;
}

/** Time to the rendered overview, then time from a click on "regressed" to the filtered list. */
async function measure(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector('html[data-overview="true"] #cells-table', { timeout: 30_000 });
  const overviewMs = performance.now() - started;
  await page.click('#tab-cases');
  const renders = Number(await page.getAttribute('html', 'data-renders'));
  const clicked = performance.now();
  await page.click('button[data-flag="regressed"]');
  await page.waitForFunction((before) => Number(document.documentElement.getAttribute('data-renders')) > before, renders);
  const filterMs = performance.now() - clicked;
  const rows = await page.$$eval('#case-rows tr', (trs) => trs.length);
  await page.close();
  return { overviewMs, filterMs, rows };
}

async function bench() {
  const root = await mkdtemp(join(tmpdir(), 'promptgold-html-bench-'));
  try {
    const baseline = await writeRun(join(root, 'baseline'), 'v1', 1, 0);
    const candidate = await writeRun(join(root, 'candidate'), 'v2', 2, -0.03);
    const comparison = await compareRecords(join(baseline, 'run.jsonl'), join(candidate, 'run.jsonl'), { root, force: true });
    const built = performance.now();
    const file = await writeHtmlReport({ runs: [{ dir: baseline }, { dir: candidate }], comparison }, join(root, 'report.html'));
    const writeMs = performance.now() - built;
    const bytes = (await stat(file)).size;
    const browser = await launchChromium();
    const trials = [];
    try {
      for (let i = 0; i < TRIALS; i++) trials.push(await measure(browser, pathToFileURL(file).href));
    } finally {
      await browser.close();
    }
    const regressed = comparison.cells.reduce((n, cell) => n + cell.counts.regressed, 0);
    console.log(`report: ${(bytes / 1048576).toFixed(2)} MiB, written in ${Math.round(writeMs)} ms; ${regressed} regressed cases; first page shows ${trials[0].rows} rows`);
    for (const [i, t] of trials.entries()) console.log(`trial ${i + 1}: overview ${Math.round(t.overviewMs)} ms, filter ${Math.round(t.filterMs)} ms`);
    console.log(JSON.stringify({
      html_10k_mb: Math.round((bytes / 1048576) * 100) / 100,
      html_overview_ms: Math.round(median(trials.map((t) => t.overviewMs))),
      html_filter_ms: Math.round(median(trials.map((t) => t.filterMs))),
    }));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The README screenshot: v1 against v2 of the latest offline triage run. */
async function screenshot() {
  const runsDir = resolve('reports/runs');
  const runs = (await readdir(runsDir)).filter((name) => /^triage-\d{8}-\d{6}/.test(name)).sort();
  const latest = runs.at(-1);
  if (!latest) throw new Error('no triage run under reports/runs: run `npm run build && npm run eval` first');
  const record = join(runsDir, latest, 'run.jsonl');
  const comparison = await compareRecords(record, record, { baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } });
  const file = await writeHtmlReport({ runs: [{ dir: join(runsDir, latest) }], comparison }, join(runsDir, latest, 'report-v1-v2.html'));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('html[data-ready="true"]');
    await mkdir(resolve('reports/screenshots'), { recursive: true });
    await page.screenshot({ path: resolve('reports/screenshots/overview.png'), fullPage: true });
  } finally {
    await browser.close();
  }
  console.log(`wrote reports/screenshots/overview.png from ${file}`);
}

await (process.argv.includes('--screenshot') ? screenshot() : bench());
