/**
 * A real engine run with a rubric judge on the fake Messages API: judge tokens, cost and latency
 * land in `sample.judge` and the summary's `judge`, never in the generator's usage or cost, and
 * unscored judgements are counted. The judge goes through the response cache, as in `run`; an
 * unusable judgement is not cached.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/engine/loadSuite.js';
import { runSuite } from '../../src/engine/run.js';
import { withCache } from '../../src/providers/cache.js';
import type { Provider } from '../../src/providers/types.js';
import type { RecordSummary, SampleRecord } from '../../src/records/types.js';
import { rubric } from '../../src/judge/rubric.js';
import { defineSuite } from '../../src/suite.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';
import { JUDGE_MODEL, startScriptedJudge, userText, verdicts, type ScriptedJudge } from './helpers.js';

let project: TempProject;
let judge: ScriptedJudge;
beforeAll(async () => {
  project = await tempProject({ 'prompts/echo.hbs': ECHO_PROMPT, 'cases.jsonl': wordCases(4) });
  judge = await startScriptedJudge();
  // Passes outputs that say the word; refuses to grade word3.
  judge.answer((body) => {
    const output = /<output>\n([\s\S]*?)\n<\/output>/.exec(userText(body))?.[1] ?? '';
    if (output.includes('word3')) return { text: '', stopReason: 'refusal' };
    return { text: verdicts({ echoes: output.startsWith('word') ? 'pass' : 'fail' }) };
  });
});
afterAll(async () => {
  await judge.fake.close();
  await project.cleanup();
});

/** The generator under test: the user's own function, with a known price per call. */
const generator: Provider = {
  id: 'function:echo',
  generate: async (request, context) => ({
    text: String(context.vars['word']),
    stopReason: 'end_turn',
    latencyMs: 7,
    costUsd: 0.5,
    usage: { inputTokens: 11, outputTokens: 2 },
  }),
};

async function run(runId: string, judgeProvider: Provider) {
  const suite = defineSuite({
    name: 'echo',
    prompt: './prompts',
    models: ['claude-sonnet-4-5'],
    dataset: './cases.jsonl',
    scorers: [rubric({ name: 'judge', criteria: [{ id: 'echoes', description: 'Repeats the word', pass: 'says it', fail: 'does not' }], judge: JUDGE_MODEL })],
  });
  const loaded = await loadSuite(suite, project.path('echo.eval.ts'), {}, project.root);
  const runDir = project.path('runs', runId);
  const result = await runSuite(loaded, { provider: generator, judge: () => judgeProvider, runDir, runId });
  const lines = (await readFile(join(runDir, 'run.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  return { result, samples: lines.filter((l) => l.type === 'sample') as SampleRecord[], summary: lines.at(-1) as RecordSummary };
}

describe('judge usage in a real run', () => {
  it('keeps judge tokens, cost and latency apart from the generator and counts unscored judgements', async () => {
    const cached = withCache(judge.provider, project.path('cache'));
    const { samples, summary } = await run('first', cached);
    expect(samples).toHaveLength(4);
    for (const sample of samples) {
      expect(sample.costUsd).toBe(0.5);
      expect(sample.usage).toEqual({ inputTokens: 11, outputTokens: 2 });
      expect(sample.judge?.calls).toBe(1);
      expect(sample.judge?.inputTokens).toBeGreaterThan(100);
      expect(sample.judge?.costUsd).toBeGreaterThan(0);
      expect(sample.judge?.costUsd).toBeLessThan(0.01);
    }
    const refused = samples.find((s) => s.caseId === 'w003')!;
    expect(refused.scores[0]).toMatchObject({ error: 'judge refused', pass: false });
    expect(refused.pass).toBe(false);
    const cell = summary.cells[0]!;
    expect(cell.costUsd).toBe(2);
    expect(cell.tokens).toEqual({ input: 44, output: 8 });
    expect(cell.unscored).toBe(1);
    expect(cell.passed).toBe(3);
    expect(cell.judge.calls).toBe(4);
    const judgeCost = samples.reduce((total, s) => total + (s.judge?.costUsd ?? 0), 0);
    expect(cell.judge.costUsd).toBeCloseTo(judgeCost, 6);
    expect(summary.totals.judgeCostUsd).toBeCloseTo(judgeCost, 6);
    expect(summary.totals.costUsd).toBe(2);

    // A second run reuses every usable cached judgement at no cost; the refusal was not cached, so
    // its judge is asked again (and, still refusing, leaves the sample unscored).
    const before = judge.bodies().length;
    const again = await run('second', cached);
    expect(judge.bodies().length).toBe(before + 1);
    const [asked, reused] = partition(again.samples, (s) => s.caseId === 'w003');
    expect(asked.map((s) => s.judge?.cached)).toEqual([0]);
    expect(reused.every((s) => s.judge?.cached === 1 && s.judge.costUsd === 0)).toBe(true);
    expect(again.samples.map((s) => s.pass)).toEqual(samples.map((s) => s.pass));
  });
});

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}
