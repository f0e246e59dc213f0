/**
 * The data of the HTML report: everything the page shows, and nothing more. Built from run records
 * (and a comparison, when there is one) by `buildReportData`. Keys are short where they repeat once
 * per sample, since a 200,000-sample run must stay small; strings that repeat across samples
 * (scorer reasons, prompt lines) are interned in `strings`.
 *
 * The page embeds it in three parts (see pageData.ts), so a large report opens fast: the overview
 * (`PageData`: all but the cases), the case list (`CaseListRow`, read when the Cases view first
 * opens) and the case details in chunks of `DETAIL_CHUNK` cases (`DetailChunk`, each read when one
 * of its cases is opened or the cases are searched).
 */
import type { CaseStatus, OperationalDeltas, PairedStatistics, Verdict } from '../../compare/types.js';
import type { NoiseFigures } from '../../judge/calibration/types.js';
import type { StopCounts } from '../../records/stopCounts.js';

export const REPORT_DATA_VERSION = 2;

export interface ReportData {
  version: number;
  title: string;
  mode: 'run' | 'comparison';
  runs: RunView[];
  /** Every run × version × model cell, in record order. */
  cells: CellView[];
  verdict: { verdict: Verdict; reasons: string[]; needed?: { repeats?: number; cases?: number } };
  warnings: string[];
  /** Compared cell pairs (comparison mode only). */
  pairs: PairView[];
  scorers: string[];
  tags: string[];
  /** Interned strings: scorer reasons (see `ScoreTuple`). */
  strings: string[];
  cases: CaseRow[];
  /** Rendered prompts by hash: only those some case refers to (the page gets them as `PromptView`s, per detail chunk). */
  prompts: Record<string, PromptText>;
  robustness: RobustnessRow[];
  /**
   * Pass rate per chaos operator over every cell of the main run (the candidate of a comparison),
   * against the golden cases it mutated, worst drop first — the run summary's robustness table.
   */
  operators: OperatorView[];
  /** Why samples of the main run failed or were not scored: the failure digest, its largest groups. */
  digest?: DigestView;
  /** Judge against human labels for the suite, when `promptgold calibrate` has been run. */
  calibration?: CalibrationView;
  limits: { outputChars: number; promptChars: number; truncatedOutputs: number; truncatedPrompts: number };
}

export interface RunView {
  label: string;
  source: string;
  suite: string;
  complete: boolean;
  /** Why it is not complete, in words: no summary line, samples missing, or samples that never ran. */
  incomplete?: string;
  samples: number;
  commit: string | null;
  prompts: Array<{ id: string; version: string; hash: string }>;
  models: string[];
  /** Samples that were not scored (the provider, a scorer or a judge failed), and the share the run allowed. */
  notScored: number;
  maxErrorRate: number;
  /** More samples went unscored than `maxErrorRate` allows: the run failed (exit 3). */
  tooManyErrors: boolean;
}

export interface CellView {
  run: number;
  version: string;
  model: string;
  samples: number;
  scored: number;
  passed: number;
  passRate: number;
  passRateLow: number;
  passRateHigh: number;
  meanScore: number;
  meanScoreLow: number;
  meanScoreHigh: number;
  /** Null when no sample of the cell carried a cost (a function provider, an unpriced model): shown as `—`, not $0. */
  costUsd: number | null;
  inputTokens: number;
  outputTokens: number;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Time to first token of the cell's streamed answers. */
  ttftP50Ms?: number | null;
  ttftP95Ms?: number | null;
  /** Prompt caching, when the cell read or wrote the cache. */
  cache?: { hitRate: number; readTokens: number; savedUsd: number };
  errors: Record<string, number>;
  /** Samples not scored (the provider, a scorer or a judge failed): left out of the pass rate. */
  notScored: number;
  /**
   * Chaos samples of the cell, apart from the golden ones the pass rate is over; `passed` and
   * `passRate` are over those that tested their mutation (see CellSummary.chaos).
   */
  chaos?: { samples: number; scored: number; passed: number; passRate: number; notExercised?: number };
  /** Refusals (by category), answers cut at max_tokens and context-window stops among the scored golden samples. */
  stops: StopCounts;
  /** Below the run's threshold. */
  failing: boolean;
  /** How often each field was right (see `CellSummary.fieldAccuracy`); absent when no scorer reports fields. */
  fieldAccuracy?: Record<string, { right: number; total: number }>;
}

export interface PairView {
  label: string;
  baselineCell: number;
  candidateCell: number;
  verdict: Verdict;
  reasons: string[];
  counts: Partial<Record<CaseStatus, number>>;
  stats: PairedStatistics;
  operational: OperationalDeltas;
}

/** Status of a case row: a comparison status, or for a single run how its repeats went. */
export type RowStatus = CaseStatus | 'pass' | 'fail' | 'flaky-run' | 'errored' | 'skipped';

