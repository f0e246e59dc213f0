/**
 * The report file is written in two passes over the records (outline, then the case details one
 * chunk at a time); the in-memory `buildReportData` reads every row into one object. Both must give
 * the same page, and the details must be the record's own samples and the store's own prompts,
 * whatever order the record and the store hold them in.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareRecords } from '../../../src/compare/index.js';
import type { PromptStoreLine, SampleRecord } from '../../../src/records/types.js';
import { buildReportData, renderHtmlReport, writeHtmlReport, type ReportInput } from '../../../src/report/html/index.js';
import { DETAIL_CHUNK } from '../../../src/report/html/pageData.js';
import { tempProject, type TempProject } from '../../helpers/tempProject.js';
import { embeddedReport } from './embedded.js';
import { header, sample, writeComparisonFixture, writeRun } from './fixtures.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function streamedAndInMemory(input: ReportInput, file: string): Promise<{ streamed: string; inMemory: string }> {
  await writeHtmlReport(input, file);
  return { streamed: await readFile(file, 'utf8'), inMemory: renderHtmlReport(await buildReportData(input)) };
}

const CASE_COUNT = Math.ceil(DETAIL_CHUNK * 1.3);
const PROMPT_LIMIT = 60;

/**
 * Two versions × CASE_COUNT cases × 2 repeats: more than two detail chunks. Both versions share a
 * case's prompt (so a prompt is shown by an early and a late chunk); every 97th case's second
 * repeat has a prompt of its own; every 13th case's repeats are written in reverse order and
 * every 29th case's second repeat only after the next case; the store holds the prompts in
 * reverse order, lacks every 50th and has a few too long for the limit.
 */
function manyCases(): { samples: SampleRecord[]; prompts: PromptStoreLine[] } {
  const samples: SampleRecord[] = [];
  const prompts = new Map<string, PromptStoreLine>();
  for (const version of ['v1', 'v2']) {
    let late: SampleRecord | undefined;
    for (let n = 0; n < CASE_COUNT; n++) {
      const caseId = `case-${String(n).padStart(5, '0')}`;
      const repeats = [0, 1].map((repeat) => {
        const pass = (n + repeat) % 3 !== 0;
        const promptHash = repeat === 1 && n % 97 === 0 ? `own-${caseId}` : `shared-${caseId}`;
        const record = sample({ caseId, version, repeat, output: `${version} answer ${repeat} to ${caseId}`, pass, score: (n % 10) / 10, promptHash, tags: [`t${n % 4}`] }, 0);
        record.expected = { answer: caseId };
        if (!prompts.has(promptHash) && n % 50 !== 1) prompts.set(promptHash, { hash: promptHash, system: 'Answer briefly.', user: `Question ${caseId}${n % 40 === 0 ? ' — and a long tail that goes past the limit of the prompt' : ''}\nsecond line` });
        return record;
      });
      const ordered = n % 13 === 0 ? repeats.reverse() : repeats;
      samples.push(ordered[0]!);
      if (late) samples.push(late);
      late = undefined;
      if (n % 29 === 0) late = ordered[1];
      else samples.push(ordered[1]!);
    }
    if (late) samples.push(late);
  }
  samples.forEach((record, index) => (record.index = index));
  return { samples, prompts: [...prompts.values()].reverse() };
}

