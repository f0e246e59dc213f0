import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRecords } from '../../src/compare/compareRuns.js';
import { DEFAULT_POLICY, resolvePolicy } from '../../src/compare/policy.js';
import { exitCodeForVerdict } from '../../src/compare/verdict.js';
import { InputError } from '../../src/errors.js';
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

describe('verdict policy', () => {
  it('fails a significant regression beyond the tolerance', async () => {
    const result = await compareRecords(failing, failing, { ...v1v2, root: dir });
    expect(result.cells[0]!.stats.mcnemar.pExact).toBeCloseTo(2 / 4096, 12);
    expect(result.verdict.verdict).toBe('fail');
    expect(result.verdict.reasons[0]).toMatchObject({
      rule: 'regression',
      cell: 'v1 × model-a → v2 × model-a',
      values: { metric: 'pass_rate', beyond: 'zero', tolerance: 0.02, test: { kind: 'mcnemar_exact', regressed: 12, improved: 0, alpha: 0.05 } },
    });
    expect(result.verdict.reasons[0]!.rule === 'regression' && result.verdict.reasons[0]!.values.estimate).toBeCloseTo(-0.4, 12);
  });

  it('a tolerance larger than the drop and a CI that still reaches it keeps it from failing', async () => {
    const policy = resolvePolicy([{ policy: { maxPassRateDrop: 0.9 }, origin: 'test' }]);
    const result = await compareRecords(failing, failing, { ...v1v2, root: dir, policy });
    expect(result.verdict.verdict).not.toBe('fail');
  });

  it('calls an underpowered comparison inconclusive and says what would settle it', async () => {
    const result = await compareRecords(inconclusive, inconclusive, { ...v1v2, root: dir });
    const cell = result.cells[0]!;
    expect(cell.verdict.verdict).toBe('inconclusive');
    expect(cell.stats.minimumDetectableEffect).toBeGreaterThan(0.02);
    expect(cell.verdict.needed?.cases).toBe(cell.stats.casesNeededForPolicyEffect);
    expect(cell.verdict.needed!.cases!).toBeGreaterThan(20);
    const reason = cell.verdict.reasons[0]!;
    expect(reason.rule).toBe('too_small');
    if (reason.rule !== 'too_small') return;
    expect(reason.values.mde).toBe(cell.stats.minimumDetectableEffect);
    expect(reason.values.tolerance).toBe(0.02);
    expect(reason.values.needed).toEqual(cell.verdict.needed);
  });

  it('passes when nothing changed and the comparison could have seen a change', async () => {
    const result = await compareRecords(passing, passing, { ...v1v2, root: dir });
    expect(result.cells[0]!.stats.minimumDetectableEffect).toBeLessThan(0.02);
    expect(result.verdict.verdict).toBe('pass');
    expect(result.verdict.reasons.map((r) => r.rule)).toEqual(['no_change']);
  });

  it('hard rules: cost, p95 latency and new error kinds', async () => {
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
    expect(reasons.find((r) => r.rule === 'new_errors')).toEqual({ rule: 'new_errors', values: { kinds: { refusal: 1 } } });
    expect(result.cells[0]!.counts['error-changed']).toBe(1);
    const lenient = resolvePolicy([{ policy: { failOnNewErrors: false }, origin: 'test' }]);
    const relaxed = await compareRecords(file, file, { ...v1v2, root: dir, policy: lenient });
    expect(relaxed.cells[0]!.verdict.reasons.map((r) => r.rule)).not.toContain('new_errors');
    expect(relaxed.cells[0]!.verdict.reasons.map((r) => r.rule)).not.toContain('cost_increase');
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
  it('reads the cluster-robust interval, not McNemar, when mutations of a golden case move together', async () => {
    // 10 golden cases with 10 mutations each. In 3 clusters every case regresses (33 cases), no case
    // improves: McNemar alone would call that overwhelming (p ≈ 2^-32), but it is 3 of 10 clusters.
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
    const robust = cell.stats.clusteredPassRateDiff!;
    expect(robust.clusters).toBe(10);
    expect(robust.estimate).toBeCloseTo(-0.3, 12);
    // CR1 by hand: cluster sums −11 (×3) and 0 (×7), mean −0.3 over 110 cases;
    // Σ (s_g − n_g·mean)² = 3·(−7.7)² + 7·3.3² = 254.1; se = √(10/9 · 254.1) / 110 = 0.15279.
    expect(robust.se).toBeCloseTo(0.15279, 4);
    expect(robust.high).toBeGreaterThan(0); // t(0.975, 9) = 2.2622: −0.3 + 2.2622·0.15279 = 0.0456
    expect(cell.verdict.verdict).not.toBe('fail');
    expect(cell.verdict.verdict).toBe('inconclusive');
  });
});
