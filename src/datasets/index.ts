export type { CaseList, CaseSelection, ChaosOrigin, CheckSpec, Dataset, DatasetSource, GoldenCase } from './types.js';
export { loadDataset, openDataset } from './loadDataset.js';
export { selectCases, selectFrom, caseList, DEFAULT_SAMPLE_SEED } from './selectCases.js';
export { caseIdFromVars } from './caseId.js';
export { seededSample } from './seededSample.js';
export { validateCase } from './caseSchema.js';
export { ProblemList, ProblemsError, MAX_PROBLEMS, type Problem } from './problems.js';
