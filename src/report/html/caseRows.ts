/**
 * The rows of the cases table: one per case × cell for a single run, one per case × compared cell
 * pair for a comparison. Each row carries its status and the filter flags the page uses.
 */
import type { CaseComparison, CaseSide, CellComparison } from '../../compare/types.js';
import { addRecordScore, caseKey, round3, type CaseSamples, type CollectContext } from './collectRun.js';
import { showText } from './text.js';
import { RowFlag, type CaseRow, type RepeatView, type RowStatus, type SideView } from './types.js';

/** A row for one case of a single run. */
export function runRow(group: CaseSamples, cell: number): CaseRow {
  const side = sideOf(group.repeats, cell, group.p);
  const errored = side.repeats.some((repeat) => repeat.err);
  const status: RowStatus = errored
    ? 'errored'
    : side.passes === side.repeats.length
      ? 'pass'
      : side.passes === 0
        ? 'fail'
        : 'flaky-run';
  let flags = 0;
  if (side.passes === 0 && side.repeats.length > 0) flags |= RowFlag.failing;
  if (side.passes > 0 && side.passes < side.repeats.length) flags |= RowFlag.flaky;
  if (errored) flags |= RowFlag.errored;
  const row: CaseRow = { id: group.caseId, pair: null, tags: group.tags, status, flags, delta: null, candidate: side };
  if (group.chaos) row.chaos = group.chaos;
  if (group.expected !== undefined) row.expected = group.expected;
  return row;
}

export interface PairSources {
  pair: number;
  comparison: CellComparison;
  baselineCell: number;
  candidateCell: number;
  baselineCases: Map<string, CaseSamples>;
  candidateCases: Map<string, CaseSamples>;
}

/** A row for one case of a compared cell pair; repeats come from the records, else from the comparison. */
export function comparisonRow(item: CaseComparison, sources: PairSources, context: CollectContext): CaseRow {
  const { baselineCell, candidateCell } = sources.comparison;
  const row: CaseRow = {
    id: item.caseId,
    pair: sources.pair,
    tags: item.tags,
    status: item.status,
    flags: 0,
    delta: item.scoreDelta === null ? null : round3(item.scoreDelta),
  };
  if (item.chaos) row.chaos = { operators: item.chaos.operators, source: item.chaos.sourceCaseId };
  const baselineGroup = sources.baselineCases.get(caseKey(baselineCell.version, baselineCell.model, item.caseId));
  const candidateGroup = sources.candidateCases.get(caseKey(candidateCell.version, candidateCell.model, item.caseId));
  if (item.baseline) row.baseline = sideFrom(item.baseline, baselineGroup, sources.baselineCell, context);
  if (item.candidate) row.candidate = sideFrom(item.candidate, candidateGroup, sources.candidateCell, context);
  const expected = candidateGroup?.expected ?? baselineGroup?.expected;
  if (expected !== undefined) row.expected = expected;
  row.flags = comparisonFlags(row);
  return row;
}

function comparisonFlags(row: CaseRow): number {
  let flags = 0;
  if (row.status === 'regressed') flags |= RowFlag.regressed;
  if (row.status === 'improved') flags |= RowFlag.improved;
  if (row.status === 'flaky') flags |= RowFlag.flaky;
  const candidate = row.candidate;
  if (candidate && candidate.repeats.length > 0 && candidate.passes === 0) flags |= RowFlag.failing;
  const errored = [row.baseline, row.candidate].some((side) => side?.repeats.some((repeat) => repeat.err));
  if (errored || row.status === 'error-changed') flags |= RowFlag.errored;
  return flags;
}

function sideFrom(side: CaseSide, group: CaseSamples | undefined, cell: number, context: CollectContext): SideView {
  const view = group ? sideOf(group.repeats, cell, group.p) : sideOf(repeatsFromComparison(side, context), cell, side.promptHash);
  view.score = round3(side.meanScore);
  return view;
}

/** The side of a row: the case's repeats in repeat order, and the prompt hash they share (`p`). */
function sideOf(repeats: RepeatView[], cell: number, p: string): SideView {
  const sorted = repeats.sort((a, b) => a.r - b.r);
  let passes = 0;
  let total = 0;
  for (const repeat of sorted) {
    passes += repeat.pass;
    total += repeat.score;
  }
  return { cell, p, score: round3(sorted.length ? total / sorted.length : 0), passes, repeats: sorted };
}

/**
 * When a record no longer holds a case (a compact baseline file), the comparison's own per-repeat
 * outputs and scores are shown; cost and latency are then the case's averages.
 */
function repeatsFromComparison(side: CaseSide, context: CollectContext): RepeatView[] {
  let errorIndex = 0;
  return side.outputs.map((output, r) => {
    const scores = side.scores[r] ?? [];
    const mean = scores.length ? scores.reduce((total, score) => total + score.score, 0) / scores.length : 0;
    const view: RepeatView = {
      r,
      o: null,
      score: round3(mean),
      pass: scores.length > 0 && scores.every((score) => score.pass) ? 1 : 0,
      s: [],
      usd: side.repeats ? side.costUsd / side.repeats : 0,
      ms: side.meanLatencyMs,
      stop: side.stopReasons[r] ?? null,
    };
    for (const score of scores) addRecordScore(view, score, context);
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
