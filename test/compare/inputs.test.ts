import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveBaseline } from '../../src/compare/baselineFile.js';
import { compareRecords } from '../../src/compare/compareRuns.js';
import { DEFAULT_POLICY } from '../../src/compare/policy.js';
import { InputError } from '../../src/errors.js';
import { renderJUnit } from '../../src/report/junit.js';
import { reasonText, warningText } from '../../src/report/reasons.js';
import { runCli } from '../helpers/cli.js';
import { header, pairedSamples, repeatPattern, sample, writeRecord } from './records.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-inputs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cases = (version: string, n = 4) => Array.from({ length: n }, (_, i) => sample({ caseId: `c${i}`, version, pass: true }));

describe('bad input', () => {
  it('refuses records of different suites or datasets, says what differs, and --force compares anyway', async () => {
    const a = await writeRecord(join(dir, 'a/run.jsonl'), cases('v1'));
    const otherSuite = await writeRecord(join(dir, 'b/run.jsonl'), cases('v1'), { header: { suite: 'other' } });
    const otherData = await writeRecord(join(dir, 'c/run.jsonl'), [...cases('v1', 3), sample({ caseId: 'extra', pass: true })], {
      header: { dataset: { path: 'cases.jsonl', hash: 'dataset-2', cases: 11 } },
    });
    await expect(compareRecords(a, otherSuite, { root: dir })).rejects.toThrow(/different suites: "demo" \(a\/run\.jsonl\) vs "other" \(b\/run\.jsonl\)/);
    const error = await compareRecords(a, otherData, { root: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/different datasets: cases\.jsonl dataset-1 \(10 cases\) vs cases\.jsonl dataset-2 \(11 cases\); 1 case ids only in the baseline, 1 only in the candidate/);
    expect((error as Error).message).toMatch(/--force/);
    const forced = await compareRecords(a, otherData, { root: dir, force: true });
    expect(forced.warnings).toEqual([
      {
        rule: 'different_datasets',
        values: {
          baseline: { path: 'cases.jsonl', hash: 'dataset-1', cases: 10 },
          candidate: { path: 'cases.jsonl', hash: 'dataset-2', cases: 11 },
          onlyInBaseline: 1,
          onlyInCandidate: 1,
        },
      },
    ]);
    expect(warningText(forced.warnings[0]!)).toMatch(/^--force: different datasets/);
    expect(forced.cells[0]!.counts).toMatchObject({ new: 1, removed: 1, 'unchanged-pass': 3 });
    const cli = await runCli(['compare', a, otherSuite], dir);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/different suites/);
  });

  it('compares what an incomplete record has; an incomplete candidate fails, an incomplete baseline is a note', async () => {
    const samples = pairedSamples(repeatPattern([[true, true]], 300));
    const complete = await writeRecord(join(dir, 'complete/run.jsonl'), samples.filter((s) => s.version === 'v1'));
    const partial = await writeRecord(join(dir, 'partial/run.jsonl'), samples.filter((s) => s.version === 'v2').slice(0, 250), {
      complete: false,
      header: { planned: 300 },
    });
    const result = await compareRecords(complete, partial, { root: dir });
    expect(result.candidate.complete).toBe(false);
    const incomplete = { rule: 'incomplete_record', values: { side: 'candidate', source: 'partial/run.jsonl', cause: 'no_summary', samples: 250, planned: 300 } } as const;
    expect(result.warnings).toEqual([incomplete]);
    expect(warningText(incomplete)).toBe(
      'the candidate record partial/run.jsonl is incomplete (the run did not finish: 250 of 300 planned samples, no summary line): a comparison over part of its run cannot pass; finish the run with `promptgold run --resume`, or compare a complete one',
    );
    // The 250 cases it has pass as before; the 50 it never ran would be outside the interval.
    const cell = result.cells[0]!;
    expect(cell.stats.n).toBe(250);
    expect(cell.verdict.verdict).toBe('fail');
    expect(cell.verdict.reasons[0]).toEqual(incomplete);
    expect(cell.verdict.reasons.filter((r) => r.rule === 'incomplete_record')).toHaveLength(1);
    expect(cell.verdict.reasons).toContainEqual(expect.objectContaining({ rule: 'non_inferior' }));
    expect(result.verdict.verdict).toBe('fail');
    expect(result.verdict.reasons).toEqual([{ ...incomplete, cell: cell.label }]);
    expect(cell.counts.removed).toBe(50);
    const cli = await runCli(['compare', complete, partial, '--no-html'], dir);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/verdict: FAIL/);
    expect(cli.stdout).toMatch(/cannot pass; finish the run with `promptgold run --resume`/);

    // The same records the other way round: the baseline is the incomplete one, which is a note only.
    const reversed = await compareRecords(partial, complete, { root: dir });
    const baselineNote = { rule: 'incomplete_record', values: { ...incomplete.values, side: 'baseline' } } as const;
    expect(reversed.verdict.verdict).toBe('pass');
    expect(reversed.verdict.reasons).toContainEqual(baselineNote);
    expect(warningText(baselineNote)).toBe('the baseline record partial/run.jsonl is incomplete (the run did not finish: 250 of 300 planned samples, no summary line); only the samples it has are compared');

    // A killed run ends in a half-written line: ignored, the rest still compares.
    await writeFile(partial, `${await readFile(partial, 'utf8')}{"type":"sample","caseId":"c00`);
    const cut = await compareRecords(complete, partial, { root: dir });
    expect(cut.cells[0]!.stats.n).toBe(250);
  });

  it('a candidate stopped by its budget has a line for every sample and a summary, and is still incomplete', async () => {
    const samples = pairedSamples(repeatPattern([[true, true]], 300));
    const baseline = await writeRecord(join(dir, 'full/run.jsonl'), samples.filter((s) => s.version === 'v1'));
    // The last 50 samples were never sent: `skipped: budget`, as runSuite records them before its summary.
    const capped = samples.filter((s) => s.version === 'v2').map((s, i) => (i < 250 ? s : sample({ caseId: s.caseId, version: 'v2', pass: false, error: 'budget' })));
    const candidate = await writeRecord(join(dir, 'capped/run.jsonl'), capped);
    const result = await compareRecords(baseline, candidate, { root: dir, policy: { ...DEFAULT_POLICY, failOnNewErrors: false } });
    const incomplete = { rule: 'incomplete_record', values: { side: 'candidate', source: 'capped/run.jsonl', cause: 'not_run', samples: 300, planned: 300, notRun: 50, notRunBy: { budget: 50, unjudged: 0, batch: 0, missing: 0 } } } as const;
    expect(result.warnings).toEqual([incomplete]);
    expect(result.verdict.verdict).toBe('fail');
    expect(result.verdict.reasons[0]).toEqual({ ...incomplete, cell: result.cells[0]!.label });
    expect(warningText(incomplete)).toBe(
      'the candidate record capped/run.jsonl is incomplete (50 of 300 planned samples did not finish (50 samples skipped: budget reached)): a comparison over part of its run cannot pass; finish the run with `promptgold run --resume`, or compare a complete one',
    );
    await expect(saveBaseline(candidate, { root: dir, out: 'capped.baseline.jsonl' })).rejects.toThrowError(
      /the run is incomplete \(50 of 300 planned samples did not finish \(50 samples skipped: budget reached\)\): a baseline from it would leave 50 planned samples out/,
    );
  });

  it('says which of a candidate\'s budget skips were answered but not judged, and which were never sent', async () => {
    const samples = pairedSamples(repeatPattern([[true, true]], 10));
    const baseline = await writeRecord(join(dir, 'full-judged/run.jsonl'), samples.filter((s) => s.version === 'v1'));
    // Two answers were given but the budget refused their judge; the last sample's answer was never sent.
    const notJudged = (caseId: string) => ({ ...sample({ caseId, version: 'v2', pass: false, error: 'budget' }), output: `answer for ${caseId}`, error: { kind: 'budget', message: "quality's judge: budget of $1.00 reached ($1.00 spent); request not sent" } });
    const capped = samples.filter((s) => s.version === 'v2').map((s, i) => (i < 7 ? s : i < 9 ? notJudged(s.caseId) : sample({ caseId: s.caseId, version: 'v2', pass: false, error: 'budget' })));
    const candidate = await writeRecord(join(dir, 'capped-judged/run.jsonl'), capped);
    const result = await compareRecords(baseline, candidate, { root: dir, policy: { ...DEFAULT_POLICY, failOnNewErrors: false } });
    const warning = result.warnings.find((w) => w.rule === 'incomplete_record')!;
    expect(warning.values).toMatchObject({ cause: 'not_run', notRun: 3, notRunBy: { budget: 1, unjudged: 2, batch: 0, missing: 0 } });
    expect(warningText(warning)).toContain('incomplete (3 of 10 planned samples did not finish (1 sample skipped: budget reached; 2 samples answered but not judged: budget reached))');
    await expect(saveBaseline(candidate, { root: dir, out: 'capped-judged.baseline.jsonl' })).rejects.toThrowError(
      /the run is incomplete \(3 of 10 planned samples did not finish \(1 sample skipped: budget reached; 2 samples answered but not judged: budget reached\)\)/,
    );
  });

  it('explains why an older recordVersion cannot be read', async () => {
    const old = join(dir, 'old/run.jsonl');
    await writeRecord(old, cases('v1'), { header: { recordVersion: 0 } });
    const current = await writeRecord(join(dir, 'current/run.jsonl'), cases('v1'));
    await expect(compareRecords(old, current, { root: dir })).rejects.toThrow(/old\/run\.jsonl:1: recordVersion: recordVersion 0 is not supported \(this promptgold reads version 1\)\n {2}hint: re-run the suite/);
    const cli = await runCli(['compare', old, current], dir);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/recordVersion 0 is not supported/);
  });

  it('rejects a file that is not a record', async () => {
    const notRecord = join(dir, 'notes.jsonl');
    await writeFile(notRecord, `${JSON.stringify({ hello: 'world' })}\n`);
    const current = join(dir, 'current/run.jsonl');
    await expect(compareRecords(notRecord, current, { root: dir })).rejects.toThrow(/notes\.jsonl:1: type: the line has no "type"/);
    expect(header().type).toBe('header');
  });
});

