/**
 * `params` in a prompt's front matter: a name the request would not carry as written (a typo, a
 * field with its own front-matter key, a value given twice) is an input error at load, naming the
 * file, the line and the field, instead of a run that silently sends something else.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemsError } from '../../src/datasets/problems.js';
import { ExitCode, InputError } from '../../src/errors.js';
import { loadPromptFile } from '../../src/prompts/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'promptgold-params-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let files = 0;
async function load(frontMatter: string[]): Promise<unknown> {
  const file = join(root, `p${files++}.v1.hbs`);
  await writeFile(file, ['---', 'id: p', 'version: v1', ...frontMatter, '---', 'Say {{word}}.', ''].join('\n'));
  return loadPromptFile(file);
}

async function loadError(frontMatter: string[]): Promise<InputError> {
  const error = await load(frontMatter).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).exitCode).toBe(ExitCode.usageOrInput);
  return error as InputError;
}

describe('front matter params', () => {
  it('refuses a misspelt parameter, naming file, line and field, with the likely name', async () => {
    const error = await loadError(['max_tokens: 2000', 'params:', '  temprature: 0.2']);
    expect(error.message).toMatch(/p\d+\.v1\.hbs:6: front matter\.params\.temprature: unknown model parameter "temprature" \(did you mean "temperature"\?\)/);
    expect(error.message).toContain('params takes temperature, top_p, top_k, thinking, effort');
  });

  it('refuses fields that have their own front-matter key, saying which key to use, and lists every problem at once', async () => {
    const error = await loadError([
      'max_tokens: 2000',
      'params:',
      '  temprature: 0.2',
      '  max_tokens: 9000',
      '  stop_sequences: ["X"]',
      '  stream: true',
      '  system: Be brief.',
      '  tool_choice: any',
    ]);
    expect(error.message).toContain('6 problems');
    expect(error.message).toMatch(/:7: front matter\.params\.max_tokens: max_tokens is set both here and as the front matter's own max_tokens: key; only one may be given/);
    expect(error.message).toMatch(/:8: front matter\.params\.stop_sequences: stop_sequences has its own front-matter key: write stop_sequences: .* at the top level/);
    expect(error.message).toMatch(/:9: front matter\.params\.stream: stream has its own front-matter key: write stream:/);
    expect(error.message).toMatch(/:10: front matter\.params\.system: system has its own front-matter key: write system:/);
    expect(error.message).toMatch(/:11: front matter\.params\.tool_choice: tool_choice has its own front-matter key: write tool_choice:/);
  });

  it('refuses output_config.format under params: it is what output: sends, and both set never lets one win silently', async () => {
    const alone = await loadError(['max_tokens: 100', 'params:', '  output_config:', '    format: { type: json_schema, schema: { type: object } }']);
    expect(alone.message).toMatch(/:7: front matter\.params\.output_config\.format: output_config\.format has its own front-matter key: write output:/);
    const both = await loadError(['max_tokens: 100', 'output: { type: object }', 'params:', '  output_config:', '    format: { type: json_schema, schema: { type: string } }']);
    expect(both.message).toMatch(/:8: front matter\.params\.output_config\.format: output_config\.format is set both here and as the front matter's own output: key/);
  });

  it('refuses effort given twice, and an unknown field of output_config', async () => {
    const twice = await loadError(['max_tokens: 100', 'params:', '  effort: low', '  output_config: { effort: high }']);
    expect(twice.message).toContain('front matter.params.output_config.effort: effort is given twice');
    const typo = await loadError(['max_tokens: 100', 'params:', '  output_config: { efort: high }']);
    expect(typo.message).toContain('unknown field "efort" of output_config (did you mean "effort"?)');
  });

  it('refuses a parameter the request builder does not send, even one the API knows', async () => {
    const error = await loadError(['max_tokens: 100', 'params:', '  container: abc']);
    expect(error.message).toContain('front matter.params.container: unknown model parameter "container"');
  });

  it('keeps the parameters it sends, in the simple front-matter shape and in full YAML alike', async () => {
    await expect(load(['max_tokens: 100', 'params:', '  effort: low'])).resolves.toMatchObject({ params: { effort: 'low' } });
    await expect(
      load(['max_tokens: 3000', 'params:', '  temperature: 0.2', '  thinking: { type: enabled, budget_tokens: 1024 }', '  service_tier: auto', '  metadata: { user_id: u1 }']),
    ).resolves.toMatchObject({ params: { temperature: 0.2, thinking: { type: 'enabled', budget_tokens: 1024 }, service_tier: 'auto' } });
  });

  it('checks params in the simple front-matter shape (read without the YAML library) too', async () => {
    const error = await loadError(['max_tokens: 100', 'params:', '  temprature: 1']);
    expect(error.message).toContain('did you mean "temperature"');
  });

  it('refuses a thinking budget the API refuses: under 1024, not below max_tokens, or on a type that takes none', async () => {
    const small = await loadError(['max_tokens: 3000', 'params:', '  thinking: { type: enabled, budget_tokens: 500 }']);
    expect(small.message).toMatch(/:6: front matter\.params\.thinking\.budget_tokens: budget_tokens 500 is below 1024, the least the API takes/);
    const large = await loadError(['max_tokens: 2000', 'params:', '  thinking:', '    type: enabled', '    budget_tokens: 2000']);
    expect(large.message).toMatch(/:8: front matter\.params\.thinking\.budget_tokens: budget_tokens 2000 must be less than max_tokens \(2000\)/);
    const missing = await loadError(['max_tokens: 2000', 'params:', '  thinking: { type: enabled }']);
    expect(missing.message).toContain('front matter.params.thinking.budget_tokens: thinking type enabled needs budget_tokens');
    const adaptive = await loadError(['max_tokens: 2000', 'params:', '  thinking: { type: adaptive, budget_tokens: 1024 }']);
    expect(adaptive.message).toContain('front matter.params.thinking.budget_tokens: budget_tokens is taken only with type: enabled');
    await expect(load(['max_tokens: 2000', 'params:', '  thinking: { type: enabled, budget_tokens: 1024 }'])).resolves.toBeDefined();
  });

  it('refuses thinking that is not a mapping with a type, which the API would answer 400', async () => {
    const plain = await loadError(['max_tokens: 2000', 'params:', '  thinking: enabled']);
    expect(plain.message).toMatch(/:6: front matter\.params\.thinking: expected a mapping \(\{ type: enabled, budget_tokens: 2048 \}\), got "enabled"/);
    const untyped = await loadError(['max_tokens: 2000', 'params:', '  thinking: { budget_tokens: 1024 }']);
    expect(untyped.message).toContain('front matter.params.thinking.type: expected the thinking type, one of adaptive, enabled, disabled, between_tools, got undefined');
  });

  it('refuses a stop sequence that is empty or only whitespace', async () => {
    const empty = await loadError(['max_tokens: 100', 'stop_sequences: ["END", ""]']);
    expect(empty.message).toMatch(/:5: front matter\.stop_sequences\.1: a stop sequence must have a character other than whitespace/);
    const blank = await loadError(['max_tokens: 100', 'stop_sequences:', '  - "  "']);
    expect(blank.message).toMatch(/:6: front matter\.stop_sequences\.0: a stop sequence must have/);
    await expect(load(['max_tokens: 100', 'stop_sequences: ["\\n\\nHuman:", " END"]'])).resolves.toMatchObject({ stopSequences: ['\n\nHuman:', ' END'] });
  });
});

describe('front matter params values', () => {
  it('refuses a value of the wrong type or out of the range the API takes, naming file, line, field and what is expected', async () => {
    const hot = await loadError(['max_tokens: 100', 'params:', '  temperature: hot']);
    expect(hot.message).toMatch(/p\d+\.v1\.hbs:6: front matter\.params\.temperature: expected a number from 0 to 1, got "hot"/);
    const topP = await loadError(['max_tokens: 100', 'params: { top_p: 2 }']);
    expect(topP.message).toMatch(/:5: front matter\.params\.top_p: expected a number from 0 to 1, got 2/);
    const topK = await loadError(['max_tokens: 100', 'params:', '  top_k: 1.5']);
    expect(topK.message).toMatch(/:6: front matter\.params\.top_k: expected a whole number 0 or more, got 1\.5/);
  });

  it('lists every wrong value of a file in one error, each on its own line', async () => {
    const error = await loadError([
      'max_tokens: 100',
      'params:',
      '  temperature: -0.5',
      '  top_k: -1',
      '  effort: extreme',
      '  service_tier: priority',
      '  speed: turbo',
      '  inference_geo: 5',
      '  metadata: { userid: u1 }',
      '  cache_control: { type: persistent }',
    ]);
    expect((error as ProblemsError).problems.map((problem) => [problem.line, problem.field])).toEqual([
      [6, 'front matter.params.temperature'],
      [7, 'front matter.params.top_k'],
      [8, 'front matter.params.effort'],
      [9, 'front matter.params.service_tier'],
      [10, 'front matter.params.speed'],
      [11, 'front matter.params.inference_geo'],
      [12, 'front matter.params.metadata.userid'],
      [13, 'front matter.params.cache_control.type'],
    ]);
    expect(error.message).toContain('8 problems');
    expect(error.message).toContain('front matter.params.effort: expected one of low, medium, high, xhigh, max, got "extreme"');
    expect(error.message).toContain('front matter.params.service_tier: expected one of auto, standard_only, got "priority"');
    expect(error.message).toContain('front matter.params.speed: expected one of standard, fast, got "turbo"');
    expect(error.message).toContain('front matter.params.inference_geo: expected a region name as text, got 5');
    expect(error.message).toContain('front matter.params.metadata.userid: unknown field "userid" of metadata (did you mean "user_id"?); it holds user_id only');
    expect(error.message).toContain('front matter.params.cache_control.type: expected ephemeral, got "persistent"');
  });

  it('checks the effort under output_config with the same check as params.effort', async () => {
    const error = await loadError(['max_tokens: 100', 'params:', '  output_config:', '    effort: extreme']);
    expect(error.message).toMatch(/:7: front matter\.params\.output_config\.effort: expected one of low, medium, high, xhigh, max, got "extreme"/);
  });

  it('refuses metadata, cache_control and thinking values the API answers 400 about', async () => {
    const userId = await loadError(['max_tokens: 100', 'params:', '  metadata:', '    user_id: 42']);
    expect(userId.message).toMatch(/:7: front matter\.params\.metadata\.user_id: expected the user id as text, got 42/);
    const notMapping = await loadError(['max_tokens: 100', 'params:', '  metadata: u1']);
    expect(notMapping.message).toMatch(/:6: front matter\.params\.metadata: expected a mapping \(\{ user_id: … \}\), got "u1"/);
    const ttl = await loadError(['max_tokens: 100', 'params:', '  cache_control: { type: ephemeral, ttl: 10m }']);
    expect(ttl.message).toContain('front matter.params.cache_control.ttl: expected 5m or 1h, got "10m"');
    const type = await loadError(['max_tokens: 2000', 'params:', '  thinking: { type: on }']);
    expect(type.message).toContain('front matter.params.thinking.type: expected the thinking type, one of adaptive, enabled, disabled, between_tools, got "on"');
    const display = await loadError(['max_tokens: 2000', 'params:', '  thinking: { type: adaptive, display: full }']);
    expect(display.message).toContain('front matter.params.thinking.display: expected one of summarized, omitted, got "full"');
    const extra = await loadError(['max_tokens: 2000', 'params:', '  thinking: { type: disabled, display: omitted }']);
    expect(extra.message).toContain('front matter.params.thinking.display: thinking type disabled takes no display; remove it');
    const betweenTools = await loadError(['max_tokens: 2000', 'params:', '  thinking: { type: between_tools, display: omitted }']);
    expect(betweenTools.message).toContain('front matter.params.thinking.display: thinking type between_tools takes no display; remove it');
  });

  it('keeps every value the API takes, at the edges of the ranges too', async () => {
    await expect(load(['max_tokens: 100', 'params:', '  temperature: 0', '  top_p: 1', '  top_k: 0'])).resolves.toMatchObject({ params: { temperature: 0, top_p: 1, top_k: 0 } });
    await expect(load(['max_tokens: 100', 'params: { temperature: 1, top_p: 0.9, top_k: 40 }'])).resolves.toBeDefined();
    await expect(
      load([
        'max_tokens: 3000',
        'params:',
        '  effort: xhigh',
        '  service_tier: standard_only',
        '  speed: fast',
        '  inference_geo: us',
        '  metadata: { user_id: 4f1c }',
        '  cache_control: { type: ephemeral, ttl: 1h }',
        '  thinking: { type: enabled, budget_tokens: 1024, display: omitted }',
      ]),
    ).resolves.toMatchObject({ params: { speed: 'fast', cache_control: { type: 'ephemeral', ttl: '1h' } } });
    await expect(load(['max_tokens: 100', 'params:', '  thinking: { type: between_tools }', '  output_config: { effort: low }'])).resolves.toBeDefined();
  });
});
