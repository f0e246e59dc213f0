/**
 * Issue 14 through the built CLI: the key in output text (14.6), the SDK's deprecation warning and
 * batch timings (14.7), concurrent runs (14.2) and damaged run folders (14.5).
 */
import { spawn } from 'node:child_process';
import { appendFile, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/records/reader.js';
import { readMeta } from '../../src/records/runDir.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { CLI, linkPromptgold, runCli, waitFor, type CliResult } from '../helpers/cli.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

// A recognizable key, assembled at run time so no key-shaped string is committed.
const KEY = ['sk', 'ant', 'test-ECHOED-5c2e8a1f-promptgold-secret'].join('-');

let project: TempProject;
let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await project?.cleanup();
});

const LIVE_SUITE = `import { defineSuite, contains, exact } from 'promptgold';
export default defineSuite({
  name: 'live',
  prompt: './prompts',
  models: ['MODEL'],
  dataset: './data.jsonl',
  recordings: './recordings/live.jsonl',
  scorers: [contains({ values: ['word'], mode: 'all' }), exact()],
  repeats: 2,
  concurrency: 4,
});
`;

async function liveProject(model = 'claude-haiku-4-5', cases = 4) {
  project = await tempProject({
    'suites/live.eval.ts': LIVE_SUITE.replace('MODEL', model),
    'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
    'suites/data.jsonl': wordCases(cases),
    'promptgold.config.json': JSON.stringify({ anthropic: { batchPollMs: 100 } }),
  });
  await linkPromptgold(project.root);
}

function live(args: string[]): Promise<CliResult> {
  return runCli(args, project.root, { env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake!.url } });
}

async function runDirs(): Promise<string[]> {
  return (await readdir(project.path('reports/runs'))).sort().map((name) => project.path('reports/runs', name));
}

async function filesUnder(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else found.push(path);
  }
  return found;
}

