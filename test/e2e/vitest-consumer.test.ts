import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest } from '../../src/engine/executeSample.js';
import { loadSuite } from '../../src/engine/loadSuite.js';
import { planSamples } from '../../src/engine/plan.js';
import type { RecordedGeneration } from '../../src/providers/recordingFile.js';
import { writeRecordings } from '../../src/providers/recordingFile.js';
import { generationKey } from '../../src/providers/requestKey.js';
import { exact } from '../../src/scoring/index.js';
import { defineSuite } from '../../src/suite.js';
import { consumerProject, packTarball } from '../helpers/packedInstall.js';
import { tempProject } from '../helpers/tempProject.js';

const exec = promisify(execFile);

const TEMPLATE = `---
id: echo
version: v1
max_tokens: 50
variables:
  word: string
---
Repeat the word {{word}}.
`;

const SUITE = `import { defineSuite, exact } from 'promptgold';

export default defineSuite({
  name: 'echo',
  prompt: '../prompts/echo.hbs',
  dataset: '../data/words.jsonl',
  models: ['claude-haiku-4-5'],
  scorers: [exact()],
  threshold: 0.5,
  provider: 'replay',
  recordings: '../recordings/echo.jsonl',
});
`;

const EVAL_TEST = `import { readFileSync } from 'node:fs';
import { describeEval } from 'promptgold/vitest';
import { expect, test } from 'vitest';

describeEval('suites/echo.eval.ts');

test('matchers on replayed responses', async () => {
  const answers = readFileSync('recordings/echo.jsonl', 'utf8').trim().split('\\n').map((line) => JSON.parse(line).response.text);
  expect(answers).toContainAll(['word0', 'word1']);
  expect(answers.join(' ')).toFuzzyMatch('word0 word1 wrong word3', { method: 'tokenSet' });
  expect({ answers }).toMatchSchema({ type: 'object', properties: { answers: { type: 'array', items: { type: 'string' } } }, required: ['answers'] });
  await expect(answers[0]).toSatisfyRubric({ name: 'one-word', score: (sample) => ({ name: 'one-word', score: 1, pass: !/\\s/.test(sample.output), reason: 'a single word' }) });
});
`;

const CONFIG = `import { defineConfig } from 'vitest/config';
import PromptgoldReporter, { EvalShardSequencer } from 'promptgold/vitest/reporter';

export default defineConfig({
  test: {
    include: ['evals/**/*.eval.test.ts'],
    reporters: ['default', new PromptgoldReporter()],
    sequence: { sequencer: EvalShardSequencer },
    passWithNoTests: true,
  },
});
`;

const WORDS = ['word0', 'word1', 'word2', 'word3'];

/** Recordings as `promptgold run --record` would write them: word2 is answered wrongly. */
async function writeEchoRecordings(root: string): Promise<void> {
  const staging = await tempProject({ 'suites/echo.eval.ts': '', 'prompts/echo.hbs': TEMPLATE, 'data/words.jsonl': datasetText() });
  try {
    const suite = defineSuite({ name: 'echo', prompt: '../prompts/echo.hbs', dataset: '../data/words.jsonl', models: ['claude-haiku-4-5'], scorers: [exact()] });
    const loaded = await loadSuite(suite, staging.path('suites/echo.eval.ts'), {}, staging.root);
    const entries: RecordedGeneration[] = [];
    for (const planned of planSamples({ prompts: loaded.prompts, models: loaded.models, cases: loaded.cases, repeats: 1 })) {
      const request = buildRequest(planned, planned.prompt.render(planned.case.vars, planned.case.id));
      const word = String(planned.case.vars.word);
      entries.push({
        key: generationKey(request, planned.repeat),
        caseId: planned.case.id,
        promptId: 'echo',
        version: 'v1',
        model: planned.model,
        repeat: planned.repeat,
        response: { text: word === 'word2' ? 'wrong' : word, stopReason: 'end_turn', latencyMs: 5, usage: { inputTokens: 12, outputTokens: 2 } },
      });
    }
    await writeRecordings(join(root, 'recordings', 'echo.jsonl'), entries);
  } finally {
    await staging.cleanup();
  }
}

