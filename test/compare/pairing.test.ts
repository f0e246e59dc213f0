import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyCase } from '../../src/compare/classify.js';
import { compareRecords } from '../../src/compare/compareRuns.js';
import type { CaseSide } from '../../src/compare/types.js';
import { InputError } from '../../src/errors.js';
import { formatComparison } from '../../src/report/compareConsole.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { pairedSamples, repeatPattern, sample, writeRecord } from './records.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-compare-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const v1v2 = { baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } } as const;

function side(passes: boolean[], errors: string[] = []): CaseSide {
  const n = passes.length;
  const p = passes.filter(Boolean).length;
  return {
    repeats: n + errors.length,
    scored: n,
    passes: p,
    passFraction: n ? p / n : NaN,
    meanScore: n ? p / n : NaN,
    scorerMeans: {},
    errors,
    outputs: passes.map(() => 'x'),
    scores: passes.map(() => []),
    promptHash: 'h',
    costUsd: 0,
    meanLatencyMs: null,
    tokens: { input: 0, output: 0 },
    stopReasons: [],
  };
}

describe('case status', () => {
  it('classifies by majority outcome, mixed repeats, errors and presence', () => {
    expect(classifyCase(side([true, true, true]), side([false, false, false]))).toBe('regressed');
    expect(classifyCase(side([true, true, true]), side([true, false, false]))).toBe('regressed');
    expect(classifyCase(side([false]), side([true]))).toBe('improved');
    expect(classifyCase(side([true, true]), side([true, true]))).toBe('unchanged-pass');
    expect(classifyCase(side([false, false]), side([false, false]))).toBe('unchanged-fail');
    expect(classifyCase(side([true, true, true]), side([true, true, false]))).toBe('flaky');
    expect(classifyCase(side([false, false, true]), side([false, false, false]))).toBe('flaky');
    expect(classifyCase(undefined, side([true]))).toBe('new');
    expect(classifyCase(side([true]), undefined)).toBe('removed');
    expect(classifyCase(side([true, true]), side([true], ['timeout']))).toBe('error-changed');
    expect(classifyCase(side([], ['refusal']), side([], ['refusal']))).toBe('error-changed'); // nothing scored on either side
  });
});

