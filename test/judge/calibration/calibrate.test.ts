/**
 * Calibration: the labels reach the (already verified) agreement statistics in the right shape,
 * and the offline example calibrates from its recordings alone.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrateSuite } from '../../../src/judge/calibration/calibrate.js';
import { agreementOf, noiseOf } from '../../../src/judge/calibration/metrics.js';
import { labeledCases } from '../../../src/judge/calibration/labels.js';
import type { CalibrationCase, CalibrationReport, Label } from '../../../src/judge/calibration/types.js';
import { RunSession } from '../../../src/engine/assemble.js';
import { importSuites } from '../../../src/engine/loadSuite.js';
import { InputError } from '../../../src/errors.js';
import { linkPromptgold, REPO_ROOT, runCli } from '../../helpers/cli.js';
import { thrownInputError } from '../../helpers/thrown.js';
import { ECHO_PROMPT, tempProject } from '../../helpers/tempProject.js';
import { startFakeAnthropic } from '../../../src/testing/index.js';

const scratch = await mkdtemp(join(tmpdir(), 'promptgold-calibrate-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

function cases(pairs: Array<[Label, Label | null]>): CalibrationCase[] {
  return pairs.map(([human, judge], i) => ({ caseId: `c${i}`, outputFrom: 'run', human, judge, agree: judge === null ? null : human === judge, score: null, reason: '' }));
}

describe('agreement figures', () => {
  it('pass-fail: rows human, columns judge, Cohen kappa, TPR/TNR, unscored left out', () => {
    // human pass/judge pass 4, pass/fail 1, fail/pass 2, fail/fail 3, plus one unscored.
    const labels: Array<[Label, Label | null]> = [
      ...Array<[Label, Label]>(4).fill([true, true]),
      [true, false],
      ...Array<[Label, Label]>(2).fill([false, true]),
      ...Array<[Label, Label]>(3).fill([false, false]),
      [true, null],
    ];
    const figures = agreementOf(cases(labels), 'pass-fail');
    expect(figures.n).toBe(10);
    expect(figures.confusion).toEqual([
      [4, 1],
      [2, 3],
    ]);
    expect(figures.percentAgreement).toBe(0.7);
    // p_o = 0.7, p_e = (5·6 + 5·4) / 100 = 0.5 → kappa = 0.4 (computed by hand).
    expect(figures.kappa).toBeCloseTo(0.4, 6);
    expect(figures.kappaKind).toBe('cohen');
    expect(figures.truePositiveRate).toBe(0.8);
    expect(figures.trueNegativeRate).toBe(0.6);
  });

  it('1-5: quadratic-weighted kappa over levels, TPR/TNR at level 4', () => {
    const figures = agreementOf(cases([[5, 5], [4, 5], [2, 1], [1, 1], [3, 4]]), '1-5');
    expect(figures.categories).toEqual([1, 2, 3, 4, 5]);
    expect(figures.confusion[1]).toEqual([1, 0, 0, 0, 0]);
    // By hand, weights (i − j)²/16: observed Σw·O = 3 near misses × 1/16 = 0.1875. Rows (human) are
    // one per level, columns (judge) are (2, 0, 0, 1, 2); Σw·E = (2·30 + 1·15 + 2·30) / 16 / 5 = 1.6875,
    // where 30, 15, 30 are Σᵢ (i − j)² for judge levels 1, 4, 5. Kappa = 1 − 0.1875 / 1.6875 = 8/9.
    expect(figures.kappa).toBeCloseTo(8 / 9, 6);
    expect(figures.kappaKind).toBe('quadratic-weighted');
    expect(figures.percentAgreement).toBe(0.4);
    expect(figures.truePositiveRate).toBe(1); // human 5, 4 → judge 5, 5
    expect(figures.trueNegativeRate).toBe(round(2 / 3)); // human 2, 1, 3 → judge 1, 1, 4
  });

  it('noise: unanimity, pairwise agreement and score spread across repeated judgements', () => {
    const noise = noiseOf(
      [
        { scores: [1, 1, 1], labels: [true, true, true] },
        { scores: [1, 0.5, 1], labels: [true, false, true] },
        { scores: [0.5], labels: [false] }, // one usable judgement: not counted
      ],
      3,
    );
    expect(noise).toEqual({
      judgementsRequested: 3,
      judgementsPerOutput: { fewest: 3, most: 3 },
      outputs: 2,
      unanimous: 0.5,
      pairwiseAgreement: round((1 + 1 / 3) / 2),
      meanStdev: round(Math.sqrt(1 / 18) / 2),
      maxStdev: round(Math.sqrt(1 / 18)),
    });
  });

  it('noise says how many usable judgements it is over, not how many were asked for', () => {
    const noise = noiseOf(
      [
        { scores: [1, 1, 1], labels: [true, true, true] },
        { scores: [1, 0.5], labels: [true, false] },
      ],
      5,
    );
    expect(noise.judgementsRequested).toBe(5);
    expect(noise.judgementsPerOutput).toEqual({ fewest: 2, most: 3 });
    expect(noiseOf([{ scores: [1], labels: [true] }], 3).judgementsPerOutput).toEqual({ fewest: 0, most: 0 });
  });
});

describe('labels', () => {
  it('rejects a 1-5 label that is not a level, naming file, line and field', () => {
    const goldenCase = { id: 'a', vars: {}, tags: [], human: { score: 4.5 }, origin: { file: 'cases.yaml', line: 7 } };
    expect(() => labeledCases([goldenCase], '1-5')).toThrow(InputError);
    expect(() => labeledCases([goldenCase], '1-5')).toThrow('cases.yaml:7: human.score: human.score must be a whole number from 1 to 5, got 4.5');
    // Left out on pass-fail only when a rubric of the suite is 1-5 (its label is for that one).
    expect(labeledCases([goldenCase], 'pass-fail', ['pass-fail', '1-5'])).toEqual([]);
  });

  it('refuses a label written for the other scale, naming file, line, field and what the rubric needs (no silent drop)', () => {
    const onScore = { id: 'a', vars: {}, tags: [], human: { score: 5 }, origin: { file: 'fixtures/summaries.yaml', line: 40 } };
    const passed = { id: 'b', vars: {}, tags: [], human: { pass: true }, origin: { file: 'fixtures/summaries.yaml', line: 71 } };
    const error = thrownInputError(() => labeledCases([passed, onScore], 'pass-fail'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      "fixtures/summaries.yaml:40: human.score: human.score is a label for a 1-5 rubric, but the suite's rubric is pass-fail, so this case would not be counted\n" +
        '  hint: label it with human: { pass: true } or { pass: false }, the label of a pass-fail rubric',
    );
    expect(thrownInputError(() => labeledCases([passed], '1-5')).message).toMatch(/summaries\.yaml:71: human\.pass: human\.pass is a label for a pass-fail rubric, but the suite's rubric is 1-5.*\n {2}hint: label it with human: \{ score: <1 to 5> \}/);
    expect(labeledCases([passed, onScore], 'pass-fail', ['pass-fail', '1-5']).map((c) => c.goldenCase.id)).toEqual(['b']);
  });

  it('refuses a human label with neither pass nor score', () => {
    const noted = { id: 'a', vars: {}, tags: [], human: { note: 'checked' }, origin: { file: 'cases.yaml', line: 3 } };
    expect(thrownInputError(() => labeledCases([noted], 'pass-fail')).message).toMatch(/^cases\.yaml:3: human: the human label has no human\.pass\n {2}hint: label it with human: \{ pass: true \}/);
  });
});

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

describe('the offline example', () => {
  it('calibrates the summarize judge from recordings alone', async () => {
    const file = join(REPO_ROOT, 'suites/summarize/summarize.eval.ts');
    const [suite] = await importSuites(file);
    const session = await RunSession.open({ root: REPO_ROOT, config: {}, provider: 'replay', onWarning: () => undefined });
    const loaded = await session.loadSuite(suite!, file);
    const assembled = await session.assemble(loaded);
    const { report, failures } = await calibrateSuite(loaded, { generator: assembled.provider, judge: assembled.judge });
    expect(failures).toBe(0);
    expect(report.labeled).toBeGreaterThanOrEqual(12);
    expect(report.cases.filter((c) => c.outputFrom === 'human.output').length).toBeGreaterThanOrEqual(1);
    expect(report.labeledOutput).toEqual({ promptId: 'summarize', version: 'v1', model: 'claude-sonnet-4-5', repeat: 0 });
    const compared = report.cases.filter((c) => c.judge !== null);
    expect(report.agreement.n).toBe(compared.length);
    expect(report.agreement.confusion.flat().reduce((a, b) => a + b, 0)).toBe(compared.length);
    expect(report.agreement.percentAgreement).toBeCloseTo(compared.filter((c) => c.agree).length / compared.length, 6);
    // The judge misses the invented facts of the hand-written s16 output: a known disagreement.
    expect(report.disagreements.map((d) => d.caseId)).toContain('s16-incident-data-exposure');
    expect(report.noise.judgementsRequested).toBe(3);
    // s30 has one judgement that is not JSON: its noise is over the other two.
    expect(report.noise.judgementsPerOutput).toEqual({ fewest: 2, most: 3 });
    expect(report.failures).toEqual([]);
    expect(report.judge.calls).toBe(report.labeled * 3);
  });

  it('judge calls that fail (more judgements asked for than recorded) are counted, said and in the report (exit 3)', async () => {
    // Run from an empty folder so the failing report is not written over the repository's own.
    const cwd = await mkdtemp(join(tmpdir(), 'promptgold-calibrate-cwd-'));
    try {
      const result = await runCli(['calibrate', join(REPO_ROOT, 'suites/summarize/summarize.eval.ts'), '--judge-samples', '5', '--json', 'calibration.json'], cwd);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(3);
      // 13 labelled outputs × judgements 3 and 4, which were never recorded.
      expect(result.stdout).toMatch(/^FAILED \(exit 3\): summarize: 26 judge calls failed; first: \S+ \(judgement 3\): judge call failed \(replay_miss: no recorded response/m);
      // The noise is over the judgements there are (s30 has one unusable), and says 5 were asked for.
      expect(result.stdout).toContain('judge noise (2–3 usable judgements per output, 13 outputs; 5 asked for)');
      const report = JSON.parse(await readFile(join(cwd, 'calibration.json'), 'utf8')) as CalibrationReport;
      expect(report.failures).toHaveLength(26);
      expect(report.failures[0]).toMatchObject({ judgement: 3, reason: expect.stringMatching(/^judge call failed \(replay_miss: /) as unknown });
      expect(report.noise).toMatchObject({ judgementsRequested: 5, judgementsPerOutput: { fewest: 2, most: 3 }, outputs: 13 });
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('runs as `promptgold calibrate` offline, writing the report for the HTML report', async () => {
    const result = await runCli(['calibrate', 'suites/summarize/summarize.eval.ts', '--json', join(scratch, 'calibration.json')], REPO_ROOT);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/agreement \d+\.\d% over \d+ · Cohen's kappa/);
    expect(result.stdout).toContain('report: reports/calibration/summarize.json');
    const written = JSON.parse(await readFile(join(scratch, 'calibration.json'), 'utf8')) as { type: string; agreement: { kappa: number } };
    expect(written.type).toBe('calibration');
    expect(await readFile(join(REPO_ROOT, 'reports/calibration/summarize.json'), 'utf8')).toBe(await readFile(join(scratch, 'calibration.json'), 'utf8'));
  });

  it('exits 3 when no labelled case got a usable judgement: nothing was measured', async () => {
    // Every answer, the judge's included, is prose: each judgement is unscored.
    const fake = await startFakeAnthropic({ respond: () => ({ text: 'I cannot grade that.' }) });
    const project = await tempProject({
      'suites/c.eval.ts': `import { defineSuite, rubric } from 'promptgold';
export default defineSuite({ name: 'c', prompt: './prompts', models: ['claude-haiku-4-5'], dataset: './data.jsonl',
  scorers: [rubric({ name: 'quality', criteria: [{ id: 'polite', description: 'Is polite', pass: 'polite words', fail: 'rude words' }], judge: 'claude-haiku-4-5' })] });
`,
      'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
      'suites/data.jsonl': '{"id":"a","vars":{"word":"hi"},"human":{"pass":true}}\n{"id":"b","vars":{"word":"no"},"human":{"pass":false}}\n',
    });
    try {
      await linkPromptgold(project.root);
      const result = await runCli(['calibrate', 'suites/c.eval.ts', '--provider', 'anthropic', '--no-cache'], project.root, {
        env: { ANTHROPIC_API_KEY: ['sk', 'ant', 'calibrate-0123456789abcdef'].join('-'), ANTHROPIC_BASE_URL: fake.url },
      });
      expect(result.stdout).toContain('unscored: 2');
      expect(result.stdout).toContain("FAILED (exit 3): c: no labelled case got a usable judgement (2 unscored), so the judge's agreement is not measured");
      expect(result.code).toBe(3);
    } finally {
      await fake.close();
      await project.cleanup();
    }
  });
});
