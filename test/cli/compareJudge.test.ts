import { readFile, readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
let fake: FakeAnthropic;
afterEach(async () => {
  await fake?.close();
  await project?.cleanup();
});

// v1 answers plainly, v2 answers "better"; case w002 gets the same answer from both.
const SUITE = `import { defineSuite, contains, rubric } from 'promptgold';
export default defineSuite({
  name: 'pair',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  scorers: [contains({ values: ['word'], mode: 'all' })],
  provider: async (input, ctx) => (input.word === 'word2' ? 'same word' : ctx.promptVersion === 'v2' ? 'better word' : 'plain word'),
});
`;

const RUBRIC_SUITE = SUITE.replace(
  "scorers: [contains({ values: ['word'], mode: 'all' })],",
  "scorers: [contains({ values: ['word'], mode: 'all' }), rubric({ criteria: [{ id: 'clear', description: 'The answer says the word.', pass: 'says the word clearly', fail: 'mumbles' }], judge: 'claude-haiku-4-5' })],",
);

/**
 * As the rubric judge of the run: every criterion passes. As the pairwise judge: prefers the output
 * that says "better"; with two equal outputs, always picks A (position bias → tie).
 */
function judgeAnswer(body: { messages: Array<{ content: unknown }>; output_config?: unknown }) {
  if (JSON.stringify(body.output_config ?? {}).includes('criteria')) {
    return { text: JSON.stringify({ criteria: [{ id: 'clear', reasoning: 'says it', verdict: 'pass' }], overall: 'ok' }) };
  }
  const text = JSON.stringify(body.messages);
  const a = /<output_a>([\s\S]*?)<\/output_a>/.exec(text)?.[1] ?? '';
  const preference = a.includes('better') ? 'A' : text.includes('better') ? 'B' : 'A';
  return { text: JSON.stringify({ reasoning: 'compared both', preference }) };
}

describe('promptgold compare --judge', () => {
  it('asks the judge in both orders and reports win / tie / loss with an interval', async () => {
    fake = await startFakeAnthropic({ respond: judgeAnswer as never });
    project = await tempProject({
      'suites/pair.eval.ts': RUBRIC_SUITE,
      'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
      'suites/prompts/echo.v2.hbs': ECHO_PROMPT.replace('version: v1', 'version: v2'),
      'suites/data.jsonl': wordCases(3),
    });
    await linkPromptgold(project.root);
    const env = { ANTHROPIC_API_KEY: 'sk-ant-test-judge', ANTHROPIC_BASE_URL: fake.url };
    // the run itself judges each output with the rubric (through the fake) — then compare pairwise
    const run = await runCli(['run', '--provider', 'function', '--no-html'], project.root, { env });
    expect(run.stderr).not.toMatch(/internal error/);
    const [dir] = await readdir(project.path('reports/runs'));
    const before = fake.log.filter((e) => e.path === '/v1/messages').length;
    const compare = await runCli(['compare', `reports/runs/${dir}`, '--baseline', 'version=v1', '--candidate', 'version=v2', '--judge', 'claude-haiku-4-5', '--no-html', '--json', 'cmp.json'], project.root, { env });
    expect(compare.stderr).not.toMatch(/internal error/);
    expect(compare.stdout).toMatch(/pairwise \(claude-haiku-4-5, both orders\): 2 wins, 1 ties, 0 losses, 0 unscored; candidate win rate 100\.0% \(95% CI 34\.2%–100\.0%\)/);
    const json = JSON.parse(await readFile(project.path('cmp.json'), 'utf8'));
    expect(json.cells[0].pairwise.perCase.find((c: { caseId: string }) => c.caseId === 'w002').outcome).toBe('tie');
    expect(fake.log.filter((e) => e.path === '/v1/messages').length - before).toBe(6); // 3 cases × 2 orders
    const judgeRequest = fake.log.at(-1)!.body as { output_config?: { format?: { type?: string } }; tool_choice?: unknown };
    expect(judgeRequest.output_config?.format?.type).toBe('json_schema');
    expect(judgeRequest.tool_choice).toBeUndefined();
  });
});
