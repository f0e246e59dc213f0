/** describeEval's settings are checked as the suite fields they override are, before anything is loaded. */
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { exact } from '../../src/scoring/index.js';
import { defineSuite } from '../../src/suite.js';
import { prepareEval, type DescribeEvalOptions } from '../../src/vitest/prepareEval.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

const SUITE = defineSuite({ name: 'echo', prompt: './prompts', models: ['model-a'], dataset: './data.jsonl', scorers: [exact()], provider: (vars) => String(vars.word) });

let project: TempProject | undefined;
afterEach(async () => project?.cleanup());

/** The error prepareEval refuses the settings with; a prepared eval instead fails the test, saying how many cases it would run. */
async function refusal(settings: Omit<DescribeEvalOptions, 'suite'>): Promise<InputError> {
  project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(4) });
  const testFile = project.path('echo.eval.test.ts');
  let prepared: Awaited<ReturnType<typeof prepareEval>> | undefined;
  try {
    prepared = await prepareEval(SUITE, testFile, { suite: SUITE, root: project.root, ...settings });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  await prepared.close();
  throw new Error(`the settings were taken: ${prepared.loaded.cases.count} of 4 cases would run`);
}

describe('describeEval settings: select', () => {
  it('refuses an unknown select field, naming the one it most likely meant, as a suite\'s select is', async () => {
    const error = await refusal({ select: { limt: 5 } as never });
    expect(error.detail).toBe('unknown select field "limt" (did you mean "limit"?)');
    expect(error.location.field).toBe('describeEval setting select.limt');
    expect(error.exitCode).toBe(2);
  });

  it('refuses a filter written as one string, which would match tags by substring', async () => {
    const error = await refusal({ select: { filter: 'billing' } as never });
    expect(error.detail).toBe('select.filter must be a list of tags');
    expect(error.hint).toBe('write filter: ["billing"]');
    expect(error.location.field).toBe('describeEval setting select.filter');
  });

  it.each([
    [{ limit: '5' }, 'select.limit must be a whole number ≥ 1, got "5"'],
    [{ sample: 2.5 }, 'select.sample must be a whole number ≥ 1, got 2.5'],
    [{ sample: 2, seed: 'x' }, 'select.seed must be a whole number, got "x"'],
  ])('refuses a wrong-typed value: %j', async (select, detail) => {
    expect((await refusal({ select: select as never })).detail).toBe(detail);
  });

  it('refuses a select that is not an object', async () => {
    expect((await refusal({ select: ['billing'] as never })).detail).toBe('select must be an object, got an array');
  });
});

describe('describeEval settings: names', () => {
  it('refuses a setting describeEval does not have (a test file in JavaScript is not type-checked), naming the one it most likely meant', async () => {
    const error = await refusal({ repeat: 3 } as never);
    expect(error.detail).toBe('unknown describeEval setting "repeat" (did you mean "repeats"?)');
    expect(error.location.field).toBe('describeEval setting repeat');
    const limit = await refusal({ limit: 2 } as never);
    expect(limit.detail).toBe('unknown describeEval setting "limit"');
    expect(limit.hint).toBe('put it in select: select: { limit: 2 }');
  });
});
