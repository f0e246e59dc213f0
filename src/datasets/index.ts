export type { CaseSelection, ChaosOrigin, CheckSpec, Dataset, GoldenCase } from './types.js';
export { loadDataset } from './loadDataset.js';
export { selectCases, DEFAULT_SAMPLE_SEED } from './selectCases.js';
export { caseIdFromVars } from './caseId.js';
export { seededSample } from './seededSample.js';
export { caseSchema, validateCase } from './caseSchema.js';
export { ProblemList, ProblemsError, MAX_PROBLEMS, type Problem } from './problems.js';
