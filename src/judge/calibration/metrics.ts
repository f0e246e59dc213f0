/**
 * Calibration arithmetic, pure: labels in, agreement and noise figures out. Kappa, confusion
 * matrices and percent agreement come from src/stats (verified there); this module decides what
 * is fed to them: which cases count, the category order, and how 1-5 levels binarize for TPR/TNR.
 */
import type { RubricScale } from '../criteria.js';
import { DEFAULT_PASSING_LEVEL, mean, stdev } from '../aggregate.js';
import { cohensKappa, confusionMatrix, percentAgreement, weightedKappa } from '../../stats/index.js';
import type { AgreementFigures, CalibrationCase, Label, NoiseFigures } from './types.js';

export function categoriesFor(scale: RubricScale): Array<string | number> {
  return scale === 'pass-fail' ? ['pass', 'fail'] : [1, 2, 3, 4, 5];
}

function category(label: Label): string | number {
  return typeof label === 'boolean' ? (label ? 'pass' : 'fail') : label;
}

/** A label as pass/fail: itself on pass-fail, level ≥ 4 on 1-5. */
export function isPositive(label: Label): boolean {
  return typeof label === 'boolean' ? label : label >= DEFAULT_PASSING_LEVEL;
}

export function agreementOf(cases: readonly CalibrationCase[], scale: RubricScale): AgreementFigures {
  const pairs = cases.filter((c): c is CalibrationCase & { judge: Label } => c.judge !== null);
  const categories = categoriesFor(scale);
  const confusion = confusionMatrix(
    pairs.map((p) => category(p.human)),
    pairs.map((p) => category(p.judge)),
    categories,
  );
  const humanPositive = pairs.filter((p) => isPositive(p.human));
  const humanNegative = pairs.filter((p) => !isPositive(p.human));
  const cohen = finite(cohensKappa(confusion));
  return {
    n: pairs.length,
    percentAgreement: finite(percentAgreement(confusion)),
    kappa: scale === 'pass-fail' ? cohen : finite(weightedKappa(confusion, 'quadratic')),
    kappaKind: scale === 'pass-fail' ? 'cohen' : 'quadratic-weighted',
    cohensKappa: cohen,
    categories,
    confusion,
    truePositiveRate: rate(humanPositive.filter((p) => isPositive(p.judge)).length, humanPositive.length),
    trueNegativeRate: rate(humanNegative.filter((p) => !isPositive(p.judge)).length, humanNegative.length),
  };
}

/** One output's repeated judgements: their 0..1 scores and the label each gives. */
export interface RepeatedJudgements {
  scores: number[];
  labels: Label[];
}

/** Noise over the usable judgements each output actually got (outputs with fewer than two are left out). */
export function noiseOf(outputs: readonly RepeatedJudgements[], judgementsRequested: number): NoiseFigures {
  const usable = outputs.filter((o) => o.labels.length >= 2);
  const stdevs = usable.map((o) => stdev(o.scores));
  const counts = usable.map((o) => o.labels.length);
  return {
    judgementsRequested,
    judgementsPerOutput: { fewest: counts.length ? Math.min(...counts) : 0, most: counts.length ? Math.max(...counts) : 0 },
    outputs: usable.length,
    unanimous: rate(usable.filter((o) => o.labels.every((l) => l === o.labels[0])).length, usable.length),
    pairwiseAgreement: usable.length ? round(mean(usable.map((o) => pairAgreement(o.labels)))) : null,
    meanStdev: usable.length ? round(mean(stdevs)) : null,
    maxStdev: usable.length ? round(Math.max(...stdevs)) : null,
  };
}

function pairAgreement(labels: readonly Label[]): number {
  let agree = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      pairs++;
      if (labels[i] === labels[j]) agree++;
    }
  }
  return pairs === 0 ? 1 : agree / pairs;
}

function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : round(part / whole);
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? round(value) : null;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
