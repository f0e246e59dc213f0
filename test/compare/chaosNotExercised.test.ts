import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveBaseline } from '../../src/compare/baselineFile.js';
import { compareRecords } from '../../src/compare/compareRuns.js';
import type { ComparisonResult } from '../../src/compare/types.js';
import type { SampleRecord } from '../../src/records/types.js';
import { formatComparison } from '../../src/report/compareConsole.js';
import { buildReportData } from '../../src/report/html/buildReportData.js';
import { RowFlag } from '../../src/report/html/types.js';
import { renderJUnit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { verdictSentences } from '../../src/report/reasons.js';
import { topRegressions } from '../../src/report/caseDetails.js';
import { sample, writeRecord } from './records.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-chaos-compare-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Mark = 'marked' | 'same-prompt' | 'read' | undefined;

/**
 * 12 golden cases that pass on both sides, each with one chaos variant: the variant passes in the
 * baseline and fails in the candidate. `mark` says what each side's record says of the variants.
 */
function side(version: 'v1' | 'v2', mark: Mark): SampleRecord[] {
  const samples: SampleRecord[] = [];
  for (let g = 0; g < 12; g++) {
    samples.push(sample({ caseId: `g${g}`, version, pass: true }));
    const chaos = sample({ caseId: `g${g}~homoglyphs`, version, pass: version === 'v1', chaosSource: `g${g}` });
    if (mark === 'marked') chaos.chaos!.notExercised = 'same-request';
    if (mark === 'same-prompt' || mark === 'read') chaos.promptHash = `p-g${g}`;
    if (mark === 'read') chaos.chaos!.readMutatedVars = true;
    samples.push(chaos);
  }
  return samples;
}

async function compareMarked(name: string, baseline: Mark, candidate: Mark): Promise<ComparisonResult> {
  const before = await writeRecord(join(dir, name, 'baseline/run.jsonl'), side('v1', baseline));
  const after = await writeRecord(join(dir, name, 'candidate/run.jsonl'), side('v2', candidate));
  return compareRecords(before, after, { root: dir, baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } });
}

function chaosNote(result: ComparisonResult) {
  return result.cells[0]!.verdict.reasons.find((reason) => reason.rule === 'chaos_not_exercised');
}

describe('chaos cases that did not exercise their mutation', () => {
  it('counts as ever when both sides exercised them: the operator slice and the clusters see the drop', async () => {
    const cell = (await compareMarked('both-exercised', undefined, undefined)).cells[0]!;
    expect(cell.stats.n).toBe(24);
    expect(cell.stats.passRateDiff.clustered).toBe(true);
    expect(cell.slices.find((s) => s.slice === 'operator:homoglyphs')).toMatchObject({ n: 12 });
    expect(chaosNote({ cells: [cell] } as ComparisonResult)).toBeUndefined();
  });

  it('leaves a case out when the candidate marked it not exercised, and says how many', async () => {
    const result = await compareMarked('candidate-marked', undefined, 'marked');
    const cell = result.cells[0]!;
    expect(cell.stats.n).toBe(12);
    expect(cell.stats.passRateDiff).toMatchObject({ clustered: false, estimate: 0 });
    expect(cell.slices.some((s) => s.slice === 'operator:homoglyphs' || s.slice === 'tag:chaos')).toBe(false);
    expect(cell.cases.find((c) => c.caseId === 'g0~homoglyphs')!.chaos!.notExercised).toEqual({ candidate: 'same-request' });
    expect(chaosNote(result)).toEqual({ rule: 'chaos_not_exercised', values: { cases: 12, baseline: {}, candidate: { 'same-request': 12 }, paired: 12 } });
    // Nor are they counted as regressions anywhere: the counts, the Markdown's top regressions, JUnit failures.
    expect(cell.counts.regressed).toBe(0);
    expect(renderMarkdown(result)).not.toContain('Top regressions');
    const junit = renderJUnit(result);
    expect(junit).toMatch(/<testsuite name="[^"]+" tests="25" failures="0" errors="0" skipped="12">/);
    expect(junit).toContain('<skipped message="a chaos case the candidate did not exercise (its request was its source&apos;s): left out of the statistics; regressed: pass 1/1 → 0/1');
  });

  it('leaves it out when only the baseline marked it (the candidate exercised it)', async () => {
    const result = await compareMarked('baseline-marked', 'marked', undefined);
    expect(result.cells[0]!.stats.n).toBe(12);
    expect(chaosNote(result)!.values).toEqual({ cases: 12, baseline: { 'same-request': 12 }, candidate: {}, paired: 12 });
  });

  it('a baseline from before runs checked: an unmarked case with its source case\'s prompt is left out', async () => {
    const result = await compareMarked('baseline-predates', 'same-prompt', undefined);
    expect(result.cells[0]!.stats.n).toBe(12);
    expect(chaosNote(result)!.values).toEqual({ cases: 12, baseline: { 'same-prompt': 12 }, candidate: {}, paired: 12 });
  });

  it('a provider that read the mutated variable exercised it, though the prompt was the source\'s', async () => {
    const result = await compareMarked('read', 'read', 'read');
    expect(result.cells[0]!.stats.n).toBe(24);
    expect(chaosNote(result)).toBeUndefined();
  });

  it('a saved baseline keeps the mark', async () => {
    const run = await writeRecord(join(dir, 'saved/run/run.jsonl'), side('v1', 'marked'));
    const saved = await saveBaseline(run, { root: dir, out: join(dir, 'saved/demo.baseline.jsonl') });
    const after = await writeRecord(join(dir, 'saved/candidate/run.jsonl'), side('v2', undefined));
    const result = await compareRecords(saved.file, after, { root: dir, baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } });
    expect(chaosNote(result)!.values).toEqual({ cases: 12, baseline: { 'same-request': 12 }, candidate: {}, paired: 12 });
  });

  it('every compare report says it in the same words', async () => {
    const result = await compareMarked('words', 'same-prompt', 'marked');
    const sentence = verdictSentences(result.cells[0]!.verdict).find((text) => text.startsWith('12 chaos cases not exercised'));
    expect(sentence).toBe(
      "12 chaos cases not exercised (baseline: 12 with their source case's prompt, in a record from before runs checked; candidate: 12 whose request was their source case's): the mutation did not reach the model, so they would only repeat their source cases' change; not in the statistics (interval, clusters, slices), which are over the 12 paired cases left",
    );
    expect(formatComparison(result)).toContain(sentence);
    expect(renderMarkdown(result)).toContain(sentence);
    const page = await buildReportData({ runs: [{ dir: join(dir, 'words/baseline') }, { dir: join(dir, 'words/candidate') }], comparison: result });
    expect(JSON.stringify(page)).toContain(JSON.stringify(sentence).slice(1, -1));
    // The page's "regressed" filter agrees with its count: the left-out variants keep their status only.
    expect(page.cases.filter((row) => row.status === 'regressed')).toHaveLength(12);
    expect(page.cases.filter((row) => row.flags & RowFlag.regressed)).toHaveLength(0);
  });
});

