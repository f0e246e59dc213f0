/**
 * The result of comparing two runs (or two cells of one run): the data every compare output —
 * console, Markdown, JSON, JUnit and the HTML report — is rendered from. Derived from run records
 * alone; serializable as JSON.
 */
import type { JudgeUsage } from '../scoring/types.js';

export type CaseStatus =
  | 'regressed'
  | 'improved'
  | 'unchanged-pass'
  | 'unchanged-fail'
  | 'flaky'
  | 'new'
  | 'removed'
  | 'error-changed';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** One side of a comparison: which record, which cell(s), and whether the record was complete. */
export interface SideInfo {
  label: string;
  /** Path of the record (relative to the project root when possible). */
  source: string;
  suite: string;
  /** `version=v1`, `model=…` filters applied to this side, if any. */
  filter: Record<string, string>;
  complete: boolean;
  prompts: Array<{ id: string; version: string; hash: string }>;
  models: string[];
  datasetHash: string;
}

/** A case's samples on one side, reduced over repeats. */
export interface CaseSide {
  repeats: number;
  /** Repeats that count for pass/score: infrastructure errors (timeout, rate limit …) do not. */
  scored?: number;
  passes: number;
  passFraction: number;
  meanScore: number;
  scorerMeans: Record<string, number>;
  /** Error kinds, one per errored repeat. */
  errors: string[];
  /** Outputs per repeat (null for errored repeats), in repeat order. */
  outputs: Array<string | null>;
  /** Scores with reasons per repeat, in repeat order. */
  scores: Array<Array<{ name: string; score: number; pass: boolean; reason: string; error?: string }>>;
  promptHash: string;
  costUsd: number;
  meanLatencyMs: number | null;
  tokens: { input: number; output: number };
  stopReasons: Array<string | null>;
}

export interface CaseComparison {
  caseId: string;
  tags: string[];
  /** The golden case this case belongs to (itself, or the source of a chaos mutation). */
  cluster: string;
  chaos?: { operators: string[]; sourceCaseId: string };
  status: CaseStatus;
  baseline?: CaseSide;
  candidate?: CaseSide;
  /** candidate.meanScore − baseline.meanScore when both exist. */
  scoreDelta: number | null;
  passDelta: number | null;
  scorerDeltas: Record<string, number>;
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface PairedStatistics {
  /** Cases present on both sides (the unit of analysis). */
  n: number;
  baselinePassRate: Interval;
  candidatePassRate: Interval;
  baselineMeanScore: Interval;
  candidateMeanScore: Interval;
  /** Mean paired difference of per-case pass fraction (candidate − baseline). */
  passRateDiff: Interval & { se: number; pValue: number };
  /** Mean paired difference of per-case mean score. */
  scoreDiff: Interval & { se: number; pValue: number };
  /** Cluster-robust version of scoreDiff (clusters = golden case + its chaos mutations), when clusters exist. */
  clusteredScoreDiff?: Interval & { se: number; clusters: number };
  /**
   * Cluster-robust version of passRateDiff, when clusters exist. The verdict then reads it instead
   * of McNemar's test, which assumes independent cases: a golden case and its mutations are not.
   */
  clusteredPassRateDiff?: Interval & { se: number; clusters: number };
  mcnemar: { regressed: number; improved: number; pExact: number; pMid: number };
  bootstrap: { low: number; high: number; resamples: number; seed: number };
  /**
   * Mean over cases of pass@k (at least one of k attempts passes) and pass^k (all k pass), for k from
   * 1 to the fewest scored repeats any paired case has on either side (at most 10).
   */
  passAtK: Array<{ k: number; baseline: number; candidate: number }>;
  passHatK: Array<{ k: number; baseline: number; candidate: number }>;
  /** Smallest pass-rate change detectable at this n (alpha, 80% power). */
  minimumDetectableEffect: number;
  /** Cases (at the current repeats) needed to detect the policy's maxPassRateDrop. */
  casesNeededForPolicyEffect: number | null;
}

export interface SliceStatistics {
  /** `tag:billing`, `scorer:summary`, `operator:homoglyphs`. */
  slice: string;
  n: number;
  scoreDiff: Interval;
  pValue: number;
  /** Holm-adjusted across all slices of the comparison. */
  pAdjusted: number;
  significant: boolean;
}

export interface Deltas {
  baseline: number | null;
  candidate: number | null;
  /** Relative change (candidate / baseline − 1), null when not defined. */
  relative: number | null;
}

export interface OperationalDeltas {
  costUsd: Deltas;
  inputTokens: Deltas;
  outputTokens: Deltas;
  latencyMeanMs: Deltas;
  latencyP50Ms: Deltas;
  latencyP95Ms: Deltas;
  /** Judge usage, kept apart from the generator's (rubric scorers). */
  judgeCostUsd?: Deltas;
  /**
   * Prompt caching, when either side read or wrote the cache: the share of caching answers that
   * read from it, and tokens read and USD saved per billed sample.
   */
  cache?: { hitRate: Deltas; readTokens: Deltas; savedUsd: Deltas };
}

export interface VerdictPolicyResolved {
  maxPassRateDrop: number;
  alpha: number;
  maxCostIncrease: number | null;
  maxP95LatencyIncrease: number | null;
  failOnNewErrors: boolean;
}

export interface VerdictResult {
  verdict: Verdict;
  /** Human sentences, most important first. */
  reasons: string[];
  /** For inconclusive: what would settle it. */
  needed?: { repeats?: number; cases?: number };
}

/** One matched pair of cells (e.g. v1 × model-a against v2 × model-a). */
export interface CellComparison {
  /** `v1 × claude-haiku-4-5 → v2 × claude-haiku-4-5`. */
  label: string;
  baselineCell: { version: string; model: string };
  candidateCell: { version: string; model: string };
  cases: CaseComparison[];
  counts: Record<CaseStatus, number>;
  stats: PairedStatistics;
  slices: SliceStatistics[];
  operational: OperationalDeltas;
  verdict: VerdictResult;
  /** `compare --judge`: which output a judge prefers, asked in both orders (a flip is a tie). */
  pairwise?: PairwiseSummary;
}

export interface PairwiseSummary {
  model: string;
  wins: number;
  ties: number;
  losses: number;
  unscored: number;
  /** wins / (wins + losses); null when no case was decisive. */
  winRate: number | null;
  interval: { low: number; high: number };
  /** Judge usage, apart from the runs' own. */
  judge: JudgeUsage;
  perCase: Array<{ caseId: string; outcome: 'win' | 'tie' | 'loss' | 'unscored'; reason: string }>;
}

export interface ComparisonResult {
  type: 'comparison';
  baseline: SideInfo;
  candidate: SideInfo;
  policy: VerdictPolicyResolved;
  cells: CellComparison[];
  /** Worst verdict over cells, with reasons. */
  verdict: VerdictResult;
  warnings: string[];
}