describe('a candidate that ran less than the baseline', () => {
  const passing = (version: string, n: number, model = 'model-a') => Array.from({ length: n }, (_, i) => sample({ caseId: `c${String(i).padStart(3, '0')}`, version, model, pass: true }));

  it('fails when it left out cases of the same dataset (a selection, chaos off), however well the cases it ran did', async () => {
    const full = await writeRecord(join(dir, 'sel-full/run.jsonl'), passing('v1', 400));
    // The candidate ran 250 of the 400 cases (say `--filter easy`); the other 150 are where it fails.
    const selected = await writeRecord(join(dir, 'sel-part/run.jsonl'), passing('v1', 250), { header: { options: { repeats: 1, select: { tags: ['easy'] } } } });
    const result = await compareRecords(full, selected, { root: dir });
    const cell = result.cells[0]!;
    expect(cell.counts.removed).toBe(150);
    const missing = { rule: 'missing_cases', values: { count: 150, paired: 250 } };
    expect(cell.verdict.verdict).toBe('fail');
    expect(cell.verdict.reasons[0]).toEqual(missing);
    // Said once: as the reason, not also as the note on cases only in the baseline.
    expect(cell.verdict.reasons.map((r) => r.rule)).not.toContain('one_sided_cases');
    expect(result.verdict.verdict).toBe('fail');
    const cli = await runCli(['compare', full, selected, '--no-html'], dir);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/verdict: FAIL/);
    expect(cli.stdout).toContain('150 cases of the baseline were not run by the candidate (the same dataset): the statistics cover only the 250 cases both ran, so the cell cannot pass');

    // The other way round, the candidate's extra cases are a note: the baseline decides what is checked.
    const reversed = await compareRecords(selected, full, { root: dir });
    expect(reversed.verdict.verdict).toBe('pass');
    expect(reversed.cells[0]!.verdict.reasons).toContainEqual({ rule: 'one_sided_cases', values: { side: 'candidate', count: 150 } });
  });

  it('on different datasets (--force) a case only in the baseline stays a note: it may have left the dataset', async () => {
    const full = await writeRecord(join(dir, 'ds-full/run.jsonl'), passing('v1', 300));
    const smaller = await writeRecord(join(dir, 'ds-small/run.jsonl'), passing('v1', 250), { header: { dataset: { path: 'cases.jsonl', hash: 'dataset-2', cases: 250 } } });
    const result = await compareRecords(full, smaller, { root: dir, force: true });
    expect(result.verdict.verdict).toBe('pass');
    expect(result.cells[0]!.verdict.reasons).toContainEqual({ rule: 'one_sided_cases', values: { side: 'baseline', count: 50 } });
    expect(result.cells[0]!.verdict.reasons.map((r) => r.rule)).not.toContain('missing_cases');
  });

  it('fails when a cell of the baseline has none in the candidate, unless the cells are picked with filters', async () => {
    const both = await writeRecord(join(dir, 'cells-both/run.jsonl'), [...passing('v1', 300, 'model-a'), ...passing('v1', 300, 'model-b')]);
    const one = await writeRecord(join(dir, 'cells-one/run.jsonl'), passing('v1', 300, 'model-a'));
    const result = await compareRecords(both, one, { root: dir });
    expect(result.cells).toHaveLength(1);
    expect(result.cells[0]!.verdict.verdict).toBe('pass');
    expect(result.verdict.verdict).toBe('fail');
    expect(result.verdict.reasons[0]).toEqual({ rule: 'missing_cells', values: { cells: ['v1 × model-b'] } });
    const cli = await runCli(['compare', both, one, '--no-html'], dir);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('a cell of the baseline the candidate did not run (v1 × model-b): a comparison without it cannot pass');

    const picked = await compareRecords(both, one, { root: dir, baselineFilter: { model: 'model-a' }, candidateFilter: { model: 'model-a' } });
    expect(picked.verdict.verdict).toBe('pass');
    // A candidate with more cells than the baseline is only warned about.
    const more = await compareRecords(one, both, { root: dir });
    expect(more.verdict.verdict).toBe('pass');
    expect(more.warnings).toContainEqual({ rule: 'unmatched_cell', values: { side: 'candidate', cell: 'v1 × model-b' } });
  });
});

