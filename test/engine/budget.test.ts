/** The session's --max-cost budget as each provider kind meets it. */
import { afterEach, describe, expect, it } from 'vitest';
import { RunSession } from '../../src/engine/assemble.js';
import { runSuite } from '../../src/engine/run.js';
import { readRecord } from '../../src/records/reader.js';
import { contains } from '../../src/scoring/index.js';
import { defineSuite } from '../../src/suite.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

describe('--max-cost and a function under test', () => {
  it('holds no worst case for a call that is not a priced API request: a run that spends nothing is not skipped', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(4) });
    // A budget smaller than one Haiku request could cost at max_tokens: only sending one would need it.
    const session = await RunSession.open({ root: project.root, config: {}, provider: 'function', maxCostUsd: 0.00001, onWarning: () => undefined });
    const suite = defineSuite({
      name: 'echo',
      prompt: './prompts',
      models: ['claude-haiku-4-5'],
      dataset: './data.jsonl',
      scorers: [contains({ values: ['word'], mode: 'all' })],
      provider: (input: Record<string, unknown>) => String(input.word),
      concurrency: 4,
    });
    const loaded = await session.loadSuite(suite, project.path('echo.eval.ts'));
    const assembled = await session.assemble(loaded);
    const runDir = project.path('runs', 'r1');
    const result = await runSuite(loaded, { provider: assembled.provider, runDir, runId: 'r1' });
    await assembled.close();
    expect(result.status).toBe('complete');
    expect((await readRecord(`${runDir}/run.jsonl`)).samples.filter((s) => s.error)).toEqual([]);
  });
});
