/**
 * The check of every case before a run: rendered with every version while the dataset is first
 * read (no selection, no chaos), or in a walk of its own (a selection); the same outcome either way.
 */
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/datasets/loadDataset.js';
import { chaosReach, loadSuite } from '../../src/engine/loadSuite.js';
import { defineSuite } from '../../src/suite.js';
import { exact } from '../../src/scoring/index.js';
import { InputError } from '../../src/errors.js';
import { ECHO_PROMPT, ECHO_PROMPT_V2, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

const suite = (select?: { limit: number }) =>
  defineSuite({ name: 'echo', prompt: './prompts', models: ['model-a'], dataset: './data.jsonl', scorers: [exact()], ...(select && { select }) });

/** With a limit the check walks the cases on its own; without, it goes along the dataset's first read. */
const bothWays = [
  ['checked while reading', undefined],
  ['checked in a walk of its own', { limit: 1000 }],
] as const;

async function setup(dataset: string) {
  project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'prompts/echo.v2.hbs': ECHO_PROMPT_V2, 'data.jsonl': dataset });
}

describe('loadSuite: the check of every case', () => {
  it.each(bothWays)('counts the cases and hashes the plan the same way (%s)', async (_, select) => {
    await setup(wordCases(30));
    const loaded = await loadSuite(suite(select), project.path('echo.eval.ts'), {}, project.root);
    const reference = await loadSuite(suite({ limit: 30 }), project.path('echo.eval.ts'), {}, project.root);
    expect(loaded.cases.count).toBe(30);
    expect(loaded.planHash).toBe(reference.planHash);
    expect([...loaded.cases].map((c) => c.id)).toEqual([...(await openDataset(project.path('data.jsonl')))].map((c) => c.id));
  });

  it.each(bothWays)('stops at the first case a version cannot render, naming it (%s)', async (_, select) => {
    await setup(`${wordCases(5)}\n{"id":"no-word","vars":{"other":1}}\n{"id":"also-none","vars":{}}\n`);
    await expect(loadSuite(suite(select), project.path('echo.eval.ts'), {}, project.root)).rejects.toThrowError(/no-word/);
  });

  it.each(bothWays)("reports the dataset's own problems before a case that cannot render (%s)", async (_, select) => {
    await setup(`{"id":"no-word","vars":{}}\n${wordCases(3)}\n{"id":"broken","vars":\n`);
    const loading = loadSuite(suite(select), project.path('echo.eval.ts'), {}, project.root);
    await expect(loading).rejects.toThrowError(/:5: not valid JSON/);
  });

  it.each(bothWays)('stops at a case whose block parameter lacks a printed property, naming the template line and the dataset line (%s)', async (_, select) => {
    const prompt = ECHO_PROMPT.replace('Say {{word}}.', 'Say {{word}}.\n{{#each notes as |note|}}\n- {{note.text}}\n{{/each}}').replace('  word: string', '  word: string\n  notes: array');
    const cases = ['{"id":"a","vars":{"word":"x","notes":[{"text":"n"}]}}', '{"id":"b","vars":{"word":"y","notes":[{"text":"n"},{"txt":"typo"}]}}'];
    project = await tempProject({ 'prompts/echo.v1.hbs': prompt, 'data.jsonl': `${cases.join('\n')}\n` });
    const loading = loadSuite(suite(select), project.path('echo.eval.ts'), {}, project.root);
    await expect(loading).rejects.toThrowError(
      'prompts/echo.v1.hbs:12: variable "note.text" is missing for case b: note has no "text" (did you mean "txt"?) (available: txt); case b is at data.jsonl:2',
    );
  });

  it('checks a streamed dataset while reading it, and the run walks it again', async () => {
    // Over the size a dataset is held at: every walk reads the file.
    await setup(wordCases(60_000));
    const loaded = await loadSuite(suite(), project.path('echo.eval.ts'), {}, project.root);
    expect(loaded.cases.count).toBe(60_000);
    await writeFile(project.path('data.jsonl'), wordCases(3));
    expect(() => [...loaded.cases]).toThrowError(/the dataset changed after it was checked/);
  });
});

