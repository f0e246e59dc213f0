/**
 * The report's first pass: the overview and the case list from run records (streamed) and,
 * optionally, a comparison of them, plus the plan of the second pass (details.ts): where each
 * row's samples are and which prompt store provides each prompt. With a comparison, the first run
 * is the baseline and the last the candidate (one run when two cells of the same run were compared).
 */
import { notExercisedLines } from '../../chaos/exercised.js';
import type { CalibrationReport } from '../../judge/calibration/types.js';
import type { ComparisonResult } from '../../compare/types.js';
import { readRunEnd, runEndExitCode } from '../../records/runOutcome.js';
import { failsThreshold } from '../../records/summary.js';
import type { CellSummary } from '../../records/types.js';
import { readPromptStoreBatches } from '../../records/promptStore.js';
import { InputError, type ExitCode } from '../../errors.js';
import { costKnown } from '../cost.js';
import { droppedParamsText } from '../droppedParams.js';
import { tooManyErrorsText } from '../notScored.js';
import { reasonText, verdictSentences, warningText } from '../reasons.js';
import { calibrationFileBeside, calibrationView, loadCalibrationFile } from './calibration.js';
import { comparisonRow, groupCell, RunRow, type PairSources, type RowOutline } from './caseRows.js';
import { collectRun, tallyOf, type CaseTally, type CollectContext, type CollectedRun } from './collectRun.js';
import { Interner } from './interner.js';
import { FirstPassDetails } from './firstPassDetails.js';
import { digestView, operatorViews } from './overviewData.js';
import { DETAIL_CHUNK } from './pageData.js';
import type { PromptPlan } from './promptCursor.js';
import { isPromptCut } from './prompts.js';
import { round3 } from './repeatView.js';
import { robustnessRows } from './robustness.js';
import { runVerdict } from './runVerdict.js';
import { REPORT_DATA_VERSION, type CalibrationView, type CellView, type PairView, type ReportData } from './types.js';

export interface ReportInput {
  runs: Array<{ dir: string }>;
  comparison?: ComparisonResult;
  /** Longest output shown in full (characters); longer ones are cut with a visible marker. */
  outputChars?: number;
  /** Longest prompt part shown in full (characters). */
  promptChars?: number;
  /**
   * Judge-vs-human calibration to show. Without it, `<outDir>/calibration/<suite>.json` is looked
   * for beside the report's main run (the candidate in a comparison): `../../calibration/` of its folder.
   */
  calibration?: CalibrationReport;
}

export const DEFAULT_OUTPUT_CHARS = 8000;
export const DEFAULT_PROMPT_CHARS = 16000;

/** The report without its cases' details. */
export type Overview = Omit<ReportData, 'cases' | 'prompts' | 'strings'>;

/** A reader of the second pass: run `run`'s record, handing out the cases `ids` of one cell (every case of every cell when undefined). */
export interface CursorPlan {
  run: number;
  only?: { version: string; model: string; ids: Set<string> };
}

export interface ReportOutline {
  overview: Overview;
  /** The case list, in the page's order; details are read in chunks of `DETAIL_CHUNK` rows. */
  rows: RowOutline[];
  runs: Array<{ recordFile: string; promptsFile: string }>;
  cursors: CursorPlan[];
  /** Every prompt some row shows, by hash, for the second pass (none when the first pass made the details). */
  prompts: Map<string, PromptPlan>;
  scorers: Interner;
  outputChars: number;
  promptChars: number;
  /** The file holding the page's detail chunks when the first pass made them (see firstPassDetails.ts); the caller removes it. */
  spooledDetails?: string;
  /** Why the first pass, asked to, left the details to the second pass. */
  whyNotSpooled?: string;
}

