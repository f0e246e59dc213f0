/**
 * The data embedded in the HTML report: everything the page shows, and nothing more. Built from run
 * records (and a comparison, when there is one) by `buildReportData`; serialised as JSON into the
 * page. Keys are short where they repeat once per sample, since a 10,000-sample compare must stay
 * small; strings that repeat across samples (scorer reasons) are interned in `strings`.
 */
import type { CaseStatus, OperationalDeltas, PairedStatistics, Verdict } from '../../compare/types.js';
import type { NoiseFigures } from '../../judge/calibration/types.js';

export const REPORT_DATA_VERSION = 1;

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
  /** Interned strings: scorer reasons (see `ScoreTuple`) and prompt lines (see `PromptView`). */
  strings: string[];
  cases: CaseRow[];
  /** Rendered prompts by hash: only those some case refers to. */
  prompts: Record<string, PromptView>;
  robustness: RobustnessRow[];
  /** Judge against human labels for the suite, when `promptgold calibrate` has been run. */
  calibration?: CalibrationView;
  limits: { outputChars: number; promptChars: number; truncatedOutputs: number; truncatedPrompts: number };
}

export interface RunView {
  label: string;
  source: string;
  suite: string;
  complete: boolean;
  samples: number;
  commit: string | null;
  prompts: Array<{ id: string; version: string; hash: string }>;
  models: string[];
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
  costUsd: number;
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
export type RowStatus = CaseStatus | 'pass' | 'fail' | 'flaky-run' | 'errored';

/** Bits of `CaseRow.flags`, the filters of the cases table. */
export const RowFlag = {
  regressed: 1,
  improved: 2,
  flaky: 4,
  failing: 8,
  errored: 16,
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
  score: number;
  passes: number;
  repeats: RepeatView[];
}

/** `[scorer index, score, pass 1|0, reason index, error?]`. */
export type ScoreTuple = [number, number, 0 | 1, number] | [number, number, 0 | 1, number, string];

export interface RepeatView {
  /** Repeat number. */
  r: number;
  /** Output text (invisible controls made visible), possibly truncated; null when the sample errored. */
  o: string | null;
  /** Original length in characters when `o` was truncated. */
  cut?: number;
  score: number;
  pass: 0 | 1;
  s: ScoreTuple[];
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
}

/** Prompt texts as indexes of their lines in `strings`: template lines repeat across cases. */
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
  samples: number;
  passRate: number;
  /** Pass rate of the same source cases' golden samples in the same cell. */
  sourceSamples: number;
  sourcePassRate: number | null;
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
}