describe('scorers a side had nothing to score with', () => {
  it('a case whose every candidate repeat failed before scoring (a context overflow) is no scorer removed', async () => {
    const samples = Array.from({ length: 400 }, (_, i) => sample({ caseId: `c${String(i).padStart(3, '0')}`, version: 'v1', pass: true }));
    const base = [...samples.slice(2), sample({ caseId: 'c000', pass: false, error: 'context_overflow' }), sample({ caseId: 'c001', pass: false })];
    const cand = [...samples.slice(2), sample({ caseId: 'c000', pass: false, error: 'context_overflow' }), sample({ caseId: 'c001', pass: false, error: 'context_overflow' })];
    const files = [await writeRecord(join(dir, 'sc-base/run.jsonl'), base), await writeRecord(join(dir, 'sc-cand/run.jsonl'), cand)] as const;
    // The scorer rule holds under any policy: with failOnNewErrors off nothing fails.
    const result = await compareRecords(...files, { root: dir, policy: { ...DEFAULT_POLICY, failOnNewErrors: false } });
    expect(result.cells[0]!.verdict.reasons.map((r) => r.rule)).not.toContain('scorers_differ');
    expect(result.verdict.verdict).toBe('pass');
    // Under the default policy too: two overflows against the baseline's one is no rise of a kind it had.
    const strict = await compareRecords(...files, { root: dir });
    expect(strict.cells[0]!.verdict.reasons.map((r) => r.rule)).toEqual(['non_inferior']);
    expect(strict.verdict.verdict).toBe('pass');
  });
});