/** `spoolFile`: where the first pass may write the details of a single run's report (see `spooledDetails`). */
export async function reportOutline(input: ReportInput, options: { spoolFile?: string } = {}): Promise<ReportOutline> {
  if (input.runs.length === 0) throw new InputError('the report needs at least one run', {}, 'pass a run folder');
  const outputChars = input.outputChars ?? DEFAULT_OUTPUT_CHARS;
  const promptChars = input.promptChars ?? DEFAULT_PROMPT_CHARS;
  const context: CollectContext = { scorers: new Interner(), outputChars, truncated: { outputs: 0 } };
  const labels = runLabels(input);
  const details = options.spoolFile !== undefined && input.runs.length === 1 && !input.comparison ? new FirstPassDetails(options.spoolFile, context, promptChars) : undefined;
  const runs: CollectedRun[] = [];
  try {
    for (const [index, run] of input.runs.entries()) runs.push(await collectRun(run.dir, labels[index]!, context, details));
  } catch (error) {
    await details?.abandon();
    throw error;
  }

  const cells: CellView[] = [];
  const cellIndex = new Map<string, number>();
  for (const [index, run] of runs.entries()) {
    for (const summary of run.cells) {
      cellIndex.set(cellKeyOf(index, summary.version, summary.model), cells.length);
      cells.push(toCellView(index, summary, run.threshold));
    }
  }
  const cellOf = (run: number, version: string, model: string): number => {
    const key = cellKeyOf(run, version, model);
    let index = cellIndex.get(key);
    if (index === undefined) {
      // A compared cell the records do not hold (e.g. filtered out): shown empty rather than dropped.
      index = cells.length;
      cellIndex.set(key, index);
      cells.push(emptyCell(run, version, model));
    }
    return index;
  };

  const comparison = input.comparison;
  const rows: RowOutline[] = [];
  const pairs: PairView[] = [];
  const cursors: CursorPlan[] = [];
  const cursorOf = (run: number, cell: { version: string; model: string }): { index: number; ids: Set<string> } => {
    const ids = new Set<string>();
    return { index: cursors.push({ run, only: { version: cell.version, model: cell.model, ids } }) - 1, ids };
  };
  if (comparison) {
    const baselineRun = 0;
    const candidateRun = runs.length - 1;
    for (const [pair, item] of comparison.cells.entries()) {
      // Each side of each pair has its own reader, so it reads only that cell's samples, in the rows' order.
      const baselineCursor = cursorOf(baselineRun, item.baselineCell);
      const candidateCursor = cursorOf(candidateRun, item.candidateCell);
      const sources: PairSources = {
        pair,
        comparison: item,
        baselineCell: cellOf(baselineRun, item.baselineCell.version, item.baselineCell.model),
        candidateCell: cellOf(candidateRun, item.candidateCell.version, item.candidateCell.model),
        baselineCases: runs[baselineRun]!.cases,
        candidateCases: runs[candidateRun]!.cases,
        baselineCursor,
        candidateCursor,
      };
      pairs.push(toPairView(item, sources));
      for (const caseComparison of item.cases) rows.push(comparisonRow(caseComparison, sources, context));
    }
  } else {
    for (const [index, run] of runs.entries()) {
      const cursor = cursors.push({ run: index }) - 1;
      for (const cell of run.cases.values()) {
        const cellIndex = cellOf(index, cell.version, cell.model);
        for (const tally of cell.cases.values()) rows.push(new RunRow(tally, cellIndex, cursor));
      }
    }
  }

  const robustnessRun = comparison ? runs.length - 1 : 0;
  const robustness = runs.flatMap((run, index) =>
    comparison && index !== robustnessRun ? [] : robustnessRows(casesOf(run), (tally: CaseTally) => cellOf(index, tally.cell.version, tally.cell.model)),
  );

  const spooled = await details?.end(rows);
  const prompts = spooled ? new Map<string, PromptPlan>() : promptPlans(rows, (row, side) => {
    if (row instanceof RunRow) return row.tally;
    const group = side === 'baseline' ? row.baselineGroup : row.candidateGroup;
    if (!group) return undefined;
    const cell = cells[groupCell(row.list, side, pairs)]!;
    return tallyOf(runs[cursors[group.cursor]!.run]!.cases, cell.version, cell.model, row.list.id);
  });
  // The rows hold what the second pass needs: the tallies by case id are no longer needed.
  for (const run of runs) for (const cell of run.cases.values()) cell.cases.clear();
  const truncatedPrompts = spooled ? spooled.truncatedPrompts : await resolvePrompts(prompts, runs, promptChars);

  const mainRun = comparison ? runs[runs.length - 1]! : runs[0]!;
  const operators = operatorViews(mainRun.summary.robustness);
  const digest = digestView(mainRun.digest, mainRun.repeats);
  const verdict = comparison
    ? { verdict: comparison.verdict.verdict, reasons: comparison.verdict.reasons.map(reasonText), ...(comparison.verdict.needed ? { needed: comparison.verdict.needed } : {}) }
    : runVerdict(cells, runs.map((run) => run.view), runs[0]!.threshold, operators, await Promise.all(runs.map(runExitCode)));

  const calibration = await calibrationFor(input, mainRun);

  const overview: Overview = {
    version: REPORT_DATA_VERSION,
    title: titleOf(runs, comparison),
    mode: comparison ? 'comparison' : 'run',
    runs: runs.map((run) => run.view),
    cells,
    verdict,
    // Chaos samples that tested nothing are said where the run is judged, not only under the tables.
    warnings: [...incompleteWarnings(runs), ...notExercisedLines(mainRun.summary.robustness ?? []), ...(comparison ? notScoredWarnings(runs) : []), ...(comparison?.warnings ?? []).map(warningText), ...(comparison ? [] : droppedParamsWarnings(mainRun)), ...calibration.warnings],
    pairs,
    scorers: context.scorers.values,
    tags: tagsOf(rows),
    robustness,
    operators,
    ...(digest ? { digest } : {}),
    ...(calibration.view ? { calibration: calibration.view } : {}),
    limits: { outputChars, promptChars, truncatedOutputs: context.truncated.outputs, truncatedPrompts },
  };
  return {
    overview,
    rows,
    runs: runs.map((run) => ({ recordFile: run.recordFile, promptsFile: run.promptsFile })),
    cursors,
    prompts,
    scorers: context.scorers,
    outputChars,
    promptChars,
    ...(spooled ? { spooledDetails: spooled.file } : {}),
    ...(details?.notInOrder !== undefined ? { whyNotSpooled: details.notInOrder } : {}),
  };
}

