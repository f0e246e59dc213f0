/**
 * The checks before a run sends anything see every scorer the run calls: the suite's scorers, its
 * chaos invariants when the plan has chaos cases, and the scorers those wrap (sameAsSource's).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sameAsSource } from '../../src/chaos/invariants.js';
import { loadSuite } from '../../src/engine/loadSuite.js';
import { checkModelsKnown, enforceForecast, judgeModelsOf, scorersOfRun, selfPreferenceWarnings } from '../../src/engine/preflight.js';
import { rubric } from '../../src/judge/rubric.js';
import { CostBudget } from '../../src/providers/budget.js';
import { loadModelTable } from '../../src/providers/pricing.js';
import { exact } from '../../src/scoring/index.js';
import { defineSuite } from '../../src/suite.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

const table = loadModelTable();
const criteria = [{ id: 'echoed', description: 'Repeats the word', pass: 'the word', fail: 'anything else' }];
const judgedBy = (judge: string) => rubric({ name: 'echoed', criteria, judge });

async function loaded(invariants: Parameters<typeof defineSuite>[0]['scorers'], options: { chaos: boolean; model?: string; scorers?: Parameters<typeof defineSuite>[0]['scorers'] }) {
  project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(4) });
  const suite = defineSuite({
    name: 'echo',
    prompt: './prompts',
    models: [options.model ?? 'claude-haiku-4-5'],
    dataset: './data.jsonl',
    scorers: options.scorers ?? [exact()],
    chaos: { operators: ['zero-width'], invariants },
  });
  return loadSuite(suite, project.path('echo.eval.ts'), options.chaos ? { chaos: true } : {}, project.root);
}

/** The forecast's "up to $x" of a run, under a budget no run reaches. */
function forecastUsd(run: Awaited<ReturnType<typeof loaded>>): number {
  const line = enforceForecast(run, table, new CostBudget(1_000_000), { confirmed: false });
  return Number(/up to \$([\d.]+)/.exec(line)![1]);
}

describe('pre-run checks: chaos invariants and the scorers they wrap', () => {
  it('finds a judge used only inside sameAsSource, or directly as an invariant, when the plan has chaos cases', async () => {
    const wrapped = await loaded([sameAsSource({ scorer: judgedBy('claude-sonnet-4-5') })], { chaos: true });
    expect(judgeModelsOf(scorersOfRun(wrapped))).toEqual(['claude-sonnet-4-5']);
    const direct = await loaded([judgedBy('claude-opus-4-5')], { chaos: true });
    expect(judgeModelsOf(scorersOfRun(direct))).toEqual(['claude-opus-4-5']);
    // Without --chaos the invariants score nothing, and their judges are not called.
    const golden = await loaded([sameAsSource({ scorer: judgedBy('claude-sonnet-4-5') })], { chaos: false });
    expect(judgeModelsOf(scorersOfRun(golden))).toEqual([]);
  });

  it('refuses an unknown judge model inside sameAsSource before the run, naming the invariant field', async () => {
    const run = await loaded([sameAsSource({ scorer: judgedBy('claude-haiku-9') })], { chaos: true });
    expect(() => checkModelsKnown(run, table, { generators: true, judges: true })).toThrowError(
      expect.objectContaining({ detail: expect.stringMatching(/^unknown judge model "claude-haiku-9"/), location: expect.objectContaining({ field: 'chaos.invariants' }) }),
    );
  });

  it('counts the judge calls of an invariant in the cost forecast that --max-cost refuses to start on', async () => {
    const plain = forecastUsd(await loaded([], { chaos: true }));
    const judged = forecastUsd(await loaded([sameAsSource({ scorer: judgedBy('claude-opus-4-5') })], { chaos: true }));
    expect(judged).toBeGreaterThan(plain);
    const run = await loaded([sameAsSource({ scorer: judgedBy('claude-opus-4-5') })], { chaos: true });
    expect(() => enforceForecast(run, table, new CostBudget(plain), { confirmed: false })).toThrowError(/over budget/);
  });

  it("counts sameAsSource's judge once per chaos sample when the source's recorded score is reused, twice when it must be rescored", async () => {
    // The suite's own rubric scores every source case, so sameAsSource reuses that score and judges only the chaos answer.
    const scored = { chaos: true, scorers: [judgedBy('claude-opus-4-5')] };
    const reused = forecastUsd(await loaded([sameAsSource({ scorer: judgedBy('claude-opus-4-5') })], scored));
    const oneCall = forecastUsd(await loaded([rubric({ name: 'echoed:2', criteria, judge: 'claude-opus-4-5' })], scored));
    expect(reused).toBe(oneCall);
    // Without a score of its name on the source's record, the source's answer is judged too.
    const rescored = forecastUsd(await loaded([sameAsSource({ scorer: judgedBy('claude-opus-4-5') })], { chaos: true }));
    const oneCallUnscored = forecastUsd(await loaded([judgedBy('claude-opus-4-5')], { chaos: true }));
    expect(rescored).toBeGreaterThan(oneCallUnscored);
  });

  it('warns when the judge inside sameAsSource is also a model under test', async () => {
    const run = await loaded([sameAsSource({ scorer: judgedBy('claude-haiku-4-5') })], { chaos: true, model: 'claude-haiku-4-5' });
    expect(selfPreferenceWarnings(run)).toEqual([expect.stringMatching(/claude-haiku-4-5 is both a model under test and a rubric judge/)]);
  });
});