describe('requests that differ in what they sent', () => {
  it('warns when the candidate went without a parameter the baseline sent (the model does not accept it), in a record and through a baseline file', async () => {
    const base = Array.from({ length: 10 }, (_, i) => sample({ caseId: `c${i}`, pass: true }));
    const cand = base.map((s) => ({ ...s, model: 'model-b', droppedParams: ['temperature'] }));
    const baseFile = await writeRecord(join(dir, 'dp-base/run.jsonl'), base);
    const candFile = await writeRecord(join(dir, 'dp-cand/run.jsonl'), cand);
    const result = await compareRecords(baseFile, candFile, { root: dir });
    const warning = {
      rule: 'dropped_params',
      values: { cells: 'v1 × model-a → v1 × model-b', baseline: { params: {}, samples: 10 }, candidate: { params: { temperature: 10 }, samples: 10 } },
    } as const;
    expect(result.warnings).toContainEqual(warning);
    expect(warningText(warning)).toBe(
      'v1 × model-a → v1 × model-b: the requests differ in the parameters left out of them (a model that does not take them): the baseline left out none; the candidate left out temperature (10 of 10 samples)',
    );
    // Both sides without the same parameter were asked the same thing: no warning.
    const again = await writeRecord(join(dir, 'dp-cand2/run.jsonl'), cand);
    expect((await compareRecords(candFile, again, { root: dir })).warnings.map((w) => w.rule)).not.toContain('dropped_params');
    // A baseline file keeps what each repeat went without.
    const saved = join(dir, 'dp.baseline.jsonl');
    await saveBaseline(candFile, { root: dir, out: saved });
    expect((await compareRecords(saved, baseFile, { root: dir })).warnings).toContainEqual(
      expect.objectContaining({ rule: 'dropped_params', values: expect.objectContaining({ baseline: { params: { temperature: 10 }, samples: 10 } }) }),
    );
  });
});

