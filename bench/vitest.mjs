// vitest integration benchmark (issue 8): one eval test file with 2,000 cases on a zero-latency
// function provider, run by `vitest run` with the promptgold reporter, against the same suite run
// by the plain engine (`promptgold run`). Both are whole-process wall times; the overhead per case
// is their difference over the number of cases. Needs `npm run build` first. Prints one JSON
// object of figures as its last line.
import { cp, mkdtemp, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, runNode } from './processes.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'dist/cli/main.js');
const vitestBin = join(repo, 'node_modules/vitest/vitest.mjs');
const CASES = 2000;
const ROUNDS = 3;

const PROMPT = `---
id: bench
version: v1
max_tokens: 100
variables:
  word: string
---
Repeat {{word}}.
`;

const SUITE = `import { defineSuite, exact, contains } from 'promptgold';
export default defineSuite({
  name: 'bench',
  prompt: '../prompt.hbs',
  dataset: '../cases.jsonl',
  models: ['claude-haiku-4-5'],
  scorers: [exact(), contains({ values: ['word'] })],
  concurrency: 64,
  threshold: 0.9,
  provider: ({ word }) => String(word),
});
`;

const EVAL_TEST = `import suite from './suites/bench.eval.ts';
import { describeEval } from 'promptgold/vitest';
describeEval(suite, { file: new URL('./suites/bench.eval.ts', import.meta.url) });
`;

const CONFIG = `import { defineConfig } from 'vitest/config';
import PromptgoldReporter from 'promptgold/vitest/reporter';
export default defineConfig({ test: { include: ['*.eval.test.ts'], reporters: [process.env.BENCH_REPORTER ?? 'dot', new PromptgoldReporter({ log: false })] } });
`;

async function project() {
  const root = await mkdtemp(join(tmpdir(), 'promptgold-bench-vitest-'));
  await mkdir(join(root, 'suites'));
  await mkdir(join(root, 'node_modules'));
  await symlink(join(repo, 'node_modules/vitest'), join(root, 'node_modules/vitest'), 'dir');
  // Installed the way npm installs it (files under node_modules, so vitest loads them natively
  // instead of transforming them), with the repository's dependencies beside it.
  const installed = join(root, 'node_modules/promptgold');
  await mkdir(installed);
  for (const entry of ['dist', 'data', 'schemas', 'package.json']) await cp(join(repo, entry), join(installed, entry), { recursive: true }).catch(() => undefined);
  await symlink(join(repo, 'node_modules'), join(installed, 'node_modules'), 'dir');
  const cases = Array.from({ length: CASES }, (_, i) => JSON.stringify({ id: `c${String(i).padStart(4, '0')}`, vars: { word: `word${i}` }, expected: `word${i}` }));
  await writeFile(join(root, 'package.json'), '{ "name": "bench", "private": true, "type": "module" }\n');
  await writeFile(join(root, 'prompt.hbs'), PROMPT);
  await writeFile(join(root, 'cases.jsonl'), `${cases.join('\n')}\n`);
  await writeFile(join(root, 'suites/bench.eval.ts'), SUITE);
  await writeFile(join(root, 'bench.eval.test.ts'), EVAL_TEST);
  await writeFile(join(root, 'vitest.config.mjs'), CONFIG);
  return root;
}

/** A whole process, with VITEST* variables left out so the bench's own vitest does not leak in. */
function timed(args, cwd) {
  const env = { CI: 'true', NO_COLOR: '1' };
  for (const key of Object.keys(process.env)) if (key.startsWith('VITEST')) env[key] = undefined;
  return runNode(args, cwd, env).then((result) => ({ ...result, output: `${result.stdout}${result.stderr}`, wallMs: result.wallS * 1000 }));
}


const root = await project();
try {
  const vitestWalls = [];
  const engineWalls = [];
  for (let round = 0; round < ROUNDS; round++) {
    const viaVitest = await timed([vitestBin, 'run', '--configLoader', 'native'], root);
    if (viaVitest.code !== 0) throw new Error(`vitest failed:\n${viaVitest.output.slice(-3000)}`);
    vitestWalls.push(viaVitest.wallMs);
    const viaEngine = await timed([cli, 'run', 'suites/bench.eval.ts', '--provider', 'function', '--no-progress'], root);
    if (viaEngine.code !== 0) throw new Error(`promptgold run failed:\n${viaEngine.output.slice(-3000)}`);
    engineWalls.push(viaEngine.wallMs);
  }
  const runs = await readdir(join(root, 'reports/runs'));
  const vitestWall = median(vitestWalls);
  const engineWall = median(engineWalls);
  console.log(`vitest runs (ms): ${vitestWalls.map(Math.round).join(', ')}; engine runs (ms): ${engineWalls.map(Math.round).join(', ')}; ${runs.length} run folders written`);
  console.log(
    JSON.stringify({
      vitest_2000_wall_s: Math.round(vitestWall) / 1000,
      engine_2000_wall_s: Math.round(engineWall) / 1000,
      vitest_overhead_ms_per_case: Math.round(((vitestWall - engineWall) / CASES) * 1000) / 1000,
    }),
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
