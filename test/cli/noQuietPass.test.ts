/**
 * Each of these once ended with exit 0 and samples counted as passed: a misspelt suite field or
 * scorer option that was dropped, a function target that returned nothing, an answer cut off in
 * the middle of its JSON, a custom scorer's NaN said to pass, a case nothing scored, a Latin-1
 * dataset read with U+FFFD in place of its accents. Now each is
 * refused before a sample is sent (exit 2), or counted as not scored (exit 3), or scored as failed.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

async function runSuite(suiteBody: string, dataset: string | Uint8Array = wordCases(2)) {
  project = await tempProject({
    'suites/echo.eval.ts': `import { defineSuite, exact, fuzzy, custom, contains } from 'promptgold';\nexport default defineSuite({ name: 'echo', prompt: './prompts', models: ['claude-haiku-4-5'], dataset: './data.jsonl', ${suiteBody} });\n`,
    'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
    'suites/data.jsonl': dataset,
  });
  await linkPromptgold(project.root);
  return runCli(['run', '--no-progress', '--no-html'], project.root);
}

describe('no quiet pass', () => {
  it('a misspelt suite field is refused before the run (exit 2), not dropped with its threshold', async () => {
    const result = await runSuite(`scorers: [exact()], threshhold: 1, provider: () => 'wrong'`);
    expect(result.stderr).toContain('suites/echo.eval.ts: threshhold: unknown suite field "threshhold" (did you mean "threshold"?)');
    expect(result.code).toBe(2);
    expect(existsSync(project.path('reports/runs'))).toBe(false);
  });

  it('a misspelt scorer option is refused (exit 2), not left at its default', async () => {
    const result = await runSuite(`scorers: [fuzzy({ treshold: 0.99 })], provider: (input) => String(input.word) + 'x'`);
    expect(result.stderr).toContain('fuzzy: unknown option "treshold" (did you mean "threshold"?)');
    expect(result.code).toBe(2);
  });

  it('a function target that returns nothing fails its samples as provider errors (exit 3)', async () => {
    const result = await runSuite(`scorers: [contains({ values: ['x'] })], provider: () => { /* forgot to return */ }`);
    expect(result.stdout).toContain('function provider returned undefined (did it forget to return?)');
    expect(result.code).toBe(3);
  });

  it('an answer cut off inside its JSON fails a field check instead of passing on a nested object', async () => {
    const cut = '{"word": "no", "similar": {"word": "word0"}, "summary": "The customer rep';
    const result = await runSuite(`scorers: [exact({ field: 'word', expectedField: 'word' })], threshold: 1, provider: () => ${JSON.stringify(cut)}`, '{"id":"a","vars":{"word":"word0"},"expected":{"word":"word0"}}\n');
    expect(result.stdout).toMatch(/0 of 1 passed/);
    expect(result.code).toBe(1);
  });

  it("a custom scorer's NaN said to pass is a scorer error (exit 3), not a pass", async () => {
    const result = await runSuite(`scorers: [custom('mine', () => ({ score: Number.NaN, pass: true }))], provider: (input) => String(input.word)`);
    expect(result.stdout).toContain('mine returned score NaN: a score is a number from 0 to 1');
    expect(result.code).toBe(3);
  });

  it('a case nothing would score is refused before the run (exit 2), naming its line', async () => {
    const result = await runSuite(`scorers: [], provider: (input) => String(input.word)`);
    expect(result.stderr).toContain('data.jsonl:1: checks: case "w000" has nothing to score it: the suite has no scorers and the case has no checks');
    expect(result.code).toBe(2);
    expect(existsSync(project.path('reports/runs'))).toBe(false);
  });

  it('a model that failed every sample fails the threshold (exit 1), though the run-wide maxErrorRate allows its errors', async () => {
    const result = await runSuite(
      `models: ['claude-haiku-4-5', 'claude-sonnet-4-5'], scorers: [exact()], threshold: 0.9, maxErrorRate: 0.6, provider: (input, context) => { if (context.model === 'claude-sonnet-4-5') throw new Error('down'); return String(input.word); }`,
      '{"id":"a","vars":{"word":"x"},"expected":"x"}\n{"id":"b","vars":{"word":"y"},"expected":"y"}\n',
    );
    expect(result.stdout).toMatch(/claude-sonnet-4-5 +2 +0\/0 +0\.0% \(0\.0%–100\.0%\) ✗/);
    expect(result.code).toBe(1);
  });

  it('a dataset that is not UTF-8 is refused before the run (exit 2), naming its line, not sent with U+FFFD', async () => {
    const latin1 = Buffer.from('{"id":"a","vars":{"word":"word0"}}\n{"id":"b","vars":{"word":"caf\u00e9"}}\n', 'latin1');
    const result = await runSuite(`scorers: [exact()], provider: (input) => String(input.word)`, latin1);
    expect(result.stderr).toContain('data.jsonl:2: the file is not UTF-8: byte 0xE9 at column 30 (counted in bytes)');
    expect(result.stderr).toContain('Latin-1 or Windows-1252');
    expect(result.code).toBe(2);
    expect(existsSync(project.path('reports/runs'))).toBe(false);
  });
});

describe('several suites in one run: one refused after the runs began', () => {
  /** Suite `a` fails with an unscored sample (exit 3); suite `b` gives a provider it cannot have (exit 2 at assembly); `c` fails its threshold (exit 1). */
  async function project3() {
    const suite = (name: string, body: string) =>
      `import { defineSuite, exact } from 'promptgold';\nexport default defineSuite({ name: '${name}', prompt: './prompts', models: ['claude-haiku-4-5'], dataset: './data.jsonl', scorers: [exact()], ${body} });\n`;
    project = await tempProject({
      'suites/a.eval.ts': suite('a', `provider: (input) => { if (input.word === 'word1') throw new Error('boom'); return String(input.word); }`),
      'suites/b.eval.ts': suite('b', `provider: 'function'`),
      'suites/c.eval.ts': suite('c', `threshold: 1, provider: () => 'wrong'`),
      'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
      'suites/data.jsonl': wordCases(2),
    });
    await linkPromptgold(project.root);
  }

  it("keeps the earlier run's exit 3, runs the later suites, and says the refused one at the end too", async () => {
    await project3();
    const refusal = 'suites/b.eval.ts: provider: --provider function needs the suite to set `provider` to a function';
    // a (exit 3) then b: 3 wins over 2 (it was 2: b's error decided the code under a's "FAILED (exit 3)").
    const ab = await runCli(['run', 'suites/a.eval.ts', 'suites/b.eval.ts', '--no-progress', '--no-html'], project.root);
    expect(ab.stdout).toContain('FAILED (exit 3)');
    expect(ab.stderr).toContain(`promptgold: ${refusal}`);
    expect(ab.code).toBe(3);
    // b then c: c still runs (it did not: the whole command stopped at b); 2 wins over c's 1, and b is named again after c's outcome.
    const bc = await runCli(['run', 'suites/b.eval.ts', 'suites/c.eval.ts', '--no-progress', '--no-html'], project.root);
    expect(bc.stdout).toMatch(/^c: 2 samples/m);
    expect(bc.stderr).toContain(`promptgold: ${refusal}`);
    expect(bc.stderr).toContain('promptgold: 1 suite did not run: b (exit 2); the error is above');
    expect(bc.code).toBe(2);
    // --json lists the refused suite instead of leaving it out.
    const json = await runCli(['run', 'suites/b.eval.ts', 'suites/c.eval.ts', '--no-progress', '--no-html', '--json'], project.root);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ suite: 'c', status: 'complete' }),
      { suite: 'b', runDir: null, status: 'not run', summary: null, error: refusal },
    ]);
    expect(json.code).toBe(2);
    // --junit gives the refused suite an errored test case, so a CI that reads only the file sees it too.
    const junit = await runCli(['run', 'suites/b.eval.ts', 'suites/c.eval.ts', '--no-progress', '--no-html', '--junit', 'out/junit.xml'], project.root);
    expect(junit.code).toBe(2);
    const xml = await readFile(project.path('out/junit.xml'), 'utf8');
    expect(xml).toMatch(/<testsuites name="promptgold run" tests="\d+" failures="\d+" errors="1"/);
    expect(xml).toContain('<testsuite name="b" tests="1" failures="0" errors="1" skipped="0">');
    expect(xml).toContain('<error message="suites/b.eval.ts: provider: --provider function needs the suite to set `provider` to a function" type="not run">');
  });
});

describe('several suites in one run: one that fails after its run folder was claimed', () => {
  /** `a` passes; `c` fails its threshold; `fatal` stops the whole run with an account error. */
  async function project2(files: Record<string, string> = {}) {
    const suite = (name: string, body: string) =>
      `import { defineSuite, exact } from 'promptgold';\nexport default defineSuite({ name: '${name}', prompt: './prompts', models: ['claude-haiku-4-5'], dataset: './data.jsonl', scorers: [exact()], ${body} });\n`;
    project = await tempProject({
      'suites/a.eval.ts': suite('a', `provider: (input) => String(input.word)`),
      'suites/c.eval.ts': suite('c', `threshold: 1, provider: () => 'wrong'`),
      'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
      'suites/data.jsonl': wordCases(2),
      ...files,
    });
    await linkPromptgold(project.root);
  }

  it('a resumed run whose record is damaged is said as failed with its run folder, not as a suite that did not run', async () => {
    await project2();
    const first = await runCli(['run', 'suites/a.eval.ts', '--no-progress', '--no-html', '--json'], project.root);
    expect(first.code).toBe(0);
    const { runDir } = (JSON.parse(first.stdout) as Array<{ runDir: string }>)[0]!;
    // An interrupted run whose record then got a damaged line: --resume opens it inside the run.
    const meta = JSON.parse(await readFile(project.path(runDir, 'meta.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(project.path(runDir, 'meta.json'), JSON.stringify({ ...meta, status: 'interrupted' }));
    const lines = (await readFile(project.path(runDir, 'run.jsonl'), 'utf8')).split('\n');
    await writeFile(project.path(runDir, 'run.jsonl'), [lines[0], 'not json', ...lines.slice(1)].join('\n'));
    const resumed = await runCli(['run', '--resume', runDir, '--no-progress', '--no-html', '--json'], project.root);
    const [entry] = JSON.parse(resumed.stdout) as Array<Record<string, unknown>>;
    expect(entry).toMatchObject({ suite: 'a', runDir, status: 'aborted', summary: null, error: expect.stringContaining('run.jsonl') });
    expect(resumed.code).not.toBe(0);
    const said = await runCli(['run', '--resume', runDir, '--no-progress', '--no-html'], project.root);
    expect(said.stderr).toContain(`promptgold: a failed after its run began; its run folder: ${runDir}`);
    expect(said.stderr).not.toMatch(/did not run/);
    // --junit: an errored case that says the run stopped, naming its folder, not that it did not run.
    await runCli(['run', '--resume', runDir, '--no-progress', '--no-html', '--junit', 'out/junit.xml'], project.root);
    const xml = await readFile(project.path('out/junit.xml'), 'utf8');
    expect(xml).toContain(`<testcase name="suite finished" classname="a">\n      <error message="stopped after its run began (run folder ${runDir}): `);
    expect(xml).toMatch(/type="aborted">/);
    expect(xml).not.toContain('type="not run"');
  });

  it("an error closing a finished run's provider keeps the run's outcome and still counts in the exit code", async () => {
    // --record writes the recordings file when the provider closes. The path is checked before the
    // run starts, so the provider makes it a folder while the run is under way.
    await project2({
      'suites/a.eval.ts': `import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'a', prompt: './prompts', models: ['claude-haiku-4-5'], dataset: './data.jsonl', scorers: [exact()],
  provider: (input) => { mkdirSync(join(process.cwd(), 'suites/recordings/a.jsonl/keep'), { recursive: true }); return String(input.word); } });
`,
    });
    const result = await runCli(['run', 'suites/a.eval.ts', 'suites/c.eval.ts', '--record', '--no-progress', '--no-html', '--json'], project.root);
    const entries = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ suite: 'a', status: 'complete', runDir: expect.stringMatching(/^reports\/runs\//), errors: [expect.stringContaining('EISDIR')] });
    expect(entries[0]!.summary).not.toBeNull();
    expect(entries[1]).toMatchObject({ suite: 'c', status: 'complete' });
    expect(entries.filter((e) => e.suite === 'a')).toHaveLength(1);
    // Not the threshold's 1 alone: the failed write (an I/O error, exit 3) joins the codes.
    expect(result.code).toBe(3);
    // The folder the first run left would now be refused before the run: the provider makes it again.
    await rm(project.path('suites/recordings'), { recursive: true, force: true });
    const said = await runCli(['run', 'suites/a.eval.ts', 'suites/c.eval.ts', '--record', '--no-progress', '--no-html', '--junit', 'out/junit.xml'], project.root);
    expect(said.stdout).toMatch(/^a: 2 samples/m);
    expect(said.stderr).toContain('promptgold: 1 suite failed after the run finished: a (exit 3); the error is above');
    expect(said.stderr).not.toMatch(/did not run/);
    const xml = await readFile(project.path('out/junit.xml'), 'utf8');
    expect(xml).toMatch(/<testcase name="suite closed" classname="a">\s*<error message="[^"]*suites\/recordings\/a\.jsonl: illegal operation on a directory \(EISDIR on read\)" type="after run">/);
  });

  it('suites not started after a fatal provider error are listed as not run, with why, in --json and --junit', async () => {
    await project2({
      'suites/0-fatal.eval.ts': `import { defineSuite, exact, ProviderError } from 'promptgold';\nexport default defineSuite({ name: 'fatal', prompt: './prompts', models: ['claude-haiku-4-5'], dataset: './data.jsonl', scorers: [exact()], concurrency: 1, provider: () => { throw new ProviderError('auth', 'invalid x-api-key', { fatal: true }); } });\n`,
    });
    const why = 'stopped before it started: fatal stopped on a fatal provider error (invalid x-api-key)';
    const result = await runCli(['run', 'suites/0-fatal.eval.ts', 'suites/a.eval.ts', 'suites/c.eval.ts', '--no-progress', '--no-html', '--json', '--junit', 'out/junit.xml'], project.root);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ suite: 'fatal', status: 'aborted' }),
      { suite: 'a', runDir: null, status: 'not run', summary: null, error: why },
      { suite: 'c', runDir: null, status: 'not run', summary: null, error: why },
    ]);
    const xml = await readFile(project.path('out/junit.xml'), 'utf8');
    expect(xml).toContain(`<testcase name="suite ran" classname="a">\n      <error message="${why}" type="not run">`);
    expect(xml).toContain('<testcase name="suite ran" classname="c">');
    const said = await runCli(['run', 'suites/0-fatal.eval.ts', 'suites/a.eval.ts', '--no-progress', '--no-html'], project.root);
    expect(said.stderr).toContain('promptgold: not started: a (fatal stopped on a fatal provider error (invalid x-api-key))');
  });
});
