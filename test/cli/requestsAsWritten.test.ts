/**
 * A live run sends the request the prompt file says, or nothing: front matter the request would
 * not carry as written, and requests the model table shows the API would refuse, stop the run
 * before the first request with exit 2, naming the prompt file and the field — instead of a run
 * that sends something else, or records every sample as failed, and exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { LIVE_SUITE, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

const KEY = ['sk', 'ant', 'test-requests-as-written-0123456789'].join('-');

let project: TempProject;
let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic({ respond: () => ({ text: 'word' }) });
  project = await tempProject({ 'suites/live.eval.ts': LIVE_SUITE, 'suites/data.jsonl': wordCases(3) });
  await linkPromptgold(project.root);
});
afterAll(async () => {
  await fake?.close();
  await project?.cleanup();
});

const prompt = (frontMatter: string[]) => ['---', 'id: echo', 'version: v1', ...frontMatter, 'variables:', '  word: string', '---', 'Say {{word}}.', ''].join('\n');

async function run(frontMatter: string[]) {
  await project.write('suites/prompts/echo.v1.hbs', prompt(frontMatter));
  const sentBefore = fake.log.filter((entry) => entry.path === '/v1/messages').length;
  const result = await runCli(['run', '--provider', 'anthropic'], project.root, { env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url } });
  const sent = fake.log.filter((entry) => entry.path === '/v1/messages').length - sentBefore;
  return { ...result, sent };
}

describe('promptgold run --provider anthropic: the request the prompt file says, or nothing', () => {
  it.each([
    ['misspelt and misplaced params', ['max_tokens: 2000', 'params: { temprature: 0.2, max_tokens: 9000, stop_sequences: ["X"], stream: true, tool_choice: any }'], /echo\.v1\.hbs:5: front matter\.params\.temprature: unknown model parameter "temprature" \(did you mean "temperature"\?\)/],
    ['max_tokens above the model maximum', ['max_tokens: 100000'], /echo\.v1\.hbs:4: front matter\.max_tokens: max_tokens 100000 is more than claude-haiku-4-5 can write \(at most 64000\)/],
    ['a thinking type the model does not take', ['max_tokens: 2000', 'params: { thinking: { type: adaptive } }'], /echo\.v1\.hbs:5: front matter\.params\.thinking: claude-haiku-4-5 does not take thinking type adaptive/],
    ['a thinking budget not below max_tokens', ['max_tokens: 2000', 'params: { thinking: { type: enabled, budget_tokens: 2000 } }'], /echo\.v1\.hbs:5: front matter\.params\.thinking\.budget_tokens: budget_tokens 2000 must be less than max_tokens/],
    ['values the API refuses under params', ['max_tokens: 100', 'params:', '  temperature: hot', '  top_k: 1.5'], /echo\.v1\.hbs: 2 problems:\n.*echo\.v1\.hbs:6: front matter\.params\.temperature: expected a number from 0 to 1, got "hot"\n.*echo\.v1\.hbs:7: front matter\.params\.top_k: expected a whole number 0 or more, got 1\.5/],
    ['a blank stop sequence', ['max_tokens: 100', 'stop_sequences: [" "]'], /echo\.v1\.hbs:5: front matter\.stop_sequences\.0: a stop sequence must have a character other than whitespace/],
  ])('%s: exit 2, nothing sent', async (_what, frontMatter, message) => {
    const result = await run(frontMatter);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(2);
    expect(result.sent).toBe(0);
  });

  it('a prompt file as the API takes it runs and exits 0', async () => {
    const result = await run(['max_tokens: 2000', 'stop_sequences: ["END"]', 'params: { temperature: 0.2, thinking: { type: disabled } }']);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    expect(result.sent).toBe(6);
  });
});