describe('the API key in output text (14.6)', () => {
  it('a model that echoes the key: no record, recording, cache entry, report or console line holds it', async () => {
    fake = await startFakeAnthropic({ respond: () => ({ text: `word, and your key is ${KEY}` }) });
    await liveProject();
    const outputs: CliResult[] = [];
    outputs.push(await live(['run', '--provider', 'anthropic', '--record']));
    expect(outputs[0]!.code).toBe(0);
    await new Promise((r) => setTimeout(r, 1100)); // run ids are stamped to the second
    outputs.push(await live(['run', '--provider', 'anthropic', '--json'])); // from the response cache
    const [first, second] = await runDirs();
    outputs.push(await live(['compare', first!, second!, '--markdown', 'out/cmp.md', '--json', 'out/cmp.json', '--junit', 'out/cmp.xml', '--html', 'out/cmp.html']));
    outputs.push(await live(['report', first!]));
    outputs.push(await live(['baseline', 'save', first!]));
    outputs.push(await live(['run', '--provider', 'replay']));

    const record = await readRecord(`${first}/run.jsonl`);
    expect(record.samples[0]!.output).toBe('word, and your key is [redacted]');
    const files = await filesUnder(project.root);
    for (const expected of ['.promptgold/cache', 'recordings/live.jsonl', 'report.html', 'prompts.jsonl', 'meta.json', 'out/cmp.md', 'out/cmp.json', 'out/cmp.xml', 'out/cmp.html', 'live.baseline.jsonl']) {
      expect(files.some((file) => file.includes(expected)), expected).toBe(true);
    }
    for (const file of files) expect(await readFile(file, 'utf8'), file).not.toContain(KEY);
    for (const output of outputs) expect(output.stdout + output.stderr).not.toContain(KEY);
    expect(outputs.map((o) => o.stderr).join('')).not.toMatch(/internal error/);
  });

  it('a function under test that returns the key from the environment, and an error message holding it', async () => {
    project = await tempProject({
      'suites/echo.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({
  name: 'echo',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  scorers: [exact()],
  provider: async (input) => {
    if (input.word === 'word1') throw new Error('upstream refused key ' + process.env.ANTHROPIC_API_KEY);
    return input.word + ' ' + process.env.ANTHROPIC_API_KEY;
  },
});
`,
      'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
      'suites/data.jsonl': wordCases(3),
    });
    await linkPromptgold(project.root);
    const run = await runCli(['run', '--record'], project.root, { env: { ANTHROPIC_API_KEY: KEY } });
    expect(run.code).toBe(3); // the thrown error is a provider error
    const [dir] = await runDirs();
    const record = await readRecord(`${dir}/run.jsonl`);
    expect(record.samples.map((s) => s.output ?? s.error?.message)).toEqual(['word0 [redacted]', 'function provider threw: upstream refused key [redacted]', 'word2 [redacted]']);
    // The console too: a suite whose loading fails with the key in its message.
    await writeFile(project.path('suites/broken.eval.ts'), "throw new Error('cannot use ' + process.env.ANTHROPIC_API_KEY);\n");
    const broken = await runCli(['run', 'suites/broken.eval.ts'], project.root, { env: { ANTHROPIC_API_KEY: KEY } });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('the suite file threw while loading: cannot use [redacted]');
    for (const file of await filesUnder(project.root)) expect(await readFile(file, 'utf8'), file).not.toContain(KEY);
    expect(run.stdout + run.stderr + broken.stdout + broken.stderr).not.toContain(KEY);
  });
});

describe('leftovers (14.7)', () => {
  it("shows the SDK's deprecation warning once per model, not twice per request", async () => {
    fake = await startFakeAnthropic({ respond: () => ({ text: 'word' }) });
    await liveProject('claude-sonnet-4-5', 6);
    const result = await live(['run', '--provider', 'anthropic', '--no-cache']);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(12);
    expect(result.stderr.match(/The model 'claude-sonnet-4-5' is deprecated/g)).toHaveLength(1);
    expect(result.stderr.match(/Please migrate to a newer model/g)).toHaveLength(1);
  });

  it('a batch run records the wall time of the whole run, batch phase included', async () => {
    fake = await startFakeAnthropic({ respond: () => ({ text: 'word' }), batchProcessingMs: 1500 });
    await liveProject();
    const result = await live(['run', '--provider', 'anthropic', '--batch']);
    expect(result.code).toBe(0);
    const [dir] = await runDirs();
    // The fake keeps the batch in progress for 1.5 s after it is submitted, inside the run.
    expect((await readMeta(dir!))?.wallMs).toBeGreaterThanOrEqual(1500);
  });
});

const ECHO_SUITE = `import { existsSync } from 'node:fs';
import { defineSuite, exact } from 'promptgold';
export default defineSuite({
  name: 'echo',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  scorers: [exact()],
  concurrency: 4,
  provider: async (input) => {
    await new Promise((r) => setTimeout(r, Number(process.env.DELAY_MS ?? 0)));
    // With HOLD_LAST set, the last case waits until that file exists: the run cannot end before the test says so.
    while (process.env.HOLD_LAST && input.word === process.env.LAST_WORD && !existsSync(process.env.HOLD_LAST)) await new Promise((r) => setTimeout(r, 20));
    return String(input.word);
  },
});
`;

async function echoProject(cases = 40) {
  project = await tempProject({ 'suites/echo.eval.ts': ECHO_SUITE, 'suites/prompts/echo.v1.hbs': ECHO_PROMPT, 'suites/data.jsonl': wordCases(cases) });
  await linkPromptgold(project.root);
}

describe('concurrent runs (14.2)', () => {
  it('two runs of one suite started together get their own folders and complete, valid records', async () => {
    await echoProject(200);
    const [a, b] = await Promise.all([runCli(['run', '--out', 'shared'], project.root), runCli(['run', '--out', 'shared'], project.root)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const dirs = (await readdir(project.path('shared'))).sort();
    expect(dirs).toHaveLength(2);
    for (const dir of dirs) {
      const record = await readRecord(project.path('shared', dir, 'run.jsonl'));
      expect(record.samples.map((s) => s.index)).toEqual([...Array(200).keys()]);
      expect(record.summary?.totals.samples).toBe(200);
      expect((await readMeta(project.path('shared', dir)))?.status).toBe('complete');
    }
  });

  it('a run pointed at a folder another run is writing fails loudly and leaves that run alone', async () => {
    await echoProject(40);
    const release = project.path('release');
    const child = spawn(process.execPath, [CLI, 'run'], { cwd: project.root, env: { ...process.env, CI: 'true', HOLD_LAST: release, LAST_WORD: 'word39' } });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    let dir = '';
    await waitFor(async () => {
      dir = (await runDirs().catch(() => []))[0] ?? '';
      return dir !== '' && (await readFile(`${dir}/run.jsonl`, 'utf8').catch(() => '')).split('\n').length > 3;
    }, 'the first run writing its record');
    const intruder = await runCli(['run', '--resume', dir], project.root);
    expect(intruder.code).toBe(3);
    expect(intruder.stderr).toMatch(/run\.lock: the run folder is in use by process \d+, which is still writing it/);
    await writeFile(release, '');
    expect(await closed).toBe(0);
    const record = await readRecord(`${dir}/run.jsonl`);
    expect(record.samples.map((s) => s.index)).toEqual([...Array(40).keys()]);
  });
});

describe('damaged run folders (14.5)', () => {
  /** A run stopped after its first samples, so --resume has something to do. */
  async function interruptedRun(): Promise<string> {
    await echoProject(12);
    await writeFile(project.path('suites/echo.eval.ts'), ECHO_SUITE.replace('concurrency: 4', 'concurrency: 1'));
    const child = spawn(process.execPath, [CLI, 'run'], { cwd: project.root, env: { ...process.env, CI: 'true', DELAY_MS: '100' } });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    let dir = '';
    await waitFor(async () => {
      dir = (await runDirs().catch(() => []))[0] ?? '';
      return dir !== '' && (await readFile(`${dir}/run.jsonl`, 'utf8').catch(() => '')).split('\n').length > 3;
    }, 'the first samples of the run');
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    return dir;
  }

  /** Replaces `from` (which it must hold) with `to` in the record's first sample line; returns the record's new text. */
  async function editFirstSample(dir: string, from: string, to: string): Promise<string> {
    const lines = (await readFile(`${dir}/run.jsonl`, 'utf8')).split('\n').filter(Boolean);
    expect(lines[1]).toContain(from);
    lines[1] = lines[1]!.replace(from, to);
    const edited = `${lines.join('\n')}\n`;
    await writeFile(`${dir}/run.jsonl`, edited);
    return edited;
  }

  it('a null last line: compare, report and --resume exit 2 naming file and line with a repair hint', async () => {
    const dir = await interruptedRun();
    const lines = (await readFile(`${dir}/run.jsonl`, 'utf8')).split('\n').filter(Boolean).length;
    await appendFile(`${dir}/run.jsonl`, 'null\n');
    const where = new RegExp(`run\\.jsonl:${lines + 1}: expected a JSON object, found null\\n  hint: .*delete the bad line`);
    for (const args of [['compare', dir, dir], ['report', dir], ['run', '--resume', dir]]) {
      const result = await runCli(args, project.root);
      expect(result.stderr, args.join(' ')).toMatch(where);
      expect(result.stderr).not.toMatch(/internal error|TypeError/);
      expect(result.code, args.join(' ')).toBe(2);
    }
  });

  it('a duplicated sample line: --resume exits 2 and says which lines to reconcile', async () => {
    const dir = await interruptedRun();
    const lines = (await readFile(`${dir}/run.jsonl`, 'utf8')).split('\n').filter(Boolean);
    await writeFile(`${dir}/run.jsonl`, `${[...lines, lines[1]].join('\n')}\n`);
    const result = await runCli(['run', '--resume', dir], project.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`run\\.jsonl:${lines.length + 1}: index: sample 0 \\(w000\\) is recorded twice, also on line 2\\n  hint: keep one of the two lines`));
  });

  it('a sample line with a field of the wrong type: --resume exits 2 naming it, instead of counting "false" as a pass', async () => {
    const dir = await interruptedRun();
    const damaged = await editFirstSample(dir, '"pass":true', '"pass":"false"');
    // Without the HTML report, whose reading of the finished record would be the first to object.
    const result = await runCli(['run', '--resume', dir, '--no-html'], project.root);
    expect(result.stderr).toMatch(/run\.jsonl:2: pass: expected true or false, got "false"\n {2}hint: /);
    expect(result.code).toBe(2);
    expect(await readFile(`${dir}/run.jsonl`, 'utf8')).toBe(damaged);
  });

  it('a kept line that is not the plan\'s sample at its index: --resume exits 2 before sending anything', async () => {
    const dir = await interruptedRun();
    const damaged = await editFirstSample(dir, '"caseId":"w000"', '"caseId":"w005"');
    const result = await runCli(['run', '--resume', dir, '--no-html'], project.root);
    expect(result.stderr).toMatch(/run\.jsonl:2: caseId: sample 0 is w005 \(v1 × [^,]+, repeat 0\), but the plan has w000 \(v1 × [^,]+, repeat 0\) at that index: the line does not belong to this run\n {2}hint: the record was edited or merged by hand/);
    expect(result.code).toBe(2);
    expect(await readFile(`${dir}/run.jsonl`, 'utf8')).toBe(damaged);
  });

  it('a complete run with a duplicated sample line: --resume and --retry-errors name the line, not "complete" or "nothing to retry"', async () => {
    await echoProject(4);
    expect((await runCli(['run'], project.root)).code).toBe(0);
    const [dir] = await runDirs();
    const lines = (await readFile(`${dir}/run.jsonl`, 'utf8')).split('\n').filter(Boolean);
    // The copy goes right after its original, so the record stays in plan order.
    await writeFile(`${dir}/run.jsonl`, `${[...lines.slice(0, 3), lines[2], ...lines.slice(3)].join('\n')}\n`);
    for (const flag of ['--resume', '--retry-errors']) {
      const result = await runCli(['run', flag, dir!], project.root);
      expect(result.stderr, flag).toMatch(/run\.jsonl:4: index: sample 1 \(w001\) is recorded twice, also on line 3\n {2}hint: keep one of the two lines/);
      expect(result.stdout, flag).not.toMatch(/nothing to retry/);
      expect(result.code, flag).toBe(2);
    }
  });

  it('a missing and a truncated meta.json each say so, never "the suite changed"', async () => {
    const dir = await interruptedRun();
    const meta = await readFile(`${dir}/meta.json`, 'utf8');
    await writeFile(`${dir}/meta.json`, meta.slice(0, meta.length / 2));
    const truncated = await runCli(['run', '--resume', dir], project.root);
    expect(truncated.code).toBe(2);
    expect(truncated.stderr).toMatch(/meta\.json: meta\.json is damaged \(.*\)\n {2}hint: it holds the run's status/);
    await rm(`${dir}/meta.json`);
    const missing = await runCli(['run', '--resume', dir], project.root);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/the run folder has no meta\.json, which holds the flags that shaped its plan/);
    for (const result of [truncated, missing]) expect(result.stderr).not.toMatch(/suite changed/);

    await writeFile(`${dir}/meta.json`, meta);
    const resumed = await runCli(['run', '--resume', dir], project.root);
    expect(resumed.code).toBe(0);
    expect((await readRecord(`${dir}/run.jsonl`)).samples.map((s) => s.index)).toEqual([...Array(12).keys()]);
  });
});
