/**
 * The check of every case before a run: rendered with every version while the dataset is first
 * read (no selection, no chaos), or in a walk of its own (a selection); the same outcome either way.
 */
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/datasets/loadDataset.js';
import { loadSuite } from '../../src/engine/loadSuite.js';
import { defineSuite } from '../../src/suite.js';
import { exact } from '../../src/scoring/index.js';
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
