import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveBaseline } from '../../src/compare/baselineFile.js';
import { compareRecords } from '../../src/compare/compareRuns.js';
import { SummaryBuilder } from '../../src/records/summary.js';
import type { SampleRecord } from '../../src/records/types.js';
import { runCli } from '../helpers/cli.js';
import { sample, writeRecord } from './records.js';

let dir: string;
let run: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-baseline-'));
  const samples = [];
  for (let c = 0; c < 6; c++) {
    for (let r = 0; r < 3; r++) {
      samples.push(
        sample({ caseId: `c${c}`, repeat: r, pass: c !== 2 || r === 0, score: c === 2 && r > 0 ? 0.25 : 1, tags: [c % 2 ? 'odd' : 'even'], output: `Answer ${c}.${r}: the "quick" <brown> fox` }),
      );
    }
  }
  samples.push(sample({ caseId: 'c9', pass: false, error: 'refusal' }));
  run = await writeRecord(join(dir, 'reports/runs/demo-20260101-000000/run.jsonl'), samples.reverse());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function summaryOf(samples: SampleRecord[], maxErrorRate: number) {
  const builder = new SummaryBuilder({ threshold: null, maxErrorRate });
  for (const s of samples) builder.add(s);
  return builder.build();
}

describe('baselines', () => {
  it('saves a compact, sorted, stable file next to the suite', async () => {
    const saved = await saveBaseline(run, { root: dir });
    expect(saved.file).toBe(join(dir, 'suites/demo.baseline.jsonl'));
    expect(saved).toMatchObject({ cells: 1, cases: 7, samples: 19, complete: true });
    const first = await readFile(saved.file, 'utf8');
    await saveBaseline(run, { root: dir });
    expect(await readFile(saved.file, 'utf8')).toBe(first);
    const lines = first.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'header', suite: 'demo', baseline: { format: 2, sourceRun: 'reports/runs/demo-20260101-000000', complete: true } });
    expect(lines.slice(1).map((l) => l.caseId)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c9']);
    const c2 = lines.find((l) => l.caseId === 'c2');
    expect(c2.repeats.map((r: { repeat: number }) => r.repeat)).toEqual([0, 1, 2]);
    expect(c2.repeats[1]).toMatchObject({ pass: false, scores: { exact: 0.25 }, failed: { exact: 'output differs from expected' } });
    expect(c2.repeats[0].failed).toBeUndefined(); // passing reasons are not stored
    expect(lines.find((l) => l.caseId === 'c9').repeats[0]).toMatchObject({ output: null, error: { kind: 'refusal' } });
  });

  it('refuses a run that did not finish unless --allow-incomplete, and keeps the baseline that was there', async () => {
    const samples = Array.from({ length: 6 }, (_, c) => sample({ caseId: `c${c}`, pass: true }));
    const cut = await writeRecord(join(dir, 'reports/runs/cut-20260101-000000/run.jsonl'), samples.slice(0, 4), { complete: false, header: { planned: 6 } });
    const out = 'suites/cut.baseline.jsonl';
    await expect(saveBaseline(cut, { root: dir, out })).rejects.toThrowError(
      /reports\/runs\/cut-20260101-000000\/run\.jsonl: the run is incomplete \(4 of 6 planned samples, no summary line\): a baseline from it would leave 2 planned samples out of every comparison against it\n {2}hint: finish the run with `promptgold run <suite> --resume <run>`/,
    );
    const refused = await runCli(['baseline', 'save', 'reports/runs/cut-20260101-000000', '--out', out], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the run is incomplete \(4 of 6 planned samples, no summary line\)/);
    await expect(readFile(join(dir, out), 'utf8')).rejects.toThrow(/ENOENT/);
    const saved = await runCli(['baseline', 'save', 'reports/runs/cut-20260101-000000', '--out', out, '--allow-incomplete'], dir);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stderr).toMatch(/warning: the run is incomplete \(saved with --allow-incomplete\)/);
    const header = JSON.parse((await readFile(join(dir, out), 'utf8')).split('\n')[0]!);
    expect(header.baseline.complete).toBe(false);
    // A summary line with fewer samples than planned is incomplete too.
    const short = await writeRecord(join(dir, 'reports/runs/short-20260101-000000/run.jsonl'), samples.slice(0, 5), { header: { planned: 6 } });
    await expect(saveBaseline(short, { root: dir, out })).rejects.toThrowError(/the run is incomplete \(5 of 6 planned samples\): a baseline from it would leave 1 planned sample out/);
    expect(JSON.parse((await readFile(join(dir, out), 'utf8')).split('\n')[0]!).baseline.sourceRun).toBe('reports/runs/cut-20260101-000000');
  });

  it('refuses a run that scored nothing, or left more samples unscored than its maxErrorRate allows', async () => {
    // A function provider that threw on every case: `run` exited 3 with 20 of 20 provider_error,
    // and the baseline saved from it made every later comparison a quiet "nothing to compare".
    const thrown = Array.from({ length: 20 }, (_, c) => sample({ caseId: `c${c}`, pass: false, error: 'provider_error' }));
    const none = await writeRecord(join(dir, 'reports/runs/none-20260101-000000/run.jsonl'), thrown);
    const out = 'suites/unscored.baseline.jsonl';
    await expect(saveBaseline(none, { root: dir, out })).rejects.toThrowError(
      /reports\/runs\/none-20260101-000000\/run\.jsonl: no golden sample of v1 × model-a was scored \(20 of its 20 golden samples not scored: provider_error 20\): a baseline from it has nothing to compare a candidate with\n {2}hint: fix what failed .*`promptgold run --retry-errors reports\/runs\/none-20260101-000000`/,
    );
    const refused = await runCli(['baseline', 'save', 'reports/runs/none-20260101-000000', '--out', out], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no golden sample of v1 × model-a was scored/);
    // --allow-incomplete is about unrun samples: it does not make a baseline of nothing.
    const forced = await runCli(['baseline', 'save', 'reports/runs/none-20260101-000000', '--out', out, '--allow-incomplete'], dir);
    expect(forced.code).toBe(2);
    await expect(readFile(join(dir, out), 'utf8')).rejects.toThrow(/ENOENT/);

    // Some scored, but more unscored than the run's maxErrorRate allows (the run exited 3).
    const some = [...thrown.slice(0, 5), ...Array.from({ length: 15 }, (_, c) => sample({ caseId: `d${c}`, pass: true }))];
    const over = await writeRecord(join(dir, 'reports/runs/over-20260101-000000/run.jsonl'), some, { header: { options: { repeats: 1, maxErrorRate: 0.2 } } });
    await expect(saveBaseline(over, { root: dir, out })).rejects.toThrowError(
      /over-20260101-000000\/run\.jsonl: 5 of 20 samples were not scored \(provider_error 5\); maxErrorRate allows 20%: the run failed \(exit 3\), and a baseline from it would leave them out of every comparison against it/,
    );
    // Within its maxErrorRate it is saved: the run passed with them.
    const within = await writeRecord(join(dir, 'reports/runs/within-20260101-000000/run.jsonl'), some, { header: { options: { repeats: 1, maxErrorRate: 0.25 } } });
    expect(await saveBaseline(within, { root: dir, out })).toMatchObject({ samples: 20, complete: true });
  });

  it("decides maxErrorRate as the run's summary does: never-run samples count among its samples", async () => {
    // 10 samples, 4 of them never run (the budget), 1 provider error: the summary says 1 of 10 unscored,
    // within maxErrorRate 15%, and the run did not fail on it; the baseline used to say 1 of 6, "the run failed (exit 3)".
    const mixed = [
      ...Array.from({ length: 5 }, (_, c) => sample({ caseId: `p${c}`, pass: true })),
      sample({ caseId: 'e0', pass: false, error: 'provider_error' }),
      ...Array.from({ length: 4 }, (_, c) => sample({ caseId: `b${c}`, pass: false, error: 'budget' })),
    ];
    const options = { header: { options: { repeats: 1, maxErrorRate: 0.15 } } };
    const budget = await writeRecord(join(dir, 'reports/runs/budget-20260101-000000/run.jsonl'), mixed, options);
    expect(summaryOf(mixed, 0.15).tooManyErrors).toBe(false);
    const out = 'suites/budget.baseline.jsonl';
    expect(await saveBaseline(budget, { root: dir, out, allowIncomplete: true })).toMatchObject({ samples: 10, complete: false });

    // Expired batch requests never ran either, but the summary counts them unscored (a timeout): so does the baseline.
    const expired = mixed.map((s) => (s.error?.kind === 'budget' ? { ...s, error: { kind: 'timeout', code: 'batch_expired', message: 'expired' } } : s));
    const batch = await writeRecord(join(dir, 'reports/runs/expired-20260101-000000/run.jsonl'), expired, options);
    expect(summaryOf(expired, 0.15).tooManyErrors).toBe(true);
    await expect(saveBaseline(batch, { root: dir, out, allowIncomplete: true })).rejects.toThrowError(
      /5 of 10 samples were not scored \(provider_error 1, timeout 4\); maxErrorRate allows 15%: the run failed \(exit 3\)/,
    );
  });

  it('round trip: the run compared with its own baseline changes nothing', async () => {
    const saved = await saveBaseline(run, { root: dir });
    const result = await compareRecords(saved.file, run, { root: dir });
    const cell = result.cells[0]!;
    expect(result.baseline.source).toBe('suites/demo.baseline.jsonl');
    expect(cell.counts).toMatchObject({ regressed: 0, improved: 0, 'error-changed': 0, new: 0, removed: 0 });
    expect(cell.counts['unchanged-pass'] + cell.counts['unchanged-fail'] + cell.counts.flaky).toBe(7);
    expect(cell.stats.scoreDiff.estimate).toBe(0);
    expect(cell.operational.costUsd.relative).toBe(0);
    expect(cell.cases.find((c) => c.caseId === 'c2')!.baseline!.outputs).toEqual(cell.cases.find((c) => c.caseId === 'c2')!.candidate!.outputs);
    expect(result.warnings).toEqual([]);
  });

  it('keeps the errors of each side: a candidate timing out far more often fails, though the baseline timed out too', async () => {
    // The baseline timed out once, on c0000; the candidate times out there again and on one of the
    // two repeats of 300 cases the baseline answered: the kind is not new, its rate is.
    const runOf = async (folder: string, timesOut: (c: number) => boolean) => {
      const samples = [];
      for (let c = 0; c < 1000; c++) {
        for (let r = 0; r < 2; r++) samples.push(sample({ caseId: `e${String(c).padStart(4, '0')}`, repeat: r, pass: true, ...(r === 0 && timesOut(c) ? { error: 'timeout' } : {}) }));
      }
      return writeRecord(join(dir, `reports/runs/${folder}/run.jsonl`), samples, { header: { options: { repeats: 2, maxErrorRate: 0.2 } } });
    };
    const before = await runOf('errors-20260101-000000', (c) => c === 0);
    const saved = await saveBaseline(before, { root: dir, out: 'suites/errors.baseline.jsonl' });
    const after = await runOf('errors-20260101-000001', (c) => c <= 300);
    const result = await compareRecords(saved.file, after, { root: dir });
    expect(result.verdict.verdict).toBe('fail');
    expect(result.cells[0]!.verdict.reasons[0]).toEqual({
      rule: 'new_errors',
      values: { kinds: { timeout: { baseline: 1, baselineSamples: 2000, candidate: 301, candidateSamples: 2000, pValue: expect.any(Number) } }, alpha: 0.05 },
    });
    // The same timeout again is no rise.
    const again = await runOf('errors-20260101-000002', (c) => c === 0);
    expect((await compareRecords(saved.file, again, { root: dir })).verdict.verdict).toBe('pass');
  });

  it('keeps judge cost and prompt caching: a run with judges and cache reads against its own baseline changes neither', async () => {
    const samples = [];
    for (let c = 0; c < 8; c++) {
      for (let r = 0; r < 2; r++) {
        const record = sample({ caseId: `j${c}`, repeat: r, pass: c % 3 !== 0, inputTokens: 40 });
        const cache = c % 2 ? { cacheReadInputTokens: 900, cacheCreationInputTokens: 0 } : { cacheCreationInputTokens: 900 };
        samples.push({
          ...record,
          usage: { ...record.usage!, ...cache },
          ...(c % 2 ? { cacheSavedUsd: 0.00081 } : {}),
          judge: { calls: 1, inputTokens: 700, outputTokens: 60, costUsd: 0.0021 + c * 1e-5, latencyMs: 900, cached: 0 },
        });
      }
    }
    const judged = await writeRecord(join(dir, 'reports/runs/demo-20260101-000002/run.jsonl'), samples);
    const saved = await saveBaseline(judged, { root: dir, out: 'suites/judged.baseline.jsonl' });
    const result = await compareRecords(saved.file, judged, { root: dir });
    const operational = result.cells[0]!.operational;
    expect(operational.judgeCostUsd).toMatchObject({ relative: 0 });
    expect(operational.judgeCostUsd!.baseline).toBeCloseTo(0.002135, 12);
    expect(operational.cache).toMatchObject({ readTokens: { relative: 0 }, savedUsd: { relative: 0 } });
    expect(operational.cache!.hitRate).toMatchObject({ baseline: 0.5, candidate: 0.5 });
    expect(operational.inputTokens.relative).toBe(0);
  });

  it('keeps full precision: a run against its own baseline differs by exactly zero, and no slice is significant', async () => {
    // Levenshtein-style similarities are not round numbers; format 1 rounded them to 6 decimals, and
    // the fresh run's 0.6853932584269663 against the baseline's 0.685393 read as a change.
    const samples = [];
    for (let c = 0; c < 40; c++) {
      for (let r = 0; r < 3; r++) {
        const score = 0.5 + ((c * 7 + r * 3) % 89) / 89 / 2 + 1e-9 / (c + 1);
        samples.push({ ...sample({ caseId: `p${c}`, repeat: r, pass: score > 0.6, score, tags: [`t${c % 4}`], costUsd: 0.000123456789 * (c + 1), latencyMs: 812.345 + c }), index: 0 });
      }
    }
    const precise = await writeRecord(join(dir, 'reports/runs/demo-20260101-000001/run.jsonl'), samples);
    const saved = await saveBaseline(precise, { root: dir, out: 'suites/precise.baseline.jsonl' });
    const result = await compareRecords(saved.file, precise, { root: dir });
    const cell = result.cells[0]!;
    expect(cell.cases.every((c) => c.scoreDelta === 0 && c.passDelta === 0 && Object.values(c.scorerDeltas).every((d) => d === 0))).toBe(true);
    expect(cell.stats.scoreDiff).toMatchObject({ estimate: 0, pValue: 1 });
    expect(cell.stats.passRateDiff).toMatchObject({ estimate: 0, pValue: 1 });
    expect(cell.slices.length).toBeGreaterThan(0);
    expect(cell.slices.every((s) => s.scoreDiff.estimate === 0 && !s.significant)).toBe(true);
    expect(cell.operational.costUsd.relative).toBe(0);
    expect(cell.operational.latencyP95Ms.relative).toBe(0);
  });

  it('`compare <run>` alone uses the committed baseline (built CLI)', async () => {
    const save = await runCli(['baseline', 'save', 'reports/runs/demo-20260101-000000'], dir);
    expect(save.code, save.stderr).toBe(0);
    expect(save.stdout).toMatch(/baseline: suites\/demo\.baseline\.jsonl \(1 cells, 7 case lines, 19 samples/);
    const compare = await runCli(['compare', 'reports/runs/demo-20260101-000000', '--json', 'out/cmp.json'], dir);
    expect(compare.code, compare.stderr).toBe(0);
    expect(compare.stdout).toMatch(/compare demo: suites\/demo\.baseline\.jsonl → reports\/runs\/demo-20260101-000000\/run\.jsonl/);
    const json = JSON.parse(await readFile(join(dir, 'out/cmp.json'), 'utf8'));
    expect(json.type).toBe('comparison');
    expect(json.cells[0].counts.regressed).toBe(0);
    // A baseline cannot be saved from a baseline.
    const again = await runCli(['baseline', 'save', 'suites/demo.baseline.jsonl'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already a baseline file/);
  });
});