describe('pairing', () => {
  it('pairs by case id, so a shuffled record gives the same comparison', async () => {
    const samples = pairedSamples(repeatPattern([[true, false], [true, true], [false, true], [false, false]], 5));
    const shuffled = [...samples].reverse();
    // Interleave differently too: every other sample first.
    const interleaved = [...shuffled.filter((_, i) => i % 2 === 0), ...shuffled.filter((_, i) => i % 2 === 1)];
    const ordered = await writeRecord(join(dir, 'ordered/run.jsonl'), samples);
    const mixed = await writeRecord(join(dir, 'mixed/run.jsonl'), interleaved);
    const a = await compareRecords(ordered, ordered, { ...v1v2, root: dir });
    const b = await compareRecords(mixed, mixed, { ...v1v2, root: dir });
    const strip = (r: typeof a) => JSON.stringify({ ...r, baseline: { ...r.baseline, source: '', label: '' }, candidate: { ...r.candidate, source: '', label: '' } });
    expect(strip(b) === strip(a)).toBe(true);
    expect(a.cells[0]!.counts).toMatchObject({ regressed: 5, improved: 5, 'unchanged-pass': 5, 'unchanged-fail': 5 });
    expect(a.cells[0]!.cases.map((c) => c.caseId)).toEqual([...a.cells[0]!.cases.map((c) => c.caseId)].sort());
  });

  it('lists the cases of both sides in UTF-16 code unit order, whether the records are written in that order or not', async () => {
    // Code unit order puts an astral character (a surrogate pair, 0xD83D…) before U+FFFF; code point order would not.
    const inOrder = ['a-1', 'a-2', 'b', 'é', '\u{1F600}', '\uFFFF'];
    const samples = (ids: string[]) => [
      ...ids.filter((id) => id !== 'b').map((caseId) => sample({ caseId, version: 'v1', pass: true })),
      ...ids.filter((id) => id !== 'a-2').map((caseId) => sample({ caseId, version: 'v2', pass: false })),
    ];
    for (const [name, ids] of [['sorted', inOrder], ['reversed', [...inOrder].reverse()], ['rotated', [...inOrder.slice(3), ...inOrder.slice(0, 3)]]] as const) {
      const file = await writeRecord(join(dir, `order-${name}/run.jsonl`), samples([...ids]));
      const result = await compareRecords(file, file, { ...v1v2, root: dir });
      expect(result.cells[0]!.cases.map((c) => c.caseId)).toEqual(inOrder);
    }
  });

  it('lists scorer deltas in name order (code units), array-index names included', async () => {
    const names = ['b', '10', 'a', '9', '\uFFFF', '\u{1F600}'];
    const withScores = (version: string, value: number) => {
      const s = sample({ caseId: 'c1', version, pass: true });
      s.scores = names.map((name) => ({ name, score: value, pass: true, reason: 'ok' }));
      return s;
    };
    const file = await writeRecord(join(dir, 'scorer-order/run.jsonl'), [withScores('v1', 0.25), withScores('v2', 0.75)]);
    const result = await compareRecords(file, file, { ...v1v2, root: dir });
    const deltas = result.cells[0]!.cases[0]!.scorerDeltas;
    // An object lists array-index keys first, in number order ('9' before '10'), then the others as added.
    expect(Object.entries(deltas)).toEqual(['9', '10', 'a', 'b', '\u{1F600}', '\uFFFF'].map((name) => [name, 0.5]));
  });

  it('feeds the paired test the per-case outcomes (hand-computed: 5 regressed, 0 improved → exact p = 2·(1/2)^5)', async () => {
    const pattern: Array<[boolean, boolean]> = [...Array(5).fill([true, false]), ...Array(5).fill([true, true])];
    const file = await writeRecord(join(dir, 'mcnemar/run.jsonl'), pairedSamples(pattern));
    const result = await compareRecords(file, file, { ...v1v2, root: dir });
    const cell = result.cells[0]!;
    expect(cell.stats.n).toBe(10);
    expect(cell.stats.mcnemar).toEqual({ regressed: 5, improved: 0, pExact: 0.0625, pMid: 0.03125 });
    expect(cell.stats.passRateDiff.estimate).toBeCloseTo(-0.5, 12);
    expect(cell.stats.baselinePassRate.estimate).toBe(1);
    expect(cell.stats.candidatePassRate.estimate).toBe(0.5);
    expect(cell.counts.regressed).toBe(5);
    expect(cell.counts['unchanged-pass']).toBe(5);
    // One repeat, no clusters: the sign-flip test over the 10 cases is McNemar's exact test (ties
    // cannot move the sum), enumerated exactly; the reported p is the larger of it and the score test's.
    expect(cell.stats.passRateDiff.randomization).toMatchObject({ method: 'exact', resamples: null, pValue: expect.closeTo(0.0625, 12) });
    expect(cell.stats.passRateDiff.pValue).toBeGreaterThanOrEqual(0.0625);
    expect(cell.stats.passRateDiff.units).toBe(10);
    expect(cell.stats.passRateDiff.clustered).toBe(false);
  });

  it('reduces repeats per case: the case is the unit, not the attempt', async () => {
    const samples = [];
    for (let c = 0; c < 4; c++) {
      for (let r = 0; r < 3; r++) {
        samples.push(sample({ caseId: `c${c}`, version: 'v1', repeat: r, pass: true }));
        samples.push(sample({ caseId: `c${c}`, version: 'v2', repeat: r, pass: r !== 0 }));
      }
    }
    const file = await writeRecord(join(dir, 'repeats/run.jsonl'), samples);
    const cell = (await compareRecords(file, file, { ...v1v2, root: dir })).cells[0]!;
    expect(cell.stats.n).toBe(4);
    expect(cell.cases.every((c) => c.status === 'flaky' && c.candidate!.passFraction === 2 / 3)).toBe(true);
    expect(cell.stats.passRateDiff.estimate).toBeCloseTo(-1 / 3, 12);
    expect(cell.cases[0]!.candidate!.outputs).toHaveLength(3);
  });

  it('treats a golden case and its chaos variants as one unit', async () => {
    const samples = [];
    for (let g = 0; g < 6; g++) {
      for (let k = 0; k < 3; k++) {
        const caseId = k === 0 ? `g${g}` : `g${g}~chaos${k}`;
        const chaosSource = k === 0 ? undefined : `g${g}`;
        samples.push(sample({ caseId, version: 'v1', pass: true, score: 1, ...(chaosSource ? { chaosSource } : {}) }));
        samples.push(sample({ caseId, version: 'v2', pass: g % 2 === 0, score: g % 2 === 0 ? 1 : 0.5, ...(chaosSource ? { chaosSource } : {}) }));
      }
    }
    const file = await writeRecord(join(dir, 'chaos/run.jsonl'), samples);
    const cell = (await compareRecords(file, file, { ...v1v2, root: dir })).cells[0]!;
    expect(cell.stats.n).toBe(18);
    expect(cell.stats.units).toBe(6);
    expect(cell.stats.passRateDiff).toMatchObject({ units: 6, clustered: true });
    // 3 of 6 clusters drop 3 of 3 cases each: the sign flips run over 6 clusters (2^6 patterns, exact),
    // so the smallest p they could give is 2/64 — not the 2/2^9 nine independent cases would allow.
    expect(cell.stats.passRateDiff.randomization.method).toBe('exact');
    expect(cell.stats.passRateDiff.randomization.pValue).toBeCloseTo(0.25, 12);
    expect(cell.stats.passRateDiff.high).toBeGreaterThan(0);
    expect(cell.cases.find((c) => c.caseId === 'g1~chaos2')!.cluster).toBe('g1');
    expect(cell.slices.some((s) => s.slice === 'operator:homoglyphs')).toBe(true);
  });
});

