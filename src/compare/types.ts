/**
 * The result of comparing two runs (or two cells of one run): the data every compare output —
 * console, Markdown, JSON, JUnit and the HTML report — is rendered from. Derived from run records
 * alone; serializable as JSON.
 */
import type { NotRunCounts, RunIncompleteCause } from '../records/completeness.js';
import type { JudgeUsage } from '../scoring/types.js';

/**
 * Why a model's own run fails as `promptgold run` would judge it (upgrade-check): a cell below the
 * threshold, or more unscored samples than maxErrorRate allows. Here, not in upgrade.ts, because
 * the report page's script reads the verdict types and must not import Node code.
 */
export type CandidateRunProblem =
  | { kind: 'threshold'; cell: string; passRate: number; scored: number; threshold: number }
  | { kind: 'unscored'; notScored: number; samples: number; maxErrorRate: number };

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
  /**
   * Outputs per repeat (null for errored repeats), in repeat order. `outputs`, `scores` and
   * `stopReasons` are absent only when the comparison was made with `repeatDetails: false`; read
   * them through `repeatDetailsOf`.
   */
  outputs?: Array<string | null>;
  /** Scores with reasons per repeat, in repeat order. */
  scores?: RepeatScore[][];
  promptHash: string;
  costUsd: number;
  meanLatencyMs: number | null;
  tokens: { input: number; output: number };
  stopReasons?: Array<string | null>;
  /** The first error of the case's repeats, with its message (cut to 500 characters). */
  firstError?: { kind: string; message: string };
}

/** One scorer's score of one repeat, as a case side keeps it (passing reasons are dropped). */
export interface RepeatScore {
  name: string;
  score: number;
  pass: boolean;
  reason: string;
  error?: string;
}

/** A side's per-repeat details: what the JSON, Markdown, JUnit and HTML outputs and pairwise judging show. */
export type RepeatDetails = Required<Pick<CaseSide, 'outputs' | 'scores' | 'stopReasons'>>;

export interface CaseComparison {
  caseId: string;
  tags: string[];
  /** The golden case this case belongs to (itself, or the source of a chaos mutation). */
  cluster: string;
  chaos?: { operators: string[]; sourceCaseId: string; notExercised?: ChaosNotExercised };
  status: CaseStatus;
  baseline?: CaseSide;
  candidate?: CaseSide;
  /** candidate.meanScore − baseline.meanScore when both exist. */
  scoreDelta: number | null;
  passDelta: number | null;
  scorerDeltas: Record<string, number>;
}

/**
 * Why a chaos case is no evidence on a side, so the comparison leaves it out of its statistics:
 * `same-request`, the run marked its samples (`chaos.notExercised`: the request was its source's
 * and the provider read no mutated variable); `same-prompt`, its prompt hash is its source case's
 * and the record says nothing either way (written before promptgold checked).
 */
export type ChaosCaseNotExercised = 'same-request' | 'same-prompt';