describe('the streamed report', () => {
  it('is byte for byte the page of the in-memory report data, for a run and a comparison', async () => {
    project = await tempProject({});
    const fixture = await writeComparisonFixture(project.root);
    const run = await streamedAndInMemory({ runs: [{ dir: fixture.candidate }] }, project.path('run.html'));
    expect(run.streamed).toBe(run.inMemory);
    const comparison = await streamedAndInMemory({ runs: [{ dir: fixture.baseline }, { dir: fixture.candidate }], comparison: fixture.comparison }, project.path('compare.html'));
    expect(comparison.streamed).toBe(comparison.inMemory);
    expect(embeddedReport(comparison.streamed).cases).toHaveLength(fixture.comparison.cells[0]!.cases.length);
  });

  it('shows each case of a record with several chunks of cases its own samples and prompts, whatever their order', async () => {
    project = await tempProject({});
    const { samples, prompts } = manyCases();
    const dir = await writeRun(project.path('run'), header('many', ['v1', 'v2'], ['model-a'], samples.length), samples, prompts);
    const input: ReportInput = { runs: [{ dir }], promptChars: PROMPT_LIMIT };
    const { streamed, inMemory } = await streamedAndInMemory(input, project.path('many.html'));
    expect(streamed).toBe(inMemory);

    const page = embeddedReport(streamed);
    expect(page.cases).toHaveLength(2 * CASE_COUNT);
    expect(page.data.limits.truncatedPrompts).toBe(prompts.filter((prompt) => prompt.user!.length > PROMPT_LIMIT).length);
    const stored = new Map(prompts.map((prompt) => [prompt.hash, prompt.user!]));
    const byCase = new Map<string, SampleRecord[]>();
    for (const record of samples) byCase.set(`${record.version} ${record.caseId}`, [...(byCase.get(`${record.version} ${record.caseId}`) ?? []), record]);
    for (const [index, row] of page.cases.entries()) {
      const version = index < CASE_COUNT ? 'v1' : 'v2';
      const inRecordOrder = byCase.get(`${version} ${row.id}`)!;
      // The side's prompt is its first sample's (in record order); a repeat names its own only when it differs.
      const sideHash = inRecordOrder[0]!.promptHash;
      const own = [...inRecordOrder].sort((a, b) => a.repeat - b.repeat);
      const { detail, chunk } = page.detail(index);
      expect(row.id).toBe(`case-${String(index % CASE_COUNT).padStart(5, '0')}`);
      expect(detail.expected).toBe(JSON.stringify({ answer: row.id }, null, 2));
      const side = detail.candidate!;
      expect(side.repeats.map((repeat) => repeat.o)).toEqual(own.map((record) => record.output));
      const promptOf = (p: number | string): string => {
        if (typeof p === 'string') return `missing ${p}`;
        return chunk.prompts[p]!.user!.map((line) => chunk.strings[line]).join('\n');
      };
      const shown = (hash: string): string => (stored.has(hash) ? stored.get(hash)!.slice(0, PROMPT_LIMIT) : `missing ${hash}`);
      expect(promptOf(side.p)).toBe(shown(sideHash));
      for (const [r, repeat] of side.repeats.entries()) {
        if (own[r]!.promptHash === sideHash) expect(repeat.p).toBeUndefined();
        else expect(promptOf(repeat.p!)).toBe(shown(own[r]!.promptHash));
      }
      expect(side.repeats[0]!.s.map(([, , , reason]) => chunk.strings[reason])).toEqual(own[0]!.scores.map((score) => score.reason));
    }
  });

  it('reads each side of a comparison of two cells of one run on its own, across chunks', async () => {
    project = await tempProject({});
    const { samples, prompts } = manyCases();
    const dir = await writeRun(project.path('run'), header('many', ['v1', 'v2'], ['model-a'], samples.length), samples, prompts);
    const file = join(dir, 'run.jsonl');
    const comparison = await compareRecords(file, file, { baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } });
    const input: ReportInput = { runs: [{ dir }], comparison };
    const { streamed, inMemory } = await streamedAndInMemory(input, project.path('cells.html'));
    expect(streamed).toBe(inMemory);
    const page = embeddedReport(streamed);
    expect(page.cases).toHaveLength(CASE_COUNT);
    const last = page.detail(CASE_COUNT - 1).detail;
    const lastId = `case-${String(CASE_COUNT - 1).padStart(5, '0')}`;
    expect(last.baseline!.repeats.map((repeat) => repeat.o)).toEqual([`v1 answer 0 to ${lastId}`, `v1 answer 1 to ${lastId}`]);
    expect(last.candidate!.repeats.map((repeat) => repeat.o)).toEqual([`v2 answer 0 to ${lastId}`, `v2 answer 1 to ${lastId}`]);
  });
});