function datasetText(): string {
  return WORDS.map((word, i) => JSON.stringify({ id: `w${i}`, vars: { word }, expected: word })).join('\n') + '\n';
}

const cleanup: string[] = [];
let root: string;
const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1' };
for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'NODE_ENV') delete env[key];

async function npx(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', ['--no-install', ...args], { cwd: root, env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function runs(): Promise<string[]> {
  return (await readdir(join(root, 'reports', 'runs')).catch(() => [] as string[])).sort();
}

async function samplesIn(folder: string): Promise<Array<{ type: string; index: number; pass: boolean }>> {
  const text = await readFile(join(root, 'reports', 'runs', folder, 'run.jsonl'), 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line) as { type: string; index: number; pass: boolean });
}

describe('promptgold/vitest as an installed dependency', () => {
  beforeAll(async () => {
    const tarball = await packTarball();
    cleanup.push(dirname(tarball));
    root = await consumerProject(tarball, ['vitest@4.1.12']);
    cleanup.push(root);
    const files = { 'prompts/echo.hbs': TEMPLATE, 'data/words.jsonl': datasetText(), 'suites/echo.eval.ts': SUITE, 'evals/echo.eval.test.ts': EVAL_TEST, 'vitest.config.ts': CONFIG };
    for (const [file, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, file)), { recursive: true });
      await writeFile(join(root, file), text);
    }
    await writeEchoRecordings(root);
  }, 300_000);

  afterAll(async () => {
    for (const path of cleanup) await rm(path, { recursive: true, force: true });
  });

  it('runs describeEval and the matchers on replayed responses under `npx vitest run`, and the reporter writes the record', { timeout: 120_000 }, async () => {
    const run = await npx(['vitest', 'run']);
    const output = run.stdout + run.stderr;
    expect(output).not.toMatch(/Cannot find|ERR_/);
    expect(run.code).toBe(1);
    expect(output).toMatch(/Tests\s+1 failed \| 5 passed \(6\)/);
    expect(output).toMatch(/FAIL .*echo › v1 › claude-haiku-4-5 › w2/);
    expect(output).toMatch(/✗ exact {2}0\.00 {2}output "wrong" does not equal expected "word2"/);
    const [folder] = await runs();
    expect(folder).toMatch(/^echo-\d{8}-\d{6}$/);
    const lines = await samplesIn(folder!);
    expect(lines.map((l) => l.type)).toEqual(['header', 'sample', 'sample', 'sample', 'sample', 'summary']);
    expect(lines.filter((l) => l.type === 'sample').map((l) => l.pass)).toEqual([true, true, false, true]);
    const files = await readdir(join(root, 'reports', 'runs', folder!));
    expect(files).toContain('report.html');
    await rm(join(root, 'reports'), { recursive: true, force: true });
  });

  it('runs two shards that `npx promptgold merge` joins into one complete record', { timeout: 180_000 }, async () => {
    const first = await npx(['vitest', 'run', '--shard=1/2']);
    const second = await npx(['vitest', 'run', '--shard=2/2']);
    expect(first.code).toBe(1); // w2 (plan index 2) falls in shard 1 and fails
    expect(second.code).toBe(0);
    const folders = await runs();
    expect(folders).toHaveLength(2);
    const merged = await npx(['promptgold', 'merge', ...folders.map((f) => `reports/runs/${f}`), '--out', 'reports/runs/echo-merged']);
    expect(merged.stderr).not.toMatch(/promptgold:|WARNING/);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain('merged 2 records, 4/4 samples');
    const lines = await samplesIn('echo-merged');
    expect(lines.filter((l) => l.type === 'sample').map((l) => l.index)).toEqual([0, 1, 2, 3]);
    expect(lines.at(-1)).toMatchObject({ type: 'summary' });
  });
});