/** A chaos case left out of the statistics, with the reason on each side that gave one. */
export interface ChaosNotExercised {
  baseline?: ChaosCaseNotExercised;
  candidate?: ChaosCaseNotExercised;
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/**
 * The interval a comparison decides on (see src/stats/pairedInterval.ts): a mean paired
 * difference over cases, at level 1 − alpha, with units = cases, or clusters of a golden case and
 * its chaos variants. It spans the paired sign-flip (randomization) interval and the bounded score
 * interval; `pValue` (of "no difference") is the larger of the two tests'.
 */
export interface DecisionInterval extends Interval {
  pValue: number;
  alpha: number;
  /** Independent units the interval treats as the sample: cases, or clusters when `clustered`. */
  units: number;
  clustered: boolean;
  /** The sign-flip test: every sign pattern (`exact`) or `resamples` seeded random ones. */
  randomization: { method: 'exact' | 'monte_carlo'; resamples: number | null; seed: number; low: number; high: number; pValue: number };
  /** The bounded score test (Tango's score interval for one repeat); null for the mean score, which uses the sign flips alone. */
  score: { low: number; high: number; pValue: number } | null;
}

/** What the pass-rate rule can see at this size (normal approximation, for planning). */
export interface RulePower {
  /** Standard error of the pass-rate difference: cluster-aware, never below 1/n (one case of n flipping). */
  se: number;
  /** Chance of a pass if the candidate is truly no worse (no drop). */
  passIfNoChange: number;
  /** Chance of a fail at true drops of the tolerance and of 5, 10 and 20 points. */
  failAtDrop: Array<{ drop: number; probability: number }>;
  /** The true drop that would fail 80% of the time. */
  minimumDetectableDrop: number;
  /** Cases (at the current repeats) for an 80% chance of a pass when there is no true drop; null without a tolerance. */
  casesForPass: number | null;
}

export interface PairedStatistics {
  /** Cases present on both sides (the unit of analysis). */
  n: number;
  /** Independent units: n, or the number of clusters when chaos variants cluster with their golden case. */
  units: number;
  baselinePassRate: Interval;
  candidatePassRate: Interval;
  baselineMeanScore: Interval;
  candidateMeanScore: Interval;
  /** Mean paired difference of per-case pass fraction (candidate − baseline): the interval the verdict reads. */
  passRateDiff: DecisionInterval;
  /**
   * Mean paired difference of per-case mean score (shown; the verdict reads the pass rate): the
   * sign-flip interval alone — scores are continuous, and the bounded score test would be far too
   * wide for changes much smaller than the 0–1 range.
   */
  scoreDiff: DecisionInterval;
  /**
   * McNemar's exact test on majority outcomes, for reference only: the verdict does not read it
   * (it cannot see shifts inside a case's repeats). With one repeat and no clusters it equals the
   * sign-flip test's exact p-value.
   */
  mcnemar: { regressed: number; improved: number; pExact: number; pMid: number };
  /**
   * Mean over cases of pass@k (at least one of k attempts passes) and pass^k (all k pass), for k from
   * 1 to the fewest scored repeats any paired case has on either side (at most 10).
   */
  passAtK: Array<{ k: number; baseline: number; candidate: number }>;
  passHatK: Array<{ k: number; baseline: number; candidate: number }>;
  power: RulePower;
}

export interface SliceStatistics {
  /** `tag:billing`, `scorer:summary`, `operator:homoglyphs`. */
  slice: string;
  n: number;
  /** Independent units (clusters count once). */
  units: number;
  /** Mean score difference, (1 − alpha) paired interval (cluster-aware). */
  scoreDiff: Interval;
  /** Too few units for any result to be significant at alpha: no p-value is given. */
  tooSmall: boolean;
  /** Two-sided p-value of "no change"; null when too small. */
  pValue: number | null;
  /** Holm-adjusted across the slices that are not too small; null when too small. */
  pAdjusted: number | null;
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
  /**
   * Refusals, answers cut at max_tokens and context-window stops, as shares of each side's scored
   * golden samples (as the run summary counts them); present when either side had any.
   */
  stops?: StopDeltas;
}

export interface StopDeltas {
  /** Scored golden samples of the paired cases: the denominator of each rate. */
  scored: { baseline: number; candidate: number };
  refusalRate: Deltas;
  maxTokensRate: Deltas;
  contextWindowRate: Deltas;
}

export interface VerdictPolicyResolved {
  maxPassRateDrop: number;
  alpha: number;
  maxCostIncrease: number | null;
  maxP95LatencyIncrease: number | null;
  /** Largest tolerated rise of the refusal rate, in absolute terms (0.02 = 2 percentage points); null: off. */
  maxRefusalRateIncrease: number | null;
  /** Largest tolerated rise of the share of answers cut at max_tokens (absolute); null: off. */
  maxTruncationRateIncrease: number | null;
  failOnNewErrors: boolean;
}

/** One error kind in a cell: the samples with it on each side, out of that side's samples. */
export interface ErrorKindCounts {
  baseline: number;
  baselineSamples: number;
  candidate: number;
  candidateSamples: number;
}

/**
 * An error kind the `new_errors` rule fails on: one the baseline did not have (`pValue` null), or
 * one the candidate has more often, by a one-sided Fisher exact test on the two sides' samples
 * (`pValue` < the policy's alpha).
 */
export interface RisenErrorKind extends ErrorKindCounts {
  pValue: number | null;
}

export interface VerdictResult {
  verdict: Verdict;
  /** Why, most important first: structured values the reports turn into sentences (src/report/reasons.ts). */
  reasons: VerdictReason[];
  /** For inconclusive: what would settle it. */
  needed?: { repeats?: number; cases?: number };
}

/**
 * One reason of a verdict: the rule that applied and the numbers it read. `cell` names the cell
 * when the reason is quoted in the overall verdict of several cells.
 */
export type VerdictReason = VerdictReasonBody & { cell?: string };

/** The numbers the pass-rate rule decided on: the interval, the tolerance and the test. */
export interface PassRateDecision {
  /** Pass rates (mean per-case pass fraction) of each side. */
  baseline: number;
  candidate: number;
  /** Mean paired difference and its (1 − alpha) interval. */
  estimate: number;
  low: number;
  high: number;
  alpha: number;
  /** D = maxPassRateDrop. */
  tolerance: number;
  cases: number;
  units: number;
  clustered: boolean;
  test: { method: 'exact' | 'monte_carlo'; resamples: number | null; pValue: number };
}

export type VerdictReasonBody =
  /** pass: the interval's lower bound is above −D (the candidate is not worse by D or more). */
  | { rule: 'non_inferior'; values: PassRateDecision }
  /** fail: the drop is significant (upper bound below 0) and a drop beyond D is not ruled out (lower bound below −D). */
  | { rule: 'regression'; values: PassRateDecision }
  /** inconclusive: the interval reaches below −D and above 0; `needed` says what would decide it. */
  | {
      rule: 'too_small';
      values: PassRateDecision & {
        needed: { cases?: number; repeats?: number };
        /** Scored repeats per case now. */
        repeats: number;
        /** Why more repeats alone would not decide it: the cases differ too much, or there are too few units (cases or clusters). */
        repeatsCannot?: 'cases_differ' | 'too_few_units';
        /** Chance of a pass at this size if the candidate is truly no worse. */
        passIfNoChange: number;
      };
    }
  | { rule: 'cost_increase'; values: { relative: number; baseline: number | null; candidate: number | null; limit: number } }
  | { rule: 'latency_increase'; values: { percentile: 95; relative: number; baseline: number | null; candidate: number | null; limit: number } }
  /** The refusal rate (or the share cut at max_tokens) rose by more than the limit: rates of scored golden samples, `increase` = candidate − baseline. */
  | { rule: 'refusal_rate_increase' | 'truncation_rate_increase'; values: RateIncrease }
  /** Error kinds the baseline did not have, or had less often (see RisenErrorKind), by kind. */
  | { rule: 'new_errors'; values: { kinds: Record<string, RisenErrorKind>; alpha: number } }
  /** Cases on both sides that one side has no scored repeat of: left out of the statistics. */
  | { rule: 'unscored_cases'; values: { side: 'baseline' | 'candidate'; count: number; scoredByOther: number; paired: number } }
  /**
   * Scorers only one side scored cases with: scorer name → cases (of the `paired` cases both sides
   * scored) it scored on that side only. `only: 'baseline'` fails the cell: the candidate's pass
   * rate was over fewer checks. `only: 'candidate'` is a note: its pass rate was over more.
   */
  | { rule: 'scorers_differ'; values: { only: 'baseline' | 'candidate'; scorers: Record<string, number>; paired: number } }
  | { rule: 'no_cases'; values: Record<string, never> }
  /**
   * The baseline cell has cases but scored none of them (every repeat an error: a provider that
   * threw, a judge cut at its maxTokens): nothing to compare the candidate with. The cell is
   * inconclusive and the comparison exits 3 (see exitCodeForComparison). `cases`, `samples`: the
   * baseline's; `notScored`: its unscored samples by error kind.
   */
  | { rule: 'baseline_unscored'; values: { cases: number; samples: number; notScored: Record<string, number> } }
  /**
   * A side left more of its samples unscored than its own maxErrorRate allows (the rule `promptgold
   * run` exits 3 on; see tooManyUnscored), counted over its compared cells: `notScored` of
   * `samples`, with `kinds` (error kind → samples). The candidate's fails the comparison and exits 3
   * (the cases it did score cannot stand for the run); the baseline's is a note.
   */
  | { rule: 'too_many_unscored'; values: { side: 'baseline' | 'candidate'; notScored: number; samples: number; maxErrorRate: number; kinds: Record<string, number> } }
  | { rule: 'no_cells'; values: Record<string, never> }
  | { rule: 'incomplete_record'; values: IncompleteRecord }
  /**
   * Chaos cases on both sides left out of the statistics (the interval, its clusters and the
   * slices) because a side's request was its source case's: they would only repeat the source's
   * change. `cases`: how many; per side, how many for each reason; `paired`: the cases the
   * statistics are over.
   */
  | {
      rule: 'chaos_not_exercised';
      values: { cases: number; baseline: Partial<Record<ChaosCaseNotExercised, number>>; candidate: Partial<Record<ChaosCaseNotExercised, number>>; paired: number };
    }
  /** Cases on one side only (`candidate`: new, `baseline`: removed), left out of the statistics. */
  | { rule: 'one_sided_cases'; values: { side: 'baseline' | 'candidate'; count: number } }
  /**
   * Cases of the baseline's cell that the candidate's never ran, though both ran the same dataset
   * (the candidate selected fewer cases, or left chaos out): the statistics cover only the cases
   * both ran, so the cell cannot pass. `paired`: the cases the statistics are over.
   */
  | { rule: 'missing_cases'; values: { count: number; paired: number } }
  /** Chaos cases of the baseline that a candidate run without `--chaos` did not run: a note (robustness is not compared). */
  | { rule: 'chaos_not_run'; values: { count: number } }
  /** Cells of the baseline with no cell of the candidate to compare with (no cell filter given): the whole cannot pass. */
  | { rule: 'missing_cells'; values: { cells: string[] } }
  /**
   * upgrade-check: a model's own run fails as `promptgold run` would judge it (the new model's
   * threshold or unscored samples, the old model's unscored samples), whatever the comparison says.
   */
  | { rule: 'own_run_fails'; values: { model: string; problem: CandidateRunProblem } }
  /**
   * A hard rule the policy sets that could not be applied: a side has no figure for it (null; or
   * a cost of 0, which is a provider that reports no price — see src/report/cost.ts). A note: the
   * verdict stands on the other rules, and says this one was not checked.
   */
  | { rule: 'rule_not_checked'; values: { policy: 'maxCostIncrease' | 'maxP95LatencyIncrease'; limit: number; baseline: number | null; candidate: number | null; lacking: 'baseline' | 'candidate' | 'both' } }
  /**
   * Several cells, each allowed a false fail with chance alpha/2: some cell fails by chance alone
   * with probability up to `falseFailBound` (Bonferroni) when nothing changed.
   */
  | { rule: 'several_cells'; values: { cells: number; alpha: number; falseFailBound: number } };


export interface RateIncrease {
  baseline: number;
  candidate: number;
  increase: number;
  limit: number;
  /** Scored golden samples behind each rate. */
  samples: { baseline: number; candidate: number };
}

/** Why a side is incomplete. */
export interface IncompleteRecord {
  side: 'baseline' | 'candidate';
  source: string;
  /**
   * `no_summary`: the run did not finish; `missing_samples`: fewer samples than planned; `not_run`:
   * samples recorded as not finished (see `notRunBy`), which `--resume` runs;
   * `baseline_of_incomplete_run`: saved from one.
   */
  cause: RunIncompleteCause | 'baseline_of_incomplete_run';
  samples: number;
  planned: number;
  /** With `not_run`: how many of the samples did not finish. */
  notRun?: number;
  /** With `not_run`: those samples by why (never sent for the budget, answered but not judged for it, batch requests that did not run). */
  notRunBy?: NotRunCounts;
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
  | { rule: 'few_repeats'; values: { repeats: number; minimum: number } }
  /**
   * Parameters the template set that a side's requests went without (its model does not accept
   * them), when the two sides differ in them: parameter → samples, per side, of the matched cells.
   */
  | { rule: 'dropped_params'; values: { cells: string; baseline: DroppedParams; candidate: DroppedParams } };

export interface DroppedParams {
  params: Record<string, number>;
  samples: number;
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
  warnings: ComparisonWarning[];
}