describe('without repeat details', () => {
  it('gives the same comparison but for each repeat\'s outputs, scores and stop reasons, and the same console report', async () => {
    const samples = [];
    for (let c = 0; c < 12; c++) {
      for (const repeat of [2, 0, 1]) {
        const caseId = `c${c}`;
        const tags = [`t${c % 3}`];
        samples.push(sample({ caseId, version: 'v1', repeat, tags, pass: c < 3 || (c + repeat) % 4 !== 0, score: ((c * 7 + repeat * 3) % 10) / 9 }));
        if (c === 5 && repeat === 1) samples.push(sample({ caseId, version: 'v2', repeat, tags, pass: false, error: 'timeout' }));
        else samples.push(sample({ caseId, version: 'v2', repeat, tags, pass: c >= 3 && (c + repeat) % 3 !== 0, score: ((c * 5 + repeat) % 10) / 7 }));
      }
    }
    const file = await writeRecord(join(dir, 'details/run.jsonl'), samples, { header: { options: { repeats: 3 } } });
    const full = await compareRecords(file, file, { ...v1v2, root: dir });
    const lean = await compareRecords(file, file, { ...v1v2, root: dir, repeatDetails: false });
    const withoutDetails = (s: CaseSide | undefined) => {
      if (!s) return s;
      const { outputs: _outputs, scores: _scores, stopReasons: _stopReasons, ...rest } = s;
      return rest;
    };
    const strip = (r: typeof full) => JSON.stringify({ ...r, cells: r.cells.map((cell) => ({ ...cell, cases: cell.cases.map((c) => ({ ...c, baseline: withoutDetails(c.baseline), candidate: withoutDetails(c.candidate) })) })) });
    expect(full.cells[0]!.cases[0]!.candidate!.outputs).toHaveLength(3);
    expect(lean.cells[0]!.cases[0]!.candidate!.outputs).toBeUndefined();
    expect(full.cells[0]!.counts.regressed).toBeGreaterThan(0);
    expect(strip(lean) === strip(full)).toBe(true);
    expect(formatComparison(lean)).toBe(formatComparison(full));
    // An output that shows repeats refuses a comparison made without them instead of showing none.
    expect(() => renderMarkdown(lean)).toThrow(/without per-repeat details/);
  });
});

