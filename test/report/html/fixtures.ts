/**
 * Hand-made run records and a hand-made comparison for the HTML report tests. Records are written
 * as JSONL directly (with the real summary builder), so every output, id and tag is under control,
 * including hostile ones.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CalibrationReport } from '../../../src/judge/calibration/types.js';
import type { CaseComparison, CaseSide, CaseStatus, CellComparison, ComparisonResult, DecisionInterval, Interval, VerdictReason } from '../../../src/compare/types.js';
import { SummaryBuilder, summaryPolicyOf } from '../../../src/records/summary.js';
import type { PromptStoreLine, RecordHeader, SampleRecord } from '../../../src/records/types.js';

export interface SampleSpec {
  caseId: string;
  version: string;
  model?: string;
  repeat: number;
  output: string | null;
  pass: boolean;
  score?: number;
  tags?: string[];
  error?: { kind: string; message: string };
  chaos?: { sourceCaseId: string; operators: string[]; notExercised?: 'same-request' };
  latencyMs?: number;
  costUsd?: number;
  promptHash?: string;
}

export function sample(spec: SampleSpec, index: number): SampleRecord {
  const score = spec.score ?? (spec.pass ? 1 : 0.2);
  const record: SampleRecord = {
    type: 'sample',
    index,
    caseId: spec.caseId,
    promptId: 'p',
    version: spec.version,
    model: spec.model ?? 'model-a',
    repeat: spec.repeat,
    tags: spec.tags ?? [],
    promptHash: spec.promptHash ?? `hash-${spec.version}-${spec.caseId}`,
    output: spec.output,
    stopReason: spec.output === null ? null : 'end_turn',
    scores: [
      { name: 'exact', score: spec.pass ? 1 : 0, pass: spec.pass, reason: spec.pass ? 'output equals expected' : 'output differs from expected' },
      { name: 'fuzzy', score, pass: score >= 0.5, reason: `similarity ${score.toFixed(2)} to expected` },
    ],
    score: spec.pass ? (1 + score) / 2 : score / 2,
    pass: spec.pass,
    usage: { inputTokens: 100, outputTokens: 20 },
    costUsd: spec.costUsd ?? 0.001,
    latencyMs: spec.latencyMs ?? 500 + index * 10,
  };
  if (spec.error) {
    record.error = spec.error;
    record.scores = [];
    record.score = 0;
    record.pass = false;
    record.usage = undefined;
    record.costUsd = 0;
    record.latencyMs = null;
  }
  if (spec.chaos) record.chaos = { ...spec.chaos, fields: ['text'], ops: [], property: 'same category' };
  return record;
}

export function header(suite: string, versions: string[], models: string[], planned: number, threshold = 0.5): RecordHeader {
  return {
    type: 'header',
    recordVersion: 1,
    suite,
    suiteFile: `suites/${suite}.eval.ts`,
    prompts: versions.map((version) => ({ id: 'p', version, hash: `prompt-${version}`, file: `prompts/p.${version}.hbs` })),
    models,
    dataset: { path: 'data.jsonl', hash: 'dataset-hash', cases: 7 },
    options: { threshold, repeats: 2 },
    planned,
    planHash: 'plan',
    git: { commit: '0123456789abcdef', dirty: false },
    tool: { name: 'promptgold', version: '0.1.0' },
    seed: 1,
  };
}

/** Writes `run.jsonl` (with a summary unless `complete` is false) and `prompts.jsonl`. */
export async function writeRun(
  dir: string,
  head: RecordHeader,
  samples: SampleRecord[],
  prompts: PromptStoreLine[] = [],
  complete = true,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const builder = new SummaryBuilder(summaryPolicyOf(head));
  for (const prompt of head.prompts) for (const model of head.models) builder.declareCell(prompt.version, model);
  for (const s of samples) builder.add(s);
  const lines = [head, ...samples, ...(complete ? [builder.build()] : [])].map((line) => JSON.stringify(line));
  await writeFile(join(dir, 'run.jsonl'), `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'prompts.jsonl'), prompts.map((p) => JSON.stringify(p)).join('\n') + (prompts.length ? '\n' : ''));
  return dir;
}

/** The same outputs as the HTML page must show them: as text, never as markup. */
export const HOSTILE = {
  script: '<script>window.__pwned = "script"</script>',
  closeScript: '</script><script>window.__pwned = "close"</script><!--',
  handler: '<img src="x" onerror="window.__pwned = \'img\'"><svg onload="window.__pwned = \'svg\'"></svg>',
  link: '<a href="javascript:window.__pwned=\'link\'" id="evil-link">click me</a>',
  bidi: 'safe \u202Etxt.exe\u202C and \u2066isolated\u2069 end\u2028line',
  id: '"><img src=x onerror=alert(1)>',
  tag: '<b onmouseover=alert(1)>tag</b>',
};

interface CaseSpec {
  id: string;
  status: CaseStatus;
  tags: string[];
  base: Array<Omit<SampleSpec, 'caseId' | 'version' | 'repeat' | 'tags'>>;
  cand: Array<Omit<SampleSpec, 'caseId' | 'version' | 'repeat' | 'tags'>>;
  chaos?: { sourceCaseId: string; operators: string[] };
}

/** Seven cases over two runs (v1 baseline, v2 candidate), two repeats each, with known statuses. */
export const CASES: CaseSpec[] = [
  { id: 'c1-refund', status: 'regressed', tags: ['billing'],
    base: [{ output: 'The customer wants a refund for the duplicate charge.', pass: true }, { output: 'The customer wants a refund for the duplicate charge.', pass: true }],
    cand: [{ output: 'The customer asks about pricing plans.', pass: false }, { output: 'The customer asks about plans.', pass: false }] },
  { id: 'c2-login', status: 'improved', tags: ['account'],
    base: [{ output: 'unknown', pass: false }, { output: 'unknown', pass: false }],
    cand: [{ output: 'The user cannot log in after a password reset.', pass: true }, { output: 'The user cannot log in after a password reset.', pass: true }] },
  { id: 'c3-export', status: 'unchanged-pass', tags: ['bug'],
    base: [{ output: 'CSV export fails for large invoices.', pass: true }, { output: 'CSV export fails for large invoices.', pass: true }],
    cand: [{ output: 'CSV export fails for large invoices.', pass: true }, { output: 'CSV export fails for large invoices.', pass: true }] },
  { id: 'c4-flaky', status: 'flaky', tags: ['bug'],
    base: [{ output: 'maybe a bug', pass: true }, { output: 'maybe not', pass: false }],
    cand: [{ output: 'maybe a bug', pass: true }, { output: 'not sure', pass: false }] },
  { id: HOSTILE.id, status: 'regressed', tags: [HOSTILE.tag],
    base: [{ output: 'plain and fine', pass: true }, { output: HOSTILE.bidi, pass: true }],
    cand: [{ output: HOSTILE.script + HOSTILE.closeScript, pass: false }, { output: HOSTILE.handler + HOSTILE.link, pass: false }] },
  { id: 'c6-timeout', status: 'error-changed', tags: ['outage'],
    base: [{ output: 'Service is down in EU.', pass: true }, { output: 'Service is down in EU.', pass: true }],
    cand: [{ output: null, pass: false, error: { kind: 'timeout', message: 'no answer within 120000 ms' } }, { output: 'Service is down.', pass: true }] },
  { id: 'c7-export-homoglyph', status: 'unchanged-fail', tags: ['bug'], chaos: { sourceCaseId: 'c3-export', operators: ['homoglyphs'] },
    base: [{ output: 'no idea', pass: false }, { output: 'no idea', pass: false }],
    cand: [{ output: 'no idea at all', pass: false }, { output: 'no idea', pass: false }] },
];

export function samplesFor(version: string, side: 'base' | 'cand'): SampleRecord[] {
  const records: SampleRecord[] = [];
  for (const spec of CASES) {
    spec[side].forEach((repeat, r) => {
      const s: SampleSpec = { ...repeat, caseId: spec.id, version, repeat: r, tags: spec.tags };
      if (spec.chaos) s.chaos = spec.chaos;
      records.push(sample(s, records.length));
    });
  }
  return records;
}

export function promptsFor(version: string): PromptStoreLine[] {
  return CASES.map((spec) => ({
    hash: `hash-${version}-${spec.id}`,
    system: `System for ${version}. ${spec.id === HOSTILE.id ? HOSTILE.script : ''}`,
    user: `Classify ticket ${spec.id}: ${spec.id === HOSTILE.id ? HOSTILE.closeScript + HOSTILE.bidi : 'a plain ticket'}`,
  }));
}

function caseSide(records: SampleRecord[]): CaseSide {
  const passes = records.filter((r) => r.pass).length;
  return {
    repeats: records.length,
    passes,
    passFraction: passes / records.length,
    meanScore: records.reduce((t, r) => t + r.score, 0) / records.length,
    scorerMeans: {},
    errors: records.filter((r) => r.error).map((r) => r.error!.kind),
    outputs: records.map((r) => r.output),
    scores: records.map((r) => r.scores.map((s) => ({ name: s.name, score: s.score, pass: s.pass, reason: s.reason }))),
    promptHash: records[0]!.promptHash,
    costUsd: records.reduce((t, r) => t + r.costUsd, 0),
    meanLatencyMs: 500,
    tokens: { input: 200, output: 40 },
    stopReasons: records.map((r) => r.stopReason),
  };
}

const interval = (estimate: number, low: number, high: number): Interval => ({ estimate, low, high });

export function handMadeComparison(): ComparisonResult {
  const base = samplesFor('v1', 'base');
  const cand = samplesFor('v2', 'cand');
  const cases: CaseComparison[] = CASES.map((spec) => {
    const b = caseSide(base.filter((s) => s.caseId === spec.id));
    const c = caseSide(cand.filter((s) => s.caseId === spec.id));
    const item: CaseComparison = {
      caseId: spec.id,
      tags: spec.tags,
      cluster: spec.chaos?.sourceCaseId ?? spec.id,
      status: spec.status,
      baseline: b,
      candidate: c,
      scoreDelta: c.meanScore - b.meanScore,
      passDelta: c.passFraction - b.passFraction,
      scorerDeltas: {},
    };
    if (spec.chaos) item.chaos = spec.chaos;
    return item;
  });
  const counts = Object.fromEntries(
    ['regressed', 'improved', 'unchanged-pass', 'unchanged-fail', 'flaky', 'new', 'removed', 'error-changed'].map((s) => [s, cases.filter((c) => c.status === s).length]),
  ) as Record<CaseStatus, number>;
  const passRateDiff = decisionInterval(-0.286, -0.55, -0.02, 0.034);
  const regression: VerdictReason = {
    rule: 'regression',
    values: {
      baseline: 0.643, candidate: 0.357, estimate: -0.286, low: -0.55, high: -0.02, alpha: 0.05, tolerance: 0.02, cases: 7, units: 7, clustered: false,
      test: { method: 'exact', resamples: null, pValue: 0.034 },
    },
  };
  const cell: CellComparison = {
    label: 'v1 × model-a → v2 × model-a',
    baselineCell: { version: 'v1', model: 'model-a' },
    candidateCell: { version: 'v2', model: 'model-a' },
    cases,
    counts,
    stats: {
      n: 7,
      passAtK: [{ k: 1, baseline: 0.643, candidate: 0.357 }],
      passHatK: [{ k: 1, baseline: 0.643, candidate: 0.357 }],
      baselinePassRate: interval(0.643, 0.39, 0.84),
      candidatePassRate: interval(0.357, 0.16, 0.61),
      baselineMeanScore: interval(0.7, 0.55, 0.85),
      candidateMeanScore: interval(0.5, 0.35, 0.65),
      units: 7,
      passRateDiff,
      scoreDiff: decisionInterval(-0.2, -0.4, 0, 0.05),
      mcnemar: { regressed: 2, improved: 1, pExact: 1, pMid: 0.5 },
      power: { se: 0.13, passIfNoChange: 0.03, failAtDrop: [{ drop: 0.02, probability: 0.03 }], minimumDetectableDrop: 0.4, casesForPass: 900 },
    },
    slices: [],
    operational: {
      costUsd: { baseline: 0.014, candidate: 0.013, relative: -0.071 },
      inputTokens: { baseline: 1400, candidate: 1300, relative: -0.071 },
      outputTokens: { baseline: 280, candidate: 260, relative: -0.071 },
      latencyMeanMs: { baseline: 560, candidate: 570, relative: 0.018 },
      latencyP50Ms: { baseline: 560, candidate: 570, relative: 0.018 },
      latencyP95Ms: { baseline: 620, candidate: 630, relative: 0.016 },
    },
    verdict: { verdict: 'fail', reasons: [regression] },
  };
  const side = (label: string, version: string) => ({
    label,
    source: `runs/${label}`,
    suite: 'tickets',
    filter: {},
    complete: true,
    prompts: [{ id: 'p', version, hash: `prompt-${version}` }],
    models: ['model-a'],
    datasetHash: 'dataset-hash',
  });
  return {
    type: 'comparison',
    baseline: side('baseline', 'v1'),
    candidate: side('candidate', 'v2'),
    policy: { maxPassRateDrop: 0.02, alpha: 0.05, maxCostIncrease: null, maxP95LatencyIncrease: null, maxRefusalRateIncrease: null, maxTruncationRateIncrease: null, failOnNewErrors: true },
    cells: [cell],
    verdict: { verdict: 'fail', reasons: [{ ...regression, cell: cell.label }] },
    warnings: [],
  };
}

function decisionInterval(estimate: number, low: number, high: number, pValue: number): DecisionInterval {
  return {
    ...interval(estimate, low, high),
    pValue,
    alpha: 0.05,
    units: 7,
    clustered: false,
    randomization: { method: 'exact', resamples: null, seed: 1, low, high, pValue },
    score: { low, high, pValue },
  };
}

/** Baseline and candidate run folders under `root`, plus the comparison of them. */
export async function writeComparisonFixture(root: string): Promise<{ baseline: string; candidate: string; comparison: ComparisonResult }> {
  const baseline = await writeRun(join(root, 'baseline'), header('tickets', ['v1'], ['model-a'], 14), samplesFor('v1', 'base'), promptsFor('v1'));
  const candidate = await writeRun(join(root, 'candidate'), header('tickets', ['v2'], ['model-a'], 14, 0.6), samplesFor('v2', 'cand'), promptsFor('v2'));
  return { baseline, candidate, comparison: handMadeComparison() };
}

/** A pass-fail calibration report for suite `tickets`: 12 pairs, 3 disagreements, one reason hostile. */
export function calibrationFixture(suite = 'tickets'): CalibrationReport {
  return {
    type: 'calibration',
    suite,
    suiteFile: `suites/${suite}.eval.ts`,
    scorer: 'quality',
    judgeModel: 'judge-model-x',
    scale: 'pass-fail',
    labeledOutput: { promptId: 'p', version: 'v2', model: 'model-a', repeat: 0 },
    labeled: 13,
    unscored: 1,
    agreement: {
      n: 12,
      percentAgreement: 0.75,
      kappa: 0.5,
      kappaKind: 'cohen',
      cohensKappa: 0.5,
      categories: ['pass', 'fail'],
      confusion: [[5, 1], [2, 4]],
      truePositiveRate: 0.833333,
      trueNegativeRate: 0.666667,
    },
    disagreements: [
      { caseId: 'c2-login', human: false, judge: true, reason: '3 of 3 criteria pass' },
      { caseId: HOSTILE.id, human: false, judge: true, reason: HOSTILE.handler + HOSTILE.script + HOSTILE.closeScript },
      { caseId: 'c3-export', human: true, judge: false, reason: 'not concise \u202Eenough' },
    ],
    noise: { judgementsRequested: 3, judgementsPerOutput: { fewest: 3, most: 3 }, outputs: 13, unanimous: 0.923077, pairwiseAgreement: 0.948718, meanStdev: 0.036262, maxStdev: 0.157135 },
    failures: [],
    cases: [],
    judge: { calls: 39, inputTokens: 39000, outputTokens: 3900, costUsd: 0.06, latencyMs: 40000, cached: 0 },
  };
}
