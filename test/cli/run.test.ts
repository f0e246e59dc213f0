import { readFile, readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/records/reader.js';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { embeddedReport } from '../report/html/embedded.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

const FUNCTION_SUITE = `import { defineSuite, exact } from 'promptgold';
export default defineSuite({
  name: 'echo',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  scorers: [exact()],
  threshold: 0.5,
  timeoutMs: 300,
  provider: async (input) => {
    if (input.word === 'hang') return new Promise(() => {});
    return String(input.word);
  },
});
`;

const REPLAY_SUITE = FUNCTION_SUITE.replace(/provider: async[\s\S]*?\n {2}\},\n/, "provider: 'replay',\n");
const RECORDING = JSON.stringify({
  key: 'k1',
  caseId: 'w000',
  promptId: 'echo',
  version: 'v1',
  model: 'claude-haiku-4-5',
  repeat: 0,
  response: { text: 'word0', stopReason: 'end_turn', latencyMs: 5, usage: { inputTokens: 12, outputTokens: 2 } },
});

async function echoProject(files: Record<string, string> = {}) {
  project = await tempProject({
    'suites/echo.eval.ts': FUNCTION_SUITE,
    'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
    'suites/data.jsonl': wordCases(4),
    ...files,
  });
  await linkPromptgold(project.root);
  return project;
}

async function onlyRunDir(root: string): Promise<string> {
  const runs = await readdir(`${root}/reports/runs`);
  expect(runs).toHaveLength(1);
  return `${root}/reports/runs/${runs[0]}`;
}

describe('promptgold run', () => {
  it('runs a function-provider suite, prints the cell table and writes the record (exit 0)', async () => {
    await echoProject();
    const result = await runCli(['run'], project.root);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/echo: 4 samples, 4 of 4 passed/);
    expect(result.stdout).toMatch(/v1\s+claude-haiku-4-5\s+4\s+4\/4\s+100\.0%/);
    const record = await readRecord(`${await onlyRunDir(project.root)}/run.jsonl`);
    expect(record.summary?.totals.passed).toBe(4);
  });

  it('writes the HTML report of every run, also past the 20,000 samples that once went without one', { timeout: 120_000 }, async () => {
    await echoProject({ 'suites/data.jsonl': wordCases(2000) });
    const result = await runCli(['run', '--repeat', '11', '--no-progress'], project.root, { timeoutMs: 110_000 });
    expect(result.code).toBe(0);
    const runDir = await onlyRunDir(project.root);
    expect(result.stdout).toContain(`report: ${runDir.slice(project.root.length + 1)}/report.html`);
    const report = embeddedReport(await readFile(`${runDir}/report.html`, 'utf8'));
    expect(report.data.runs[0]!.samples).toBe(22_000);
    expect(report.data.caseCount).toBe(2000);
    expect(report.cases[1999]).toMatchObject({ id: 'w1999', candidate: { n: 11, passes: 11 } });
  });

  it('exits 1 when a cell is below its threshold', async () => {
    await echoProject({ 'suites/data.jsonl': wordCases(4, (i) => ({ expected: i === 0 ? 'word0' : 'nope' })) });
    const result = await runCli(['run'], project.root);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/25\.0%/);
  });

  it('ends a hanging sample at the per-sample timeout, keeps the others, and exits 3', async () => {
    await echoProject({ 'suites/data.jsonl': `${wordCases(3)}\n{"id":"h","vars":{"word":"hang"},"expected":"hang"}` });
    const result = await runCli(['run', '--json'], project.root);
    expect(result.code).toBe(3);
    const record = await readRecord(`${await onlyRunDir(project.root)}/run.jsonl`);
    expect(record.samples.map((s) => s.error?.kind ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'timeout']);
    expect(JSON.parse(result.stdout)[0].status).toBe('complete');
  });

  it('--filter, --limit and --repeat shape the plan', async () => {
    await echoProject({ 'suites/data.jsonl': wordCases(10) });
    const result = await runCli(['run', '--filter', 'odd', '--limit', '3', '--repeat', '2'], project.root);
    expect(result.code).toBe(0);
    const record = await readRecord(`${await onlyRunDir(project.root)}/run.jsonl`);
    expect(record.samples.map((s) => `${s.caseId}/${s.repeat}`)).toEqual(['w001/0', 'w001/1', 'w003/0', 'w003/1', 'w005/0', 'w005/1']);
  });

  it('replays recorded answers, and a replay miss is a per-sample error with how to record (exit 3)', async () => {
    await echoProject({
      'suites/echo.eval.ts': REPLAY_SUITE,
    });
    const result = await runCli(['run'], project.root);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/replay_miss:4/);
    const record = await readRecord(`${await onlyRunDir(project.root)}/run.jsonl`);
    expect(record.samples[0]!.error?.message).toMatch(/no recorded response in suites\/recordings\/echo\.jsonl \(there is no such file\) for case w000.*--provider anthropic --record/);
  });
});

