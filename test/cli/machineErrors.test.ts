/**
 * An output the machine will not take (here /dev/full, a device that is always full) ends the
 * command with the machine's error, exit 3, naming the file and how to mend it: not "internal
 * error (please report it)" with a stack. What was written before it is still said and kept.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';
import { sample, writeRecord } from '../compare/records.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

const FULL = '/dev/full: no space left on device (ENOSPC on write)\n  hint: free space on that disk (or give a path on another one) and run the command again';

describe.skipIf(!existsSync('/dev/full'))('outputs on a full disk', () => {
  it('compare: the output that fails is named, exit 3; the one written before it is said and whole', async () => {
    project = await tempProject();
    const specs = ['a', 'b', 'c'].flatMap((caseId) => [{ caseId, version: 'v1', pass: true }, { caseId, version: 'v2', pass: caseId !== 'b' }]);
    await writeRecord(project.path('run/run.jsonl'), specs.map((spec, index) => sample(spec, index)));
    const result = await runCli(['compare', 'run', '--baseline', 'version=v1', '--candidate', 'version=v2', '--no-html', '--json', 'out/cmp.json', '--markdown', '/dev/full'], project.root);
    expect(result.stderr).toBe(`promptgold: ${FULL}\n`);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('wrote out/cmp.json');
    expect(JSON.parse(await readFile(project.path('out/cmp.json'), 'utf8'))).toHaveProperty('verdict');
  });

  it('run --junit: named, exit 3, and the run and its record are whole', async () => {
    project = await tempProject({
      'suites/echo.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'echo', prompt: './prompts', models: ['claude-haiku-4-5'], dataset: './data.jsonl', scorers: [exact()], provider: (input) => String(input.word) });
`,
      'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
      'suites/data.jsonl': wordCases(3),
    });
    await linkPromptgold(project.root);
    const result = await runCli(['run', '--no-progress', '--no-html', '--junit', '/dev/full'], project.root);
    expect(result.stderr).toBe(`promptgold: ${FULL}\n`);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^echo: 3 samples, 3 of 3 passed/m);
    const [run] = await readdir(project.path('reports/runs'));
    expect(await readFile(project.path('reports/runs', run!, 'run.jsonl'), 'utf8')).toContain('"type":"summary"');
  });
});

describe('output paths that cannot take the file are refused before anything is read or run (exit 2)', () => {
  const ECHO_SUITE = `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'echo', prompt: './prompts', models: ['claude-haiku-4-5'], dataset: './data.jsonl', scorers: [exact()], provider: (input) => String(input.word) });
`;

  it('run --junit <folder>: refused before the run, which leaves no run folder', async () => {
    project = await tempProject({ 'suites/echo.eval.ts': ECHO_SUITE, 'suites/prompts/echo.v1.hbs': ECHO_PROMPT, 'suites/data.jsonl': wordCases(3), 'out/junit/keep.txt': 'x' });
    await linkPromptgold(project.root);
    const result = await runCli(['run', '--no-progress', '--no-html', '--junit', 'out/junit'], project.root);
    expect(result.stderr).toContain(`promptgold: ${project.path('out/junit')}: the --junit file is a folder\n  hint: give a file for --junit, e.g. ${project.path('out/junit/junit.xml')}, or move the folder`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(project.path('reports/runs'))).toBe(false);
  });

  it('compare --markdown under a file: refused before the records are compared; no other output is written', async () => {
    project = await tempProject({ 'out/notes': 'a file\n' });
    const specs = ['a', 'b'].flatMap((caseId) => [{ caseId, version: 'v1', pass: true }, { caseId, version: 'v2', pass: true }]);
    await writeRecord(project.path('run/run.jsonl'), specs.map((spec, index) => sample(spec, index)));
    const result = await runCli(['compare', 'run', '--baseline', 'version=v1', '--candidate', 'version=v2', '--no-html', '--json', 'out/cmp.json', '--markdown', 'out/notes/cmp.md'], project.root);
    expect(result.stderr).toContain(`${project.path('out/notes/cmp.md')}: the --markdown file would go under ${project.path('out/notes')}, which is a file`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(project.path('out/cmp.json'))).toBe(false);
  });

  it('baseline save --out <folder>: refused before the record is read', async () => {
    project = await tempProject({ 'baselines/echo/keep.txt': 'x' });
    await writeRecord(project.path('run/run.jsonl'), [sample({ caseId: 'a', version: 'v1', pass: true }, 0)]);
    const result = await runCli(['baseline', 'save', 'run', '--out', 'baselines/echo'], project.root);
    expect(result.stderr).toContain(`${project.path('baselines/echo')}: the --out file is a folder`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});
