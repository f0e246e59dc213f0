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
  /** Why, most important first: structured values the reports turn into sentences (src/report/reasons.ts). */
  reasons: VerdictReason[];
  /** For inconclusive: what would settle it. */
  needed?: { repeats?: number; cases?: number };
}

/** How a difference was tested: McNemar's exact test on per-case outcomes, or a (1 − alpha) interval. */
export type DifferenceTest =
  | { kind: 'mcnemar_exact'; regressed: number; improved: number; p: number; alpha: number }
  | { kind: 'interval'; low: number; high: number; alpha: number; clusters?: number };

/**
 * One reason of a verdict: the rule that applied and the numbers it read. `cell` names the cell
 * when the reason is quoted in the overall verdict of several cells.
 */
export type VerdictReason = VerdictReasonBody & { cell?: string };

export type VerdictReasonBody =
  /**
   * The metric fell: significantly and by more than the tolerance (`beyond: 'zero'`), or with its
   * whole interval below −tolerance (`beyond: 'tolerance'`).
   */
  | {
      rule: 'regression';
      values: {
        metric: 'pass_rate' | 'mean_score';
        estimate: number;
        baseline?: number;
        candidate?: number;
        tolerance: number;
        beyond: 'zero' | 'tolerance';
        test: DifferenceTest;
      };
    }
  | { rule: 'improvement'; values: { metric: 'pass_rate' | 'mean_score'; estimate: number; baseline?: number; candidate?: number; test: DifferenceTest } }
  /** Nothing significant; `mde` ≤ tolerance (a pass) or above it (with `too_small`). */
  | { rule: 'no_change'; values: NoChangeValues }
  /** Nothing significant, and the comparison cannot see a change of the tolerance. */
  | { rule: 'too_small'; values: NoChangeValues & { needed: { cases?: number; repeats?: number } } }
  | { rule: 'cost_increase'; values: { relative: number; baseline: number | null; candidate: number | null; limit: number } }
  | { rule: 'latency_increase'; values: { percentile: 95; relative: number; baseline: number | null; candidate: number | null; limit: number } }
  /** Error kinds → candidate samples, for kinds the baseline cell never had. */
  | { rule: 'new_errors'; values: { kinds: Record<string, number> } }
  | { rule: 'no_cases'; values: Record<string, never> }
  | { rule: 'no_cells'; values: Record<string, never> }
  | { rule: 'incomplete_record'; values: IncompleteRecord }
  /** Cases on one side only (`candidate`: new, `baseline`: removed), left out of the statistics. */
  | { rule: 'one_sided_cases'; values: { side: 'baseline' | 'candidate'; count: number } };

export interface NoChangeValues {
  n: number;
  estimate: number;
  low: number;
  high: number;
  alpha: number;
  mcnemarP: number;
  mde: number;
  tolerance: number;
}

export type VerdictRule = VerdictReasonBody['rule'];

/** Why a side is incomplete. */
export interface IncompleteRecord {
  side: 'baseline' | 'candidate';
  source: string;
  /** `no_summary`: the run did not finish; `missing_samples`: fewer samples than planned; `baseline_of_incomplete_run`: saved from one. */
  cause: 'no_summary' | 'missing_samples' | 'baseline_of_incomplete_run';
  samples: number;
  planned: number;
}

/** Something the reader of a comparison should know that is not part of the verdict. */
export type ComparisonWarning =
  | { rule: 'incomplete_record'; values: IncompleteRecord }
  | { rule: 'unmatched_cell'; values: { side: 'baseline' | 'candidate'; cell: string } }
  /** `--force` compared records of different suites. */
  | { rule: 'different_suites'; values: { baseline: { suite: string; source: string }; candidate: { suite: string; source: string } } }
  /** `--force` compared records of different datasets. */
  | {
      rule: 'different_datasets';
      values: {
        baseline: { path: string; hash: string; cases: number };
        candidate: { path: string; hash: string; cases: number };
        onlyInBaseline: number;
        onlyInCandidate: number;
      };
    }
  /** The same version name with a different template hash: an edit without a version bump. */
  | { rule: 'prompt_drift'; values: { promptId: string; version: string; before: string; after: string } }
  /** upgrade-check: fewer repeats than it asks for. */
  | { rule: 'few_repeats'; values: { repeats: number; minimum: number } };

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
  warnings: ComparisonWarning[];
}