describe('cell matching', () => {
  const twoModels = () => {
    const out = [];
    for (const model of ['model-a', 'model-b']) {
      for (const version of ['v1', 'v2']) {
        for (let c = 0; c < 3; c++) out.push(sample({ caseId: `c${c}`, version, model, pass: !(version === 'v2' && model === 'model-b') }));
      }
    }
    return out;
  };

  it('version=v1 vs version=v2 in a two-model run gives one comparison per model', async () => {
    const file = await writeRecord(join(dir, 'cells/run.jsonl'), twoModels());
    const result = await compareRecords(file, file, { ...v1v2, root: dir });
    expect(result.cells.map((c) => c.label)).toEqual(['v1 × model-a → v2 × model-a', 'v1 × model-b → v2 × model-b']);
    expect(result.cells[1]!.counts.regressed).toBe(3);
    expect(result.baseline.filter).toEqual({ version: 'v1' });
  });

  it('model=a vs model=b pairs per version; both dimensions filtered pairs the two cells', async () => {
    const file = join(dir, 'cells/run.jsonl');
    const byVersion = await compareRecords(file, file, { root: dir, baselineFilter: { model: 'model-a' }, candidateFilter: { model: 'model-b' } });
    expect(byVersion.cells.map((c) => c.label)).toEqual(['v1 × model-a → v1 × model-b', 'v2 × model-a → v2 × model-b']);
    const single = await compareRecords(file, file, { root: dir, baselineFilter: { version: 'v1', model: 'model-a' }, candidateFilter: { version: 'v2', model: 'model-b' } });
    expect(single.cells.map((c) => c.label)).toEqual(['v1 × model-a → v2 × model-b']);
  });

  it('two runs without filters match equal cells, or the only cell of each', async () => {
    const a = await writeRecord(join(dir, 'runA/run.jsonl'), [sample({ caseId: 'x', version: 'v1', pass: true })]);
    const b = await writeRecord(join(dir, 'runB/run.jsonl'), [sample({ caseId: 'x', version: 'v2', pass: false })]);
    const result = await compareRecords(a, b, { root: dir });
    expect(result.cells.map((c) => c.label)).toEqual(['v1 × model-a → v2 × model-a']);
    const same = await compareRecords(join(dir, 'cells/run.jsonl'), join(dir, 'cells/run.jsonl').replace('cells', 'cells'), { root: dir, baselineFilter: { model: 'model-a' }, candidateFilter: { model: 'model-b' } });
    expect(same.cells).toHaveLength(2);
  });

  it('explains an ambiguous or empty selection', async () => {
    const file = join(dir, 'cells/run.jsonl');
    await expect(compareRecords(file, file, { root: dir, baselineFilter: { version: 'v1' } })).rejects.toThrow(/more than one cell/);
    await expect(compareRecords(file, file, { root: dir, baselineFilter: { version: 'v9' }, candidateFilter: { version: 'v2' } })).rejects.toThrow(/no cell of .* matches version=v9/);
    await expect(compareRecords(file, file, { root: dir })).rejects.toBeInstanceOf(InputError);
  });
});

describe('pass@k and pass^k', () => {
  it('are averaged over cases for every k the repeats allow', async () => {
    const samples: ReturnType<typeof sample>[] = [];
    // case a: 1 of 3 repeats passes on v1, 3 of 3 on v2; case b: 3 of 3 on v1, 2 of 3 on v2
    const pattern: Record<string, [boolean[], boolean[]]> = { a: [[true, false, false], [true, true, true]], b: [[true, true, true], [true, true, false]] };
    for (const [caseId, [v1, v2]] of Object.entries(pattern)) {
      v1.forEach((pass, repeat) => samples.push(sample({ caseId, version: 'v1', repeat, pass })));
      v2.forEach((pass, repeat) => samples.push(sample({ caseId, version: 'v2', repeat, pass })));
    }
    const file = await writeRecord(join(dir, 'passk/run.jsonl'), samples);
    const { stats } = (await compareRecords(file, file, { ...v1v2, root: dir })).cells[0]!;
    expect(stats.passAtK.map((r) => r.k)).toEqual([1, 2, 3]);
    // pass@2 of 1/3 = 1 − C(2,2)/C(3,2) = 2/3; of 3/3 = 1; of 2/3 = 1
    expect(stats.passAtK[1]!.baseline).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(stats.passAtK[1]!.candidate).toBeCloseTo(1, 12);
    // pass^2 of 1/3 = 0; of 3/3 = 1; of 2/3 = C(2,2)/C(3,2) = 1/3
    expect(stats.passHatK[1]!.baseline).toBeCloseTo(0.5, 12);
    expect(stats.passHatK[1]!.candidate).toBeCloseTo((1 + 1 / 3) / 2, 12);
    expect(stats.passHatK[2]!.candidate).toBeCloseTo(0.5, 12);
  });
});
