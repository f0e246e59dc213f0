import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { calibrationPath, writeCalibration } from '../../../src/judge/calibration/store.js';
import { calibrationFileBeside } from '../../../src/report/html/calibration.js';
import { buildReportData, renderHtmlReport } from '../../../src/report/html/index.js';
import { tempProject, type TempProject } from '../../helpers/tempProject.js';
import { calibrationFixture, handMadeComparison, header, HOSTILE, promptsFor, samplesFor, writeRun } from './fixtures.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** A run of suite `tickets` where `promptgold run` puts it: `<outDir>/runs/<id>/`. */
async function runInOutDir(outDir: string, id: string, version = 'v2'): Promise<string> {
  return writeRun(`${outDir}/runs/${id}`, header('tickets', [version], ['model-a'], 14), samplesFor(version, version === 'v1' ? 'base' : 'cand'), promptsFor(version));
}

describe('calibration in the report data', () => {
  it('picks up <outDir>/calibration/<suite>.json beside a run folder', async () => {
    project = await tempProject();
    const outDir = project.path('reports');
    const run = await runInOutDir(outDir, 'r1');
    await writeCalibration(calibrationPath(outDir, 'tickets'), calibrationFixture());
    const data = await buildReportData({ runs: [{ dir: run }] });
    const c = data.calibration!;
    expect(c).toBeDefined();
    expect([c.suite, c.scorer, c.judgeModel, c.scale, c.labeled, c.unscored, c.labeledOutput]).toEqual(['tickets', 'quality', 'judge-model-x', 'pass-fail', 13, 1, 'p v2 × model-a']);
    expect(c.agreement).toEqual({
      n: 12, percentAgreement: 0.75, kappa: 0.5, kappaKind: 'cohen', cohensKappa: 0.5, categories: ['pass', 'fail'],
      confusion: [[5, 1], [2, 4]], truePositiveRate: 0.833333, trueNegativeRate: 0.666667,
    });
    expect(c.disagreements.map((d) => [d.caseId, d.human, d.judge])).toEqual([['c2-login', 'fail', 'pass'], [HOSTILE.id, 'fail', 'pass'], ['c3-export', 'pass', 'fail']]);
    // Reasons are shown like outputs: hidden controls made visible, markup left as text.
    expect(c.disagreements[2]!.reason).toBe('not concise ⟨U+202E⟩enough');
    expect(c.disagreements[1]!.reason).toBe(HOSTILE.handler + HOSTILE.script + HOSTILE.closeScript);
    expect(c.noise).toEqual({ judgementsRequested: 3, judgementsPerOutput: { fewest: 3, most: 3 }, outputs: 13, unanimous: 0.923077, pairwiseAgreement: 0.948718, meanStdev: 0.036262, maxStdev: 0.157135 });
    expect(c.failures).toEqual({ count: 0 });
    expect(data.warnings).toEqual([]);
  });

  it('carries the failed calls of the calibration, with the first one made safe to show', async () => {
    project = await tempProject();
    const outDir = project.path('reports');
    const run = await runInOutDir(outDir, 'r1');
    const failures = [
      { caseId: 'c1', judgement: 3, reason: 'judge call failed (replay_miss: no recorded response \u202E)' },
      { caseId: 'c2', judgement: 3, reason: 'judge call failed (replay_miss: …)' },
    ];
    await writeCalibration(calibrationPath(outDir, 'tickets'), { ...calibrationFixture(), failures });
    const c = (await buildReportData({ runs: [{ dir: run }] })).calibration!;
    expect(c.failures).toEqual({ count: 2, first: { caseId: 'c1', reason: 'judge call failed (replay_miss: no recorded response ⟨U+202E⟩)' } });
  });

  it('has no calibration (and no warning) when the suite was never calibrated', async () => {
    project = await tempProject();
    const outDir = project.path('reports');
    const run = await runInOutDir(outDir, 'r1');
    await writeCalibration(calibrationPath(outDir, 'other-suite'), calibrationFixture('other-suite'));
    const data = await buildReportData({ runs: [{ dir: run }] });
    expect('calibration' in data).toBe(false);
    expect(data.warnings).toEqual([]);
  });

  it('looks beside the candidate run of a comparison', async () => {
    project = await tempProject();
    const baselineOut = project.path('old', 'reports');
    const candidateOut = project.path('reports');
    const baseline = await runInOutDir(baselineOut, 'b', 'v1');
    const candidate = await runInOutDir(candidateOut, 'c', 'v2');
    await writeCalibration(calibrationPath(baselineOut, 'tickets'), { ...calibrationFixture(), judgeModel: 'baseline-side' });
    await writeCalibration(calibrationPath(candidateOut, 'tickets'), calibrationFixture());
    const data = await buildReportData({ runs: [{ dir: baseline }, { dir: candidate }], comparison: handMadeComparison() });
    expect(data.calibration?.judgeModel).toBe('judge-model-x');
  });

  it('prefers an explicit calibration to the file', async () => {
    project = await tempProject();
    const outDir = project.path('reports');
    const run = await runInOutDir(outDir, 'r1');
    await writeCalibration(calibrationPath(outDir, 'tickets'), calibrationFixture());
    const explicit = { ...calibrationFixture(), judgeModel: 'explicit-judge', scale: '1-5' as const };
    const data = await buildReportData({ runs: [{ dir: run }], calibration: explicit });
    expect([data.calibration?.judgeModel, data.calibration?.scale]).toEqual(['explicit-judge', '1-5']);
  });

  it('warns about an unusable calibration file instead of failing the report', async () => {
    project = await tempProject();
    const outDir = project.path('reports');
    const run = await runInOutDir(outDir, 'r1');
    const file = calibrationPath(outDir, 'tickets');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, '{"type":"calibration","suite":"tickets"');
    let data = await buildReportData({ runs: [{ dir: run }] });
    expect(data.calibration).toBeUndefined();
    expect(data.warnings).toEqual([expect.stringMatching(/calibration file .*tickets\.json is not JSON/)]);
    await writeFile(file, JSON.stringify({ ...calibrationFixture(), agreement: { kappa: 'high' } }));
    data = await buildReportData({ runs: [{ dir: run }] });
    expect(data.warnings).toEqual([expect.stringMatching(/is not a calibration report \(agreement\./)]);
  });

  it('only looks beside run.jsonl records, two folders up', () => {
    expect(calibrationFileBeside('/p/reports/runs/r1/run.jsonl', 'a b/c')).toBe('/p/reports/calibration/a_b_c.json');
    expect(calibrationFileBeside('/p/baselines/tickets.jsonl', 'tickets')).toBeNull();
  });

  it('renders the same bytes every time and keeps hostile reasons inside the JSON as escaped text', async () => {
    project = await tempProject();
    const outDir = project.path('reports');
    const run = await runInOutDir(outDir, 'r1');
    await writeCalibration(calibrationPath(outDir, 'tickets'), calibrationFixture());
    const first = renderHtmlReport(await buildReportData({ runs: [{ dir: run }] }));
    const second = renderHtmlReport(await buildReportData({ runs: [{ dir: run }] }));
    expect(second).toBe(first);
    expect(first).toContain('id="tab-calibration"');
    expect(first).not.toMatch(/<(img|svg|a|b)\b/i);
    // The overview data, the app, the case list and one chunk of case details: no reason closed a tag.
    expect(first.match(/<\/script>/g)).toHaveLength(4);
  });
});