function* casesOf(run: CollectedRun): Generator<CaseTally> {
  for (const cell of run.cases.values()) yield* cell.cases.values();
}

/** Every tag of the rows, sorted. */
function tagsOf(rows: RowOutline[]): string[] {
  const tags = new Set<string>();
  for (const row of rows) for (const tag of row.tags) tags.add(tag);
  return [...tags].sort();
}

/** Every prompt the rows show, with the last detail chunk that shows it. */
function promptPlans(rows: RowOutline[], tallyOf: (row: RowOutline, side: 'baseline' | 'candidate') => CaseTally | undefined): Map<string, PromptPlan> {
  const plans = new Map<string, PromptPlan>();
  const note = (hash: string, chunk: number): void => {
    const plan = plans.get(hash);
    if (plan) plan.lastChunk = chunk;
    else plans.set(hash, { run: -1, lastChunk: chunk });
  };
  for (const [index, row] of rows.entries()) {
    const chunk = Math.floor(index / DETAIL_CHUNK);
    for (const side of row.sides) {
      const fallback = side === 'baseline' ? row.baselineFallback : row.candidateFallback;
      const tally = tallyOf(row, side);
      if (tally) {
        note(tally.p, chunk);
        for (const hash of tally.otherPrompts ?? []) note(hash, chunk);
      } else if (fallback) note(fallback.promptHash, chunk);
    }
  }
  return plans;
}

/** The exit code `promptgold run` gave a run, as `report <run>` ends with it; none for a baseline file, which is no run. */
async function runExitCode(run: CollectedRun): Promise<ExitCode | undefined> {
  return run.isBaseline ? undefined : runEndExitCode(await readRunEnd(run.recordFile));
}

/**
 * Which store provides each prompt (the first run's store that has it, its first line), and how
 * many of the shown prompts are cut to the limit.
 */
async function resolvePrompts(plans: Map<string, PromptPlan>, runs: CollectedRun[], limit: number): Promise<number> {
  let truncated = 0;
  for (const [index, run] of runs.entries()) {
    for await (const batch of readPromptStoreBatches(run.promptsFile)) {
      for (const { value } of batch) {
        const plan = plans.get(value.hash);
        if (!plan || plan.run !== -1) continue;
        plan.run = index;
        if (isPromptCut(value, limit)) truncated++;
      }
    }
  }
  return truncated;
}

async function calibrationFor(input: ReportInput, run: CollectedRun): Promise<{ view?: CalibrationView; warnings: string[] }> {
  if (input.calibration) return { view: calibrationView(input.calibration), warnings: [] };
  const file = calibrationFileBeside(run.recordFile, run.view.suite);
  const loaded = file === null ? null : await loadCalibrationFile(file, run.view.suite);
  if (loaded === null) return { warnings: [] };
  return 'view' in loaded ? { view: loaded.view, warnings: [] } : { warnings: [loaded.warning] };
}