describe('a candidate run without --chaos against a baseline with chaos cases', () => {
  it('compares the golden cases and notes the chaos cases it did not run, instead of failing', async () => {
    const golden = Array.from({ length: 300 }, (_, i) => sample({ caseId: `c${String(i).padStart(3, '0')}`, pass: true }));
    const chaos = golden.slice(0, 40).map((s) => sample({ caseId: `${s.caseId}~homoglyphs`, pass: true, chaosSource: s.caseId }));
    const base = await writeRecord(join(dir, 'ch-base/run.jsonl'), [...golden, ...chaos], { header: { options: { repeats: 1, chaos: true } } });
    const plain = await writeRecord(join(dir, 'ch-plain/run.jsonl'), golden, { header: { options: { repeats: 1, chaos: false } } });
    const result = await compareRecords(base, plain, { root: dir });
    expect(result.verdict.verdict).toBe('pass');
    const note = { rule: 'chaos_not_run', values: { count: 40 } } as const;
    expect(result.cells[0]!.verdict.reasons).toContainEqual(note);
    expect(reasonText(note)).toBe('40 chaos cases of the baseline not run: the candidate ran without --chaos, so robustness is not compared and they are not in the statistics (run the candidate with --chaos to compare them)');
    // A candidate that ran chaos but lacks some of the baseline's chaos cases left them out: that fails.
    const someChaos = await writeRecord(join(dir, 'ch-some/run.jsonl'), [...golden, ...chaos.slice(0, 30)], { header: { options: { repeats: 1, chaos: true } } });
    const partial = await compareRecords(base, someChaos, { root: dir });
    expect(partial.cells[0]!.verdict.reasons[0]).toEqual({ rule: 'missing_cases', values: { count: 10, paired: 330 } });
  });
});

describe('JUnit of a comparison that fails as a whole', () => {
  it('has a failing test case for baseline cells the candidate did not run, so the file is red when the exit code is 1', async () => {
    const cases = (model: string) => Array.from({ length: 300 }, (_, i) => sample({ caseId: `c${String(i).padStart(3, '0')}`, model, pass: true }));
    const both = await writeRecord(join(dir, 'ju-both/run.jsonl'), [...cases('model-a'), ...cases('model-b')]);
    const one = await writeRecord(join(dir, 'ju-one/run.jsonl'), cases('model-a'));
    const xml = renderJUnit(await compareRecords(both, one, { root: dir }));
    expect(xml).toMatch(/<testsuites name="promptgold compare demo" tests="302" failures="1" errors="0">/);
    expect(xml).toMatch(/<testsuite name="comparison" tests="1" failures="1" errors="0" skipped="0">\n {4}<testcase name="verdict" classname="demo\.comparison">\n {6}<failure message="a cell of the baseline the candidate did not run \(v1 × model-b\): a comparison without it cannot pass/);
    expect(xml).toContain('type="missing_cells"');
  });
});
