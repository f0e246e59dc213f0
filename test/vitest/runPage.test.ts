/**
 * The vitest reporter's page of a run: a page that cannot be written is said on stderr, with how to
 * write it again, and fails the test run's exit code unless it has failed already. A folder where
 * the page goes makes it fail, as a user's folder of that name would.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeRunPage } from '../../src/vitest/runPage.js';
import { header, sample, writeRun } from '../report/html/fixtures.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject | undefined;
const exitCodeBefore = process.exitCode;
afterEach(async () => {
  process.exitCode = exitCodeBefore;
  vi.restoreAllMocks();
  await project?.cleanup();
  project = undefined;
});

async function aRun(): Promise<string> {
  project = await tempProject({});
  const samples = [sample({ caseId: 'c1', version: 'v1', repeat: 0, output: 'yes', pass: true }, 0)];
  return writeRun(project.path('run'), header('echo', ['v1'], ['model-a'], 1), samples);
}

function stderr(): () => string {
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return () => write.mock.calls.map((call) => String(call[0])).join('');
}

describe('the vitest reporter: a run page', () => {
  it('is written into the run folder, and the exit code is left alone', async () => {
    const dir = await aRun();
    process.exitCode = undefined;
    await writeRunPage(dir);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(process.exitCode).toBeUndefined();
  });

  it('that cannot be written is said on stderr with how to write it again, and fails the exit code', async () => {
    const dir = await aRun();
    await mkdir(join(dir, 'report.html'));
    const said = stderr();
    process.exitCode = undefined;
    await writeRunPage(dir);
    const exitCode = process.exitCode;
    process.exitCode = exitCodeBefore;
    expect(said()).toContain(`promptgold: the HTML report of ${dir} was not written: ${join(dir, 'report.html')}: the report page is a folder`);
    expect(said()).toContain(`once the cause is mended, \`promptgold report ${dir}\` writes the page`);
    expect(exitCode).toBe(2);
  });

  it('keeps the code of a test run that has failed already', async () => {
    const dir = await aRun();
    await mkdir(join(dir, 'report.html'));
    stderr();
    process.exitCode = 1;
    await writeRunPage(dir);
    const exitCode = process.exitCode;
    process.exitCode = exitCodeBefore;
    expect(exitCode).toBe(1);
  });
});