function runLabels(input: ReportInput): string[] {
  const comparison = input.comparison;
  return input.runs.map((_, index) => {
    if (!comparison) return input.runs.length === 1 ? 'run' : `run ${index + 1}`;
    if (input.runs.length === 1) return 'run';
    if (index === 0) return comparison.baseline.label || 'baseline';
    if (index === input.runs.length - 1) return comparison.candidate.label || 'candidate';
    return `run ${index + 1}`;
  });
}

function cellKeyOf(run: number, version: string, model: string): string {
  return `${run}\u0000${version}\u0000${model}`;
}

function toCellView(run: number, cell: CellSummary, threshold: number | null): CellView {
  const margin = 1.96 * cell.meanScoreSe;
  return {
    run,
    version: cell.version,
    model: cell.model,
    samples: cell.samples,
    scored: cell.scored,
    passed: cell.passed,
    passRate: cell.passRate,
    passRateLow: cell.passRateInterval.low,
    passRateHigh: cell.passRateInterval.high,
    meanScore: cell.meanScore,
    meanScoreLow: round3(Math.max(0, cell.meanScore - margin)),
    meanScoreHigh: round3(Math.min(1, cell.meanScore + margin)),
    costUsd: costKnown(cell) ? cell.costUsd : null,
    inputTokens: cell.tokens.input,
    outputTokens: cell.tokens.output,
    p50Ms: cell.latencyMs.p50,
    p95Ms: cell.latencyMs.p95,
    ...(cell.ttftMs ? { ttftP50Ms: cell.ttftMs.p50, ttftP95Ms: cell.ttftMs.p95 } : {}),
    ...(cell.cache ? { cache: { hitRate: cell.cache.hitRate, readTokens: cell.cache.readTokens, savedUsd: cell.cache.savedUsd } } : {}),
    errors: sortedRecord(cell.errors),
    notScored: cell.notScored,
    ...(cell.chaos ? { chaos: cell.chaos } : {}),
    stops: cell.stops,
    failing: threshold !== null && failsThreshold(cell, threshold),
    ...(cell.fieldAccuracy ? { fieldAccuracy: cell.fieldAccuracy } : {}),
  };
}

function emptyCell(run: number, version: string, model: string): CellView {
  return {
    run, version, model, samples: 0, scored: 0, passed: 0, passRate: 0, passRateLow: 0, passRateHigh: 1,
    meanScore: 0, meanScoreLow: 0, meanScoreHigh: 1, costUsd: null, inputTokens: 0, outputTokens: 0,
    p50Ms: null, p95Ms: null, errors: {}, notScored: 0, stops: { refusals: 0, refusalCategories: {}, maxTokens: 0, contextWindow: 0 }, failing: false,
  };
}

function toPairView(item: ComparisonResult['cells'][number], sources: PairSources): PairView {
  const counts: PairView['counts'] = {};
  for (const [status, count] of Object.entries(item.counts)) if (count) counts[status as keyof typeof item.counts] = count;
  return {
    label: item.label,
    baselineCell: sources.baselineCell,
    candidateCell: sources.candidateCell,
    verdict: item.verdict.verdict,
    reasons: verdictSentences(item.verdict),
    counts,
    stats: item.stats,
    operational: item.operational,
  };
}

function titleOf(runs: CollectedRun[], comparison: ComparisonResult | undefined): string {
  const first = runs[0]!.view;
  if (!comparison) return `${first.suite} — ${first.source}`;
  return `${comparison.candidate.suite || first.suite} — ${comparison.baseline.label} → ${comparison.candidate.label}`;
}

/** In a comparison, runs with more unscored samples than they allowed (their own verdict was a fail, exit 3). */
function notScoredWarnings(runs: CollectedRun[]): string[] {
  return runs.filter((run) => run.summary.tooManyErrors).map((run) => `${run.view.source}: ${tooManyErrorsText(run.summary)}; they are left out of the comparison`);
}

function incompleteWarnings(runs: CollectedRun[]): string[] {
  return runs
    .filter((run) => !run.view.complete)
    .map((run) => `${run.view.source} is incomplete: ${run.view.incomplete ?? 'no summary line'}`);
}

/** A run's parameters its requests went without (a comparison says it in its own warning). */
function droppedParamsWarnings(run: CollectedRun): string[] {
  const text = droppedParamsText(run.summary.cells);
  return text ? [text] : [];
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
