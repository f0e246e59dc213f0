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
export {
  wilsonInterval,
  meanInterval,
  pairedDifference,
  clusteredPairedDifference,
  twoSidedNormalCritical,
  type ProportionInterval,
  type MeanInterval,
  type PairedDifference,
} from './intervals.js';
export { mcnemarExact, type McNemarResult } from './hypothesis.js';
export { pairedBootstrap, type PairedBootstrapOptions, type BootstrapInterval } from './bootstrap.js';
export {
  minimumDetectableEffect,
  requiredSampleSize,
  mdeForProportions,
  type MeanPowerInput,
  type SampleSizeInput,
  type ProportionPowerInput,
} from './power.js';
export { holm, bonferroni } from './multiple.js';
export {
  confusionMatrix,
  percentAgreement,
  cohensKappa,
  weightedKappa,
  type ConfusionMatrix,
  type KappaWeighting,
} from './agreement.js';
export { passAtK, passHatK } from './pass-at-k.js';
