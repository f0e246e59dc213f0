/**
 * The rows of the cases table: one per case × cell for a single run, one per case × compared cell
 * pair for a comparison. The first pass makes each row's list entry (status, filter flags, each
 * side's score and passes) from the case tallies, and notes where the second pass finds its
 * repeats; `caseRowOf` then gives the full row once they are read.
 */
import { countedStatus, isErroredCase } from '../../compare/classify.js';
import { repeatDetailsOf } from '../../compare/repeatDetails.js';
import type { CaseComparison, CaseSide, CaseStatus, CellComparison, RepeatScore } from '../../compare/types.js';
import { isGoldenRefusal } from '../../records/stops.js';
import { REFUSED_GOLDEN_CASE } from '../stops.js';
import { meanScoreOf, tallyOf, type CaseTally, type CellCases, type CollectContext } from './collectRun.js';
import { Interner } from './interner.js';
import { addRecordScore, round3, type RepeatContext } from './repeatView.js';
import { showText } from './text.js';
import { RowFlag, type CaseListRow, type CaseRow, type PairView, type RepeatView, type RowStatus, type SideSummary, type SideView } from './types.js';

export type RowSide = 'baseline' | 'candidate';

const CANDIDATE_ONLY: readonly RowSide[] = ['candidate'];
const BASELINE_ONLY: readonly RowSide[] = ['baseline'];
const BOTH_SIDES: readonly RowSide[] = ['baseline', 'candidate'];

/** A case's samples in one record, as the second pass reads them with cursor `cursor` (see details.ts). */
export interface GroupRef {
  cursor: number;
  /** How many samples the group has. */
  samples: number;
}

export interface RowOutline {
  readonly list: CaseListRow;
  /** The list entry's tags and the sides it shows, read without making the entry. */
  readonly tags: readonly string[];
  readonly sides: readonly RowSide[];
  /** The case's samples on each side, when the records hold them (the expected value comes from them too). */
  baselineGroup?: GroupRef;
  candidateGroup?: GroupRef;
  /** A side the records do not hold: shown from the comparison's per-repeat outputs. */
  baselineFallback?: CaseSide;
  candidateFallback?: CaseSide;
}

/** A case's samples as the details show them, read in the second pass. */
export interface GroupView {
  /** The prompt hash of its first sample; a repeat keeps its own `p` only when it differs. */
  p: string;
  expected?: string;
  repeats: RepeatView[];
}

/**
 * A row for one case of a single run. A large run has hundreds of thousands: the row keeps only
 * the case's tally and makes its list entry when asked.
 */
export class RunRow implements RowOutline {
  constructor(
    readonly tally: CaseTally,
    readonly cell: number,
    private readonly cursor: number,
  ) {}

  get list(): CaseListRow {
    const { tally } = this;
    const side = sideSummaryOf(tally, this.cell, meanScoreOf(tally));
    const status: RowStatus = tally.errored ? 'errored' : tally.skipped ? 'skipped' : side.passes === side.n ? 'pass' : side.passes === 0 ? 'fail' : 'flaky-run';
    // A repeat skipped at the budget never ran: it is no failed repeat, and does not make the case flaky.
    const ran = side.n - (tally.skipped ?? 0);
    let flags = 0;
    if (side.passes === 0 && ran > 0) flags |= RowFlag.failing;
    if (side.passes > 0 && side.passes < ran) flags |= RowFlag.flaky;
    if (tally.errored) flags |= RowFlag.errored;
    if (tally.skipped) flags |= RowFlag.skipped;
    const list: CaseListRow = { id: tally.caseId, pair: null, tags: tally.tags, status, flags, delta: null };
    if (tally.chaos) list.chaos = tally.chaos;
    list.candidate = side;
    return list;
  }

  get tags(): readonly string[] {
    return this.tally.tags;
  }

  get sides(): readonly RowSide[] {
    return CANDIDATE_ONLY;
  }

  get candidateGroup(): GroupRef {
    return { cursor: this.cursor, samples: this.tally.samples };
  }
}

