import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRecords } from '../../src/compare/compareRuns.js';
import { exitCodeForComparison } from '../../src/compare/verdict.js';
import { reasonText } from '../../src/report/reasons.js';
import { renderJUnit } from '../../src/report/junit.js';
import type { SampleRecord } from '../../src/records/types.js';
import { runCli } from '../helpers/cli.js';
import { sample, writeRecord } from './records.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-candidate-unscored-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ids = Array.from({ length: 40 }, (_, c) => `c${String(c).padStart(3, '0')}`);

/** 40 cases that pass; the first 12 (30%) a provider error, not scored. */
function thirtyPercentUnscored(): SampleRecord[] {
  return ids.map((caseId, c) => sample({ caseId, pass: true, ...(c < 12 ? { error: 'provider_error' } : {}) }));
}

async function run(name: string, maxErrorRate: number): Promise<string> {
  return writeRecord(join(dir, `reports/runs/${name}/run.jsonl`), thirtyPercentUnscored(), { header: { options: { repeats: 1, maxErrorRate } } });
}

const candidateSentence =
  'the candidate left 12 of its 40 samples unscored (provider_error 12); its maxErrorRate allows 10%: its run fails (exit 3), and the cases it did score cannot stand for it; fix what failed and run those samples again with `promptgold run --retry-errors`';

describe("compare judges the candidate by its own maxErrorRate, as `promptgold run` does", () => {
  it('fails a candidate with more samples unscored than its maxErrorRate allows (exit 3), though the baseline erred as often', async () => {
    // Both runs left the same 12 of 40 samples unscored, over the 10% they allow: each run exited 3.
    // Before: the 28 cases both scored compared alike, and compare exited 0 with a JUnit file all green.
    const baseline = await run('base-over', 0.1);
    const candidate = await run('cand-over', 0.1);
    const result = await compareRecords(baseline, candidate, { root: dir });
    const reason = { rule: 'too_many_unscored', values: { side: 'candidate', notScored: 12, samples: 40, maxErrorRate: 0.1, kinds: { provider_error: 12 } } };
    expect(result.verdict.verdict).toBe('fail');
    expect(result.verdict.reasons[0]).toEqual(reason);
    expect(reasonText(result.verdict.reasons[0]!)).toBe(candidateSentence);
    // The baseline over its own maxErrorRate is a note: it is what the candidate is compared with.
    expect(result.verdict.reasons).toContainEqual({ rule: 'too_many_unscored', values: { ...reason.values, side: 'baseline' } });
    expect(exitCodeForComparison(result, false)).toBe(3);

    const xml = renderJUnit(result);
    expect(xml).toContain('<testsuite name="comparison" tests="1" failures="0" errors="1" skipped="0">');
    expect(xml).toMatch(/<testcase name="unscored samples of the candidate" classname="demo\.comparison">\n {6}<error message="the candidate left 12 of its 40 samples unscored[^"]*" type="too_many_unscored">/);
    expect(xml).toMatch(/<testsuites name="[^"]*" tests="\d+" failures="\d+" errors="[1-9]\d*">/);
    // The cases whose candidate sample went unscored are what fails it: each is an <error>, never a
    // pass that says its cell's verdict is the gate (the cell itself passes or is inconclusive).
    const unscoredCase = xml.slice(xml.indexOf('<testcase name="c000"'), xml.indexOf('</testcase>', xml.indexOf('<testcase name="c000"')));
    expect(unscoredCase).toMatch(/<error message="[^"]*not scored[^"]*" type="provider_error">/);
    expect(unscoredCase).not.toContain('not a failure here');
    expect(xml).toMatch(/<testsuites name="[^"]*" tests="\d+" failures="\d+" errors="13">/);

    const cli = await runCli(['compare', baseline, candidate, '--no-html', '--junit', 'junit.xml', '--markdown', 'compare.md'], dir);
    expect(cli.stdout).toContain(`verdict: FAIL\n  - ${candidateSentence}\n`);
    expect(cli.code).toBe(3);
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('type="too_many_unscored"');
    expect(await readFile(join(dir, 'compare.md'), 'utf8')).toContain('the candidate left 12 of its 40 samples unscored (provider\\_error 12)');

    // report --compare is the same comparison: the same exit code.
    const report = await runCli(['report', join(dir, 'reports/runs/cand-over'), '--compare', join(dir, 'reports/runs/base-over'), '--html', join(dir, 'page.html')], dir);
    expect(report.stdout).toContain(`verdict: FAIL\n  - ${candidateSentence}\n`);
    expect(report.code).toBe(3);
  });

  it('leaves a candidate within its maxErrorRate as it was; a baseline over its own is a note', async () => {
    const baseline = await run('base-within', 0.3);
    const candidate = await run('cand-within', 0.3);
    const within = await compareRecords(baseline, candidate, { root: dir });
    expect(within.verdict.reasons.map((r) => r.rule)).not.toContain('too_many_unscored');
    expect(within.verdict.verdict).not.toBe('fail');
    expect(exitCodeForComparison(within, false)).toBe(0);
    expect(renderJUnit(within)).not.toContain('<testsuite name="comparison"');

    // The same candidate against a baseline over its own maxErrorRate: the same verdict and exit code, with a note.
    const noted = await compareRecords(await run('base-over-2', 0.1), candidate, { root: dir });
    expect(noted.verdict.verdict).toBe(within.verdict.verdict);
    expect(noted.verdict.reasons.filter((r) => r.rule === 'too_many_unscored')).toEqual([
      { rule: 'too_many_unscored', values: { side: 'baseline', notScored: 12, samples: 40, maxErrorRate: 0.1, kinds: { provider_error: 12 } } },
    ]);
    expect(reasonText(noted.verdict.reasons.find((r) => r.rule === 'too_many_unscored')!)).toBe(
      'the baseline left 12 of its 40 samples unscored (provider_error 12); its maxErrorRate allows 10%: the comparison is over the cases it did score',
    );
    expect(exitCodeForComparison(noted, false)).toBe(0);
    expect(renderJUnit(noted)).not.toContain('type="too_many_unscored"');
  });

  it('judges the cells compared: two cells of one record are judged apart', async () => {
    // v1 left 12 of 40 unscored, v2 none: comparing v2 with v1 is a candidate within its rate.
    const samples = [...thirtyPercentUnscored(), ...ids.map((caseId) => sample({ caseId, version: 'v2', pass: true }))];
    const file = await writeRecord(join(dir, 'reports/runs/cells/run.jsonl'), samples, { header: { options: { repeats: 1, maxErrorRate: 0.1 } } });
    const forward = await compareRecords(file, file, { root: dir, baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } });
    expect(forward.verdict.reasons.filter((r) => r.rule === 'too_many_unscored').map((r) => r.rule === 'too_many_unscored' && r.values.side)).toEqual(['baseline']);
    expect(exitCodeForComparison(forward, false)).toBe(0);
    const backward = await compareRecords(file, file, { root: dir, baselineFilter: { version: 'v2' }, candidateFilter: { version: 'v1' } });
    expect(backward.verdict.reasons[0]).toMatchObject({ rule: 'too_many_unscored', values: { side: 'candidate', notScored: 12, samples: 40 } });
    expect(exitCodeForComparison(backward, false)).toBe(3);
  });
});