/** Bits of `CaseRow.flags`, the filters of the cases table. */
export const RowFlag = {
  regressed: 1,
  improved: 2,
  flaky: 4,
  failing: 8,
  errored: 16,
  /** A single run's case with a repeat --max-cost stopped (`skipped (budget)`). */
  skipped: 32,
} as const;

export interface CaseRow {
  id: string;
  /** Index into `pairs` (comparison mode), or null. */
  pair: number | null;
  tags: string[];
  status: RowStatus;
  flags: number;
  /** Candidate mean score − baseline mean score; in a single run, null. */
  delta: number | null;
  chaos?: { operators: string[]; source: string };
  /** The case's expected value as text (JSON for structured values), cut like outputs. */
  expected?: string;
  baseline?: SideView;
  /** The run's side in single-run mode. */
  candidate?: SideView;
}

export interface SideView {
  cell: number;
  /** Prompt hash of the case on this side (a repeat carries its own `p` only when it differs). */
  p: string;
  /** Mean score of the side's scored repeats; null when none was scored. */
  score: number | null;
  passes: number;
  repeats: RepeatView[];
}

/** `[scorer index, score, pass 1|0, reason index, error?]`. */
export type ScoreTuple = [number, number, 0 | 1, number] | [number, number, 0 | 1, number, string];

/** One score as `RepeatView.s` holds it. */
export interface ScoreInput {
  scorer: number;
  score: number;
  pass: boolean;
  reason: number;
  error?: string;
}

/** Appends a score to a repeat's flat scores. */
export function addScore(repeat: Pick<RepeatView, 's' | 'se'>, score: ScoreInput): void {
  if (score.error !== undefined) (repeat.se ??= {})[repeat.s.length / 4] = score.error;
  repeat.s.push(score.scorer, score.score, score.pass ? 1 : 0, score.reason);
}

/** A repeat's scores as the page's tuples. */
export function scoreTuples(repeat: Pick<RepeatView, 's' | 'se'>, reasonIndex: (reason: number) => number = (reason) => reason): ScoreTuple[] {
  const tuples: ScoreTuple[] = [];
  for (let at = 0; at < repeat.s.length; at += 4) {
    const tuple: [number, number, 0 | 1, number] = [repeat.s[at]!, repeat.s[at + 1]!, repeat.s[at + 2] ? 1 : 0, reasonIndex(repeat.s[at + 3]!)];
    const error = repeat.se?.[at / 4];
    tuples.push(error === undefined ? tuple : [...tuple, error]);
  }
  return tuples;
}

export interface RepeatView {
  /** Repeat number. */
  r: number;
  /** Output text (invisible controls made visible), possibly truncated; null when the sample errored. */
  o: string | null;
  /** Original length in characters when `o` was truncated. */
  cut?: number;
  /** The sample's score; null when it was not scored (the provider, a scorer or a judge failed). */
  score: number | null;
  pass: 0 | 1;
  /**
   * The scores, flat: scorer index, score, pass 1|0, reason index, four numbers per score (one
   * array per sample rather than one per score: a 200,000-sample report holds a million scores).
   * The page gets them as `ScoreTuple`s (see `scoreTuples`).
   */
  s: number[];
  /** Scorer errors by the score's position, when a scorer failed. */
  se?: Record<number, string>;
  /** Prompt hash, when it differs from the side's. */
  p?: string;
  in?: number;
  out?: number;
  usd: number;
  ms: number | null;
  stop: string | null;
  err?: { kind: string; message: string };
  cached?: 1;
  /** Tool calls of the answer, one `name {input JSON}` line each. */
  tc?: string[];
  /** Time to first token (streamed answers), ms. */
  ttft?: number;
  /** Why a golden case's repeat failed on a refusal, as `run --verbose` says it (with the category, when the record has it). */
  refused?: string;
}

/** A prompt's text as the report keeps it; `PromptView` is the same with lines as string indexes. */
export interface PromptText {
  system?: string;
  user?: string;
  systemCut?: number;
  userCut?: number;
  turns?: Array<{ role: string; text: string; cut?: number }>;
}

/** Prompt texts as indexes of their lines in a detail chunk's `strings`: template lines repeat across cases. */
export interface PromptView {
  system?: number[];
  /** The user message of a one-message prompt. */
  user?: number[];
  /** Original lengths when truncated. */
  systemCut?: number;
  userCut?: number;
  /**
   * Any other prompt, part by part in the order the model reads it: `system`, `tools`, then each
   * `user` / `assistant` turn; documents and images appear as a line naming them, cache marks as a
   * line after the block they mark.
   */
  turns?: PromptPartView[];
}

export interface PromptPartView {
  role: string;
  lines: number[];
  /** Original length when truncated. */
  cut?: number;
}

