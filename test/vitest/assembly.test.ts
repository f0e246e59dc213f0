/**
 * describeEval gets its run from the same composition root as `promptgold run`: judge calls go
 * through the session's shared rate limiter (here capped at one request in flight by the project
 * config), and the `chaos` option adds the suite's chaos samples as tests (and says what it could not add).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempProject } from '../helpers/tempProject.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { ECHO_TEMPLATE, evalProject, readJsonl, runFolders, runVitest, wordLines } from './evalProject.js';

const TEST_KEY = ['sk', 'ant', 'test-assembly-0123456789'].join('-');
const JUDGE_LATENCY_MS = 200;

const EVAL_FILE = `import { custom, defineSuite, rubric } from 'promptgold';
import { describeEval } from 'promptgold/vitest';

describeEval(defineSuite({
  name: 'judged',
  prompt: 'prompts/echo.hbs',
  dataset: 'data/words.jsonl',
  models: ['claude-sonnet-4-5'],
  concurrency: 4,
  provider: ({ word }) => String(word),
  scorers: [rubric({ judge: 'claude-haiku-4-5', criteria: [{ id: 'c1', description: 'The answer repeats the word.', pass: 'the word is there', fail: 'the word is missing' }] })],
}));

describeEval({
  suite: defineSuite({
    name: 'chaotic',
    prompt: 'prompts/echo.hbs',
    dataset: 'data/words.jsonl',
    models: ['claude-sonnet-4-5'],
    provider: ({ word }) => String(word),
    scorers: [custom('answered', () => true)],
    chaos: { operators: ['zero-width', 'nfc'] },
  }),
  chaos: true,
});
`;

let fake: FakeAnthropic;
let project: TempProject;

beforeAll(async () => {
  fake = await startFakeAnthropic({
    latencyMs: JUDGE_LATENCY_MS,
    respond: () => ({ text: JSON.stringify({ criteria: [{ id: 'c1', reasoning: 'it does', verdict: 'pass' }], overall: 'ok' }) }),
  });
  project = await evalProject({
    'prompts/echo.hbs': ECHO_TEMPLATE,
    'data/words.jsonl': wordLines(4),
    'judged.eval.test.ts': EVAL_FILE,
    'promptgold.config.json': JSON.stringify({ anthropic: { baseURL: fake.url, maxConcurrency: 1, maxRetries: 0 } }),
  });
});

afterAll(async () => {
  await project.cleanup();
  await fake.close();
});

describe('describeEval through the composition root', () => {
  it('paces judge calls through the shared limiter and runs chaos samples when asked', async () => {
    const run = await runVitest(project.root, [], { ANTHROPIC_API_KEY: TEST_KEY });
    expect(run.output).toMatch(/Tests\s+\d+ passed \(\d+\)/);

    // Four outputs judged, one request in flight at a time: each judge request arrives only after
    // the previous answer, which the fake sends JUDGE_LATENCY_MS after its arrival.
    const judged = fake.log.filter((entry) => entry.path === '/v1/messages');
    expect(judged).toHaveLength(4);
    for (let i = 1; i < judged.length; i++) expect(judged[i]!.time - judged[i - 1]!.time).toBeGreaterThanOrEqual(JUDGE_LATENCY_MS - 1);

    // The chaos option is honoured: one zero-width variant per word, each a test and a record line.
    expect(run.output).toMatch(/chaotic › v1 › claude-sonnet-4-5 › w000~zero-width/);
    const folders = await runFolders(project.root);
    const chaotic = folders.find((name) => name.startsWith('chaotic-'))!;
    const samples = (await readJsonl(project.path('reports', 'runs', chaotic, 'run.jsonl'))).filter((line) => line.type === 'sample');
    expect(samples).toHaveLength(8);
    expect(samples.filter((sample) => sample.chaos)).toHaveLength(4);
    // nfc changes no ASCII word: the operator made nothing, and the run says so.
    expect(run.output).toContain("promptgold: chaotic: chaos: 1 of 2 operators made no chaos case (nfc): they changed no case's text");
  });
});
