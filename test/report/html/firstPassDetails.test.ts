/**
 * A record in the page's order (as `promptgold run` writes it) has its case details made in the
 * first pass and spooled; any other order leaves them to the second pass. Either way the page is
 * byte for byte the in-memory report's, and no spool file is left behind.
 */
import { appendFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import type { PromptStoreLine, SampleRecord } from '../../../src/records/types.js';
import { buildReportData, renderHtmlReport, writeHtmlReport, type ReportInput } from '../../../src/report/html/index.js';
import { reportOutline } from '../../../src/report/html/outline.js';
import { DETAIL_CHUNK } from '../../../src/report/html/pageData.js';
import { PROMPTS_READ_AHEAD, storeRereadShare } from '../../../src/report/html/firstPassDetails.js';
import { tempProject, type TempProject } from '../../helpers/tempProject.js';
import { embeddedReport } from './embedded.js';
import { header, sample, writeRun } from './fixtures.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const CASE_COUNT = Math.ceil(DETAIL_CHUNK * 2.5);
const PROMPT_LIMIT = 40;

interface Run {
  versions: string[];
  models: string[];
  samples: SampleRecord[];
  prompts: PromptStoreLine[];
}

/**
 * Each version's cells (a model's cases) in order, each case's two repeats together, the prompts
 * stored once, in the order first used: each model of a version shows the same prompts. Repeat 0
 * has the case's own prompt (every 9th too long for the limit); every 7th case's repeat 1 has the
 * version's common prompt, so every chunk shows it.
 */
function inPageOrder(versions = ['v1', 'v2'], models = ['model-a'], cases = CASE_COUNT, padding = ''): Run {
  const samples: SampleRecord[] = [];
  const prompts = new Map<string, PromptStoreLine>();
  for (const version of versions) {
    for (const model of models) {
      for (let n = 0; n < cases; n++) {
        const caseId = `case-${String(n).padStart(4, '0')}`;
        for (const repeat of [0, 1]) {
          const common = repeat === 1 && n % 7 === 0;
          const promptHash = common ? `common-${version}` : `own-${version}-${caseId}`;
          const record = sample({ caseId, version, repeat, output: `${version} ${model} answer ${repeat} to ${caseId}`, pass: (n + repeat) % 3 !== 0, score: (n % 10) / 10, promptHash, tags: [`t${n % 3}`] }, 0);
          record.model = model;
          record.expected = { answer: caseId };
          samples.push(record);
          const user = common ? `Common to ${version}` : `Question ${caseId}${n % 9 === 0 ? ' with a tail past the limit of the prompt' : ''}${padding}`;
          if (!prompts.has(promptHash)) prompts.set(promptHash, { hash: promptHash, system: 'Answer briefly.', user });
        }
      }
    }
  }
  samples.forEach((record, index) => (record.index = index));
  return { versions, models, samples, prompts: [...prompts.values()] };
}

/**
 * Writes the run and its report, and gives why the first pass left the details to the second
 * (undefined when it spooled them) and the page, checked against the in-memory page.
 */
async function report(run: Run, declared = run.versions): Promise<{ why: string | undefined; page: string }> {
  project ??= await tempProject({});
  const dir = await writeRun(project.path(`run-${++runs}`), header('order', declared, run.models, run.samples.length), run.samples, run.prompts);
  const input: ReportInput = { runs: [{ dir }], promptChars: PROMPT_LIMIT };
  const outline = await reportOutline(input, { spoolFile: join(dir, 'outline.details.tmp') });
  const file = join(dir, 'report.html');
  await writeHtmlReport(input, file);
  const page = await readFile(file, 'utf8');
  expect(page).toBe(renderHtmlReport(await buildReportData(input)));
  // The outline's spool is the caller's to remove; the report's own is gone.
  expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual(outline.spooledDetails ? ['outline.details.tmp'] : []);
  return { why: outline.whyNotSpooled, page };
}

let runs = 0;

function moved<T>(items: T[], from: number, to: number): T[] {
  const copy = [...items];
  copy.splice(to, 0, ...copy.splice(from, 1));
  return copy;
}

describe('case details made in the first pass', () => {
  it('are spooled for a record in the page order and give the in-memory page', async () => {
    const run = inPageOrder();
    const { why, page } = await report(run);
    expect(why).toBeUndefined();
    const shown = embeddedReport(page);
    expect(shown.cases).toHaveLength(2 * CASE_COUNT);
    expect(shown.data.limits.truncatedPrompts).toBe(run.prompts.filter((prompt) => prompt.user!.length > PROMPT_LIMIT).length);
    // The common prompt, read once, is shown by the last chunk too.
    const lastCommon = CASE_COUNT - 1 - ((CASE_COUNT - 1) % 7);
    const { detail, chunk } = shown.detail(CASE_COUNT + lastCommon);
    const prompt = chunk.prompts[detail.candidate!.repeats[1]!.p as number]!;
    expect(prompt.user!.map((line) => chunk.strings[line]).join('\n')).toBe('Common to v2');
  });

  it('are spooled when a declared cell has no samples, and for a run without samples', async () => {
    expect((await report(inPageOrder(['v1', 'v3']), ['v1', 'v2', 'v3'])).why).toBeUndefined();
    expect((await report({ versions: ['v1'], models: ['model-a'], samples: [], prompts: [] })).why).toBeUndefined();
  });

  it('are left to the second pass, with the same page, when the record is in another order', async () => {
    const run = inPageOrder();
    // A case's second repeat after the next case.
    expect((await report({ ...run, samples: moved(run.samples, 2 * DETAIL_CHUNK + 1, 2 * DETAIL_CHUNK + 3) })).why).toBe('case case-0100 has samples apart');
    // The versions' cells interleaved.
    const v1 = run.samples.slice(0, 2 * CASE_COUNT);
    const v2 = run.samples.slice(2 * CASE_COUNT);
    const interleaved = v1.flatMap((record, index) => (index % 2 === 1 ? [record, v2[index - 1]!, v2[index]!] : [record]));
    expect((await report({ ...run, samples: interleaved })).why).toBe('the samples of cell v1 × model-a are apart');
    // The header declares the cells in the other order: the page shows v2's cell first.
    expect((await report(run, ['v2', 'v1'])).why).toBe('the rows are in another order than the record');
  });

  it('are spooled for a run of several models, whose cells show the same prompts, stored once', async () => {
    const run = inPageOrder(['v1', 'v2'], ['model-a', 'model-b']);
    const { why, page } = await report(run);
    expect(why).toBeUndefined();
    const shown = embeddedReport(page);
    expect(shown.cases).toHaveLength(4 * CASE_COUNT);
    expect(shown.data.limits.truncatedPrompts).toBe(run.prompts.filter((prompt) => prompt.user!.length > PROMPT_LIMIT).length);
    // The last cell (v2 × model-b) shows its first case's own prompt, stored while v2 × model-a was read.
    const { detail, chunk } = shown.detail(3 * CASE_COUNT);
    const prompt = chunk.prompts[detail.candidate!.p as number]!;
    expect(prompt.user!.map((line) => chunk.strings[line]).join('\n')).toBe('Question case-0000 with a tail past the limit of the prompt'.slice(0, PROMPT_LIMIT));
  });

  it('are spooled for a run of three models whose cells end and start inside chunks', async () => {
    // Cells of 150 cases: the second model's first chunk is made only once the third model's cell has started.
    const run = inPageOrder(['v1'], ['model-a', 'model-b', 'model-c'], 150);
    expect((await report(run)).why).toBeUndefined();
  });

  it('are left to the second pass when the later models would read a large prompt store again more than the record once', async () => {
    expect(storeRereadShare(1, 2)).toBe(1);
    expect(storeRereadShare(3, 2)).toBe(2);
    expect(storeRereadShare(1, 3)).toBe(2);
    const run = inPageOrder(['v1', 'v2', 'v3'], ['model-a', 'model-b'], 30, ` ${'context '.repeat(300)}`);
    expect((await report(run)).why).toBe('its later models would read the prompt store again more than the record once');
  });

  it('are left to the second pass when a cell misses a prompt more often than it may read the store again', async () => {
    const run = inPageOrder(['v1'], ['model-a', 'model-b']);
    // In the second cell, a case far along shows the first case's prompt again: the cell's one rewind is spent at its start.
    const late = `case-${String(2 * DETAIL_CHUNK + 1).padStart(4, '0')}`;
    const samples = run.samples.map((record) => (record.model === 'model-b' && record.caseId === late ? { ...record, promptHash: 'own-v1-case-0000' } : record));
    expect((await report({ ...run, samples })).why).toBe('the prompt store is not in step with the record');
  });

  it('are left to the second pass when the prompt store is not in step', async () => {
    const run = inPageOrder();
    const notInStep = 'the prompt store is not in step with the record';
    // A prompt the store lacks.
    expect((await report({ ...run, prompts: run.prompts.filter((prompt) => prompt.hash !== `own-v2-case-0042`) })).why).toBe(notInStep);
    // More prompts stored ahead of the first than may be held.
    const reversed = [...run.prompts].reverse();
    expect(reversed.length).toBeGreaterThan(PROMPTS_READ_AHEAD);
    expect((await report({ ...run, prompts: reversed })).why).toBe(notInStep);
  });

  it('read the store again from its start for a prompt dropped after an earlier chunk, once per cell', async () => {
    const run = inPageOrder();
    const caseAt = (n: number): string => `case-${String(n).padStart(4, '0')}`;
    const showing = (shown: Record<string, string>): SampleRecord[] =>
      run.samples.map((record) => (record.version === 'v1' && shown[record.caseId] ? { ...record, promptHash: shown[record.caseId]! } : record));
    // Shown by the first chunk and again by the third, not by the second (dropped in between).
    expect((await report({ ...run, samples: showing({ [caseAt(2 * DETAIL_CHUNK + 1)]: 'own-v1-case-0001' }) })).why).toBeUndefined();
    // Two such prompts in one cell, the second stored before the first: read again, the store is out of step.
    const twice = showing({ [caseAt(2 * DETAIL_CHUNK + 1)]: 'own-v1-case-0002', [caseAt(2 * DETAIL_CHUNK + 2)]: 'own-v1-case-0001' });
    expect((await report({ ...run, samples: twice })).why).toBe('the prompt store is not in step with the record');
  });

  it('are left to the second pass when the spool cannot be written, and what was there is kept', async () => {
    project = await tempProject({});
    const run = inPageOrder(['v1']);
    const dir = await writeRun(project.path('run'), header('order', ['v1'], ['model-a'], run.samples.length), run.samples, run.prompts);
    const file = join(dir, 'report.html');
    await mkdir(`${file}.details.tmp`);
    const input: ReportInput = { runs: [{ dir }], promptChars: PROMPT_LIMIT };
    const outline = await reportOutline(input, { spoolFile: `${file}.details.tmp` });
    expect(outline.whyNotSpooled).toMatch(/^the spool could not be written \(EISDIR/);
    await writeHtmlReport(input, file);
    expect(await readFile(file, 'utf8')).toBe(renderHtmlReport(await buildReportData(input)));
    expect((await stat(`${file}.details.tmp`)).isDirectory()).toBe(true);
  });

  it('still read the whole prompt store: a damaged line after the last prompt shown is an error', async () => {
    project = await tempProject({});
    const run = inPageOrder(['v1']);
    const dir = await writeRun(project.path('run'), header('order', ['v1'], ['model-a'], run.samples.length), run.samples, run.prompts);
    await appendFile(join(dir, 'prompts.jsonl'), '{"hash": \n{"hash":"unused","user":"not shown"}\n');
    const error = await writeHtmlReport({ runs: [{ dir }] }, join(dir, 'report.html')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location).toMatchObject({ file: join(dir, 'prompts.jsonl'), line: run.prompts.length + 1 });
    expect((await readdir(dir)).sort()).toEqual(['prompts.jsonl', 'run.jsonl']);
  });

  it('leave no spool behind when the record is damaged past the first chunks', async () => {
    project = await tempProject({});
    const run = inPageOrder(['v1']);
    const dir = await writeRun(project.path('run'), header('order', ['v1'], ['model-a'], run.samples.length), run.samples, run.prompts);
    const record = join(dir, 'run.jsonl');
    const lines = (await readFile(record, 'utf8')).split('\n');
    lines.splice(3 * DETAIL_CHUNK, 1, '{"type":"sample",');
    await writeFile(record, lines.join('\n'));
    const error = await writeHtmlReport({ runs: [{ dir }] }, join(dir, 'report.html')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location.line).toBe(3 * DETAIL_CHUNK + 1);
    expect((await readdir(dir)).sort()).toEqual(['prompts.jsonl', 'run.jsonl']);
  });
});
