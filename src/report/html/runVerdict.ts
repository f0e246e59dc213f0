/** The verdict of a single run (no comparison): did every cell reach the suite's threshold? */
import { percent } from '../format.js';
import type { CellView, ReportData, RunView } from './types.js';

/** Decided and worded here: a single run's verdict exists only in the HTML report. */
export function runVerdict(cells: CellView[], runs: RunView[], threshold: number | null): ReportData['verdict'] {
  const reasons: string[] = [];
  const failing = cells.filter((cell) => cell.failing);
  for (const cell of failing) {
    reasons.push(`${cell.version} × ${cell.model}: pass rate ${percent(cell.passRate)} is below the threshold ${percent(threshold ?? 0)}`);
  }
  const scored = cells.reduce((total, cell) => total + cell.scored, 0);
  if (failing.length) return { verdict: 'fail', reasons };
  if (scored === 0) return { verdict: 'inconclusive', reasons: ['no sample was scored'] };
  const incomplete = runs.filter((run) => !run.complete);
  if (incomplete.length) {
    return { verdict: 'inconclusive', reasons: incomplete.map((run) => `run ${run.source} did not complete`) };
  }
  reasons.push(
    threshold === null
      ? `${cells.length} cell${cells.length === 1 ? '' : 's'} scored; the suite sets no threshold`
      : `every cell reaches the threshold ${percent(threshold)}`,
  );
  return { verdict: 'pass', reasons };
}
