import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { saveBaseline } from '../../../src/compare/baselineFile.js';
import { compareRecords } from '../../../src/compare/index.js';
import { loadSuite } from '../../../src/engine/loadSuite.js';
import { runSuite } from '../../../src/engine/run.js';
import { createFunctionProvider } from '../../../src/providers/function.js';
import { readRecord } from '../../../src/records/reader.js';
import { readRunEnd, runEndExitCode } from '../../../src/records/runOutcome.js';
import { reportScript } from '../../../src/report/html/clientBundle.js';
import { REPORT_CSS } from '../../../src/report/html/styles.js';
import { cspHash } from '../../../src/report/html/embed.js';
import { buildReportData, renderHtmlReport, RowFlag, writeHtmlReport } from '../../../src/report/html/index.js';
import { embeddedReport } from './embedded.js';
import { renderJUnit } from '../../../src/report/junit.js';
import { writeRunJUnit } from '../../../src/report/runJunit.js';
import { REFUSED_GOLDEN_CASE } from '../../../src/report/stops.js';
import { contains, exact } from '../../../src/scoring/index.js';
import { defineSuite } from '../../../src/suite.js';
import { ECHO_PROMPT, ECHO_PROMPT_V2, tempProject, wordCases, type TempProject } from '../../helpers/tempProject.js';
import { CASES, HOSTILE, header, sample, writeComparisonFixture, writeRun } from './fixtures.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function engineRun(): Promise<string> {
  project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'prompts/echo.v2.hbs': ECHO_PROMPT_V2, 'data.jsonl': wordCases(6) });
  const suite = defineSuite({
    name: 'echo',
    prompt: './prompts',
    models: ['model-a'],
    dataset: './data.jsonl',
    scorers: [exact(), contains({ values: ['word'], mode: 'all' })],
    repeats: 2,
    threshold: 0.9,
  });
  const loaded = await loadSuite(suite, project.path('echo.eval.ts'), {}, project.root);
  // v2 answers wrongly for odd words: a failing cell and a regression to find.
  const provider = createFunctionProvider((input, request) => {
    const word = String(input.word);
    const v2 = JSON.stringify(request).includes('Please say');
    return v2 && Number(word.slice(4)) % 2 === 1 ? `not ${word}` : word;
  });
  const runDir = project.path('runs', 'r1');
  await runSuite(loaded, { provider, runDir, runId: 'r1' });
  return runDir;
}

