/**
 * A run's HTML report that cannot be written is said on stderr and in the exit code, and stops
 * nothing else: the suites after it run, and `--junit` and `--json` are written, as the records
 * are whole. Here the first suite's provider puts a folder where its run's page (or the page's
 * temporary file) goes, through the built CLI, as a user would meet it. `compare` refuses a page
 * path that is a folder before it compares, and names the outputs it wrote before one that failed.
 */
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';
import { sample, writeRecord } from '../compare/records.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

function suite(name: string, provider: string, threshold = 0.5): string {
  return `import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineSuite, exact } from 'promptgold';
export default defineSuite({
  name: '${name}',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  scorers: [exact()],
  threshold: ${threshold},
  provider: ${provider},
});
`;
}

/** Makes a folder of the given name in this suite's run folder, then answers. */
function blocking(name: string): string {
  return `(input) => {
    for (const run of readdirSync('reports/runs')) if (run.startsWith('alpha-')) mkdirSync(join('reports/runs', run, '${name}'), { recursive: true });
    return String(input.word);
  }`;
}

/** alpha's page is blocked; beta passes, or fails its threshold (exit 1 on its own). */
async function twoSuites(blocked = 'report.html', beta: 'passes' | 'fails' = 'passes') {
  project = await tempProject({
    'suites/alpha.eval.ts': suite('alpha', blocking(blocked)),
    'suites/beta.eval.ts': beta === 'passes' ? suite('beta', '(input) => String(input.word)') : suite('beta', "() => 'wrong'", 0.9),
    'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
    'suites/data.jsonl': wordCases(3),
  });
  await linkPromptgold(project.root);
}

async function runFolder(prefix: string): Promise<string> {
  const found = (await readdir(project.path('reports/runs'))).filter((name) => name.startsWith(`${prefix}-`));
  expect(found).toHaveLength(1);
  return `reports/runs/${found[0]}`;
}

describe('run: a report that cannot be written', () => {
  it('is an error on stderr and exit 2 (over the 1 of the next suite), and the next suite, --junit and the record are still written', async () => {
    await twoSuites('report.html', 'fails');
    const result = await runCli(['run', '--no-progress', '--junit', 'out/junit.xml'], project.root);
    const alpha = await runFolder('alpha');
    const beta = await runFolder('beta');
    expect(result.stderr).toContain(`promptgold: the HTML report of ${alpha} was not written: ${project.path(alpha, 'report.html')}: the report page is a folder`);
    expect(result.stderr).toContain(`The run's record is whole: once the cause is mended, \`promptgold report ${alpha}\` writes the page`);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^alpha: 3 samples, 3 of 3 passed/m);
    expect(result.stdout).toMatch(/^beta: 3 samples, 0 of 3 passed/m);
    expect(result.stdout).toContain(`report: ${beta}/report.html`);
    expect(result.stdout).not.toContain(`report: ${alpha}/report.html`);
    expect(await readFile(project.path(beta, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    const xml = await readFile(project.path('out/junit.xml'), 'utf8');
    expect(xml).toContain('alpha');
    expect(xml).toContain('beta');
    expect(await readFile(project.path(alpha, 'run.jsonl'), 'utf8')).toContain('"type":"summary"');
  });

  it('with --json: the suite gets a reportError, the others none, and the exit code is still 2', async () => {
    await twoSuites();
    const result = await runCli(['run', '--json'], project.root);
    expect(result.code).toBe(2);
    const printed = JSON.parse(result.stdout) as Array<{ suite: string; status: string; reportError?: string }>;
    expect(printed.map((p) => [p.suite, p.status])).toEqual([
      ['alpha', 'complete'],
      ['beta', 'complete'],
    ]);
    expect(printed[0]!.reportError).toMatch(/report\.html: the report page is a folder\n {2}hint: give a file for the page/);
    expect(printed[1]).not.toHaveProperty('reportError');
    expect(result.stderr).toContain('the HTML report of reports/runs/alpha-');
  });

  it('on a full disk or a folder it cannot write in: the error of the machine, exit 3, not an internal error', async () => {
    await twoSuites('report.html.page.tmp');
    const result = await runCli(['run', '--no-progress'], project.root);
    const alpha = await runFolder('alpha');
    expect(result.stderr).toContain(`promptgold: the HTML report of ${alpha} was not written: the report page ${project.path(alpha, 'report.html')} could not be written: EISDIR`);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(`report: ${await runFolder('beta')}/report.html`);
  });
});

describe('compare: the page path', () => {
  async function twoVersions() {
    project = await tempProject();
    const specs = ['a', 'b', 'c'].flatMap((caseId) => [{ caseId, version: 'v1', pass: true }, { caseId, version: 'v2', pass: caseId !== 'b' }]);
    const samples = specs.map((spec, index) => sample(spec, index));
    await writeRecord(project.path('run/run.jsonl'), samples);
  }
  const compare = (...outputs: string[]) => runCli(['compare', 'run', '--baseline', 'version=v1', '--candidate', 'version=v2', ...outputs], project.root);

  it('a folder is refused before the comparison is made or any output written (exit 2)', async () => {
    await twoVersions();
    await mkdir(project.path('out/page'), { recursive: true });
    const result = await compare('--json', 'out/cmp.json', '--html', 'out/page');
    expect(result.stderr).toContain(`promptgold: ${project.path('out/page')}: the report page is a folder`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(await readdir(project.path('out'))).toEqual(['page']);
  });

  it('a page that cannot be written still names the outputs written before it, and exits 3', async () => {
    await twoVersions();
    await mkdir(project.path('out/cmp.html.page.tmp'), { recursive: true });
    const result = await compare('--json', 'out/cmp.json', '--html', 'out/cmp.html');
    expect(result.stderr).toContain(`the report page ${project.path('out/cmp.html')} could not be written: EISDIR`);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('wrote out/cmp.json');
    expect(JSON.parse(await readFile(project.path('out/cmp.json'), 'utf8'))).toHaveProperty('verdict');
  });
});
