/**
 * The report file appears only when it is whole: it is written beside its place and moved there at
 * the end, so a report that fails on the way leaves the page that was there before, not half a page.
 * The second pass is made to fail here after its first chunk of details, as a record changed
 * between the passes or a full disk would. A page path that is not a regular file (a symbolic
 * link, a pipe) is written in place, where it points: a rename would replace it; a folder is refused.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SampleRecord } from '../../../src/records/types.js';
import { buildReportData, renderHtmlReport, writeHtmlReport, type ReportInput } from '../../../src/report/html/index.js';
import { DETAIL_CHUNK } from '../../../src/report/html/pageData.js';
import { tempProject, type TempProject } from '../../helpers/tempProject.js';
import { header, sample, writeComparisonFixture, writeRun } from './fixtures.js';

const secondPass = vi.hoisted(() => ({ failAfterChunks: Infinity, chunksMade: 0, beforeFirstChunk: undefined as (() => Promise<void>) | undefined }));

vi.mock('../../../src/report/html/details.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/report/html/details.js')>();
  return {
    ...original,
    async *detailChunks(...args: Parameters<typeof original.detailChunks>) {
      for await (const rows of original.detailChunks(...args)) {
        if (secondPass.chunksMade === 0) await secondPass.beforeFirstChunk?.();
        if (secondPass.chunksMade++ >= secondPass.failAfterChunks) throw new Error('ENOSPC: no space left on device, write');
        yield rows;
      }
    },
  };
});

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
  secondPass.failAfterChunks = Infinity;
  secondPass.chunksMade = 0;
  secondPass.beforeFirstChunk = undefined;
});

const PREVIOUS_PAGE = '<!doctype html><title>the report before</title>\n';

/**
 * A run of one version, 2 × DETAIL_CHUNK + 5 cases × 2 repeats. In the page's order each case's
 * repeats are together, so its details are made in the first pass and spooled; otherwise every
 * case's first repeat comes before any second one, so its details come from the second pass.
 */
async function runOf(dir: string, order: 'in page order' | 'out of page order'): Promise<string> {
  const cases = DETAIL_CHUNK * 2 + 5;
  const samples: SampleRecord[] = [];
  const add = (n: number, repeat: number) =>
    samples.push(sample({ caseId: `case-${String(n).padStart(4, '0')}`, version: 'v1', repeat, output: `answer ${n}.${repeat}`, pass: n % 3 !== 0 }, samples.length));
  if (order === 'in page order') for (let n = 0; n < cases; n++) for (const repeat of [0, 1]) add(n, repeat);
  else for (const repeat of [0, 1]) for (let n = 0; n < cases; n++) add(n, repeat);
  return writeRun(dir, header('order', ['v1'], ['model-a'], samples.length), samples);
}