export interface RobustnessRow {
  cell: number;
  operator: string;
  /** Scored chaos samples that tested their mutation. */
  samples: number;
  /** Null when no sample tested its mutation. */
  passRate: number | null;
  /** Scored chaos samples that tested nothing (their request was their source's). */
  notExercised: number;
  /** Pass rate of the same source cases' golden samples in the same cell. */
  sourceSamples: number;
  sourcePassRate: number | null;
}

export interface OperatorView {
  operator: string;
  samples: number;
  /** Null when no sample tested its mutation. */
  passRate: number | null;
  /** Pass rate of the golden cases it mutated (same cells, all repeats). */
  sourcePassRate: number | null;
  /** passRate − sourcePassRate. */
  drop: number | null;
  /** Chaos samples that tested nothing (their request was their source's): neither passed nor failed. */
  notExercised: number;
  /** Among the worst: highlighted on the overview (see `WORST_DROP`). */
  worst: boolean;
}

export interface DigestView {
  failedSamples: number;
  erroredSamples: number;
  /** Of those, the chaos samples. */
  failedChaosSamples: number;
  erroredChaosSamples: number;
  /** The largest groups (at most `DIGEST_GROUPS` each); the rest are counted. */
  failures: DigestGroupView[];
  errors: DigestGroupView[];
  moreFailures: { groups: number; samples: number };
  moreErrors: { groups: number; samples: number };
}

export interface DigestGroupView {
  /** The scorer, or the error kind. */
  source: string;
  count: number;
  /** The first reason or message of the group, cut to a few hundred characters. */
  example: string;
  /** A few cases, as `case (version × model #repeat)`. */
  cases: string[];
  /** More samples in the group than the cases listed. */
  more: boolean;
}

/** A calibration report as the page shows it (see `src/judge/calibration/types.ts`). */
export interface CalibrationView {
  suite: string;
  scorer: string;
  judgeModel: string;
  scale: 'pass-fail' | '1-5';
  /** The cell whose outputs were judged for cases without their own, as `prompt version × model`. */
  labeledOutput: string;
  labeled: number;
  unscored: number;
  agreement: {
    n: number;
    percentAgreement: number | null;
    kappa: number | null;
    kappaKind: 'cohen' | 'quadratic-weighted';
    cohensKappa: number | null;
    /** Rows of `confusion` are the human's label, columns the judge's, in this order. */
    categories: string[];
    confusion: number[][];
    truePositiveRate: number | null;
    trueNegativeRate: number | null;
  };
  /** Labels as category names (`pass`/`fail` or the level). */
  disagreements: Array<{ caseId: string; human: string; judge: string; reason: string }>;
  noise: NoiseFigures;
  /** Calls that failed at the provider (their judgements are missing from every figure), and the first of them. */
  failures: { count: number; first?: { caseId: string; reason: string } };
}

/** What the page reads at once: the report without its cases. */
export type PageData = Omit<ReportData, 'cases' | 'prompts' | 'strings'> & {
  /** How many cases the Cases view lists (`data.cases.length`). */
  caseCount: number;
  /** Cases per detail chunk: the details of case `i` are in chunk `Math.floor(i / detailChunk)`. */
  detailChunk: number;
};

/** A case as the case list shows and filters it (`CaseRow` without outputs, scores and prompts). */
export interface CaseListRow extends Pick<CaseRow, 'id' | 'pair' | 'tags' | 'status' | 'flags' | 'delta' | 'chaos'> {
  baseline?: SideSummary;
  candidate?: SideSummary;
}

export interface SideSummary {
  cell: number;
  /** Mean score of the side's scored repeats; null when none was scored. */
  score: number | null;
  passes: number;
  /** Repeats on this side. */
  n: number;
  /** Indexes into `scorers` of the scorers that failed in some repeat (the "failed scorer" filter). */
  failed?: number[];
}

/**
 * The details of `DETAIL_CHUNK` consecutive cases, with their own string table (scorer reasons and
 * prompt lines) and prompts, so a chunk is read without the others.
 */
export interface DetailChunk {
  strings: string[];
  /** The prompts the chunk's cases refer to; line numbers index the chunk's `strings`. */
  prompts: PromptView[];
  cases: CaseDetail[];
}

export interface CaseDetail {
  expected?: string;
  baseline?: SideDetail;
  candidate?: SideDetail;
}

export interface SideDetail {
  /** The side's prompt: an index into the chunk's `prompts`, or the hash when the record's prompt store lacks it. */
  p: number | string;
  /** Reason indexes of the score tuples, and a repeat's own `p`, refer to the chunk's tables. */
  repeats: DetailRepeat[];
}

export type DetailRepeat = Omit<RepeatView, 'p' | 's' | 'se'> & { p?: number | string; s: ScoreTuple[] };