describe('promptgold run: bad input gets file, line, field and exit 2', () => {
  const cases: Array<[string, Record<string, string>, string[], RegExp]> = [
    ['malformed JSONL', { 'suites/data.jsonl': '{"id":"a","vars":{"word":"x"}}\n{"id":"b","vars":\n' }, ['run'], /data\.jsonl:2: .*not valid JSON/],
    ['duplicate case ids', { 'suites/data.jsonl': '{"id":"a","vars":{"word":"x"}}\n{"id":"a","vars":{"word":"y"}}\n' }, ['run'], /data\.jsonl:2: .*duplicate.*"a".*line 1/i],
    ['an unknown template variable', { 'suites/data.jsonl': '{"id":"a","vars":{"wort":"x"}}\n' }, ['run'], /echo\.v1\.hbs.*"word".*case a/],
    ['an output schema ajv refuses (never compiled under a function provider before)', { 'suites/prompts/echo.v1.hbs': ECHO_PROMPT.replace('max_tokens: 100', 'max_tokens: 100\noutput:\n  type: objekt') }, ['run'], /echo\.v1\.hbs: output: invalid JSON Schema: .*data\/type must be equal to one of the allowed values/],
    ['a template syntax error', { 'suites/prompts/echo.v1.hbs': ECHO_PROMPT.replace('Say {{word}}.', 'Say {{#if word}}.') }, ['run'], /echo\.v1\.hbs:\d+/],
    ['a config module without a default export (its budget would be dropped)', { 'promptgold.config.ts': "export const config = { maxCostUsd: 0.001 };\n" }, ['run'], /promptgold\.config\.ts: the config module has no default export \(it exports config\), so none of its settings would apply\n {2}hint: export default defineConfig/],
    ['a config setting written twice (the last would win without a word)', { 'promptgold.config.json': '{\n  "maxCostUsd": 0.5,\n  "outDir": "reports",\n  "maxCostUsd": 50\n}\n' }, ['run'], /promptgold\.config\.json:4: maxCostUsd: key "maxCostUsd" is written twice in the same object \(first on line 2\); only the last value would be read\n {2}hint: keep one of the two and delete the other/],
    ['two config files (one would be dropped)', { 'promptgold.config.ts': 'export default { maxErrorRate: 0 };\n', 'promptgold.config.json': '{ "maxCostUsd": 0.001 }\n' }, ['run'], /promptgold\.config\.json: two config files: promptgold\.config\.ts and promptgold\.config\.json; promptgold reads one/],
    ['a suite that throws on import', { 'suites/echo.eval.ts': "throw new Error('config exploded');\n" }, ['run'], /echo\.eval\.ts: the suite file threw while loading: config exploded/],
    ['a suite whose top-level await never settles (Node exits 13 and says nothing)', { 'suites/echo.eval.ts': `await new Promise(() => {});\n${FUNCTION_SUITE}` }, ['run'], /echo\.eval\.ts: the file never finished loading: a top-level await in it .* never settled/],
    ['a missing dataset', { 'suites/echo.eval.ts': FUNCTION_SUITE.replace('./data.jsonl', './missing.jsonl') }, ['run'], /echo\.eval\.ts: dataset: dataset file not found: suites\/missing\.jsonl\n.*"\.\/missing\.jsonl"\) is resolved from the suite file's folder, suites/],
    ['a missing prompt folder', { 'suites/echo.eval.ts': FUNCTION_SUITE.replace("'./prompts'", "'./promps'") }, ['run'], /echo\.eval\.ts: prompt: prompt file or folder not found: suites\/promps\n.*suite's `prompt`/],
    ['a suite without models', { 'suites/echo.eval.ts': FUNCTION_SUITE.replace("  models: ['claude-haiku-4-5'],\n", '') }, ['run'], /echo\.eval\.ts: models: the suite names no models\n.*--model/],
    ['a variable name that is not a name', { 'suites/prompts/echo.v1.hbs': ECHO_PROMPT.replace('  word: string', '  word: string\n  "my note": string?') }, ['run'], /echo\.v1\.hbs.*variables\.my note.*variable name/],
    ['an invalid JSON Schema in a scorer', { 'suites/echo.eval.ts': FUNCTION_SUITE.replace("import { defineSuite, exact } from 'promptgold';", "import { defineSuite, exact, jsonSchema } from 'promptgold';").replace('scorers: [exact()]', "scorers: [jsonSchema({ schema: { type: 'objekt' } })]") }, ['run'], /echo\.eval\.ts.*(invalid JSON Schema|schema)/i],
    ['a prototype path in a CSV header', { 'suites/echo.eval.ts': FUNCTION_SUITE.replace('./data.jsonl', './data.csv'), 'suites/data.csv': 'id,word,expected.__proto__.polluted\na,x,YES\n' }, ['run'], /data\.csv:1: expected\.__proto__\.polluted: column "expected\.__proto__\.polluted" uses the reserved name "__proto__"/],
    ['a regex check the linear-time engine cannot run', { 'suites/data.jsonl': '{"id":"a","vars":{"word":"x"},"checks":[{"type":"regex","pattern":"^(?!x)"}]}\n' }, ['run'], /data\.jsonl:1: checks\[0\]\.pattern: regular expression \/\^\(\?!x\)\/ uses a negative lookahead.*\n {2}hint: .*linear-time engine/],
    ['a hand-edited recording whose token count is not a number (replayed, it summed as text)', { 'suites/echo.eval.ts': REPLAY_SUITE, 'suites/recordings/echo.jsonl': `${RECORDING.replace('"inputTokens":12', '"inputTokens":"abc"')}\n` }, ['run'], /suites\/recordings\/echo\.jsonl:1: response\.usage\.inputTokens: expected a number, got string\n {2}hint: mend that field, or delete the line and record it again/],
    ['a recordings line that is null', { 'suites/echo.eval.ts': REPLAY_SUITE, 'suites/recordings/echo.jsonl': `${RECORDING}\nnull\n` }, ['run'], /suites\/recordings\/echo\.jsonl:2: expected a recording object, got null/],
    ['a `recordings:` path with no file at it', { 'suites/echo.eval.ts': REPLAY_SUITE.replace("provider: 'replay',", "provider: 'replay',\n  recordings: './recording/echo.jsonl',") }, ['run'], /echo\.eval\.ts: recordings: recordings file not found: suites\/recording\/echo\.jsonl\n {2}hint: fix the suite's `recordings` path/],
    ['an unknown provider', {}, ['run', '--provider', 'openai'], /--provider|openai/],
    ['a bad --repeat', {}, ['run', '--repeat', 'zero'], /--repeat: expected a whole number/],
    ['a --repeat over the range of the suite\'s repeats', {}, ['run', '--repeat', '1001', '--limit', '1'], /--repeat: expected a whole number from 1 to 1000, got "1001"\n {2}hint: the range of the suite's `repeats` field, which --repeat overrides/],
    ['a --concurrency over the range of the suite\'s concurrency', {}, ['run', '--concurrency', '10001'], /--concurrency: expected a whole number from 1 to 10000, got "10001"\n {2}hint: the range of the suite's `concurrency` field, which --concurrency overrides/],
    ['a --concurrency of 0', {}, ['run', '--concurrency', '0'], /--concurrency: expected a whole number from 1 to 10000, got "0"/],
    ['a --timeout longer than a Node timer holds (it would fire after 1 ms)', {}, ['run', '--timeout', '2147483648'], /--timeout: expected a whole number of ms from 1 to 2147483647 \(about 24\.8 days, the longest timer Node keeps\), got "2147483648"\n {2}hint: e\.g\. --timeout 120000 for two minutes/],
    ['a missing suite path', {}, ['run', 'suites/nope.eval.ts'], /suites\/nope\.eval\.ts: no such suite file/],
  ];
  for (const [name, files, args, message] of cases) {
    it(name, async () => {
      await echoProject(files);
      const result = await runCli(args, project.root);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/internal error| {4}at /);
      expect(result.code).toBe(2);
    });
  }

  it('an unknown model for the anthropic provider names the known ones (exit 2, nothing sent)', async () => {
    await echoProject({ 'suites/echo.eval.ts': FUNCTION_SUITE.replace("'claude-haiku-4-5'", "'claude-haiku-4.5'") });
    const result = await runCli(['run', '--provider', 'anthropic'], project.root, { env: { ANTHROPIC_API_KEY: 'sk-ant-test-unused', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } });
    expect(result.stderr).toMatch(/unknown model "claude-haiku-4\.5".*known models: .*claude-haiku-4-5/s);
    expect(result.code).toBe(2);
  });
});

describe('promptgold run --record', () => {
  it('refuses a damaged recordings file before any sample runs, not after the run paid for its answers', async () => {
    await echoProject({ 'suites/recordings/echo.jsonl': `${RECORDING}\n${RECORDING.replace('"latencyMs":5', '"latencyMs":"slow"').replace('"k1"', '"k2"')}\n` });
    const result = await runCli(['run', '--record'], project.root);
    expect(result.stderr).toMatch(/suites\/recordings\/echo\.jsonl:2: response\.latencyMs: expected a number, got string/);
    expect(result.code).toBe(2);
    await expect(readdir(project.path('reports/runs'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('what new users write', () => {
  it('--model stands in for a suite that names no models', async () => {
    await echoProject({ 'suites/echo.eval.ts': FUNCTION_SUITE.replace("  models: ['claude-haiku-4-5'],\n", '') });
    const result = await runCli(['run', '--model', 'claude-haiku-4-5'], project.root);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/v1\s+claude-haiku-4-5\s+4\s+4\/4\s+100\.0%/);
  });

  it('an optional variable may be written `name?: string` as well as `name: string?`', async () => {
    const prompt = ECHO_PROMPT.replace('  word: string', '  word: string\n  note?: string\n  tone: string?').replace('Say {{word}}.', 'Say {{word}}.{{#if note}} ({{note}}){{/if}}{{tone}}');
    await echoProject({ 'suites/prompts/echo.v1.hbs': prompt });
    const result = await runCli(['run'], project.root);
    expect(result.stderr).not.toMatch(/internal error|note/);
    expect(result.code).toBe(0);
  });
});

describe('promptgold init', () => {
  it('scaffolds a suite that runs offline at once', async () => {
    project = await tempProject();
    await linkPromptgold(project.root);
    const init = await runCli(['init'], project.root);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/suites\/capitals\/capitals\.eval\.ts/);
    const run = await runCli(['run'], project.root);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.stdout).toMatch(/capitals: 5 samples, 5 of 5 passed/);
    expect(run.code).toBe(0);
    const again = await runCli(['init'], project.root);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--force/);
    expect(await readFile(project.path('promptgold.config.json'), 'utf8')).toMatch(/"outDir"/);
    expect(await readFile(project.path('.gitignore'), 'utf8')).toBe('# promptgold\n.promptgold/\nreports/runs/\n');
    // The suite's bundle is kept in the ignored .promptgold/bundles/, never beside the suite.
    expect(await readdir(project.path('suites/capitals'))).toEqual(['capitals.eval.ts', 'prompts', 'recordings']);
    expect((await readdir(project.path('.promptgold/bundles'))).map((name) => name.replace(/\.[0-9a-f]{16}/g, '.<hash>')).sort()).toEqual([
      'capitals.eval.ts.<hash>.<hash>.mjs',
      'capitals.eval.ts.<hash>.json',
    ]);
  });

  it('adds to an existing .gitignore once', async () => {
    project = await tempProject({ '.gitignore': 'node_modules/\n.promptgold' });
    await linkPromptgold(project.root);
    expect((await runCli(['init'], project.root)).code).toBe(0);
    expect(await readFile(project.path('.gitignore'), 'utf8')).toBe('node_modules/\n.promptgold\n# promptgold\nreports/runs/\n');
    expect((await runCli(['init', '--force'], project.root)).code).toBe(0);
    expect(await readFile(project.path('.gitignore'), 'utf8')).toBe('node_modules/\n.promptgold\n# promptgold\nreports/runs/\n');
  });
});

describe('prompt version drift', () => {
  it('warns loudly when a version changed since the last run without a version bump', async () => {
    await echoProject();
    expect((await runCli(['run'], project.root)).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1100)); // run ids are stamped to the second
    await project.write('suites/prompts/echo.v1.hbs', ECHO_PROMPT.replace('Say {{word}}.', 'Say {{word}} now.'));
    const second = await runCli(['run'], project.root);
    expect(second.stderr).toMatch(/WARNING: suites\/prompts\/echo\.v1\.hbs: echo v1 changed since reports\/runs\/echo-\d{8}-\d{6}.*bump `version:`/);
    const third = await runCli(['run'], project.root);
    expect(third.stderr).not.toMatch(/WARNING/);
  });
});

describe('Ctrl-C and --resume', () => {
  it('the first SIGINT finishes in-flight samples and keeps the record (exit 130); --resume completes it exactly once', async () => {
    await echoProject({
      'suites/echo.eval.ts': FUNCTION_SUITE.replace('if (input.word === \'hang\')', "await new Promise((r) => setTimeout(r, 100));\n    if (input.word === 'hang')").replace("threshold: 0.5,", 'threshold: 0.5,\n  concurrency: 2,'),
      'suites/data.jsonl': wordCases(40),
    });
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, [CLI, 'run'], { cwd: project.root, env: { ...process.env, CI: 'true' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // Interrupt once a few samples are on disk, however slow the machine is.
    const { waitFor } = await import('../helpers/cli.js');
    await waitFor(async () => {
      const runs = await readdir(`${project.root}/reports/runs`).catch(() => [] as string[]);
      if (!runs[0]) return false;
      const text = await readFile(`${project.root}/reports/runs/${runs[0]}/run.jsonl`, 'utf8').catch(() => '');
      return text.split('\n').length > 4;
    }, 'the first samples of the run');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toMatch(/stopping: finishing in-flight samples/);
    expect(code).toBe(130);
    const dir = await onlyRunDir(project.root);
    const partial = await readRecord(`${dir}/run.jsonl`);
    expect(partial.summary).toBeUndefined();
    expect(partial.samples.length).toBeGreaterThan(0);
    expect(partial.samples.length).toBeLessThan(40);
    expect(JSON.parse(await readFile(`${dir}/meta.json`, 'utf8')).status).toBe('interrupted');

    const resumed = await runCli(['run', '--resume', dir], project.root);
    expect(resumed.code).toBe(0);
    const full = await readRecord(`${dir}/run.jsonl`);
    expect(full.samples.map((s) => s.index)).toEqual([...Array(40).keys()]);
    expect(full.summary?.totals.samples).toBe(40);
  });
});

describe('hostile input and stuck scorers (issue 14.1)', () => {
  const STUCK_SUITE = `import { defineSuite, exact, custom } from 'promptgold';
export default defineSuite({
  name: 'echo',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  threshold: 0.5,
  concurrency: 4,
  provider: async (input) => String(input.word),
  scorers: [
    exact(),
    // A scorer that never answers on one case (a hung judge, an await that never resolves), until told not to.
    custom('word-check', async (sample) => {
      if (sample.vars.word === 'hang' && !process.env.UNSTICK) return new Promise(() => {});
      return true;
    }),
  ],
});
`;
  const stuckProject = () =>
    echoProject({ 'suites/echo.eval.ts': STUCK_SUITE, 'suites/data.jsonl': `{"id":"a-hang","vars":{"word":"hang"},"expected":"hang"}\n${wordCases(10)}` });

  async function start(args: string[]) {
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, [CLI, ...args], { cwd: project.root, env: { ...process.env, CI: 'true' } });
    const output = { stderr: '' };
    child.stderr.on('data', (chunk) => (output.stderr += chunk));
    child.stdout.resume();
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    return { child, output, closed };
  }

  async function heldBackLines(): Promise<number> {
    const runs = await readdir(`${project.root}/reports/runs`).catch(() => [] as string[]);
    if (!runs[0]) return 0;
    const text = await readFile(`${project.root}/reports/runs/${runs[0]}/held-back.jsonl`, 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).length;
  }

  it('a catastrophic regex check and a hostile output end at once: every sample is recorded', async () => {
    const evil = JSON.stringify({ id: 'evil', vars: { word: `${'a'.repeat(40)}!` }, expected: 'x', checks: [{ type: 'regex', pattern: '^(a+)+$' }] });
    await echoProject({ 'suites/data.jsonl': `${wordCases(10)}\n${evil}\n` });
    const result = await runCli(['run', '--json'], project.root);
    expect(result.code).toBe(0);
    const record = await readRecord(`${await onlyRunDir(project.root)}/run.jsonl`);
    expect(record.samples).toHaveLength(11);
    expect(record.samples[10]!.scores.find((s) => s.name === 'check:regex')).toMatchObject({ pass: false, reason: 'output does not match /^(a+)+$/' });
  });

  it('with a scorer stuck on the first sample, the others reach the disk; two Ctrl-C stop at once and --resume completes', async () => {
    await stuckProject();
    const { child, output, closed } = await start(['run']);
    const { waitFor } = await import('../helpers/cli.js');
    await waitFor(async () => (await heldBackLines()) === 10, 'the finished samples saved behind the stuck one');
    child.kill('SIGINT');
    await waitFor(() => output.stderr.includes('stopping: finishing in-flight samples'), 'the first Ctrl-C');
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(output.stderr).toMatch(/stopping now: in-flight samples are left for --resume/);
    const dir = await onlyRunDir(project.root);
    const partial = await readRecord(`${dir}/run.jsonl`);
    expect(partial.samples.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(JSON.parse(await readFile(`${dir}/meta.json`, 'utf8')).status).toBe('interrupted');
    expect(await readdir(dir)).not.toContain('held-back.jsonl');

    const resumed = await runCli(['run', '--resume', dir], project.root, { env: { UNSTICK: '1' } });
    expect(resumed.code).toBe(0);
    const full = await readRecord(`${dir}/run.jsonl`);
    expect(full.samples.map((s) => s.index)).toEqual([...Array(11).keys()]);
  });

  it('killed (-9) while a scorer is stuck, it loses no finished sample: --resume runs only the stuck one', async () => {
    await stuckProject();
    const { child, closed } = await start(['run']);
    const { waitFor } = await import('../helpers/cli.js');
    await waitFor(async () => (await heldBackLines()) === 10, 'the finished samples saved behind the stuck one');
    child.kill('SIGKILL');
    await closed;
    const dir = await onlyRunDir(project.root);
    const resumed = await runCli(['run', '--resume', dir, '--json'], project.root, { env: { UNSTICK: '1' } });
    expect(resumed.code).toBe(0);
    const full = await readRecord(`${dir}/run.jsonl`);
    expect(full.samples.map((s) => s.index)).toEqual([...Array(11).keys()]);
    expect(full.summary?.totals.samples).toBe(11);
    expect(await readdir(dir)).not.toContain('held-back.jsonl');
  });
});