describe('writeHtmlReport', () => {
  it('leaves the page that was there, and no partial file, when the second pass fails halfway', async () => {
    project = await tempProject({});
    const dir = await runOf(project.path('run'), 'out of page order');
    const file = join(dir, 'report.html');
    await writeFile(file, PREVIOUS_PAGE);
    secondPass.failAfterChunks = 1;
    await expect(writeHtmlReport({ runs: [{ dir }] }, file)).rejects.toThrow(/ENOSPC/);
    expect(secondPass.chunksMade).toBe(2);
    expect(await readFile(file, 'utf8')).toBe(PREVIOUS_PAGE);
    expect((await readdir(dir)).sort()).toEqual(['prompts.jsonl', 'report.html', 'run.jsonl']);
  });

  it('writes no file at all when a comparison report fails halfway and there was none', async () => {
    project = await tempProject({});
    const fixture = await writeComparisonFixture(project.root);
    const input: ReportInput = { runs: [{ dir: fixture.baseline }, { dir: fixture.candidate }], comparison: fixture.comparison };
    const out = project.path('out');
    secondPass.failAfterChunks = 0;
    await expect(writeHtmlReport(input, join(out, 'comparison.html'))).rejects.toThrow(/ENOSPC/);
    expect(await readdir(out)).toEqual([]);
  });

  it('leaves no partial file when the whole page cannot be moved into place', async () => {
    project = await tempProject({});
    const dir = await runOf(project.path('run'), 'out of page order');
    const file = join(dir, 'report.html');
    // A folder appears where the page goes once the page is known to be new: the rename fails.
    secondPass.beforeFirstChunk = async () => {
      await mkdir(join(file, 'in-the-way'), { recursive: true });
    };
    await expect(writeHtmlReport({ runs: [{ dir }] }, file)).rejects.toThrow(/could not be written: (ENOTEMPTY|EISDIR|EEXIST)/);
    expect(secondPass.chunksMade).toBe(3);
    expect((await readdir(dir)).sort()).toEqual(['prompts.jsonl', 'report.html', 'run.jsonl']);
    expect((await lstat(file)).isDirectory()).toBe(true);
  });

  it('refuses a page path that is a folder, or a link to one, before reading any record (exit 2)', async () => {
    project = await tempProject({});
    // The run does not exist: were it read first, the error would say so.
    const missing = project.path('no-such-run');
    const folder = project.path('out', 'report.html');
    await mkdir(folder, { recursive: true });
    const link = project.path('out', 'linked.html');
    await symlink(folder, link);
    for (const page of [folder, link]) {
      const refused = writeHtmlReport({ runs: [{ dir: missing }] }, page);
      await expect(refused).rejects.toThrow(`${page}: the report page is a folder\n  hint: give a file for the page, e.g. ${join(page, 'report.html')}, or move the folder`);
      await expect(refused).rejects.toMatchObject({ exitCode: 2 });
    }
    expect(await readdir(folder)).toEqual([]);
  });

  it('refuses a page path under a file before reading any record (exit 2)', async () => {
    project = await tempProject({});
    const file = project.path('notes.txt');
    await writeFile(file, 'a file, not a folder\n');
    const page = join(file, 'pages', 'report.html');
    const refused = writeHtmlReport({ runs: [{ dir: project.path('no-such-run') }] }, page);
    await expect(refused).rejects.toThrow(`${page}: the report page would go under ${file}, which is a file`);
    await expect(refused).rejects.toMatchObject({ exitCode: 2 });
  });

  it('says a page that cannot be written is an error of the machine (exit 3), naming the page, not an internal error', async () => {
    project = await tempProject({});
    const dir = await runOf(project.path('run'), 'in page order');
    const file = join(dir, 'report.html');
    // The page's temporary file cannot be made: a folder holds its name.
    await mkdir(`${file}.page.tmp`);
    const failed = writeHtmlReport({ runs: [{ dir }] }, file);
    await expect(failed).rejects.toThrow(`the report page ${file} could not be written: EISDIR`);
    await expect(failed).rejects.toMatchObject({ exitCode: 3, name: 'InfrastructureError' });
    expect((await readdir(dir)).sort()).toEqual(['prompts.jsonl', 'report.html.page.tmp', 'run.jsonl']);
  });

  it('writes through a symbolic link at the page path, keeping the link', async () => {
    project = await tempProject({});
    const dir = await runOf(project.path('run'), 'out of page order');
    const served = project.path('served.html');
    await writeFile(served, PREVIOUS_PAGE);
    const file = join(dir, 'report.html');
    await symlink(served, file);
    await writeHtmlReport({ runs: [{ dir }] }, file);
    expect((await lstat(file)).isSymbolicLink()).toBe(true);
    expect(await readFile(served, 'utf8')).toBe(renderHtmlReport(await buildReportData({ runs: [{ dir }] })));
  });

  it.skipIf(process.platform === 'win32')('writes the whole page, in one stream, into a named pipe at the page path', async () => {
    project = await tempProject({});
    const dir = await runOf(project.path('run'), 'in page order');
    const file = join(dir, 'report.html');
    execFileSync('mkfifo', [file]);
    const chunks: Buffer[] = [];
    const reading = new Promise<void>((done, fail) => {
      createReadStream(file).on('data', (chunk) => chunks.push(chunk as Buffer)).on('end', done).on('error', fail);
    });
    await writeHtmlReport({ runs: [{ dir }] }, file);
    await reading;
    expect(Buffer.concat(chunks).toString('utf8')).toBe(renderHtmlReport(await buildReportData({ runs: [{ dir }] })));
    expect((await lstat(file)).isFIFO()).toBe(true);
  });

  it('replaces the page that was there when it is whole, leaving nothing beside it', async () => {
    project = await tempProject({});
    const dir = await runOf(project.path('run'), 'out of page order');
    const file = join(dir, 'report.html');
    await writeFile(file, PREVIOUS_PAGE);
    await writeHtmlReport({ runs: [{ dir }] }, file);
    expect(secondPass.chunksMade).toBe(3);
    expect(await readFile(file, 'utf8')).toBe(renderHtmlReport(await buildReportData({ runs: [{ dir }] })));
    expect((await readdir(dir)).sort()).toEqual(['prompts.jsonl', 'report.html', 'run.jsonl']);
  });
});
