/**
 * `run --resume` and `--retry-errors` continue a run's own plan: the flags that would shape another
 * plan are refused before anything is sent, and the flags a resumed run takes are applied, not
 * silently dropped. Through the built CLI, with a function provider.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/records/reader.js';
import { readMeta } from '../../src/records/runDir.js';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

const SUITE = `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'echo', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], threshold: 0.9,
  provider: (input) => String(input.word) });
`;

let project: TempProject;
afterEach(async () => {
  await project?.cleanup();
});

/** A finished run cut back to its header and first two samples, with the status a killed run leaves: what --resume finishes. */
async function cutRun(): Promise<string> {
  project = await tempProject({ 'suites/echo.eval.ts': SUITE, 'suites/prompts/echo.v1.hbs': ECHO_PROMPT, 'suites/data.jsonl': wordCases(6) });
  await linkPromptgold(project.root);
  const first = await runCli(['run', '--no-html'], project.root);
  expect(first.code, first.stderr).toBe(0);
  const [folder] = await readdir(project.path('reports/runs'));
  const dir = `reports/runs/${folder}`;
  const lines = (await readFile(project.path(dir, 'run.jsonl'), 'utf8')).split('\n').filter(Boolean);
  await writeFile(project.path(dir, 'run.jsonl'), `${lines.slice(0, 3).join('\n')}\n`);
  const meta = JSON.parse(await readFile(project.path(dir, 'meta.json'), 'utf8'));
  await writeFile(project.path(dir, 'meta.json'), JSON.stringify({ ...meta, status: 'running', finishedAt: undefined }));
  return dir;
}

async function folderText(dir: string): Promise<string[]> {
  return Promise.all([readFile(project.path(dir, 'run.jsonl'), 'utf8'), readFile(project.path(dir, 'meta.json'), 'utf8')]);
}

describe('run --resume / --retry-errors and the flags of a plan', () => {
  it('refuses, naming each, the flags that would shape another plan, before anything is sent', async () => {
    // It finished the old plan (its model, one repeat) and exited 0 without a word about them.
    const dir = await cutRun();
    const before = await folderText(dir);
    const resumed = await runCli(
      ['run', '--resume', dir, '--model', 'claude-sonnet-4-6', '--version', 'v9', '--repeat', '5', '--filter', 'nothing', '--limit', '1', '--sample', '2', '--seed', '3', '--chaos'],
      project.root,
    );
    expect(resumed.code, resumed.stdout).toBe(2);
    expect(resumed.stderr).toContain(
      '--resume: --model, --version, --repeat, --filter, --limit, --sample, --seed and --chaos cannot apply to a resumed run: it keeps its own plan (models, prompt versions, repeats, cases, chaos)',
    );
    expect(resumed.stderr).toContain('hint: drop them to finish the run as it started, or start a new run to change its plan');
    expect(await folderText(dir)).toEqual(before);

    const suiteNamed = await runCli(['run', 'suites/echo.eval.ts', '--resume', dir], project.root);
    expect(suiteNamed.code).toBe(2);
    expect(suiteNamed.stderr).toContain('--resume: the suites suites/echo.eval.ts cannot apply to a resumed run');

    const retried = await runCli(['run', '--retry-errors', dir, '--repeat', '3'], project.root);
    expect(retried.code).toBe(2);
    expect(retried.stderr).toContain('--retry-errors: --repeat cannot apply to a resumed run');
    expect(await folderText(dir)).toEqual(before);
  });

  it('applies the flags a resumed run takes: --max-error-rate is checked against the run, --concurrency and --timeout are used', async () => {
    const dir = await cutRun();
    const before = await folderText(dir);
    // The run was judged with maxErrorRate 0: another share was silently dropped and the run finished under 0.
    const lenient = await runCli(['run', '--resume', dir, '--max-error-rate', '0.5', '--no-html'], project.root);
    expect(lenient.code, lenient.stdout).toBe(2);
    expect(lenient.stderr).toContain("options.maxErrorRate: the run's maxErrorRate changed since this run started (0 → 0.5)");
    expect(await folderText(dir)).toEqual(before);

    const resumed = await runCli(['run', '--resume', dir, '--max-error-rate', '0', '--concurrency', '2', '--timeout', '5000', '--no-html', '--no-progress'], project.root);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await readRecord(project.path(dir, 'run.jsonl'))).samples.map((s) => s.index)).toEqual([...Array(6).keys()]);
    const meta = await readMeta(project.path(dir));
    expect(meta?.overrides).toMatchObject({ suiteOverrides: { concurrency: 2, timeoutMs: 5000, maxErrorRate: 0 } });
  });
});