export interface PairSources {
  pair: number;
  comparison: CellComparison;
  baselineCell: number;
  candidateCell: number;
  baselineCases: Map<string, CellCases>;
  candidateCases: Map<string, CellCases>;
  /** The cursors that read each side's samples in the second pass, and the case ids each is to read. */
  baselineCursor: { index: number; ids: Set<string> };
  candidateCursor: { index: number; ids: Set<string> };
}

/** A row for one case of a compared cell pair; repeats come from the records, else from the comparison. */
export function comparisonRow(item: CaseComparison, sources: PairSources, context: CollectContext): RowOutline {
  const { baselineCell, candidateCell } = sources.comparison;
  const list: CaseListRow = {
    id: item.caseId,
    pair: sources.pair,
    tags: item.tags,
    status: item.status,
    flags: 0,
    delta: item.scoreDelta === null ? null : round3(item.scoreDelta),
  };
  if (item.chaos) list.chaos = { operators: item.chaos.operators, source: item.chaos.sourceCaseId };
  const sides = item.baseline && item.candidate ? BOTH_SIDES : item.baseline ? BASELINE_ONLY : item.candidate ? CANDIDATE_ONLY : [];
  const row: RowOutline = { list, tags: list.tags, sides };
  const baselineTally = tallyOf(sources.baselineCases, baselineCell.version, baselineCell.model, item.caseId);
  const candidateTally = tallyOf(sources.candidateCases, candidateCell.version, candidateCell.model, item.caseId);
  if (baselineTally) row.baselineGroup = groupRef(sources.baselineCursor, baselineTally);
  if (candidateTally) row.candidateGroup = groupRef(sources.candidateCursor, candidateTally);
  if (item.baseline) {
    list.baseline = comparedSide(item.baseline, baselineTally, sources.baselineCell, item.chaos !== undefined, context);
    if (!baselineTally) row.baselineFallback = item.baseline;
  }
  if (item.candidate) {
    list.candidate = comparedSide(item.candidate, candidateTally, sources.candidateCell, item.chaos !== undefined, context);
    if (!candidateTally) row.candidateFallback = item.candidate;
  }
  list.flags = comparisonFlags(list, isErroredCase(item), countedStatus(item));
  return row;
}

function groupRef(cursor: { index: number; ids: Set<string> }, tally: CaseTally): GroupRef {
  cursor.ids.add(tally.caseId);
  return { cursor: cursor.index, samples: tally.samples };
}

/**
 * The row's flags: regressed, improved and flaky follow the status the case counts as (see
 * countedStatus), so each chip agrees with its count; a chaos case left out of the statistics
 * keeps its status on the row but raises none of them. Errored is the comparison's own decision
 * (isErroredCase), the one the JUnit makes.
 */
function comparisonFlags(row: CaseListRow, errored: boolean, counted: CaseStatus | undefined): number {
  let flags = 0;
  if (counted === 'regressed') flags |= RowFlag.regressed;
  if (counted === 'improved') flags |= RowFlag.improved;
  if (counted === 'flaky') flags |= RowFlag.flaky;
  const candidate = row.candidate;
  if (candidate && candidate.n > 0 && candidate.passes === 0) flags |= RowFlag.failing;
  if (errored) flags |= RowFlag.errored;
  return flags;
}

function sideSummaryOf(tally: CaseTally, cell: number, score: number | null): SideSummary {
  const summary: SideSummary = { cell, score, passes: tally.passes, n: tally.samples };
  if (tally.failed) summary.failed = tally.failed;
  return summary;
}

/** A compared side's list entry, from the record's tally or else from the comparison's own repeats. */
function comparedSide(side: CaseSide, tally: CaseTally | undefined, cell: number, isChaos: boolean, context: CollectContext): SideSummary {
  // A side with no scored repeat has no mean score (NaN): the list shows none rather than a 0.
  const score = Number.isNaN(side.meanScore) ? null : round3(side.meanScore);
  if (tally) return sideSummaryOf(tally, cell, score);
  // The reasons are not needed for the list; the scorers are interned in the order the details use.
  const repeats = repeatsFromComparison(side, isChaos, { ...context, strings: new Interner() });
  const summary: SideSummary = { cell, score, passes: repeats.reduce((total, repeat) => total + repeat.pass, 0), n: repeats.length };
  const failed = new Set<number>();
  for (const repeat of repeats) for (let at = 0; at < repeat.s.length; at += 4) if (!repeat.s[at + 2]) failed.add(repeat.s[at]!);
  if (failed.size) summary.failed = [...failed].sort((a, b) => a - b);
  return summary;
}