describe('a chaos case left out of the statistics counts as nothing, wherever a case status is counted', () => {
  /**
   * 6 golden cases that pass everywhere, each with a chaos variant the candidate marked not
   * exercised; the variants of g0..g2 regress, those of g3..g5 pass once and fail once in the
   * candidate (flaky). None of them is evidence: the counts, the page's flags and cards, the top
   * regressions and JUnit must all say so alike.
   */
  function flakySide(version: 'v1' | 'v2'): SampleRecord[] {
    const samples: SampleRecord[] = [];
    for (let g = 0; g < 6; g++) {
      for (const repeat of [0, 1]) {
        samples.push(sample({ caseId: `g${g}`, version, repeat, pass: true }));
        const pass = version === 'v1' || (g >= 3 && repeat === 0);
        const chaos = sample({ caseId: `g${g}~homoglyphs`, version, repeat, pass, chaosSource: `g${g}` });
        if (version === 'v2') chaos.chaos!.notExercised = 'same-request';
        samples.push(chaos);
      }
    }
    return samples;
  }

  it('the counts, the HTML flags, the top regressions and JUnit agree', async () => {
    const before = await writeRecord(join(dir, 'counted/baseline/run.jsonl'), flakySide('v1'), { header: { options: { repeats: 2 } } });
    const after = await writeRecord(join(dir, 'counted/candidate/run.jsonl'), flakySide('v2'), { header: { options: { repeats: 2 } } });
    const result = await compareRecords(before, after, { root: dir, baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } });
    const cell = result.cells[0]!;
    const statuses = Object.fromEntries(cell.cases.map((c) => [c.caseId, c.status]));
    expect(statuses).toMatchObject({ 'g0~homoglyphs': 'regressed', 'g3~homoglyphs': 'flaky' });
    expect(cell.counts).toMatchObject({ 'unchanged-pass': 6, regressed: 0, flaky: 0 });
    expect(topRegressions(cell, 100)).toEqual([]);
    expect(renderJUnit(result)).toMatch(/tests="13" failures="0" errors="0" skipped="6"/);
    const page = await buildReportData({ runs: [{ dir: join(dir, 'counted/baseline') }, { dir: join(dir, 'counted/candidate') }], comparison: result });
    const flagged = (flag: number) => page.cases.filter((row) => row.flags & flag).length;
    // The page's chips count flags, its cards count `counts`: one number each.
    expect(flagged(RowFlag.regressed)).toBe(cell.counts.regressed);
    expect(flagged(RowFlag.improved)).toBe(cell.counts.improved);
    expect(flagged(RowFlag.flaky)).toBe(cell.counts.flaky);
  });
});
