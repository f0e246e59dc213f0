/**
 * `promptgold/compare`: compare two runs (or two cells of one run) case by case, as
 * `promptgold compare` does, and get the structured result — cells with their paired statistics,
 * verdicts as `{ rule, values }` reasons, the overall verdict. Word it with `promptgold/report`.
 */
export { compareRecords, type CompareOptions } from './compareRuns.js';
export { parseCellFilter, type CellFilter } from './cellFilter.js';
export { DEFAULT_POLICY, resolvePolicy, type PolicySource, type VerdictPolicy } from './policy.js';
export { exitCodeForComparison, exitCodeForVerdict } from './verdict.js';
export { saveBaseline, defaultBaselinePath, type SavedBaseline } from './baselineFile.js';
export type {
  ComparisonResult,
  CellComparison,
  CaseComparison,
  CaseStatus,
  PairedStatistics,
  OperationalDeltas,
  Verdict,
  VerdictResult,
  VerdictReason,
  VerdictPolicyResolved,
  ComparisonWarning,
} from './types.js';