describe("loadSuite: the check's renders kept for the run", () => {
  it.each(bothWays)('keeps, for a held dataset, exactly the renders the run would make, for every version (%s)', async (_, select) => {
    await setup(wordCases(30));
    const loaded = await loadSuite(suite(select), project.path('echo.eval.ts'), {}, project.root);
    const renders = loaded.checkedRenders!;
    expect(renders.size).toBe(2 * 30);
    for (const golden of loaded.cases) {
      for (const prompt of loaded.prompts) expect(renders.take(prompt, golden)).toEqual(prompt.render(golden.vars, golden.id));
    }
    expect(renders.size).toBe(0);
  });

  it('keeps none for a streamed dataset, whose next walk makes new case objects', async () => {
    await setup(wordCases(60_000));
    const loaded = await loadSuite(suite(), project.path('echo.eval.ts'), {}, project.root);
    expect(loaded.checkedRenders).toBeUndefined();
  });
});

describe('loadSuite: what a suite asks for is what it gets', () => {
  const load = (definition: Record<string, unknown>, overrides = {}) =>
    loadSuite(defineSuite({ ...suite(), ...definition } as never), project.path('echo.eval.ts'), overrides, project.root);

  it('refuses a field a suite does not have, naming the one it most likely meant', async () => {
    await setup(wordCases(3));
    const loading = load({ threshhold: 1 });
    await expect(loading).rejects.toBeInstanceOf(InputError);
    await expect(loading).rejects.toMatchObject({
      detail: 'unknown suite field "threshhold" (did you mean "threshold"?)',
      location: { file: project.path('echo.eval.ts'), field: 'threshhold' },
    });
  });

  it.each(bothWays)('refuses a case nothing would score, naming its file and line (%s)', async (_, select) => {
    await setup(`${wordCases(2)}\n{"id":"bare","vars":{"word":"x"}}\n`);
    const checked = `${wordCases(2, () => ({ checks: [{ type: 'contains', values: ['w'] }] }))}\n{"id":"bare","vars":{"word":"x"}}\n`;
    await writeFile(project.path('data.jsonl'), checked);
    await expect(load({ scorers: [], ...(select && { select }) })).rejects.toMatchObject({
      detail: 'case "bare" has nothing to score it: the suite has no scorers and the case has no checks',
      location: { file: 'data.jsonl', line: 3, field: 'checks' },
    });
    // Every case with checks of its own: nothing to refuse.
    await writeFile(project.path('data.jsonl'), wordCases(3, () => ({ checks: [{ type: 'contains', values: ['w'] }] })));
    await expect(load({ scorers: [], ...(select && { select }) })).resolves.toMatchObject({ cases: { count: 3 } });
  });

  it('refuses two scorers under one name, whose scores would be counted as one', async () => {
    await setup(wordCases(2));
    await expect(load({ scorers: [exact(), exact({ field: 'word' }), exact({ trim: true })] })).rejects.toMatchObject({
      detail: 'scorers[0] and scorers[2] are both named "exact": their scores would be counted as one scorer\'s',
      location: { field: 'scorers[2].name' },
    });
    await expect(load({ scorers: [exact(), exact({ name: 'exact:2', trim: true })] })).resolves.toBeDefined();
  });

  it('refuses a timeoutMs or scorerTimeoutMs longer than a Node timer holds (it would fire after 1 ms), saying the bound', async () => {
    await setup(wordCases(2));
    for (const field of ['timeoutMs', 'scorerTimeoutMs']) {
      await expect(load({ [field]: 2_147_483_648 })).rejects.toMatchObject({
        detail: 'expected a whole number of ms from 1 to 2147483647 (about 24.8 days, the longest timer Node keeps)',
        location: { file: project.path('echo.eval.ts'), field },
      });
      await expect(load({ [field]: 2_147_483_647 })).resolves.toMatchObject({ [field]: 2_147_483_647 });
    }
  });

  it('bounds the default scorer time (three timeoutMs) by the longest Node timer', async () => {
    await setup(wordCases(2));
    await expect(load({ timeoutMs: 1_000_000_000 })).resolves.toMatchObject({ timeoutMs: 1_000_000_000, scorerTimeoutMs: 2_147_483_647 });
    await expect(load({}, { timeoutMs: 2_000_000_000 })).resolves.toMatchObject({ timeoutMs: 2_000_000_000, scorerTimeoutMs: 2_147_483_647 });
  });

  it("refuses a suite's select with an unknown field, a filter that is not a list of tags, or a bad seed", async () => {
    await setup(wordCases(3));
    await expect(load({ select: { limt: 1 } })).rejects.toMatchObject({
      detail: 'unknown select field "limt" (did you mean "limit"?)',
      location: { field: 'select.limt' },
    });
    await expect(load({ select: { filter: 'odd' } })).rejects.toMatchObject({
      detail: 'select.filter must be a list of tags',
      location: { field: 'select.filter' },
      hint: 'write filter: ["odd"]',
    });
    await expect(load({ select: { sample: 2, seed: 'x' } })).rejects.toMatchObject({ location: { field: 'select.seed' } });
    await expect(load({ select: ['odd'] })).rejects.toMatchObject({ detail: 'select must be an object, got an array' });
    await expect(load({ select: { limit: '5' } })).rejects.toMatchObject({ detail: 'select.limit must be a whole number ≥ 1, got "5"', location: { field: 'select.limit' } });
    await expect(load({ select: { filter: ['odd'], limit: 1 } })).resolves.toMatchObject({ cases: { count: 1 } });
  });

  it('runs a model named twice once', async () => {
    await setup(wordCases(2));
    expect((await load({ models: ['model-a', 'model-b', 'model-a'] })).models).toEqual(['model-a', 'model-b']);
    expect((await load({}, { models: ['model-b', 'model-b'] })).models).toEqual(['model-b']);
  });

  it('refuses a golden case that has the id of one of the chaos variants', async () => {
    await setup(`{"id":"a","vars":{"word":"x"}}\n{"id":"a~zero-width","vars":{"word":"y"}}\n`);
    await expect(load({ chaos: { operators: ['zero-width'] } }, { chaos: true })).rejects.toMatchObject({
      detail: 'the chaos variant "a~zero-width" has the id of a golden case: their samples could not be told apart',
      location: { file: 'data.jsonl', line: 2, field: 'id' },
    });
    await expect(load({ chaos: { operators: ['zero-width'] } })).resolves.toMatchObject({ cases: { count: 2 } });
  });
});

describe('chaosReach: the variables a chaos mutation can reach the model through', () => {
  const prompt = (names: string[], everything = false) => ({ variables: { names, everything } });

  it('is what any prompt version under test renders, when only the rendered request is sent', () => {
    expect(chaosReach({}, [prompt(['ticket']), prompt(['ticket', 'tier'])])).toEqual(new Set(['ticket', 'tier']));
    expect(chaosReach({ provider: 'anthropic' }, [prompt([])])).toEqual(new Set());
  });

  it('is every variable when a template hands its whole context on, or the suite\'s own function is handed the vars', () => {
    expect(chaosReach({}, [prompt(['ticket']), prompt([], true)])).toBeUndefined();
    expect(chaosReach({ provider: () => 'ok' }, [prompt(['ticket'])])).toBeUndefined();
    expect(chaosReach({ provider: { id: 'mine', generate: async () => ({ text: '', stopReason: 'end_turn', latencyMs: 0 }) } }, [prompt(['ticket'])])).toBeUndefined();
  });
});

