/** Judge calibration: agreement of a rubric judge with human labels, and its noise. */
export { calibrateSuite, findRubricScorer } from './calibrate.js';
export type { CalibrateOptions, CalibrationOutcome } from './calibrate.js';
export { agreementOf, noiseOf, categoriesFor, isPositive } from './metrics.js';
export type { RepeatedJudgements } from './metrics.js';
export { labeledCases } from './labels.js';
export type { LabeledCase } from './labels.js';
export { formatCalibration } from './format.js';
export { calibrationPath, writeCalibration } from './store.js';
export type { AgreementFigures, CalibrationCase, CalibrationReport, Label, NoiseFigures } from './types.js';
