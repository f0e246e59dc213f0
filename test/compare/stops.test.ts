/**
 * Refusals and truncations between two sides of a comparison: their rates (shares of the scored
 * golden samples, as the run summary counts them), the reports that show the change, and the policy
 * rules that fail on a rise (`maxRefusalRateIncrease`, `maxTruncationRateIncrease`).
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRecords } from '../../src/compare/compareRuns.js';
import { resolvePolicy } from '../../src/compare/policy.js';
import type { StopReason } from '../../src/providers/types.js';
import type { SampleRecord } from '../../src/records/types.js';
import { formatComparison } from '../../src/report/compareConsole.js';
import { renderJUnit } from '../../src/report/junit.js';
import { escapeText, renderMarkdown } from '../../src/report/markdown.js';
import { reasonText } from '../../src/report/reasons.js';
import { runCli } from '../helpers/cli.js';
import { sample, writeRecord } from './records.js';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-stops-'));
  // 50 cases that pass on both sides; v2 refuses 5 of them (10%) where v1 refused 1 (2%), and cuts 2 at
  // max_tokens where v1 cut none. Chaos samples are left out of the rates, as in the run summary.
  const samples: SampleRecord[] = [];
  for (let c = 0; c < 50; c++) {
    const caseId = `c${String(c).padStart(2, '0')}`;
    samples.push(withStop(sample({ caseId, version: 'v1', pass: true }), c === 0 ? 'refusal' : 'end_turn'));
    samples.push(withStop(sample({ caseId, version: 'v2', pass: true }), c < 5 ? 'refusal' : c < 7 ? 'max_tokens' : 'end_turn'));
  }
  samples.push(withStop(sample({ caseId: 'c00~homoglyphs', version: 'v1', pass: true, chaosSource: 'c00' }), 'end_turn'));
  samples.push(withStop(sample({ caseId: 'c00~homoglyphs', version: 'v2', pass: true, chaosSource: 'c00' }), 'refusal'));
  file = await writeRecord(join(dir, 'run/run.jsonl'), samples);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function withStop(record: SampleRecord, stopReason: StopReason): SampleRecord {
  record.stopReason = stopReason;
  if (stopReason === 'refusal') record.stopDetails = { category: 'cyber' };
  return record;
}

const v1v2 = { baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } } as const;

describe('refusal and truncation rates in a comparison', () => {
  it('are shares of each side\'s scored golden samples, with the change between sides', async () => {
    const result = await compareRecords(file, file, { ...v1v2, root: dir });
    const stops = result.cells[0]!.operational.stops!;
    expect(stops.scored).toEqual({ baseline: 50, candidate: 50 });
    expect(stops.refusalRate).toMatchObject({ baseline: 0.02, candidate: 0.1 });
    expect(stops.maxTokensRate).toMatchObject({ baseline: 0, candidate: 0.04 });
    expect(stops.contextWindowRate).toMatchObject({ baseline: 0, candidate: 0 });
    // Off by default: the verdict reads the pass rate alone.
    expect(result.verdict.reasons.map((r) => r.rule)).not.toContain('refusal_rate_increase');

    const console = formatComparison(result);
    expect(console).toMatch(/refusal rate\s+2\.0%\s+10\.0%\s+\+8\.0 pts\s+of 50 → 50 scored golden samples/);
    expect(console).toMatch(/cut at max_tokens\s+0\.0%\s+4\.0%\s+\+4\.0 pts/);
    expect(console).not.toMatch(/context-window stops/);
    expect(renderMarkdown(result)).toContain('| v1 × model-a → v2 × model-a | refusal rate 2.0% → 10.0% (+8.0 pts); cut at max_tokens 0.0% → 4.0% (+4.0 pts) | 50 → 50 |');
    expect(renderJUnit(result)).toContain('<property name="refusal rate" value="2.0% → 10.0% (+8.0 pts) of 50 → 50 scored golden samples"/>');
  });

  it('are left out when neither side refused or was cut', async () => {
    const plain = await writeRecord(join(dir, 'plain/run.jsonl'), [sample({ caseId: 'a', version: 'v1', pass: true }), sample({ caseId: 'a', version: 'v2', pass: true })]);
    const result = await compareRecords(plain, plain, { ...v1v2, root: dir });
    expect(result.cells[0]!.operational).not.toHaveProperty('stops');
    expect(formatComparison(result)).not.toMatch(/refusal rate|max_tokens/);
  });

  it('fail the verdict when a rise exceeds maxRefusalRateIncrease or maxTruncationRateIncrease, whatever the pass rate says', async () => {
    const policy = resolvePolicy([{ policy: { maxRefusalRateIncrease: 0.05, maxTruncationRateIncrease: 0.04 }, origin: 'test' }]);
    const result = await compareRecords(file, file, { ...v1v2, root: dir, policy });
    const cell = result.cells[0]!;
    expect(cell.verdict.verdict).toBe('fail');
    const refusal = cell.verdict.reasons.find((r) => r.rule === 'refusal_rate_increase');
    expect(refusal?.values).toEqual({ baseline: 0.02, candidate: 0.1, increase: expect.closeTo(0.08, 10), limit: 0.05, samples: { baseline: 50, candidate: 50 } });
    expect(reasonText(refusal!)).toBe('refusal rate up +8.0 pts (2.0% of 50 → 10.0% of 50 scored golden samples), over maxRefusalRateIncrease 5.0 pts');
    // The pull-request comment carries every reason of the cell, not only the one the verdict quotes first.
    const md = renderMarkdown(result);
    expect(cell.verdict.reasons.length).toBeGreaterThan(1);
    expect(md).toContain(`### Reasons by cell\n\n- **v1 × model-a → v2 × model-a**: ❌ fail\n${cell.verdict.reasons.map((r) => `  - ${escapeText(reasonText(r))}`).join('\n')}\n`);
    // A rise of exactly the limit is tolerated.
    expect(cell.verdict.reasons.map((r) => r.rule)).not.toContain('truncation_rate_increase');
    const stricter = await compareRecords(file, file, { ...v1v2, root: dir, policy: resolvePolicy([{ policy: { maxTruncationRateIncrease: 0.03 }, origin: 'test' }]) });
    const truncation = stricter.cells[0]!.verdict.reasons.find((r) => r.rule === 'truncation_rate_increase');
    expect(reasonText(truncation!)).toBe('answers cut at max_tokens up +4.0 pts (0.0% of 50 → 4.0% of 50 scored golden samples), over maxTruncationRateIncrease 3.0 pts');
    expect(formatComparison(stricter)).toMatch(/policy: .*maxTruncationRateIncrease 3\.0 pts/);
  });

  it('checks the limits like every policy value', () => {
    expect(() => resolvePolicy([{ policy: { maxRefusalRateIncrease: 2 }, origin: 'suites/x.eval.ts' }])).toThrow(/policy\.maxRefusalRateIncrease.*expected a number between 0 and 1, got 2/s);
  });
});

describe('a refused golden case in the compare reports', () => {
  it('says why it failed: the refusal, though its scorers passed the partial text', async () => {
    // As a run records it now: the candidate's refusal fails the golden case, its scorer passed.
    const refused = withStop(sample({ caseId: 'a', version: 'v2', pass: true, output: 'half an ans' }), 'refusal');
    refused.pass = false;
    const samples = [sample({ caseId: 'a', version: 'v1', pass: true }), refused, sample({ caseId: 'b', version: 'v1', pass: true }), sample({ caseId: 'b', version: 'v2', pass: true })];
    const refusing = await writeRecord(join(dir, 'refused/run.jsonl'), samples);
    const result = await compareRecords(refusing, refusing, { ...v1v2, root: dir });
    expect(result.cells[0]!.cases.find((c) => c.caseId === 'a')!.status).toBe('regressed');
    expect(renderMarkdown(result)).toMatch(/\*\*`a`\*\* regressed: pass 1\/1 → 0\/1, score ±0\.000<br>why: refused \(stop reason refusal\): a refusal fails a golden case whatever its scores/);
    // Two cases are inconclusive: a <failure> when that fails the comparison, <system-out> when it does not.
    expect(renderJUnit(result, { failOnInconclusive: true })).toMatch(/<testcase name="a" [^>]*>\n {6}<failure [^>]*>[^<]*\nwhy: refused \(stop reason refusal\): a refusal fails a golden case whatever its scores/);
    expect(renderJUnit(result)).toMatch(/<testcase name="a" [^>]*>\n {6}<system-out>[^<]*\nwhy: refused \(stop reason refusal\): a refusal fails a golden case whatever its scores/);
  });
});

describe('the policy rule through the built CLI', () => {
  it('--max-refusal-rate-increase fails the comparison (exit 1) and says why; so does the config\'s policy; a bad value is exit 2', async () => {
    const args = ['compare', 'run', '--baseline', 'version=v1', '--candidate', 'version=v2', '--no-html'];
    const flagged = await runCli([...args, '--max-refusal-rate-increase', '0.05'], dir);
    expect(flagged.stderr).toBe('');
    expect(flagged.code).toBe(1);
    expect(flagged.stdout).toContain('refusal rate up +8.0 pts (2.0% of 50 → 10.0% of 50 scored golden samples), over maxRefusalRateIncrease 5.0 pts');
    expect((await runCli(args, dir)).code).toBe(0);

    const project = await mkdtemp(join(tmpdir(), 'promptgold-stops-config-'));
    try {
      await cp(join(dir, 'run'), join(project, 'run'), { recursive: true });
      await writeFile(join(project, 'promptgold.config.json'), JSON.stringify({ policy: { maxTruncationRateIncrease: 0.01 } }));
      const configured = await runCli(args, project);
      expect(configured.code).toBe(1);
      expect(configured.stdout).toMatch(/policy: .*maxTruncationRateIncrease 1\.0 pts/);
      expect(configured.stdout).toContain('answers cut at max_tokens up +4.0 pts');
      // A flag overrides the config.
      expect((await runCli([...args, '--max-truncation-rate-increase', '0.05'], project)).code).toBe(0);

      await writeFile(join(project, 'promptgold.config.json'), JSON.stringify({ policy: { maxRefusalRateIncrease: 5 } }));
      const bad = await runCli(args, project);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/promptgold\.config\.json.*policy\.maxRefusalRateIncrease.*between 0 and 1/);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});
