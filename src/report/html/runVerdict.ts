/** The verdict of a single run (no comparison): did every cell reach the suite's threshold, and was every sample scored? */
import { ExitCode } from '../../errors.js';
import { percent, points, signedPoints } from '../format.js';
import { thresholdMissText, tooManyErrorsText } from '../notScored.js';
import { WORST_DROP } from './overviewData.js';
import type { CellView, OperatorView, ReportData, RunView } from './types.js';

/**
 * Decided and worded here: a single run's verdict exists only in the HTML report. It fails as the
 * run did: a cell below the threshold (exit 1), or more unscored samples than `maxErrorRate` allows,
 * said with the exit code the run gave (`exitCodes`, by run: 3, or 130 for an interrupted run).
 * Chaos operators that cost 10 points or more are named whatever the verdict: the threshold is
 * about golden cases, so a pass can hide them.
 */
export function runVerdict(
  cells: CellView[],
  runs: RunView[],
  threshold: number | null,
  operators: OperatorView[] = [],
  exitCodes: ReadonlyArray<ExitCode | undefined> = [],
): ReportData['verdict'] {
  const reasons: string[] = [];
  const failing = cells.filter((cell) => cell.failing);
  for (const cell of failing) {
    const rate = `pass rate ${percent(cell.passRate)} of ${cell.scored} scored golden samples`;
    reasons.push(`${cell.version} × ${cell.model}: ${thresholdMissText(cell, rate, threshold ?? 0)}`);
  }
  runs.forEach((run, index) => {
    if (!run.tooManyErrors) return;
    const own = cells.filter((cell) => cell.run === index);
    reasons.push(`${runs.length > 1 ? `${run.source}: ` : ''}${tooManyErrorsText({ cells: own, totals: { notScored: run.notScored, samples: run.samples }, maxErrorRate: run.maxErrorRate })}${exitCodeText(exitCodes[index])}`);
  });
  const robustness = robustnessReason(operators);
  const scored = cells.reduce((total, cell) => total + cell.scored, 0);
  if (reasons.length) return { verdict: 'fail', reasons: [...reasons, ...robustness] };
  if (scored === 0) return { verdict: 'inconclusive', reasons: ['no sample was scored'] };
  const incomplete = runs.filter((run) => !run.complete);
  if (incomplete.length) {
    return { verdict: 'inconclusive', reasons: [...incomplete.map((run) => `run ${run.source} did not complete${run.incomplete ? `: ${run.incomplete}` : ''}`), ...robustness] };
  }
  reasons.push(
    threshold === null
      ? `${scoredCellsText(cells)}; the suite sets no threshold`
      : `every cell reaches the threshold ${percent(threshold)}`,
  );
  const notScored = runs.reduce((n, run) => n + run.notScored, 0);
  if (notScored > 0) reasons.push(`${notScored} sample${notScored === 1 ? ' was' : 's were'} not scored, within maxErrorRate`);
  return { verdict: 'pass', reasons: [...reasons, ...robustness] };
}

/** ` (exit 3)`: the code the run gave; an interrupted run's 130 says why. Nothing for a baseline file, which gave none. */
function exitCodeText(code: ExitCode | undefined): string {
  if (code === undefined) return '';
  return code === ExitCode.interrupted ? ` (exit ${code}: the run was interrupted)` : ` (exit ${code})`;
}

/** `2 cells scored`, or `1 of 2 cells scored (v2 × model-b: no golden sample scored)`: a cell whose samples all went unscored is not one. */
function scoredCellsText(cells: CellView[]): string {
  const unscored = cells.filter((cell) => cell.scored === 0);
  if (!unscored.length) return `${cells.length} cell${cells.length === 1 ? '' : 's'} scored`;
  const named = unscored.map((cell) => `${cell.version} × ${cell.model}`).join(', ');
  return `${cells.length - unscored.length} of ${cells.length} cells scored (${named}: no golden sample scored)`;
}

/** `robustness: fake-xml-delimiter −23.2 pts (56.9% against 80.1% on its source cases), …`. */
function robustnessReason(operators: OperatorView[]): string[] {
  const worst = operators.filter((row) => row.worst);
  if (!worst.length) return [];
  const named = worst.map((row) => `${row.operator} ${signedPoints(row.drop)} (${percent(row.passRate!)} against ${percent(row.sourcePassRate)} on its source cases)`);
  return [`robustness: ${worst.length === 1 ? 'a chaos operator costs' : `${worst.length} chaos operators cost`} ${points(WORST_DROP, 0)} or more — ${named.join(', ')}; chaos samples do not count toward the threshold`];
}
