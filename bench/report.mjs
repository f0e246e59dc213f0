// Report benchmark (issue 17): `promptgold report` of a 200,000-sample run, as a separate process
// run three times (the median wall time, the highest peak RSS), the size of the HTML file, and the
// time headless Chromium takes to show its overview. The run is made by the real engine:
// `promptgold run` of a generated suite with a function provider (200,000 distinct cases, four
// scorers, JSON output), so the record and prompt store are exactly what a user's run writes.
// Needs `npm run build` first. Prints one JSON object of figures as its last line.
//
//   node bench/report.mjs            # SAMPLES=20000 node bench/report.mjs for a quick look
//   KEEP=1 node bench/report.mjs     # keeps the generated project (its path on stderr)
import { mkdtemp, mkdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium, median, runNode, runNodeMeasured } from './processes.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'dist/cli/main.js');
const SAMPLES = Number(process.env.SAMPLES ?? 200_000);
const TRIALS = 3;

const PROMPT = `---
id: bench
version: v1
max_tokens: 200
system: Classify the support ticket and summarize it in one sentence. Answer with JSON only.
variables:
  ticket: string
  n: number
---
Ticket #{{n}}:

{{ticket}}
`;

const SCHEMA = {
  type: 'object',
  required: ['category', 'summary'],
  properties: { category: { enum: ['billing', 'bug', 'account'] }, summary: { type: 'string' } },
};

// Some answers fail (wrong category for every 7th case, a too-short summary for every 11th), so
// the report has failing cases, reasons and a failure digest to show.
const SUITE = `import { defineSuite, exact, fuzzy, jsonSchema, custom } from 'promptgold';
const categories = ['billing', 'bug', 'account'];
export default defineSuite({
  name: 'bench',
  prompt: './prompt.hbs',
  models: ['claude-haiku-4-5'],
  dataset: './cases.jsonl',
  concurrency: 64,
  threshold: 0,
  provider: async (input) => ({
    category: categories[(input.n + (input.n % 7 === 0 ? 1 : 0)) % 3],
    summary: input.n % 11 === 0 ? 'Customer' : 'Customer reports ' + input.ticket.slice(0, 60),
  }),
  scorers: [
    exact({ field: 'category', expectedField: 'category' }),
    fuzzy({ method: 'levenshtein', threshold: 0.6, field: 'summary', expectedField: 'summary' }),
    jsonSchema({ schema: ${JSON.stringify(SCHEMA)} }),
    custom('short-summary', (sample) => sample.output.length < 400),
  ],
});
`;

const WORDS = 'customer charged twice invoice refund login password reset export csv fails large account locked payroll tax report missing page slow error timeout'.split(' ');

function ticketText(i) {
  const words = [];
  for (let w = 0; w < 24; w++) words.push(WORDS[(i * 31 + w * 17 + ((i >> w % 5) & 7)) % WORDS.length]);
  return `${words.join(' ')} (order ${i}, invoice ${(i * 7919) % 100_000}).`;
}

async function generatedProject() {
  const root = await mkdtemp(join(tmpdir(), 'promptgold-bench-report-'));
  await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
  await mkdir(join(root, 'node_modules'));
  await symlink(repo, join(root, 'node_modules/promptgold'), 'dir');
  await writeFile(join(root, 'prompt.hbs'), PROMPT);
  await writeFile(join(root, 'bench.eval.ts'), SUITE);
  const categories = ['billing', 'bug', 'account'];
  const lines = [];
  for (let i = 0; i < SAMPLES; i++) {
    const ticket = ticketText(i);
    lines.push(JSON.stringify({ id: `case-${String(i).padStart(6, '0')}`, tags: [categories[i % 3]], vars: { ticket, n: i }, expected: { category: categories[i % 3], summary: `Customer reports ${ticket.slice(0, 60)}` } }));
  }
  await writeFile(join(root, 'cases.jsonl'), `${lines.join('\n')}\n`);
  return root;
}

/** Time from navigation to the rendered overview (the page marks itself ready once it is drawn). */
async function overviewMs(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    const started = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    await page.waitForSelector('html[data-overview="true"] #cells-table', { timeout: 60_000 });
    return performance.now() - started;
  } finally {
    await page.close();
  }
}

/** Time from a click on the Cases tab to its first page of rows (the case data decoded on the way). */
async function casesMs(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(url, { timeout: 60_000 });
    await page.waitForSelector('html[data-ready="true"]', { timeout: 60_000 });
    const started = performance.now();
    await page.click('#tab-cases');
    await page.waitForSelector('#case-rows tr', { timeout: 60_000 });
    return performance.now() - started;
  } finally {
    await page.close();
  }
}

const root = await generatedProject();
try {
  const made = await runNode([cli, 'run', 'bench.eval.ts', '--no-progress', '--no-html', '--out', 'run'], root, { CI: 'true' });
  if (made.code !== 0) throw new Error(`the run exited ${made.code}: ${made.stderr}`);
  process.stderr.write(`made a ${SAMPLES.toLocaleString('en-US')}-sample run in ${made.wallS.toFixed(1)} s\n`);
  const runDir = (await import('node:fs')).readdirSync(join(root, 'run')).map((name) => join(root, 'run', name))[0];
  if (!runDir) throw new Error('the run wrote no run folder');

  // The report is timed TRIALS times, like the overview: one run of it varied by ±0.5 s on this machine.
  const reports = [];
  for (let i = 0; i < TRIALS; i++) {
    const report = await runNodeMeasured([cli, 'report', runDir, '--html', join(root, 'report.html')], root, { CI: 'true' });
    if (report.code !== 0) throw new Error(`report exited ${report.code}: ${report.stderr}`);
    reports.push(report);
  }
  const wallS = median(reports.map((report) => report.wallS));
  const maxRssMb = Math.max(...reports.map((report) => report.rssMb));
  const file = join(root, 'report.html');
  const bytes = (await stat(file)).size;
  process.stderr.write(`report: ${reports.map((report) => `${report.wallS.toFixed(2)} s`).join(', ')} (median ${wallS.toFixed(2)} s); peak RSS ${reports.map((report) => Math.round(report.rssMb)).join(', ')} MB; ${(bytes / 1048576).toFixed(1)} MiB\n`);

  const browser = await launchChromium();
  const overview = [];
  const cases = [];
  try {
    const url = pathToFileURL(file).href;
    for (let i = 0; i < TRIALS; i++) overview.push(await overviewMs(browser, url));
    for (let i = 0; i < TRIALS; i++) cases.push(await casesMs(browser, url));
  } finally {
    await browser.close();
  }
  process.stderr.write(`overview: ${overview.map(Math.round).join(', ')} ms; cases view: ${cases.map(Math.round).join(', ')} ms\n`);
  const key = SAMPLES === 200_000 ? '200k' : String(SAMPLES);
  console.log(
    JSON.stringify({
      [`report_${key}_wall_s`]: Number(wallS.toFixed(2)),
      [`report_${key}_rss_mb`]: Math.round(maxRssMb),
      [`report_${key}_html_mb`]: Math.round((bytes / 1048576) * 10) / 10,
      [`report_${key}_overview_ms`]: Math.round(median(overview)),
      [`report_${key}_cases_ms`]: Math.round(median(cases)),
    }),
  );
} finally {
  if (process.env.KEEP) process.stderr.write(`kept ${root}\n`);
  else await rm(root, { recursive: true, force: true });
}
