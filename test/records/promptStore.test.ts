/** Reading a run folder's prompt store: by folder or by record file, tolerant of what a killed run leaves. */
import { afterEach, describe, expect, it } from 'vitest';
import { readPromptStore } from '../../src/records/promptStore.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

const lines = [
  { hash: 'h1', system: 'Be brief.', user: 'Summarize A' },
  { hash: 'h2', user: 'Summarize B' },
].map((line) => JSON.stringify(line));

describe('readPromptStore', () => {
  it('reads the store of a run folder, whether named by the folder or by its run.jsonl', async () => {
    project = await tempProject({ 'runs/r1/prompts.jsonl': `${lines.join('\n')}\n`, 'runs/r1/run.jsonl': '' });
    const byFolder = await readPromptStore(project.path('runs/r1'));
    expect([...byFolder.values()].map((read) => read.value)).toEqual([
      { hash: 'h1', system: 'Be brief.', user: 'Summarize A' },
      { hash: 'h2', user: 'Summarize B' },
    ]);
    expect(await readPromptStore(project.path('runs/r1/run.jsonl'))).toEqual(byFolder);
  });

  it('keeps only the wanted hashes when asked', async () => {
    project = await tempProject({ 'runs/r1/prompts.jsonl': `${lines.join('\n')}\n` });
    expect([...(await readPromptStore(project.path('runs/r1'), new Set(['h2']))).keys()]).toEqual(['h2']);
  });

  it('skips the partial last line of a killed run and gives an empty map where there is no store', async () => {
    project = await tempProject({ 'runs/r1/prompts.jsonl': `${lines[0]}\n{"hash":"h2","us`, 'baselines/demo.jsonl': '' });
    expect([...(await readPromptStore(project.path('runs/r1'))).keys()]).toEqual(['h1']);
    expect((await readPromptStore(project.path('baselines/demo.jsonl'))).size).toBe(0);
    expect((await readPromptStore(project.path('nowhere/run.jsonl'))).size).toBe(0);
  });

  it('reports a damaged line that is not the last one with its file and line', async () => {
    project = await tempProject({ 'runs/r1/prompts.jsonl': `${lines[0]}\nnull\n${lines[1]}\n` });
    await expect(readPromptStore(project.path('runs/r1'))).rejects.toThrow(/prompts\.jsonl:2: expected a JSON object, found null/);
  });
});
