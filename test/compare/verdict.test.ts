import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRecords } from '../../src/compare/compareRuns.js';
import { DEFAULT_POLICY, resolvePolicy } from '../../src/compare/policy.js';
import type { PassRateDecision, VerdictReason } from '../../src/compare/types.js';
import type { SampleRecord } from '../../src/records/types.js';
import { exitCodeForComparison, exitCodeForVerdict } from '../../src/compare/verdict.js';
import { InputError } from '../../src/errors.js';
import { reasonText } from '../../src/report/reasons.js';
import { policyText } from '../../src/report/compareConsole.js';
import { runCli } from '../helpers/cli.js';
import { pairedSamples, repeatPattern, sample, writeRecord } from './records.js';

let dir: string;
let failing: string;
let inconclusive: string;
let passing: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-verdict-'));
  // 12 of 30 cases go pass → fail: McNemar exact p = 2·(1/2)^12 ≈ 0.00049, drop 40 pts.
  failing = await writeRecord(join(dir, 'failing/run.jsonl'), pairedSamples([...repeatPattern([[true, false]], 12), ...repeatPattern([[true, true]], 18)]));
  // 5 regressed, 5 improved of 20: nothing significant, and 20 cases cannot see 2 pts.
  inconclusive = await writeRecord(join(dir, 'inconclusive/run.jsonl'), pairedSamples(repeatPattern([[true, false], [false, true], [true, true], [false, false]], 5)));
  // 2,000 unchanged cases: even a one-case flip would be seen, so "no change" is a pass.
  passing = await writeRecord(join(dir, 'passing/run.jsonl'), pairedSamples(repeatPattern([[true, true], [false, false]], 1000)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const v1v2 = { baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } } as const;

/** Cases with per-repeat outcomes on each side: `[baseline repeats, candidate repeats]`. */
function repeatSamples(cases: Array<[boolean[], boolean[]]>, chaosOf: (index: number) => string | undefined = () => undefined) {
  return cases.flatMap(([before, after], i) => {
    const caseId = `c${String(i).padStart(4, '0')}`;
    const chaos = chaosOf(i);
    return [
      ...before.map((pass, repeat) => sample({ caseId, version: 'v1', repeat, pass, ...(chaos ? { chaosSource: chaos } : {}) })),
      ...after.map((pass, repeat) => sample({ caseId, version: 'v2', repeat, pass, ...(chaos ? { chaosSource: chaos } : {}) })),
    ];
  });
}

const times = <T,>(value: T, count: number): T[] => Array.from({ length: count }, () => value);
const T = true;
const F = false;

async function cellOf(name: string, cases: Array<[boolean[], boolean[]]>, options: { chaosOf?: (index: number) => string | undefined; policy?: ReturnType<typeof resolvePolicy> } = {}) {
  const file = await writeRecord(join(dir, `${name}/run.jsonl`), repeatSamples(cases, options.chaosOf));
  const result = await compareRecords(file, file, { ...v1v2, root: dir, ...(options.policy ? { policy: options.policy } : {}) });
  return { result, cell: result.cells[0]! };
}

function decision(reason: VerdictReason | undefined): PassRateDecision {
  if (!reason || (reason.rule !== 'non_inferior' && reason.rule !== 'regression' && reason.rule !== 'too_small')) throw new Error(`not a pass-rate decision: ${reason?.rule}`);
  return reason.values;
}

describe('verdict policy: one non-inferiority rule on the paired pass-rate interval', () => {
  it('fails a significant drop that may exceed the tolerance, even when it hides inside the repeats', async () => {
    // The example: 600 cases × 3 repeats; 90 go 3/3 → 2/3, 36 go 2/3 → 3/3. Majority outcomes
    // never change (McNemar sees nothing), but the pass rate falls 3 points.
    const cases: Array<[boolean[], boolean[]]> = [...times([[T, T, T], [T, T, F]] as [boolean[], boolean[]], 90), ...times([[T, T, F], [T, T, T]] as [boolean[], boolean[]], 36), ...times([[T, T, T], [T, T, T]] as [boolean[], boolean[]], 474)];
    const { result, cell } = await cellOf('hidden-drop', cases);
    expect(cell.stats.mcnemar.pExact).toBe(1);
    expect(result.verdict.verdict).toBe('fail');
    const reason = cell.verdict.reasons[0]!;
    expect(reason.rule).toBe('regression');
    const v = decision(reason);
    expect(v.estimate).toBeCloseTo(-0.03, 12);
    expect(v.high).toBeLessThan(0);
    expect(v.low).toBeLessThan(-0.02);
    expect(v.low).toBeGreaterThan(-0.05);
    expect(v).toMatchObject({ alpha: 0.05, tolerance: 0.02, cases: 600, units: 600, clustered: false, test: { method: 'monte_carlo', resamples: 1999 } });
    // The reason carries the very interval the statistics hold.
    expect([v.low, v.high, v.test.pValue]).toEqual([cell.stats.passRateDiff.low, cell.stats.passRateDiff.high, cell.stats.passRateDiff.pValue]);

    // Marking one unrelated case as a chaos variant changes the units, not the rule: still a fail.
    const clustered = await cellOf('hidden-drop-clustered', cases, { chaosOf: (i) => (i === 599 ? 'c0598' : undefined) });
    expect(clustered.cell.stats.passRateDiff).toMatchObject({ clustered: true, units: 599 });
    expect(clustered.cell.verdict.verdict).toBe('fail');
    expect(clustered.cell.verdict.reasons[0]!.rule).toBe('regression');
  });

  it('never reads certainty into a handful of cases: 2 and 3 cases are inconclusive, with intervals of non-zero width', async () => {
    const two = await cellOf('two-cases', times([[T], [F]] as [boolean[], boolean[]], 2));
    expect(two.cell.verdict.verdict).toBe('inconclusive');
    const d2 = decision(two.cell.verdict.reasons[0]);
    expect(d2.high - d2.low).toBeGreaterThan(0);
    expect(d2.test).toEqual({ method: 'exact', resamples: null, pValue: expect.closeTo(0.5, 12) });
    // The mirror image is no "significant improvement" either.
    const mirror = await cellOf('two-cases-mirror', times([[F], [T]] as [boolean[], boolean[]], 2));
    expect(mirror.cell.verdict.verdict).toBe('inconclusive');
    expect(mirror.cell.stats.passRateDiff.pValue).toBeCloseTo(0.5, 12);

    const three = await cellOf('three-cases', times([[T, T, T], [T, T, F]] as [boolean[], boolean[]], 3));
    expect(three.cell.verdict.verdict).toBe('inconclusive');
    const d3 = decision(three.cell.verdict.reasons[0]);
    expect(d3.high - d3.low).toBeGreaterThan(0);
    expect(d3.test.pValue).toBeGreaterThan(0.05);
    const candidate = three.cell.stats.candidatePassRate;
    expect(candidate.estimate).toBeCloseTo(2 / 3, 12);
    expect(candidate.high - candidate.low).toBeGreaterThan(0.3); // not "66.7% (66.7%–66.7%)"
  });

  it('passes when nothing changed and the interval rules out a drop of the tolerance', async () => {
    const { result, cell } = await cellOf('passing', times([[T], [T]] as [boolean[], boolean[]], 1000).concat(times([[F], [F]] as [boolean[], boolean[]], 1000)));
    expect(result.verdict.verdict).toBe('pass');
    const v = decision(cell.verdict.reasons[0]);
    expect(cell.verdict.reasons[0]!.rule).toBe('non_inferior');
    expect(v.estimate).toBe(0);
    expect(v.low).toBeGreaterThan(-0.02);
    expect(v.low).toBeLessThan(0); // no zero width though every difference is 0
    expect(cell.stats.power.passIfNoChange).toBeGreaterThan(0.8);
  });

  it('is inconclusive when the interval reaches past both −D and 0, and says what would decide it', async () => {
    const { cell } = await cellOf('inconclusive', times([[T], [F]], 5).concat(times([[F], [T]], 5), times([[T], [T]], 5), times([[F], [F]], 5)) as Array<[boolean[], boolean[]]>);
    expect(cell.verdict.verdict).toBe('inconclusive');
    const reason = cell.verdict.reasons[0]!;
    expect(reason.rule).toBe('too_small');
    if (reason.rule !== 'too_small') return;
    expect(reason.values.low).toBeLessThan(-0.02);
    expect(reason.values.high).toBeGreaterThan(0);
    expect(reason.values.needed.cases).toBe(cell.stats.power.casesForPass);
    expect(reason.values.needed.cases!).toBeGreaterThan(20);
    expect(reason.values.needed.repeats).toBeUndefined(); // one repeat: nothing to estimate repeat noise from
    expect(reason.values.passIfNoChange).toBe(cell.stats.power.passIfNoChange);
    expect(cell.verdict.needed).toEqual(reason.values.needed);
  });

  it('a tolerance larger than the drop turns the fail into a pass', async () => {
    const cases = times([[T], [F]] as [boolean[], boolean[]], 12).concat(times([[T], [T]] as [boolean[], boolean[]], 18));
    expect((await cellOf('failing-30', cases)).cell.verdict.verdict).toBe('fail');
    const policy = resolvePolicy([{ policy: { maxPassRateDrop: 0.9 }, origin: 'test' }]);
    const relaxed = await cellOf('failing-30-relaxed', cases, { policy });
    expect(relaxed.cell.verdict.verdict).toBe('pass');
    expect(relaxed.cell.verdict.reasons[0]!.rule).toBe('non_inferior');
  });

  it('uses the policy alpha for the interval everywhere', async () => {
    const cases = times([[T], [F]] as [boolean[], boolean[]], 12).concat(times([[T], [T]] as [boolean[], boolean[]], 18));
    const loose = await cellOf('alpha-loose', cases, { policy: resolvePolicy([{ policy: { alpha: 0.2 }, origin: 'test' }]) });
    const strict = await cellOf('alpha-strict', cases, { policy: resolvePolicy([{ policy: { alpha: 0.01 }, origin: 'test' }]) });
    expect(loose.cell.stats.passRateDiff.alpha).toBe(0.2);
    expect(strict.cell.stats.passRateDiff.high - strict.cell.stats.passRateDiff.low).toBeGreaterThan(loose.cell.stats.passRateDiff.high - loose.cell.stats.passRateDiff.low);
    expect(decision(strict.cell.verdict.reasons[0]).alpha).toBe(0.01);
  });

  it('hard rules: cost, p95 latency and new error kinds fail whatever the interval says, and the interval is still quoted', async () => {
    const samples = [];
    for (let c = 0; c < 40; c++) {
      samples.push(sample({ caseId: `c${c}`, version: 'v1', pass: true, costUsd: 0.001, latencyMs: 500 }));
      samples.push(sample({ caseId: `c${c}`, version: 'v2', pass: true, costUsd: 0.002, latencyMs: 900, ...(c === 0 ? { error: 'refusal' } : {}) }));
    }
    const file = await writeRecord(join(dir, 'hard/run.jsonl'), samples);
    const strict = resolvePolicy([{ policy: { maxCostIncrease: 0.25, maxP95LatencyIncrease: 0.5 }, origin: 'test' }]);
    const result = await compareRecords(file, file, { ...v1v2, root: dir, policy: strict });
    const reasons = result.cells[0]!.verdict.reasons;
    expect(result.verdict.verdict).toBe('fail');
    expect(reasons.find((r) => r.rule === 'cost_increase')).toEqual({ rule: 'cost_increase', values: { relative: expect.closeTo(1, 9), baseline: expect.closeTo(0.001, 12), candidate: expect.closeTo(0.002, 12), limit: 0.25 } });
    expect(reasons.find((r) => r.rule === 'latency_increase')).toEqual({ rule: 'latency_increase', values: { percentile: 95, relative: expect.closeTo(0.8, 9), baseline: 500, candidate: 900, limit: 0.5 } });
    expect(reasons.find((r) => r.rule === 'new_errors')).toEqual({ rule: 'new_errors', values: { kinds: { refusal: { baseline: 0, baselineSamples: 40, candidate: 1, candidateSamples: 40, pValue: null } }, alpha: 0.05 } });
    expect(reasons.map((r) => r.rule)).toContain('too_small');
    expect(result.cells[0]!.counts['error-changed']).toBe(1);
    const lenient = resolvePolicy([{ policy: { failOnNewErrors: false }, origin: 'test' }]);
    const relaxed = await compareRecords(file, file, { ...v1v2, root: dir, policy: lenient });
    expect(relaxed.cells[0]!.verdict.reasons.map((r) => r.rule)).not.toContain('new_errors');
    expect(relaxed.cells[0]!.verdict.reasons.map((r) => r.rule)).not.toContain('cost_increase');
  });

  it('new errors: a kind the baseline had fails when the candidate has it far more often, though every case keeps a scored repeat', async () => {
    // The baseline timed out once, on c0000. The candidate times out on one of the two repeats of
    // 300 other cases (15% of its samples): every case keeps a scored repeat, so no case is lost, and
    // the pass rate is unchanged. Before: PASS, because "timeout" was a kind the baseline cell already had.
    const samples = [];
    for (let c = 0; c < 1000; c++) {
      const caseId = `c${String(c).padStart(4, '0')}`;
      for (let repeat = 0; repeat < 2; repeat++) {
        samples.push(sample({ caseId, version: 'v1', repeat, pass: true, ...(c === 0 && repeat === 0 ? { error: 'timeout' } : {}) }));
        samples.push(sample({ caseId, version: 'v2', repeat, pass: true, ...(c >= 1 && c <= 300 && repeat === 0 ? { error: 'timeout' } : {}) }));
      }
    }
    // Within the run's own maxErrorRate: a candidate over it fails on that alone (exit 3).
    const file = await writeRecord(join(dir, 'new-errors-rate/run.jsonl'), samples, { header: { options: { repeats: 1, maxErrorRate: 0.2 } } });
    const result = await compareRecords(file, file, { ...v1v2, root: dir });
    expect(result.verdict.verdict).toBe('fail');
    const risen = result.cells[0]!.verdict.reasons[0]!;
    expect(risen).toEqual({ rule: 'new_errors', values: { kinds: { timeout: { baseline: 1, baselineSamples: 2000, candidate: 300, candidateSamples: 2000, pValue: expect.any(Number) } }, alpha: 0.05 } });
    expect(result.cells[0]!.verdict.reasons.map((r) => r.rule)).toEqual(['new_errors', 'non_inferior']);
    expect(reasonText(risen)).toBe(
      'errors the baseline did not have, or had less often: timeout on 300 of 2,000 samples, against 1 of 2,000 in the baseline (one-sided Fisher exact p < 0.0001, below alpha 0.05)',
    );
    const lenient = resolvePolicy([{ policy: { failOnNewErrors: false }, origin: 'test' }]);
    expect((await compareRecords(file, file, { ...v1v2, root: dir, policy: lenient })).verdict.verdict).toBe('pass');
  });

  it('new errors: a kind the baseline had, as often, is noise wherever it falls; a kind it never had fails even once', async () => {
    const samples = [];
    for (let c = 0; c < 1000; c++) {
      const caseId = `c${String(c).padStart(4, '0')}`;
      for (let repeat = 0; repeat < 2; repeat++) {
        // Three timeouts a side, on different cases.
        samples.push(sample({ caseId, version: 'v1', repeat, pass: true, ...(c < 3 && repeat === 0 ? { error: 'timeout' } : {}) }));
        samples.push(sample({ caseId, version: 'v2', repeat, pass: true, ...(c >= 500 && c < 503 && repeat === 1 ? { error: 'timeout' } : {}) }));
      }
    }
    // Within the run's own maxErrorRate: a candidate over it fails on that alone (exit 3).
    const tolerant = { header: { options: { repeats: 1, maxErrorRate: 0.01 } } };
    const same = await writeRecord(join(dir, 'new-errors-noise/run.jsonl'), samples, tolerant);
    const unchanged = await compareRecords(same, same, { ...v1v2, root: dir });
    expect(unchanged.verdict.verdict).toBe('pass');
    expect(unchanged.cells[0]!.verdict.reasons.map((r) => r.rule)).toEqual(['non_inferior']);
    // One rate limit, a kind the baseline never had: it fails, with no test to pass.
    const extra = [sample({ caseId: 'z-new', version: 'v2', pass: true }), sample({ caseId: 'z-new', version: 'v2', repeat: 1, pass: true, error: 'rate_limit' })];
    const other = await writeRecord(join(dir, 'new-errors-other-kind/run.jsonl'), [...samples, ...extra], tolerant);
    const changed = await compareRecords(other, other, { ...v1v2, root: dir });
    expect(changed.verdict.verdict).toBe('fail');
    const reason = changed.cells[0]!.verdict.reasons.find((r) => r.rule === 'new_errors')!;
    expect(reason).toEqual({ rule: 'new_errors', values: { kinds: { rate_limit: { baseline: 0, baselineSamples: 2000, candidate: 1, candidateSamples: 2002, pValue: null } }, alpha: 0.05 } });
    expect(reasonText(reason)).toBe('errors the baseline did not have, or had less often: rate_limit on 1 of 2,002 samples, a kind the baseline (2,000 samples) did not have');
  });

  it('tolerates a cost or p95 latency rise of exactly the limit, whatever the float rounding', async () => {
    // 1000 ms → 1100 ms is +10% exactly, but 1100 / 1000 − 1 = 0.10000000000000009 in floats (and
    // $0.0011 / $0.001 − 1 likewise): both failed under limits of 0.1, with reasons reading
    // "p95 latency up +10.0000% (1000 ms → 1100 ms), over maxP95LatencyIncrease +10%".
    const records = async (name: string, candidateLatency: number, candidateCost: number) => {
      const samples = [];
      for (let c = 0; c < 2000; c++) {
        samples.push(sample({ caseId: `c${String(c).padStart(4, '0')}`, version: 'v1', pass: true, costUsd: 0.001, latencyMs: 1000 }));
        samples.push(sample({ caseId: `c${String(c).padStart(4, '0')}`, version: 'v2', pass: true, costUsd: candidateCost, latencyMs: candidateLatency }));
      }
      return writeRecord(join(dir, `${name}/run.jsonl`), samples);
    };
    const limits = resolvePolicy([{ policy: { maxCostIncrease: 0.1, maxP95LatencyIncrease: 0.1 }, origin: 'test' }]);
    const atLimit = await records('at-limit', 1100, 0.0011);
    const exact = await compareRecords(atLimit, atLimit, { ...v1v2, root: dir, policy: limits });
    expect(exact.cells[0]!.operational.latencyP95Ms.relative).toBeGreaterThan(0.1);
    expect(exact.verdict.verdict).toBe('pass');
    expect(exact.cells[0]!.verdict.reasons.map((r) => r.rule)).toEqual(['non_inferior']);
    const over = await records('over-limit', 1101, 0.00111);
    const rules = (await compareRecords(over, over, { ...v1v2, root: dir, policy: limits })).cells[0]!.verdict.reasons.map((r) => r.rule);
    expect(rules).toEqual(['cost_increase', 'latency_increase', 'non_inferior']);
  });

  it('the policy line quotes each limit as set, as the reasons do', async () => {
    // maxCostIncrease 0.125 read "+13%" in the policy line and "+12.5%" in the reason that applied it.
    const samples = [];
    for (let c = 0; c < 2000; c++) {
      samples.push(sample({ caseId: `c${String(c).padStart(4, '0')}`, version: 'v1', pass: true, costUsd: 0.001, latencyMs: 1000 }));
      samples.push(sample({ caseId: `c${String(c).padStart(4, '0')}`, version: 'v2', pass: true, costUsd: 0.002, latencyMs: 1000 }));
    }
    const file = await writeRecord(join(dir, 'limits/run.jsonl'), samples);
    const policy = resolvePolicy([{ policy: { maxPassRateDrop: 0.0125, maxCostIncrease: 0.125, maxP95LatencyIncrease: 0.075, maxRefusalRateIncrease: 0.0125 }, origin: 'test' }]);
    const result = await compareRecords(file, file, { ...v1v2, root: dir, policy });
    expect(policyText(result)).toBe('maxPassRateDrop 1.25 pts, alpha 0.05, maxCostIncrease +12.5%, maxP95LatencyIncrease +7.5%, maxRefusalRateIncrease 1.25 pts, failOnNewErrors yes');
    expect(reasonText(result.cells[0]!.verdict.reasons[0]!)).toMatch(/, over maxCostIncrease \+12\.5%$/);
    // Limits with no more decimals than the default read as before.
    expect(policyText({ ...result, policy: DEFAULT_POLICY })).toBe('maxPassRateDrop 2.0 pts, alpha 0.05, maxCostIncrease off, maxP95LatencyIncrease off, failOnNewErrors yes');
  });

  it('says a cost or latency rule it could not apply was not checked, rather than passing as if it had been', async () => {
    // The baseline ran on a provider that reports no price ($0) and every sample of it was cached
    // or failed for latency; the candidate costs $0.01. Before: PASS with maxCostIncrease +25% and
    // maxP95LatencyIncrease +50% in the policy line and no word that neither rule was applied.
    const samples = [];
    for (let c = 0; c < 2000; c++) {
      samples.push(sample({ caseId: `c${String(c).padStart(4, '0')}`, version: 'v1', pass: true, costUsd: 0, latencyMs: null }));
      samples.push(sample({ caseId: `c${String(c).padStart(4, '0')}`, version: 'v2', pass: true, costUsd: 0.01, latencyMs: 900 }));
    }
    const file = await writeRecord(join(dir, 'unchecked/run.jsonl'), samples);
    const strict = resolvePolicy([{ policy: { maxCostIncrease: 0.25, maxP95LatencyIncrease: 0.5 }, origin: 'test' }]);
    const result = await compareRecords(file, file, { ...v1v2, root: dir, policy: strict });
    const reasons = result.cells[0]!.verdict.reasons;
    expect(result.verdict.verdict).toBe('pass');
    expect(reasons.filter((r) => r.rule === 'rule_not_checked').map(reasonText)).toEqual([
      'maxCostIncrease +25% not checked: the baseline has no cost per sample (a provider that reports no price, or only cached answers; — → $0.0100)',
      'maxP95LatencyIncrease +50% not checked: the baseline has no p95 latency (no uncached answer that succeeded; — → 900 ms)',
    ]);
    // A baseline of a synchronous function under test has a p95 of 0 ms: the candidate is not the side to blame.
    const instant = [];
    for (let c = 0; c < 2000; c++) {
      instant.push(sample({ caseId: `c${String(c).padStart(4, '0')}`, version: 'v1', pass: true, costUsd: 0.01, latencyMs: 0 }));
      instant.push(sample({ caseId: `c${String(c).padStart(4, '0')}`, version: 'v2', pass: true, costUsd: 0.01, latencyMs: 900 }));
    }
    const instantFile = await writeRecord(join(dir, 'unchecked-instant/run.jsonl'), instant);
    const fromZero = (await compareRecords(instantFile, instantFile, { ...v1v2, root: dir, policy: strict })).cells[0]!.verdict.reasons;
    expect(fromZero.filter((r) => r.rule === 'rule_not_checked').map(reasonText)).toEqual([
      'maxP95LatencyIncrease +50% not checked: the baseline p95 latency is 0 ms, which no relative change can be measured from (0 ms → 900 ms)',
    ]);
    // Rules the policy leaves off, or figures both sides have, say nothing.
    expect((await compareRecords(file, file, { ...v1v2, root: dir })).cells[0]!.verdict.reasons.map((r) => r.rule)).not.toContain('rule_not_checked');
    expect((await compareRecords(passing, passing, { ...v1v2, root: dir, policy: strict })).cells[0]!.verdict.reasons.map((r) => r.rule)).not.toContain('rule_not_checked');
  });

  it('fails a candidate that scored no repeat of cases the baseline scored, and says how many the statistics left out', async () => {
    // The baseline lost c0000 to a timeout once; the candidate loses 600 of 1,000 cases to timeouts.
    // The 399 cases both sides scored are unchanged: on them alone the candidate would pass.
    const samples = [];
    for (let c = 0; c < 1000; c++) {
      const caseId = `c${String(c).padStart(4, '0')}`;
      samples.push(sample({ caseId, version: 'v1', pass: true, ...(c === 0 ? { error: 'timeout' } : {}) }));
      samples.push(sample({ caseId, version: 'v2', pass: true, ...(c >= 1 && c <= 600 ? { error: 'timeout' } : {}) }));
    }
    // Within the run's own maxErrorRate (600 of 1,000 is not over 60%), so this rule alone decides.
    const file = await writeRecord(join(dir, 'unscored/run.jsonl'), samples, { header: { options: { repeats: 1, maxErrorRate: 0.6 } } });
    const result = await compareRecords(file, file, { ...v1v2, root: dir });
    const lost = { rule: 'unscored_cases', values: { side: 'candidate', count: 600, scoredByOther: 600, paired: 399 } };
    expect(result.verdict.verdict).toBe('fail');
    const reasons = result.cells[0]!.verdict.reasons;
    // Far more timeouts than the baseline's one: new errors too, said first.
    expect(reasons.slice(0, 2)).toEqual([{ rule: 'new_errors', values: { kinds: { timeout: { baseline: 1, baselineSamples: 1000, candidate: 600, candidateSamples: 1000, pValue: expect.any(Number) } }, alpha: 0.05 } }, lost]);
    expect(reasons.filter((r) => r.rule === 'unscored_cases')).toEqual([lost, { rule: 'unscored_cases', values: { side: 'baseline', count: 1, scoredByOther: 1, paired: 399 } }]);
    expect(decision(reasons.find((r) => r.rule === 'non_inferior')).cases).toBe(399);
    expect(reasonText(lost as VerdictReason)).toBe(
      '600 cases with no scored repeat in the candidate (every repeat an error; 600 of them scored in the baseline): not in the statistics, which are over the 399 paired cases left',
    );
    // With failOnNewErrors off the lost cases are still said, as a note, and do not decide.
    const lenient = resolvePolicy([{ policy: { failOnNewErrors: false }, origin: 'test' }]);
    const relaxed = await compareRecords(file, file, { ...v1v2, root: dir, policy: lenient });
    expect(relaxed.verdict.verdict).toBe('pass');
    expect(relaxed.cells[0]!.verdict.reasons).toContainEqual(lost);
  });

  it('fails a candidate scored without a scorer the baseline had, under any policy, and notes one it alone has', async () => {
    // The baseline's "tone" scorer fails 16 of 40 cases; the candidate run dropped it and passes all 40.
    const withTone = (record: SampleRecord, passes: boolean): SampleRecord => ({
      ...record,
      scores: [...record.scores, { name: 'tone', score: passes ? 1 : 0, pass: passes, reason: passes ? 'polite' : 'curt' }],
      pass: record.pass && passes,
    });
    const ids = Array.from({ length: 40 }, (_, c) => `c${String(c).padStart(3, '0')}`);
    const baseline = await writeRecord(join(dir, 'scorers/base/run.jsonl'), ids.map((caseId, c) => withTone(sample({ caseId, pass: true }), c % 5 > 1)));
    const candidate = await writeRecord(join(dir, 'scorers/cand/run.jsonl'), ids.map((caseId) => sample({ caseId, pass: true })));
    const missing = { rule: 'scorers_differ', values: { only: 'baseline', scorers: { tone: 40 }, paired: 40 } };
    const lenient = resolvePolicy([{ policy: { failOnNewErrors: false, maxPassRateDrop: 0.5 }, origin: 'test' }]);
    for (const policy of [DEFAULT_POLICY, lenient]) {
      const result = await compareRecords(baseline, candidate, { root: dir, policy });
      expect(result.verdict.verdict).toBe('fail');
      expect(result.verdict.reasons[0]).toEqual({ ...missing, cell: 'v1 × model-a → v1 × model-a' });
    }
    expect(reasonText(missing as VerdictReason)).toBe(
      "scored in the baseline but not in the candidate: tone (40 of 40 cases); the candidate's pass rate is over fewer checks, so it cannot pass: compare with a baseline run with the same scorers",
    );
    // The other way round the candidate is held to more: said, not failed.
    const stricter = await writeRecord(join(dir, 'scorers/strict/run.jsonl'), ids.map((caseId) => withTone(sample({ caseId, pass: true }), true)));
    const reverse = await compareRecords(candidate, stricter, { root: dir });
    expect(reverse.verdict.verdict).toBe('inconclusive'); // 40 unchanged cases cannot rule out a 2-point drop
    expect(reverse.cells[0]!.verdict.reasons).toContainEqual({ rule: 'scorers_differ', values: { only: 'candidate', scorers: { tone: 40 }, paired: 40 } });
    // The same scorers on both sides: nothing said.
    expect((await compareRecords(passing, passing, { ...v1v2, root: dir })).cells[0]!.verdict.reasons.map((r) => r.rule)).not.toContain('scorers_differ');
  });

  it('a baseline that scored none of its cases gives no verdict: inconclusive, saying so, and exit 3 — never a quiet exit 0', async () => {
    // The baseline's provider threw on every case; the candidate passes none. Before: "no case has
    // scored samples on both sides", INCONCLUSIVE, exit 0, whatever the candidate did.
    const ids = Array.from({ length: 20 }, (_, c) => `c${String(c).padStart(3, '0')}`);
    const samples = ids.flatMap((caseId) => [sample({ caseId, version: 'v1', pass: false, error: 'provider_error' }), sample({ caseId, version: 'v2', pass: false })]);
    const file = await writeRecord(join(dir, 'unscored-baseline/run.jsonl'), samples);
    const result = await compareRecords(file, file, { ...v1v2, root: dir });
    const reason = { rule: 'baseline_unscored', values: { cases: 20, samples: 20, notScored: { provider_error: 20 } } };
    expect(result.cells[0]!.verdict.verdict).toBe('inconclusive');
    expect(result.cells[0]!.verdict.reasons[0]).toEqual(reason);
    // Said once: not again as "20 cases with no scored repeat in the baseline", nor as "no case … on both sides".
    expect(result.cells[0]!.verdict.reasons.map((r) => r.rule)).not.toContain('unscored_cases');
    expect(result.cells[0]!.verdict.reasons.map((r) => r.rule)).not.toContain('no_cases');
    expect(reasonText(result.cells[0]!.verdict.reasons[0]!)).toBe(
      'the baseline scored none of its 20 cases (20 of its 20 samples not scored: provider_error 20): there is nothing to compare the candidate with, so no verdict (exit 3); compare with a baseline run that scored its cases',
    );
    expect(exitCodeForComparison(result, false)).toBe(3);
    expect(exitCodeForComparison(result, true)).toBe(3);
    const cli = await runCli(['compare', file, '--baseline', 'version=v1', '--candidate', 'version=v2', '--no-html'], dir);
    expect(cli.stdout).toMatch(/verdict: INCONCLUSIVE\n {2}- v1 × model-a → v2 × model-a: the baseline scored none of its 20 cases/);
    expect(cli.code).toBe(3);

    // Beside a failing cell, the cell with nothing to stand on is still named, and its 3 wins over the fail's 1.
    const twoModels = [...samples, ...ids.flatMap((caseId, c) => [sample({ caseId, version: 'v1', model: 'model-b', pass: true }), sample({ caseId, version: 'v2', model: 'model-b', pass: c >= 12 })])];
    const both = await writeRecord(join(dir, 'unscored-baseline-2/run.jsonl'), twoModels);
    const mixed = await compareRecords(both, both, { ...v1v2, root: dir });
    expect(mixed.verdict.verdict).toBe('fail');
    expect(mixed.verdict.reasons).toContainEqual({ ...reason, cell: 'v1 × model-a → v2 × model-a' });
    expect(exitCodeForComparison(mixed, false)).toBe(3);
  });

  it('report --compare prints the verdict and exits as compare would (1 on a fail)', async () => {
    const ids = Array.from({ length: 30 }, (_, c) => `c${String(c).padStart(3, '0')}`);
    await writeRecord(join(dir, 'report-cli/base/run.jsonl'), ids.map((caseId) => sample({ caseId, pass: true })));
    await writeRecord(join(dir, 'report-cli/cand/run.jsonl'), ids.map((caseId, c) => sample({ caseId, pass: c >= 12 })));
    const result = await runCli(['report', join(dir, 'report-cli/cand'), '--compare', join(dir, 'report-cli/base'), '--html', join(dir, 'report-cli/page.html')], dir);
    expect(result.stdout).toMatch(/^verdict: FAIL\n {2}- v1 × model-a → v1 × model-a: pass rate −40\.0 pts/m);
    expect(result.stdout).toContain('HTML report: ');
    expect(result.code).toBe(1);
  });

  it('resolves defaults, then the suite, then flags, and rejects bad values', () => {
    expect(resolvePolicy([])).toEqual(DEFAULT_POLICY);
    const policy = resolvePolicy([
      { policy: { maxPassRateDrop: 0.05, maxCostIncrease: 0.25 }, origin: 'suites/x.eval.ts' },
      { policy: { maxPassRateDrop: 0.01 }, origin: 'flags' },
    ]);
    expect(policy).toEqual({ ...DEFAULT_POLICY, maxPassRateDrop: 0.01, maxCostIncrease: 0.25 });
    expect(() => resolvePolicy([{ policy: { alpha: 2 }, origin: 'suites/x.eval.ts' }])).toThrow(InputError);
    expect(() => resolvePolicy([{ policy: { alpha: 2 }, origin: 'suites/x.eval.ts' }])).toThrow(/suites\/x\.eval\.ts: policy\.alpha: expected a number between 0 and 0\.5/);
  });

  it('maps verdicts to exit codes', () => {
    expect(exitCodeForVerdict('pass', true)).toBe(0);
    expect(exitCodeForVerdict('fail', false)).toBe(1);
    expect(exitCodeForVerdict('inconclusive', false)).toBe(0);
    expect(exitCodeForVerdict('inconclusive', true)).toBe(1);
  });
});

describe('slices', () => {
  it('are cluster-aware, at the policy alpha, and too small to say when few units', async () => {
    const samples = [];
    // tag:small — 2 cases, both drop the same way: too small to say (no p-value, not significant).
    // tag:big — 40 cases, half drop.
    for (let c = 0; c < 42; c++) {
      const tags = [c < 2 ? 'small' : 'big'];
      const drops = c < 2 || c % 2 === 0;
      samples.push(sample({ caseId: `c${c}`, version: 'v1', pass: true, score: 1, tags }));
      samples.push(sample({ caseId: `c${c}`, version: 'v2', pass: !drops, score: drops ? 0.4 : 1, tags }));
    }
    const file = await writeRecord(join(dir, 'slices/run.jsonl'), samples);
    const cell = (await compareRecords(file, file, { ...v1v2, root: dir })).cells[0]!;
    const small = cell.slices.find((s) => s.slice === 'tag:small')!;
    expect(small).toMatchObject({ n: 2, units: 2, tooSmall: true, pValue: null, pAdjusted: null, significant: false });
    expect(small.scoreDiff.high - small.scoreDiff.low).toBeGreaterThan(0);
    const big = cell.slices.find((s) => s.slice === 'tag:big')!;
    expect(big.tooSmall).toBe(false);
    expect(big.pValue).toBeLessThan(0.05);
    expect(big.significant).toBe(true);
    // Holm runs over the slices that can say something: tag:big and scorer:exact.
    const tested = cell.slices.filter((s) => !s.tooSmall);
    expect(tested.map((s) => s.slice)).toEqual(['tag:big', 'scorer:exact']);
    expect(big.pAdjusted).toBeCloseTo(Math.min(1, Math.max(2 * Math.min(...tested.map((s) => s.pValue!)), big.pValue!)), 12);
  });
});

describe('several cells', () => {
  it('notes how likely a false fail somewhere is when more than two cells are compared', async () => {
    const samples = [];
    for (const model of ['m1', 'm2', 'm3']) {
      for (let c = 0; c < 30; c++) {
        samples.push(sample({ caseId: `c${c}`, version: 'v1', model, pass: true }));
        samples.push(sample({ caseId: `c${c}`, version: 'v2', model, pass: true }));
      }
    }
    const file = await writeRecord(join(dir, 'three-cells/run.jsonl'), samples, { header: { models: ['m1', 'm2', 'm3'] } });
    const result = await compareRecords(file, file, { ...v1v2, root: dir });
    expect(result.cells).toHaveLength(3);
    expect(result.verdict.reasons.at(-1)).toEqual({ rule: 'several_cells', values: { cells: 3, alpha: 0.05, falseFailBound: expect.closeTo(0.075, 12) } });
  });
});

describe('compare CLI exit codes (built CLI)', () => {
  const cells = ['--baseline', 'version=v1', '--candidate', 'version=v2'];

  it('exits 1 on fail, 0 on pass, 0 or 1 on inconclusive depending on --fail-on-inconclusive', async () => {
    const fail = await runCli(['compare', failing, ...cells], dir);
    expect(fail.code, fail.stderr).toBe(1);
    expect(fail.stdout).toMatch(/verdict: FAIL/);
    const pass = await runCli(['compare', passing, ...cells], dir);
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/verdict: PASS/);
    const soft = await runCli(['compare', inconclusive, ...cells], dir);
    expect(soft.code, soft.stderr).toBe(0);
    expect(soft.stdout).toMatch(/verdict: INCONCLUSIVE/);
    const hard = await runCli(['compare', inconclusive, ...cells, '--fail-on-inconclusive'], dir);
    expect(hard.code).toBe(1);
  });

  it('with --fail-on-inconclusive, the JUnit verdict test case of an inconclusive cell fails as the exit code does; without it, it passes', async () => {
    // 20 unchanged cases: no case fails, and 20 cases cannot rule out a 2-point drop.
    const unchanged = await writeRecord(join(dir, 'unchanged/run.jsonl'), pairedSamples(repeatPattern([[true, true]], 20)));
    const soft = await runCli(['compare', unchanged, ...cells, '--no-html', '--junit', 'soft.xml'], dir);
    expect(soft.code, soft.stderr).toBe(0);
    expect(soft.stdout).toMatch(/verdict: INCONCLUSIVE/);
    const softXml = await readFile(join(dir, 'soft.xml'), 'utf8');
    expect(softXml).toMatch(/<testcase name="verdict" [^>]*>\n {6}<system-out>inconclusive\n/);
    expect(softXml).toMatch(/<testsuites [^>]*tests="21" failures="0" errors="0">/);

    const hard = await runCli(['compare', unchanged, ...cells, '--no-html', '--junit', 'hard.xml', '--fail-on-inconclusive'], dir);
    expect(hard.code).toBe(1);
    const hardXml = await readFile(join(dir, 'hard.xml'), 'utf8');
    const verdictCase = /<testcase name="verdict" [^>]*>\n {6}<failure message="([^"]*)" type="inconclusive">([^<]*)<\/failure>/.exec(hardXml);
    expect(verdictCase, hardXml).not.toBeNull();
    expect(verdictCase![1]).toMatch(/too wide to decide/);
    expect(verdictCase![2]).toMatch(/too wide to decide[\s\S]*\n/);
    // Counted as the one failure of the suite and of the file: a CI reporter shows red, as the job is.
    expect(hardXml).toMatch(/<testsuites [^>]*tests="21" failures="1" errors="0">/);
    expect(hardXml).toMatch(/<testsuite [^>]*tests="21" failures="1" /);
  });

  it('makes the JUnit red only when the exit code is not 0: under a passing verdict, regressed and unscored cases pass, named in <system-out>', async () => {
    // 2,000 unchanged cases, 2 regressed and 2 improved: a pass. One case timed out on both sides
    // and one only in the baseline: timeouts are no new error kind, so still a pass (exit 0).
    const timeout = (caseId: string) => sample({ caseId, version: 'v1', pass: false, error: 'timeout' });
    const samples: SampleRecord[] = [
      ...pairedSamples([...repeatPattern([[true, false], [false, true]], 2), ...repeatPattern([[true, true], [false, false]], 1000)]),
      timeout('both-timeout'),
      { ...timeout('both-timeout'), version: 'v2' },
      timeout('baseline-timeout'),
      sample({ caseId: 'baseline-timeout', version: 'v2', pass: true }),
    ];
    // Within the run's own maxErrorRate: a candidate over it fails on that alone (exit 3).
    const record = await writeRecord(join(dir, 'passing-with-regressions/run.jsonl'), samples, { header: { options: { repeats: 1, maxErrorRate: 0.01 } } });
    const pass = await runCli(['compare', record, ...cells, '--no-html', '--junit', 'pass.xml'], dir);
    expect(pass.stdout).toMatch(/verdict: PASS/);
    expect(pass.code, pass.stderr).toBe(0);
    const passXml = await readFile(join(dir, 'pass.xml'), 'utf8');
    expect(passXml).toMatch(/<testsuites [^>]*tests="2007" failures="0" errors="0">/);
    expect(passXml).toMatch(/<testsuite [^>]*tests="2007" failures="0" errors="0" skipped="0">/);
    expect(passXml).not.toMatch(/<failure |<error /);
    // Nothing hidden: each says what happened to it, and why it does not fail the file.
    const passed = "not a failure here: the cell's verdict is pass, and the verdict is the gate (see its verdict test case)";
    expect(passXml).toContain(`<testcase name="c000" classname="demo.v2.model-a">\n      <system-out>regressed: pass 1/1 → 0/1, score −1.000\nscorer deltas: exact 1.000→0.000 (−1.00)\nwhy: exact: output differs from expected\n${passed}</system-out>`);
    expect(passXml).toContain(`<testcase name="both-timeout" classname="demo.v2.model-a">\n      <system-out>1 of 1 candidate repeat not scored (timeout): timeout: timeout happened\n`);
    expect(passXml).toMatch(/<testcase name="baseline-timeout" [^>]*>\n {6}<system-out>error-changed: [^<]*\n1 of 1 baseline repeat not scored \(timeout\): timeout: timeout happened\n/);
    expect(passXml.split(passed)).toHaveLength(5); // the 2 regressed, both-timeout and baseline-timeout

    // A failing verdict: every regressed case is a <failure>, as before.
    const fail = await runCli(['compare', failing, ...cells, '--no-html', '--junit', 'fail.xml'], dir);
    expect(fail.code, fail.stderr).toBe(1);
    const failXml = await readFile(join(dir, 'fail.xml'), 'utf8');
    expect(failXml).toMatch(/<testsuites [^>]*tests="31" failures="13" errors="0">/);
    expect(failXml.match(/<failure [^>]*type="regressed">/g)).toHaveLength(12);

    // Inconclusive: red with --fail-on-inconclusive (exit 1), green without (exit 0).
    const soft = await runCli(['compare', inconclusive, ...cells, '--no-html', '--junit', 'soft-regressed.xml'], dir);
    expect(soft.code, soft.stderr).toBe(0);
    expect(await readFile(join(dir, 'soft-regressed.xml'), 'utf8')).toMatch(/<testsuites [^>]*tests="21" failures="0" errors="0">/);
    const hard = await runCli(['compare', inconclusive, ...cells, '--no-html', '--junit', 'hard-regressed.xml', '--fail-on-inconclusive'], dir);
    expect(hard.code).toBe(1);
    const hardXml = await readFile(join(dir, 'hard-regressed.xml'), 'utf8');
    expect(hardXml).toMatch(/<testsuites [^>]*tests="21" failures="6" errors="0">/);
    expect(hardXml.match(/<failure [^>]*type="regressed">/g)).toHaveLength(5);
  });

  it('policy flags override: a huge tolerance turns the fail into a non-fail', async () => {
    const result = await runCli(['compare', failing, ...cells, '--max-pass-rate-drop', '0.9'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/maxPassRateDrop 90\.0 pts/);
  });

  it('exits 2 with a clear message on bad input', async () => {
    const badFilter = await runCli(['compare', failing, '--baseline', 'flavour=v1', '--candidate', 'version=v2'], dir);
    expect(badFilter.code).toBe(2);
    expect(badFilter.stderr).toMatch(/--baseline: cannot read "flavour=v1"/);
    const badFlag = await runCli(['compare', failing, ...cells, '--alpha', 'often'], dir);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--alpha/);
    const missing = await runCli(['compare', join(dir, 'nope'), failing], dir);
    expect(missing.code).toBe(2);
    const noBaseline = await runCli(['compare', failing], dir);
    expect(noBaseline.code).toBe(2);
    expect(noBaseline.stderr).toMatch(/no committed baseline for suite "demo"/);
    expect(noBaseline.stderr).toMatch(/promptgold baseline save/);
    expect(noBaseline.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });
});

