/** Compare two runs (or cells of one run) case by case: the library API behind `promptgold compare`. */
export type * from './types.js';
export { compareRecords, compareSides, type CompareOptions } from './compareRuns.js';
export { loadSide, type LoadedSide, type SideCell } from './sideReader.js';
export { parseCellFilter, type CellFilter } from './cellFilter.js';
export { classifyCase, caseOutcome, CASE_STATUSES } from './classify.js';
export { DEFAULT_POLICY, resolvePolicy, type PolicySource } from './policy.js';
export { decideVerdict, overallVerdict, exitCodeForVerdict } from './verdict.js';
export { saveBaseline, defaultBaselinePath, isBaselineHeader, BASELINE_SUFFIX, type SavedBaseline } from './baselineFile.js';