/** The full row of a list entry (`outline.list`, made once by the caller), with the repeats the second pass read. */
export function caseRowOf(outline: RowOutline, list: CaseListRow, groups: { baseline?: GroupView; candidate?: GroupView }, context: RepeatContext): CaseRow {
  const row: CaseRow = { id: list.id, pair: list.pair, tags: list.tags, status: list.status, flags: list.flags, delta: list.delta };
  if (list.chaos) row.chaos = list.chaos;
  const expected = groups.candidate?.expected ?? groups.baseline?.expected;
  if (expected !== undefined) row.expected = expected;
  const isChaos = list.chaos !== undefined;
  if (list.baseline) row.baseline = sideView(list.baseline, groups.baseline, outline.baselineFallback, isChaos, context);
  if (list.candidate) row.candidate = sideView(list.candidate, groups.candidate, outline.candidateFallback, isChaos, context);
  return row;
}

/** A side of a row: its repeats from its samples' group, else from the comparison's fallback (`isChaos`: the case is a chaos case), else none. */
export function sideView(summary: SideSummary, group: GroupView | undefined, fallback: CaseSide | undefined, isChaos: boolean, context: RepeatContext): SideView {
  const repeats = group ? group.repeats : fallback ? repeatsFromComparison(fallback, isChaos, { ...context, truncated: { outputs: 0 } }) : [];
  const p = group ? group.p : (fallback?.promptHash ?? '');
  return { cell: summary.cell, p, score: summary.score, passes: summary.passes, repeats: repeats.sort((a, b) => a.r - b.r) };
}

/**
 * When a record no longer holds a case (a compact baseline file), the comparison's own per-repeat
 * outputs and scores are shown; cost and latency are then the case's averages.
 */
function repeatsFromComparison(side: CaseSide, isChaos: boolean, context: RepeatContext): RepeatView[] {
  let errorIndex = 0;
  const details = repeatDetailsOf(side);
  return details.outputs.map((output, r) => {
    const scores = details.scores[r] ?? [];
    const mean = scores.length ? scores.reduce((total, score) => total + score.score, 0) / scores.length : 0;
    const view: RepeatView = {
      r,
      o: null,
      score: output === null ? null : round3(mean),
      pass: repeatPassed(scores, details.stopReasons[r] ?? null, isChaos) ? 1 : 0,
      s: [],
      usd: side.repeats ? side.costUsd / side.repeats : 0,
      ms: side.meanLatencyMs,
      stop: details.stopReasons[r] ?? null,
    };
    for (const score of scores) addRecordScore(view, score, context);
    // A comparison keeps no refusal category: the compare reports' wording, which names none.
    if (!view.pass && isGoldenRefusal({ stopReason: view.stop, chaos: isChaos })) view.refused = REFUSED_GOLDEN_CASE;
    if (output === null) {
      const kind = side.errors[errorIndex++];
      if (kind !== undefined) view.err = { kind, message: kind };
    } else {
      const shown = showText(output, context.outputChars);
      view.o = shown.text;
      if (shown.cut !== undefined) {
        view.cut = shown.cut;
        context.truncated.outputs++;
      }
    }
    return view;
  });
}

/**
 * A repeat's pass rebuilt, by the run's rule, from what a comparison keeps of it (which has no
 * pass of its own): every scorer passed, and a golden case's answer was no refusal.
 */
function repeatPassed(scores: readonly RepeatScore[], stopReason: string | null, isChaos: boolean): boolean {
  return scores.length > 0 && scores.every((score) => score.pass && score.error === undefined) && !isGoldenRefusal({ stopReason, chaos: isChaos });
}

/** The cell (an index into the report's cells) whose record holds a side of the row with list entry `list`. */
export function groupCell(list: CaseListRow, side: 'baseline' | 'candidate', pairs: readonly PairView[]): number {
  const summary = list[side];
  if (summary) return summary.cell;
  const pair = pairs[list.pair!]!;
  return side === 'baseline' ? pair.baselineCell : pair.candidateCell;
}
