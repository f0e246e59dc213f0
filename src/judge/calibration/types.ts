/**
 * A calibration report: how far a rubric judge agrees with human labels, and how noisy it is.
 * Written to `reports/calibration/<suite>.json` (stable key order, no timestamps) so reports can
 * show it; numbers that are undefined (kappa with one category, a rate over 0 cases) are null.
 */
import type { RubricScale } from '../criteria.js';
import type { JudgeUsage } from '../../scoring/types.js';

export type Label = boolean | number;

export interface CalibrationCase {
  caseId: string;
  /** `human.output` when the label came with its own output; `run` for the suite's first cell. */
  outputFrom: 'human.output' | 'run';
  human: Label;
  /** The judge's label on the same scale; null when the judgement was unusable. */
  judge: Label | null;
  agree: boolean | null;
  /** The rubric score (0..1) as a run would record it. */
  score: number | null;
  reason: string;
  /** Why there is no judge label (refusal, truncation, bad JSON, provider error, no output). */
  unscored?: string;
  note?: string;
}

export interface AgreementFigures {
  /** Pairs (human, judge) that both have a label. */
  n: number;
  /** 0..1 */
  percentAgreement: number | null;
  /** Cohen's kappa for pass-fail; quadratic-weighted kappa for 1-5. */
  kappa: number | null;
  kappaKind: 'cohen' | 'quadratic-weighted';
  /** Unweighted Cohen's kappa (equal to `kappa` on pass-fail). */
  cohensKappa: number | null;
  /** Category order of the confusion matrix: rows are the human's label, columns the judge's. */
  categories: Array<string | number>;
  confusion: number[][];
  /** Of the outputs humans pass (1-5: level ≥ 4), the share the judge passes. */
  truePositiveRate: number | null;
  /** Of the outputs humans fail, the share the judge fails. */
  trueNegativeRate: number | null;
}

export interface NoiseFigures {
  /** Judgements asked for per output (`--judge-samples`). */
  judgementsRequested: number;
  /**
   * Usable judgements per output among the outputs counted, fewest and most: the figures are over
   * these, not over the judgements asked for (a failed or unusable judge call gives none). Both 0
   * when no output is counted.
   */
  judgementsPerOutput: { fewest: number; most: number };
  /** Outputs with at least two usable judgements. */
  outputs: number;
  /** Share of those outputs on which every judgement gave the same verdict (pass-fail) or level (1-5). */
  unanimous: number | null;
  /** Mean over outputs of the share of judgement pairs that agree. */
  pairwiseAgreement: number | null;
  /** Mean and largest standard deviation of the 0..1 score across judgements of one output. */
  meanStdev: number | null;
  maxStdev: number | null;
}

/** A call that failed at the provider: the labelled output could not be had, or a judge call failed. */
export interface CalibrationFailure {
  caseId: string;
  /** The judgement's index for a judge call; absent when the output to judge could not be had. */
  judgement?: number;
  reason: string;
}

export interface CalibrationReport {
  type: 'calibration';
  suite: string;
  suiteFile: string;
  scorer: string;
  judgeModel: string;
  scale: RubricScale;
  /** The cell whose repeat-0 output is judged for cases without `human.output`. */
  labeledOutput: { promptId: string; version: string; model: string; repeat: 0 };
  /** Cases with a label for this scale. */
  labeled: number;
  unscored: number;
  agreement: AgreementFigures;
  disagreements: Array<{ caseId: string; human: Label; judge: Label; reason: string }>;
  noise: NoiseFigures;
  /** Calls that failed at the provider (the command exits 3 when there are any), in case order. */
  failures: CalibrationFailure[];
  cases: CalibrationCase[];
  judge: JudgeUsage;
}