describe('buildReportData from an engine run', () => {
  it('shows the cells exactly as the record summary has them, and one row per case × cell', async () => {
    const runDir = await engineRun();
    const record = await readRecord(join(runDir, 'run.jsonl'));
    const data = await buildReportData({ runs: [{ dir: runDir }] });
    expect(data.mode).toBe('run');
    expect(data.cells.map((c) => [c.version, c.model, c.samples, c.scored, c.passed, c.passRate, c.meanScore, c.notScored, c.stops, c.p50Ms, c.p95Ms])).toEqual(
      record.summary!.cells.map((c) => [c.version, c.model, c.samples, c.scored, c.passed, c.passRate, c.meanScore, c.notScored, c.stops, c.latencyMs.p50, c.latencyMs.p95]),
    );
    // A function provider reports no cost: unknown, not $0.
    expect(record.summary!.cells.map((c) => c.costUsd)).toEqual([0, 0]);
    expect(data.cells.map((c) => c.costUsd)).toEqual([null, null]);
    expect(data.cases).toHaveLength(12);
    const failing = data.cases.filter((row) => row.flags & RowFlag.failing).map((row) => `${data.cells[row.candidate!.cell]!.version}/${row.id}`);
    expect(failing).toEqual(['v2/w001', 'v2/w003', 'v2/w005']);
    expect(data.verdict.verdict).toBe('fail');
    expect(data.verdict.reasons[0]).toMatch(/v2 × model-a: pass rate 50\.0% of 12 scored golden samples is below the threshold 90\.0%/);
    const prompt = data.prompts[data.cases[0]!.candidate!.p]!;
    expect(prompt.user).toBe('Say word0.');
    expect(prompt.system).toBe('You repeat the word you are given.');
  });

  it('works with the real compare engine on two cells of one run', async () => {
    const runDir = await engineRun();
    const file = join(runDir, 'run.jsonl');
    const comparison = await compareRecords(file, file, { baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' }, root: project!.root });
    const data = await buildReportData({ runs: [{ dir: runDir }], comparison });
    expect(data.mode).toBe('comparison');
    expect(data.pairs).toHaveLength(1);
    const regressed = data.cases.filter((row) => row.flags & RowFlag.regressed).map((row) => row.id);
    expect(regressed).toEqual(['w001', 'w003', 'w005']);
    const row = data.cases.find((r) => r.id === 'w001')!;
    expect(row.baseline!.repeats.map((r) => r.o)).toEqual(['word1', 'word1']);
    expect(row.candidate!.repeats.map((r) => r.o)).toEqual(['not word1', 'not word1']);
    expect(data.cells[row.baseline!.cell]!.version).toBe('v1');
    expect(data.cells[row.candidate!.cell]!.version).toBe('v2');
  });
});

describe('buildReportData with a hand-made comparison', () => {
  it('flags rows by status and keeps every repeat, prompt and chaos link', async () => {
    project = await tempProject();
    const { baseline, candidate, comparison } = await writeComparisonFixture(project.root);
    const data = await buildReportData({ runs: [{ dir: baseline }, { dir: candidate }], comparison });
    expect(data.runs.map((r) => r.label)).toEqual(['baseline', 'candidate']);
    expect(data.cases.map((r) => r.status)).toEqual(CASES.map((c) => c.status));
    expect(data.cases.filter((r) => r.flags & RowFlag.regressed).map((r) => r.id)).toEqual(['c1-refund', HOSTILE.id]);
    expect(data.cases.filter((r) => r.flags & RowFlag.errored).map((r) => r.id)).toEqual(['c6-timeout']);
    const chaos = data.cases.find((r) => r.chaos)!;
    expect(chaos.chaos).toEqual({ operators: ['homoglyphs'], source: 'c3-export' });
    const hostile = data.cases.find((r) => r.id === HOSTILE.id)!;
    expect(hostile.baseline!.repeats[1]!.o).toBe('safe ⟨U+202E⟩txt.exe⟨U+202C⟩ and ⟨U+2066⟩isolated⟨U+2069⟩ end\u2028line');
    expect(Object.keys(data.prompts)).toHaveLength(14);
    expect(data.robustness).toEqual([
      { cell: 1, operator: 'homoglyphs', samples: 2, passRate: 0, notExercised: 0, sourceSamples: 2, sourcePassRate: 1 },
    ]);
  });

  it('flags a compared case as errored exactly when the JUnit of the same comparison gives it an error or an error-changed failure', async () => {
    project = await tempProject();
    const timeout = { kind: 'timeout', message: 'no answer within 100 ms' };
    const overflow = { kind: 'context_overflow', message: 'prompt is too long' };
    const scorer = { kind: 'scorer_error', message: 'picky: boom' };
    const spec: Array<[string, [typeof timeout | undefined, typeof timeout | undefined]]> = [
      ['plain', [undefined, undefined]],
      // The candidate was not scored: an <error>.
      ['not-scored', [undefined, scorer]],
      // Only the baseline was not scored: the error kinds changed, an error-changed <failure>.
      ['baseline-timeout', [timeout, undefined]],
      // Both sides overflowed the context: scored failures on both, unchanged — no error of the comparison.
      ['both-overflow', [overflow, overflow]],
    ];
    const samples = spec.flatMap(([caseId, [before, after]], i) =>
      (['v1', 'v2'] as const).map((version, side) => {
        const error = side === 0 ? before : after;
        return sample({ caseId, version, repeat: 0, output: error ? null : 'ok', pass: !error, ...(error ? { error } : {}) }, 2 * i + side);
      }),
    );
    const dir = await writeRun(project.path('run'), header('t', ['v1', 'v2'], ['model-a'], samples.length), samples);
    const file = join(dir, 'run.jsonl');
    const comparison = await compareRecords(file, file, { baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' }, root: project.root });
    const xml = renderJUnit(comparison);
    const junitErrored = spec
      .map(([caseId]) => caseId)
      .filter((caseId) => new RegExp(`<testcase name="${caseId}" [^>]*>\\n {6}<(error |failure [^>]*type="error-changed")`).test(xml));
    expect(junitErrored).toEqual(['not-scored', 'baseline-timeout']);
    const data = await buildReportData({ runs: [{ dir }], comparison });
    expect(data.cases.filter((row) => row.flags & RowFlag.errored).map((row) => row.id).sort()).toEqual([...junitErrored].sort());
  });

  it("marks a run's case as errored exactly when the run's JUnit gives one of its samples an <error>: a sample not scored", async () => {
    project = await tempProject();
    const errors = {
      plain: undefined,
      overflow: { kind: 'context_overflow', message: 'prompt is too long' },
      timeout: { kind: 'timeout', message: 'no answer within 100 ms' },
      scorer: { kind: 'scorer_error', message: 'picky: boom' },
    };
    const samples = Object.entries(errors).map(([caseId, error], i) => sample({ caseId, version: 'v1', repeat: 0, output: error ? null : 'ok', pass: !error, ...(error ? { error } : {}) }, i));
    const head = { ...header('t', ['v1'], ['model-a'], samples.length), options: { repeats: 1, maxErrorRate: 1 } };
    const dir = await writeRun(project.path('run'), head, samples);
    const junit = project.path('junit.xml');
    await writeRunJUnit([join(dir, 'run.jsonl')], junit);
    const xml = await readFile(junit, 'utf8');
    const junitErrored = Object.keys(errors).filter((caseId) => new RegExp(`<testcase name="${caseId}" [^>]*>\\n {6}<error `).test(xml));
    expect(junitErrored).toEqual(['timeout', 'scorer']);
    const data = await buildReportData({ runs: [{ dir }] });
    expect(data.cases.filter((row) => row.flags & RowFlag.errored).map((row) => row.id)).toEqual(junitErrored);
    // A context overflow is the prompt's own failure, scored as one: the JUnit's <failure>, the page's fail.
    expect(data.cases.map((row) => [row.id, row.status])).toEqual([['plain', 'pass'], ['overflow', 'fail'], ['timeout', 'errored'], ['scorer', 'errored']]);
  });

  it("shows a run's budget-skipped sample as skipped (budget), as the run's JUnit does: never errored, failing or flaky", async () => {
    project = await tempProject();
    const budget = { kind: 'budget', message: 'budget of $0.01 reached; request not sent' };
    const timeout = { kind: 'timeout', message: 'no answer within 100 ms' };
    // Two repeats per case: [repeat 0, repeat 1], each a pass or an error.
    const spec: Array<[string, [typeof budget | undefined, typeof budget | undefined]]> = [
      ['plain', [undefined, undefined]],
      ['half', [undefined, budget]],
      ['unsent', [budget, budget]],
      ['timeout', [timeout, budget]],
    ];
    const samples = spec.flatMap(([caseId, repeats], c) =>
      repeats.map((error, repeat) => sample({ caseId, version: 'v1', repeat, output: error ? null : 'ok', pass: !error, ...(error ? { error } : {}) }, 2 * c + repeat)),
    );
    const head = { ...header('t', ['v1'], ['model-a'], samples.length), options: { repeats: 2, maxErrorRate: 1 } };
    const dir = await writeRun(project.path('run'), head, samples, [], false);
    const junit = project.path('junit.xml');
    await writeRunJUnit([join(dir, 'run.jsonl')], junit);
    const xml = await readFile(junit, 'utf8');
    const junitWith = (element: string) => [...new Set([...xml.matchAll(new RegExp(`<testcase name="(\\w+)[^"]*" [^>]*>\\n {6}<${element} `, 'g'))].map((m) => m[1]))];
    expect(junitWith('skipped')).toEqual(['half', 'unsent', 'timeout']);
    expect(junitWith('error')).toEqual(['timeout']);

    const data = await buildReportData({ runs: [{ dir }] });
    expect(data.cases.map((row) => [row.id, row.status])).toEqual([['plain', 'pass'], ['half', 'skipped'], ['unsent', 'skipped'], ['timeout', 'errored']]);
    const flagged = (flag: number) => data.cases.filter((row) => row.flags & flag).map((row) => row.id);
    expect(flagged(RowFlag.skipped)).toEqual(['half', 'unsent', 'timeout']);
    expect(flagged(RowFlag.errored)).toEqual(['timeout']);
    // A repeat that never ran is neither a failure nor a flaky repeat of its case.
    expect(flagged(RowFlag.failing)).toEqual(['timeout']);
    expect(flagged(RowFlag.flaky)).toEqual([]);
    // The cell's figures are still the record summary's: every sample counted, budget skips among its errors, none not scored.
    const record = await readRecord(join(dir, 'run.jsonl'));
    expect(record.summary).toBeUndefined();
    expect(data.cells.map((c) => [c.samples, c.scored, c.passed, c.notScored, c.errors])).toEqual([[8, 3, 3, 1, { budget: 4, timeout: 1 }]]);
  });

  it("shows a refused golden repeat of a baseline as failed, as recorded, also when the page shows it from the comparison alone", async () => {
    project = await tempProject();
    const head = { ...header('t', ['v1'], ['model-a'], 2), options: { repeats: 1 } };
    // Every scorer passed the partial text, but the model refused: the run recorded a fail.
    const refused = { ...sample({ caseId: 'refused', version: 'v1', repeat: 0, output: 'I cannot help with', pass: false }, 0), stopReason: 'refusal' };
    refused.scores = refused.scores.map((score) => ({ ...score, score: 1, pass: true }));
    const answered = sample({ caseId: 'answered', version: 'v1', repeat: 0, output: 'ok', pass: true }, 1);
    const baselineRun = await writeRun(project.path('base'), head, [refused, answered]);
    const candidate = await writeRun(project.path('cand'), { ...header('t', ['v2'], ['model-a'], 2), options: { repeats: 1 } }, [
      sample({ caseId: 'refused', version: 'v2', repeat: 0, output: 'ok', pass: true }, 0),
      sample({ caseId: 'answered', version: 'v2', repeat: 0, output: 'ok', pass: true }, 1),
    ]);
    const { file: baselineFile } = await saveBaseline(join(baselineRun, 'run.jsonl'), { root: project.root, out: project.path('t.baseline.jsonl') });
    const comparison = await compareRecords(baselineFile, join(candidate, 'run.jsonl'), { root: project.root });
    for (const runs of [[{ dir: baselineFile }, { dir: candidate }], [{ dir: candidate }]]) {
      const data = await buildReportData({ runs, comparison });
      const row = data.cases.find((r) => r.id === 'refused')!;
      expect(row.baseline!.passes, `with ${runs.length} run(s)`).toBe(0);
      expect(row.baseline!.repeats.map((repeat) => [repeat.pass, repeat.stop])).toEqual([[0, 'refusal']]);
      expect(data.cases.find((r) => r.id === 'answered')!.baseline!.repeats.map((repeat) => repeat.pass)).toEqual([1]);
    }
    // The written page (its details made in a second pass) shows the same.
    await writeHtmlReport({ runs: [{ dir: candidate }], comparison }, project.path('report.html'));
    const page = embeddedReport(await readFile(project.path('report.html'), 'utf8'));
    const at = page.cases.findIndex((row) => row.id === 'refused');
    expect(page.cases[at]!.baseline!.passes).toBe(0);
    expect(page.detail(at).detail.baseline!.repeats.map((repeat) => repeat.pass)).toEqual([0]);
    // Why, in the compare reports' words: a comparison keeps no refusal category to name.
    expect(page.detail(at).detail.baseline!.repeats.map((repeat) => repeat.refused)).toEqual([REFUSED_GOLDEN_CASE]);
  });

  it('cuts long outputs with a recorded original length, never silently', async () => {
    project = await tempProject();
    const long = 'x'.repeat(500);
    const dir = await writeRun(project.path('run'), header('t', ['v1'], ['model-a'], 1), [
      sample({ caseId: 'a', version: 'v1', repeat: 0, output: long, pass: true }, 0),
    ]);
    const data = await buildReportData({ runs: [{ dir }], outputChars: 100 });
    const repeat = data.cases[0]!.candidate!.repeats[0]!;
    expect(repeat.o).toHaveLength(100);
    expect(repeat.cut).toBe(500);
    expect(data.limits.truncatedOutputs).toBe(1);
  });

  it("averages a case's scored repeats only: an errored repeat is no score of 0, and a case with none scored has no score", async () => {
    project = await tempProject();
    const timeout = { kind: 'timeout', message: 'no answer within 100 ms' };
    const dir = await writeRun(project.path('run'), header('t', ['v1'], ['model-a'], 4), [
      sample({ caseId: 'a', version: 'v1', repeat: 0, output: 'ok', pass: true, score: 0.8 }, 0),
      sample({ caseId: 'a', version: 'v1', repeat: 1, output: null, pass: false, error: timeout }, 1),
      sample({ caseId: 'b', version: 'v1', repeat: 0, output: null, pass: false, error: timeout }, 2),
      sample({ caseId: 'b', version: 'v1', repeat: 1, output: null, pass: false, error: timeout }, 3),
    ]);
    const data = await buildReportData({ runs: [{ dir }] });
    const [a, b] = data.cases;
    // Case a: its one scored repeat's score, (1 + 0.8) / 2; before, (0.9 + 0) / 2 = 0.45.
    expect(a!.candidate!.score).toBe(0.9);
    expect(a!.candidate!.repeats.map((repeat) => repeat.score)).toEqual([0.9, null]);
    expect(a!.status).toBe('errored');
    expect(b!.candidate!.score).toBeNull();
    expect(b!.candidate!.repeats.map((repeat) => repeat.score)).toEqual([null, null]);
    // The written page (read in two passes, not from \`data\`) lists and details the same.
    await writeHtmlReport({ runs: [{ dir }] }, project.path('report.html'));
    const page = embeddedReport(await readFile(project.path('report.html'), 'utf8'));
    expect(page.cases.map((row) => row.candidate!.score)).toEqual([0.9, null]);
    expect(page.detail(0).detail.candidate!.repeats.map((repeat) => repeat.score)).toEqual([0.9, null]);
  });

  it('reports an incomplete run as a warning and an inconclusive verdict', async () => {
    project = await tempProject();
    const dir = await writeRun(project.path('run'), header('t', ['v1'], ['model-a'], 4), [
      sample({ caseId: 'a', version: 'v1', repeat: 0, output: 'ok', pass: true }, 0),
    ], [], false);
    const data = await buildReportData({ runs: [{ dir }] });
    expect(data.warnings[0]).toMatch(/no summary line/);
    expect(data.verdict.verdict).toBe('inconclusive');
  });

  it("states the exit code the run gave beside too many unscored samples: 130 for an interrupted run, 3 for a finished one", async () => {
    project = await tempProject();
    const timeout = { kind: 'timeout', message: 'no answer within 100 ms' };
    const head = { ...header('t', ['v1'], ['model-a'], 4), options: { repeats: 1 } };
    const samples = [sample({ caseId: 'a', version: 'v1', repeat: 0, output: 'ok', pass: true }, 0), sample({ caseId: 'b', version: 'v1', repeat: 0, output: null, pass: false, error: timeout }, 1)];
    // Ctrl-C after two of four samples: no summary line, and meta.json says interrupted.
    const interrupted = await writeRun(project.path('interrupted'), head, samples, [], false);
    await writeFile(join(interrupted, 'meta.json'), JSON.stringify({ status: 'interrupted' }));
    const finished = await writeRun(project.path('finished'), { ...head, planned: 2 }, samples);
    for (const [dir, code] of [[interrupted, 130], [finished, 3]] as const) {
      expect(runEndExitCode(await readRunEnd(join(dir, 'run.jsonl')))).toBe(code);
      const data = await buildReportData({ runs: [{ dir }] });
      const reason = data.verdict.reasons.find((text) => text.includes('were not scored'));
      expect(reason).toMatch(new RegExp(`maxErrorRate allows 0% \\(exit ${code}[):]`));
    }
  });

  it('does not pass a run that skipped samples for its budget: it has a summary line but did not complete', async () => {
    project = await tempProject();
    const skipped = { kind: 'budget', message: 'skipped: the budget of $0.005 was reached' };
    const head = { ...header('t', ['v1'], ['model-a'], 4), options: { repeats: 1 } };
    const dir = await writeRun(project.path('capped'), head, [
      sample({ caseId: 'a', version: 'v1', repeat: 0, output: 'ok', pass: true }, 0),
      ...['b', 'c', 'd'].map((caseId, at) => sample({ caseId, version: 'v1', repeat: 0, output: null, pass: false, error: skipped }, at + 1)),
    ]);
    const data = await buildReportData({ runs: [{ dir }] });
    expect(data.runs[0]!.complete).toBe(false);
    expect(data.verdict).toEqual({
      verdict: 'inconclusive',
      reasons: ['run capped did not complete: 3 of 4 planned samples did not finish (3 samples skipped: budget reached)'],
    });
    expect(data.warnings).toContain('capped is incomplete: 3 of 4 planned samples did not finish (3 samples skipped: budget reached)');
  });

  it('says a sample whose answer was given but whose judge the budget refused was answered, not never run', async () => {
    project = await tempProject();
    const notSent = { kind: 'budget', message: 'budget of $0.0050 reached ($0.0050 spent); request not sent' };
    const notJudged = { kind: 'budget', message: "quality's judge: budget of $0.0050 reached ($0.0050 spent); request not sent" };
    const head = { ...header('t', ['v1'], ['model-a'], 3), options: { repeats: 1 } };
    const dir = await writeRun(project.path('capped'), head, [
      sample({ caseId: 'a', version: 'v1', repeat: 0, output: 'ok', pass: true }, 0),
      sample({ caseId: 'b', version: 'v1', repeat: 0, output: 'answer b', pass: false, error: notJudged }, 1),
      sample({ caseId: 'c', version: 'v1', repeat: 0, output: null, pass: false, error: notSent }, 2),
    ]);
    const data = await buildReportData({ runs: [{ dir }] });
    expect(data.warnings).toContain('capped is incomplete: 2 of 3 planned samples did not finish (1 sample skipped: budget reached; 1 sample answered but not judged: budget reached)');
    const junit = project.path('junit.xml');
    await writeRunJUnit([join(dir, 'run.jsonl')], junit);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain(`<testcase name="b" classname="t.v1.model-a">\n      <skipped message="answered, not judged: quality&apos;s judge: budget of $0.0050 reached ($0.0050 spent); request not sent"/>`);
    expect(xml).toContain(`<testcase name="c" classname="t.v1.model-a">\n      <skipped message="not sent: budget of $0.0050 reached ($0.0050 spent); request not sent"/>`);
  });

  it('counts as scored only the cells with a scored sample', async () => {
    project = await tempProject();
    const timedOut = { kind: 'timeout', message: 'no answer within 120000 ms' };
    // No threshold, and maxErrorRate lets half the samples go unscored: v2 passes nothing and fails nothing.
    const head = { ...header('t', ['v1', 'v2'], ['model-a'], 4), options: { repeats: 1, maxErrorRate: 0.5 } };
    const dir = await writeRun(project.path('half'), head, [
      sample({ caseId: 'a', version: 'v1', repeat: 0, output: 'ok', pass: true }, 0),
      sample({ caseId: 'b', version: 'v1', repeat: 0, output: 'ok', pass: true }, 1),
      sample({ caseId: 'a', version: 'v2', repeat: 0, output: null, pass: false, error: timedOut }, 2),
      sample({ caseId: 'b', version: 'v2', repeat: 0, output: null, pass: false, error: timedOut }, 3),
    ]);
    const data = await buildReportData({ runs: [{ dir }] });
    expect(data.cells.map((cell) => [cell.version, cell.scored])).toEqual([['v1', 2], ['v2', 0]]);
    expect(data.verdict.reasons[0]).toBe('1 of 2 cells scored (v2 × model-a: no golden sample scored); the suite sets no threshold');
  });

  it('puts the candidate\'s failure digest, not-scored samples and chaos operators on the overview', async () => {
    project = await tempProject();
    const fixture = await writeComparisonFixture(project.root);
    const data = await buildReportData({ runs: [{ dir: fixture.baseline }, { dir: fixture.candidate }], comparison: fixture.comparison });
    // The candidate's one timeout: counted per cell, named in the digest with its message and case, and — more than
    // its maxErrorRate (0) allows — a warning, since its own run failed with exit 3.
    expect(data.cells.map((c) => c.notScored)).toEqual([0, 1]);
    expect(data.runs.map((r) => [r.notScored, r.tooManyErrors])).toEqual([[0, false], [1, true]]);
    expect(data.digest!.errors).toEqual([{ source: 'timeout', count: 1, example: 'no answer within 120000 ms', cases: ['c6-timeout (v2 × model-a #1)'], more: false }]);
    expect(data.digest!.failures[0]).toMatchObject({ source: 'exact', example: 'output differs from expected' });
    expect(data.digest!.failedChaosSamples).toBe(2);
    expect(data.warnings).toContain('candidate: 1 of 14 samples were not scored (timeout 1); maxErrorRate allows 0%; they are left out of the comparison');
    expect(data.operators).toEqual([{ operator: 'homoglyphs', samples: 2, passRate: 0, sourcePassRate: 1, drop: -1, notExercised: 0, worst: true }]);
  });

  it('leaves chaos samples sent as their source request out of robustness, counts them and says why', async () => {
    project = await tempProject();
    const same = { sourceCaseId: 'a', operators: ['homoglyphs'], notExercised: 'same-request' as const };
    const dir = await writeRun(project.path('run'), header('t', ['v1'], ['model-a'], 4), [
      sample({ caseId: 'a', version: 'v1', repeat: 0, output: 'ok', pass: true }, 0),
      sample({ caseId: 'b', version: 'v1', repeat: 0, output: 'ok', pass: true }, 1),
      sample({ caseId: 'a~homoglyphs', version: 'v1', repeat: 0, output: 'ok', pass: true, chaos: same }, 2),
      sample({ caseId: 'b~zero-width', version: 'v1', repeat: 0, output: 'no', pass: false, chaos: { sourceCaseId: 'b', operators: ['zero-width'] } }, 3),
    ]);
    const data = await buildReportData({ runs: [{ dir }] });
    expect(data.robustness).toEqual([
      { cell: 0, operator: 'homoglyphs', samples: 0, passRate: null, notExercised: 1, sourceSamples: 0, sourcePassRate: null },
      { cell: 0, operator: 'zero-width', samples: 1, passRate: 0, notExercised: 0, sourceSamples: 1, sourcePassRate: 1 },
    ]);
    expect(data.operators).toEqual([
      { operator: 'zero-width', samples: 1, passRate: 0, sourcePassRate: 1, drop: -1, notExercised: 0, worst: true },
      { operator: 'homoglyphs', samples: 0, passRate: null, sourcePassRate: null, drop: null, notExercised: 1, worst: false },
    ]);
    expect(data.warnings).toContain(
      '1 chaos sample not exercised: the mutation did not change the rendered prompt (the request was its source case\'s), so it counts as neither pass nor fail — mutate variables the prompt renders (chaos.fields)',
    );
    expect(data.cells[0]!.chaos).toEqual({ samples: 2, scored: 1, passed: 0, passRate: 0, notExercised: 1 });
  });

  it('names the missing run in a clear error', async () => {
    await expect(buildReportData({ runs: [{ dir: '/nonexistent/run' }] })).rejects.toThrow(/\/nonexistent\/run: run not found/);
  });
});

describe('renderHtmlReport', () => {
  it('is byte-identical for the same input, with a CSP that allows exactly the inline script and style', async () => {
    project = await tempProject();
    const { baseline, candidate, comparison } = await writeComparisonFixture(project.root);
    const a = await writeHtmlReport({ runs: [{ dir: baseline }, { dir: candidate }], comparison }, project.path('a.html'));
    const b = await writeHtmlReport({ runs: [{ dir: baseline }, { dir: candidate }], comparison }, project.path('out', 'b.html'));
    const html = await readFile(a, 'utf8');
    expect(await readFile(b, 'utf8')).toBe(html);
    expect(html).toContain(`script-src ${cspHash(reportScript())}`);
    expect(html).toContain(`style-src ${cspHash(REPORT_CSS)}`);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain(`<script>${reportScript()}</script>`);
    expect(html).toContain(`<style>${REPORT_CSS}</style>`);
  });

  it('never lets data close its script tag or add markup', async () => {
    project = await tempProject();
    const { baseline, candidate, comparison } = await writeComparisonFixture(project.root);
    const html = renderHtmlReport(await buildReportData({ runs: [{ dir: baseline }, { dir: candidate }], comparison }));
    const scripts = html.match(/<script\b/g) ?? [];
    expect(scripts).toHaveLength(4); // the overview data, the app, the case list and one chunk of case details
    expect(html.match(/<\/script>/g)).toHaveLength(4);
    expect(html).not.toMatch(/<(img|svg|a|b)\b/i); // hostile markup only ever appears as escaped JSON text
    expect(html).toContain('\\u003cimg src=\\"x\\" onerror=');
    // No network: the only URL is the SVG namespace the script creates elements in.
    expect(html.match(/https?:\/\/[^'"\s]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });
});
