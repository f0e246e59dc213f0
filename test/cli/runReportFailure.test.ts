/**
 * A run's HTML report that cannot be written is said on stderr and in the exit code, and stops
 * nothing else: the suites after it run, and `--junit` and `--json` are written, as the records
 * are whole. Here the first suite's provider puts a folder where its run's page goes, through the
 * built CLI, as a user would meet it.
 */
import { readFile, readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

function suite(name: string, provider: string): string {
  return `import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineSuite, exact } from 'promptgold';
export default defineSuite({
  name: '${name}',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  scorers: [exact()],
  provider: ${provider},
});
`;
}

/** Makes a folder where the run's page goes, in this suite's run folder, then answers. */
const BLOCKS_ITS_PAGE = `(input) => {
    for (const run of readdirSync('reports/runs')) if (run.startsWith('alpha-')) mkdirSync(join('reports/runs', run, 'report.html'), { recursive: true });
    return String(input.word);
  }`;

async function twoSuites() {
  project = await tempProject({
    'suites/alpha.eval.ts': suite('alpha', BLOCKS_ITS_PAGE),
    'suites/beta.eval.ts': suite('beta', '(input) => String(input.word)'),
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
  it('is an error on stderr and exit 2, and the next suite, --junit and the record are still written', async () => {
    await twoSuites();
    const result = await runCli(['run', '--no-progress', '--junit', 'out/junit.xml'], project.root);
    const alpha = await runFolder('alpha');
    const beta = await runFolder('beta');
    expect(result.stderr).toContain(`promptgold: the HTML report of ${alpha} was not written: ${project.path(alpha, 'report.html')}: the report page is a folder`);
    expect(result.stderr).toContain(`The run's record is whole: \`promptgold report ${alpha}\` writes the page again.`);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^alpha: 3 samples, 3 of 3 passed/m);
    expect(result.stdout).toMatch(/^beta: 3 samples, 3 of 3 passed/m);
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
});
