/** Statistics for run summaries and regression comparisons. Pure functions, no I/O. */
export { createRng, seedToUint32, type Rng, type Seed } from './random.js';
export {
  sum,
  mean,
  variance,
  standardDeviation,
  standardError,
  quantile,
  median,
  percentiles,
  type Percentiles,
} from './descriptive.js';
export { normalCdf, normalQuantile, tCdf, tQuantile } from './distributions.js';
export { logGamma, logBeta, regularizedBeta, regularizedGammaP, regularizedGammaQ } from './special.js';
export { wilsonInterval, twoSidedNormalCritical, type ProportionInterval } from './intervals.js';
export { fisherExactGreater, mcnemarExact, type McNemarResult } from './hypothesis.js';
export {
  nonInferiorityPassProbability,
  nonInferiorityFailProbability,
  minimumDetectableDrop,
  nonInferiorityCases,
  type NonInferiorityInput,
} from './power.js';
export { holm, bonferroni } from './multiple.js';
export { unitTotals, unitMean, unitCount, unitCases, unitStandardError, groupUnits, type UnitTotals, type UnitGroup } from './units.js';
export { signFlipInterval, DEFAULT_EXACT_LIMIT, type SignFlipOptions, type SignFlipResult } from './randomization.js';
export { boundedScoreInterval, type BoundedScoreOptions, type BoundedScoreResult } from './boundedScore.js';
export { pairedInterval, smallestAttainablePValue, type PairedInterval, type PairedIntervalOptions } from './pairedInterval.js';
export {
  confusionMatrix,
  percentAgreement,
  cohensKappa,
  weightedKappa,
  type ConfusionMatrix,
  type KappaWeighting,
} from './agreement.js';
export { passAtK, passHatK } from './pass-at-k.js';