describe('verdicts with chaos clusters', () => {
  it('counts a golden case and its mutations as one unit', async () => {
    // 10 golden cases with 10 mutations each. In 3 clusters every case regresses (33 cases), no case
    // improves: 33 independent cases would be overwhelming (p ≈ 2^-32), but it is 3 of 10 clusters.
    const samples = [];
    for (let g = 0; g < 10; g++) {
      for (let k = 0; k <= 10; k++) {
        const caseId = k === 0 ? `g${g}` : `g${g}~op${k}`;
        const chaosSource = k === 0 ? undefined : `g${g}`;
        const regresses = g < 3;
        samples.push(sample({ caseId, version: 'v1', pass: true, score: 1, ...(chaosSource ? { chaosSource } : {}) }));
        samples.push(sample({ caseId, version: 'v2', pass: !regresses, score: regresses ? 0 : 1, ...(chaosSource ? { chaosSource } : {}) }));
      }
    }
    const file = await writeRecord(join(dir, 'clustered/run.jsonl'), samples);
    const cell = (await compareRecords(file, file, { ...v1v2, root: dir })).cells[0]!;
    expect(cell.stats.mcnemar.pExact).toBeLessThan(1e-9);
    const d = cell.stats.passRateDiff;
    expect(d).toMatchObject({ units: 10, clustered: true });
    expect(d.estimate).toBeCloseTo(-0.3, 12);
    // Sign flips over 10 clusters, 3 of them at −11: P(sum ≤ −33) = 1/8, so p = 2/8 exactly.
    expect(d.randomization).toMatchObject({ method: 'exact', pValue: expect.closeTo(0.25, 12) });
    expect(d.high).toBeGreaterThan(0);
    expect(cell.verdict.verdict).toBe('inconclusive');
    expect(decision(cell.verdict.reasons[0])).toMatchObject({ units: 10, cases: 110, clustered: true });
  });
});
