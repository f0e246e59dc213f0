/**
 * Compare two sides (records, baselines, or cells of one record): check they are comparable, match
 * cells, pair cases by id within each matched cell, and derive statistics and a verdict per cell.
 */
import { basename, dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { CaseAccumulator } from './caseReducer.js';
import { cellLabel, cellMatches, filteredDimensions, filterToRecord, matchKey, type CellFilter } from './cellFilter.js';
import { caseOutcome, classifyCase, countedStatus, emptyCounts, leftOutOfStatistics } from './classify.js';
import { operationalDeltas, sideOperations } from './operational.js';
import { loadSide, type LoadedSide, type SideCell } from './sideReader.js';
import { pairedCases, pairedStatistics, passDifferenceUnits, repeatsNeeded, sliceStatistics } from './statistics.js';
import type { CaseComparison, CaseSide, CellComparison, ChaosCaseNotExercised, ChaosNotExercised, ComparisonResult, ComparisonWarning, ErrorKindCounts, SideInfo, VerdictPolicyResolved, VerdictReason } from './types.js';
import { decideVerdict, overallVerdict } from './verdict.js';
import { DEFAULT_POLICY } from './policy.js';
import { sortedKeys, summaryPolicyOf, tooManyUnscored } from '../records/summary.js';

export interface CompareOptions {
  /** Project root, for the paths shown (default: the working directory). */
  root?: string;
  baselineFilter?: CellFilter;
  candidateFilter?: CellFilter;
  policy?: VerdictPolicyResolved;
  /** Seed of the random sign flips of the paired interval (default 1). */
  seed?: number;
  /** Compare records of different suites or datasets anyway (with a warning). */
  force?: boolean;
  /** Random sign patterns when there are too many to enumerate (default 1,999). */
  resamples?: number;
  /**
   * Keep each repeat's output, scores and stop reason on the case sides (default true): the JSON,
   * Markdown, JUnit and HTML outputs and pairwise judging show them; the console report and the
   * verdict do not. Without them a large comparison holds and collects far less.
   */
  repeatDetails?: boolean;
}

/** Read both files (once when they are the same file) and compare them. */
export async function compareRecords(baselineFile: string, candidateFile: string, options: CompareOptions = {}): Promise<ComparisonResult> {
  const root = options.root ?? process.cwd();
  const load = { repeatDetails: options.repeatDetails !== false };
  const baseline = await loadSide(resolve(baselineFile), root, load);
  const candidate = resolve(baselineFile) === resolve(candidateFile) ? baseline : await loadSide(resolve(candidateFile), root, load);
  return compareSides(baseline, candidate, options);
}

export function compareSides(baseline: LoadedSide, candidate: LoadedSide, options: CompareOptions = {}): ComparisonResult {
  const policy = options.policy ?? DEFAULT_POLICY;
  const seed = options.seed ?? 1;
  const baselineFilter = options.baselineFilter ?? {};
  const candidateFilter = options.candidateFilter ?? {};
  const warnings: ComparisonWarning[] = [];
  checkComparable(baseline, candidate, options.force === true, warnings);
  if (baseline === candidate && Object.keys(baselineFilter).length === 0 && Object.keys(candidateFilter).length === 0) {
    throw new InputError('both sides are the same record', { file: baseline.displayPath }, 'compare two cells of it with --baseline version=v1 --candidate version=v2 (or model=…)');
  }
  const pairs = matchCells(baseline, candidate, baselineFilter, candidateFilter, warnings);
  const notes: VerdictReason[] = [];
  for (const [side, name] of [[baseline, 'baseline'], [candidate, 'candidate']] as const) {
    if (!side.incomplete) continue;
    const values = { side: name, source: side.displayPath, ...side.incomplete };
    warnings.push({ rule: 'incomplete_record', values });
    notes.push({ rule: 'incomplete_record', values });
  }
  warnPromptDrift(pairs, baseline, candidate, warnings);
  warnDroppedParams(pairs, warnings);
  // Cases only in the baseline, on the same dataset, are cases the candidate chose not to run.
  const sameDataset = baseline.header.dataset.hash === candidate.header.dataset.hash;
  // A candidate run without --chaos chose to compare golden cases only: its missing chaos cases are a note.
  const candidateRanChaos = candidate.header.options.chaos === true;
  const cells = pairs.map(([b, c]) => compareCell(b, c, { policy, seed, notes, sameDataset, candidateRanChaos, ...(options.resamples ? { resamples: options.resamples } : {}) }));
  const filtered = Object.keys(baselineFilter).length > 0 || Object.keys(candidateFilter).length > 0;
  const baselineUnscored = tooManyUnscoredReason('baseline', baseline, pairs.map(([b]) => b));
  if (baselineUnscored) notes.unshift(baselineUnscored);
  const failing = [tooManyUnscoredReason('candidate', candidate, pairs.map(([, c]) => c)), filtered ? undefined : missingCellsReason(warnings)].filter((reason) => reason !== undefined);
  return {
    type: 'comparison',
    baseline: sideInfo(baseline, baselineFilter, pairs.map(([b]) => b)),
    candidate: sideInfo(candidate, candidateFilter, pairs.map(([, c]) => c)),
    policy,
    cells,
    verdict: overallVerdict(cells, notes, policy.alpha, failing),
    warnings,
  };
}

function checkComparable(baseline: LoadedSide, candidate: LoadedSide, force: boolean, warnings: ComparisonWarning[]): void {
  if (baseline === candidate) return;
  const problems: string[] = [];
  const found: ComparisonWarning[] = [];
  const b = baseline.header;
  const c = candidate.header;
  if (b.suite !== c.suite) {
    problems.push(`different suites: "${b.suite}" (${baseline.displayPath}) vs "${c.suite}" (${candidate.displayPath})`);
    found.push({ rule: 'different_suites', values: { baseline: { suite: b.suite, source: baseline.displayPath }, candidate: { suite: c.suite, source: candidate.displayPath } } });
  }
  if (b.dataset.hash !== c.dataset.hash) {
    const baseIds = caseIdsOf(baseline);
    const candIds = caseIdsOf(candidate);
    const onlyBase = [...baseIds].filter((id) => !candIds.has(id)).length;
    const onlyCand = [...candIds].filter((id) => !baseIds.has(id)).length;
    problems.push(
      `different datasets: ${b.dataset.path} ${b.dataset.hash.slice(0, 12)} (${b.dataset.cases} cases) vs ${c.dataset.path} ${c.dataset.hash.slice(0, 12)} (${c.dataset.cases} cases); ${onlyBase} case ids only in the baseline, ${onlyCand} only in the candidate`,
    );
    const dataset = (d: typeof b.dataset) => ({ path: d.path, hash: d.hash, cases: d.cases });
    found.push({ rule: 'different_datasets', values: { baseline: dataset(b.dataset), candidate: dataset(c.dataset), onlyInBaseline: onlyBase, onlyInCandidate: onlyCand } });
  }
  if (problems.length === 0) return;
  if (!force) {
    throw new InputError(problems.join('; '), { file: candidate.displayPath }, 'compare runs of the same suite and dataset, or pass --force to compare them anyway (cases are still paired by id)');
  }
  warnings.push(...found);
}

function caseIdsOf(side: LoadedSide): Set<string> {
  const ids = new Set<string>();
  for (const cell of side.cells.values()) for (const id of cell.cases.keys()) ids.add(id);
  return ids;
}

function matchCells(baseline: LoadedSide, candidate: LoadedSide, bf: CellFilter, cf: CellFilter, warnings: ComparisonWarning[]): Array<[SideCell, SideCell]> {
  const baseCells = selectCells(baseline, bf, '--baseline');
  const candCells = selectCells(candidate, cf, '--candidate');
  const filtered = filteredDimensions(bf, cf);
  if (filtered.size === 0) {
    const pairs: Array<[SideCell, SideCell]> = [];
    for (const b of baseCells) {
      const c = candCells.find((cell) => matchKey(cell.cell, filtered) === matchKey(b.cell, filtered));
      if (c) pairs.push([b, c]);
    }
    if (pairs.length === 0 && baseCells.length === 1 && candCells.length === 1) return [[baseCells[0]!, candCells[0]!]];
    if (pairs.length === 0) {
      throw new InputError(
        `no cell (version × model) is on both sides: baseline has ${listCells(baseCells)}, candidate has ${listCells(candCells)}`,
        {},
        'pick the cells with --baseline version=…,model=… and --candidate version=…,model=…',
      );
    }
    warnUnmatched(baseCells, candCells, pairs, warnings);
    return pairs;
  }
  const byKey = (cells: SideCell[], flag: string) => {
    const map = new Map<string, SideCell>();
    for (const cell of cells) {
      const key = matchKey(cell.cell, filtered);
      const other = map.get(key);
      if (other) {
        throw new InputError(
          `${flag} matches more than one cell with ${key || 'the same values'}: ${cellLabel(other.cell)} and ${cellLabel(cell.cell)}`,
          { field: flag },
          `narrow it, e.g. ${flag} ${[...filtered].map((d) => `${d}=${cell.cell[d]}`).join(',')}`,
        );
      }
      map.set(key, cell);
    }
    return map;
  };
  const baseByKey = byKey(baseCells, '--baseline');
  const candByKey = byKey(candCells, '--candidate');
  const pairs: Array<[SideCell, SideCell]> = [];
  for (const [key, b] of baseByKey) {
    const c = candByKey.get(key);
    if (c) pairs.push([b, c]);
  }
  if (pairs.length === 0) {
    throw new InputError(
      `the selected cells share no ${[...['version', 'model']].filter((d) => !filtered.has(d as 'version')).join(' or ')}: baseline has ${listCells(baseCells)}, candidate has ${listCells(candCells)}`,
      {},
      'filter both sides on the dimensions that differ, e.g. --baseline model=a --candidate model=b',
    );
  }
  warnUnmatched(baseCells, candCells, pairs, warnings);
  return pairs;
}

function selectCells(side: LoadedSide, filter: CellFilter, flag: string): SideCell[] {
  const all = [...side.cells.values()];
  const selected = all.filter((cell) => cellMatches(cell.cell, filter));
  if (selected.length === 0) {
    const text = Object.entries(filter).map(([k, v]) => `${k}=${v}`).join(',');
    throw new InputError(
      all.length === 0 ? `${side.displayPath} has no samples` : `no cell of ${side.displayPath} matches ${text}`,
      { field: flag },
      all.length === 0 ? 'run the suite first' : `its cells: ${listCells(all)}`,
    );
  }
  return selected;
}

function warnUnmatched(baseCells: SideCell[], candCells: SideCell[], pairs: Array<[SideCell, SideCell]>, warnings: ComparisonWarning[]): void {
  const used = new Set(pairs.flat());
  for (const cell of baseCells) if (!used.has(cell)) warnings.push({ rule: 'unmatched_cell', values: { side: 'baseline', cell: cellLabel(cell.cell) } });
  for (const cell of candCells) if (!used.has(cell)) warnings.push({ rule: 'unmatched_cell', values: { side: 'candidate', cell: cellLabel(cell.cell) } });
}

/** The baseline's cells that no candidate cell matched, as a reason that fails the whole (see overallVerdict). */
function missingCellsReason(warnings: ComparisonWarning[]): VerdictReason | undefined {
  const cells = warnings.flatMap((w) => (w.rule === 'unmatched_cell' && w.values.side === 'baseline' ? [w.values.cell] : []));
  return cells.length ? { rule: 'missing_cells', values: { cells } } : undefined;
}

/**
 * The `too_many_unscored` reason when the side's compared cells left more samples unscored than
 * the side's own maxErrorRate allows: the rule its run was judged by (exit 3), over the cells the
 * comparison speaks for. The cells of one record compared with each other are judged apart.
 */
function tooManyUnscoredReason(side: 'baseline' | 'candidate', loaded: LoadedSide, cells: SideCell[]): VerdictReason | undefined {
  const compared = [...new Set(cells)];
  const samples = compared.reduce((total, cell) => total + cell.samples, 0);
  const kinds: Record<string, number> = {};
  for (const cell of compared) for (const [kind, n] of Object.entries(cell.notScored)) kinds[kind] = (kinds[kind] ?? 0) + n;
  const notScored = Object.values(kinds).reduce((a, b) => a + b, 0);
  const maxErrorRate = summaryPolicyOf(loaded.header).maxErrorRate ?? 0;
  if (!tooManyUnscored({ samples, notScored }, maxErrorRate)) return undefined;
  return { rule: 'too_many_unscored', values: { side, notScored, samples, maxErrorRate, kinds: sortedKeys(kinds) } };
}

function listCells(cells: SideCell[]): string {
  return cells.map((cell) => cellLabel(cell.cell)).join(', ');
}

/** The same version name with different template hashes means someone edited a prompt without a version bump. */
function warnPromptDrift(pairs: Array<[SideCell, SideCell]>, baseline: LoadedSide, candidate: LoadedSide, warnings: ComparisonWarning[]): void {
  if (baseline === candidate) return;
  for (const [b, c] of pairs) {
    if (b.cell.version !== c.cell.version) continue;
    const before = baseline.header.prompts.find((p) => p.version === b.cell.version);
    const after = candidate.header.prompts.find((p) => p.version === c.cell.version);
    if (before && after && before.hash !== after.hash) {
      warnings.push({ rule: 'prompt_drift', values: { promptId: after.id, version: after.version, before: before.hash, after: after.hash } });
    }
  }
}

/**
 * Matched cells whose requests differ in the parameters left out (a model that takes no
 * `temperature`): the two sides were not asked the same thing, which no statistic shows.
 */
function warnDroppedParams(pairs: Array<[SideCell, SideCell]>, warnings: ComparisonWarning[]): void {
  for (const [b, c] of pairs) {
    if (sameParams(b.droppedParams, c.droppedParams)) continue;
    warnings.push({
      rule: 'dropped_params',
      values: {
        cells: `${cellLabel(b.cell)} → ${cellLabel(c.cell)}`,
        baseline: { params: sortedKeys(b.droppedParams), samples: b.samples },
        candidate: { params: sortedKeys(c.droppedParams), samples: c.samples },
      },
    });
  }
}

/** The same parameters left out (every count is at least 1: a side counts only what it saw). */
function sameParams(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b);
}

interface CellOptions {
  policy: VerdictPolicyResolved;
  seed: number;
  notes: VerdictReason[];
  /** Both sides ran the same dataset (so a case only in the baseline is one the candidate did not run). */
  sameDataset: boolean;
  /** The candidate's run had chaos on (so a chaos case only in the baseline is one it did not run). */
  candidateRanChaos: boolean;
  resamples?: number;
}

function compareCell(baseCell: SideCell, candCell: SideCell, options: CellOptions): CellComparison {
  const { policy } = options;
  const ids = cellCaseIds(baseCell, candCell);
  const cases: CaseComparison[] = [];
  const counts = emptyCounts();
  const pairedAccumulators: { baseline: CaseAccumulator[]; candidate: CaseAccumulator[] } = { baseline: [], candidate: [] };
  const leftOut = new ChaosLeftOut();
  for (const id of ids) {
    const b = baseCell.cases.get(id);
    const c = candCell.cases.get(id);
    const comparison = caseComparison(id, b, c);
    if (b && c && comparison.chaos) leftOut.check(comparison, chaosCaseNotExercised(b, baseCell), chaosCaseNotExercised(c, candCell));
    // A case left out of the statistics is no regression or improvement either: the note counts it.
    const counted = countedStatus(comparison);
    if (counted) counts[counted]++;
    cases.push(comparison);
    if (b && c) {
      pairedAccumulators.baseline.push(b);
      pairedAccumulators.candidate.push(c);
    }
  }
  const paired = pairedCases(cases);
  const passUnits = passDifferenceUnits(paired);
  const stats = pairedStatistics(paired, { policy, seed: options.seed, ...(options.resamples ? { resamples: options.resamples } : {}) }, passUnits);
  const operational = operationalDeltas(sideOperations(pairedAccumulators.baseline), sideOperations(pairedAccumulators.candidate));
  const notes = [...options.notes];
  if (counts.new) notes.push({ rule: 'one_sided_cases', values: { side: 'candidate', count: counts.new } });
  const incompleteCandidate = options.notes.find((note) => note.rule === 'incomplete_record' && note.values.side === 'candidate');
  // An incomplete candidate already fails for the cases it never ran: said once, by that reason.
  const chaosNotRun = options.candidateRanChaos ? 0 : cases.filter((c) => c.status === 'removed' && c.chaos).length;
  const removed = counts.removed - chaosNotRun;
  const missingCases: VerdictReason | undefined =
    removed && options.sameDataset && !incompleteCandidate ? { rule: 'missing_cases', values: { count: removed, paired: paired.length } } : undefined;
  if (removed && !missingCases) notes.push({ rule: 'one_sided_cases', values: { side: 'baseline', count: removed } });
  if (chaosNotRun) notes.push({ rule: 'chaos_not_run', values: { count: chaosNotRun } });
  const unscored = unscoredCases(cases, paired.length);
  const baselineUnscored = baselineScoredNothing(cases);
  // A baseline that scored nothing is said once, by its own reason.
  notes.push(...unscored.notes.filter((note) => !(baselineUnscored && note.rule === 'unscored_cases' && note.values.side === 'baseline')));
  const chaosNote = leftOut.note(paired.length);
  if (chaosNote) notes.push(chaosNote);
  const scorers = scorerCoverage(cases);
  if (scorers.added) notes.push(scorers.added);
  const verdict = decideVerdict({
    stats,
    operational,
    policy,
    errorKinds: errorKindCounts(cases),
    lostCases: unscored.lost,
    ...(scorers.missing && { missingScorers: scorers.missing }),
    ...(incompleteCandidate && { incompleteCandidate }),
    ...(missingCases && { missingCases }),
    ...(baselineUnscored && { baselineUnscored }),
    repeats: repeatsNeeded(paired, policy, passUnits),
    notes,
  });
  return {
    label: `${cellLabel(baseCell.cell)} → ${cellLabel(candCell.cell)}`,
    baselineCell: { ...baseCell.cell },
    candidateCell: { ...candCell.cell },
    cases,
    counts,
    stats,
    slices: sliceStatistics(paired, policy, { seed: options.seed, ...(options.resamples ? { resamples: options.resamples } : {}) }),
    operational,
    verdict,
  };
}

function caseComparison(caseId: string, b: CaseAccumulator | undefined, c: CaseAccumulator | undefined): CaseComparison {
  const baseline = b?.toCaseSide();
  const candidate = c?.toCaseSide();
  const source = c ?? b!;
  const comparison: CaseComparison = {
    caseId,
    tags: [...source.tags],
    cluster: source.chaos?.sourceCaseId ?? caseId,
    status: classifyCase(baseline, candidate),
    scoreDelta: both(baseline, candidate) ? deltaOf(baseline!.meanScore, candidate!.meanScore) : null,
    passDelta: both(baseline, candidate) ? deltaOf(baseline!.passFraction, candidate!.passFraction) : null,
    scorerDeltas: scorerDeltas(baseline, candidate),
  };
  if (source.chaos) comparison.chaos = { operators: [...source.chaos.operators], sourceCaseId: source.chaos.sourceCaseId };
  if (baseline) comparison.baseline = baseline;
  if (candidate) comparison.candidate = candidate;
  return comparison;
}

/**
 * Why a chaos case is no evidence on one side: its run marked it (`chaos.notExercised`), or — a
 * record written before runs checked, which marks neither way — its prompt is its source case's
 * in the same cell. A case whose provider read a mutated variable was exercised whatever its prompt.
 */
function chaosCaseNotExercised(chaosCase: CaseAccumulator, cell: SideCell): ChaosCaseNotExercised | undefined {
  if (chaosCase.notExercised) return 'same-request';
  if (chaosCase.readMutatedVars || !chaosCase.chaos) return undefined;
  const source = cell.cases.get(chaosCase.chaos.sourceCaseId);
  return source !== undefined && source.promptHash === chaosCase.promptHash ? 'same-prompt' : undefined;
}

/**
 * The chaos cases of a cell left out of its statistics: one that a side (or both) did not exercise would
 * only repeat its source's change (the baseline's value, the candidate's, or both, are the source's
 * answer again), so the pair is no evidence of robustness and would weigh its cluster twice.
 */
class ChaosLeftOut {
  private cases = 0;
  private readonly sides = { baseline: {} as Partial<Record<ChaosCaseNotExercised, number>>, candidate: {} as Partial<Record<ChaosCaseNotExercised, number>> };

  check(comparison: CaseComparison, baseline: ChaosCaseNotExercised | undefined, candidate: ChaosCaseNotExercised | undefined): void {
    if (!baseline && !candidate) return;
    const marked: ChaosNotExercised = {};
    if (baseline) {
      marked.baseline = baseline;
      this.sides.baseline[baseline] = (this.sides.baseline[baseline] ?? 0) + 1;
    }
    if (candidate) {
      marked.candidate = candidate;
      this.sides.candidate[candidate] = (this.sides.candidate[candidate] ?? 0) + 1;
    }
    comparison.chaos!.notExercised = marked;
    this.cases++;
  }

  note(paired: number): VerdictReason | undefined {
    return this.cases ? { rule: 'chaos_not_exercised', values: { cases: this.cases, baseline: this.sides.baseline, candidate: this.sides.candidate, paired } } : undefined;
  }
}

function both(a: CaseSide | undefined, b: CaseSide | undefined): boolean {
  return a !== undefined && b !== undefined;
}

function deltaOf(before: number, after: number): number | null {
  const d = after - before;
  return Number.isNaN(d) ? null : d;
}

function scorerDeltas(baseline: CaseSide | undefined, candidate: CaseSide | undefined): Record<string, number> {
  const deltas: Record<string, number> = {};
  if (!baseline || !candidate) return deltas;
  // The means list their scorers in name order already, except names that are array indexes (listed first).
  for (const name of sorted(Object.keys(candidate.scorerMeans))) {
    const before = baseline.scorerMeans[name];
    if (before !== undefined) deltas[name] = candidate.scorerMeans[name]! - before;
  }
  return deltas;
}

/**
 * Cases on both sides that a side has no scored repeat of (every repeat an infrastructure error),
 * as notes per side; `lost`: the candidate's note when the baseline scored some of its cases.
 */
function unscoredCases(cases: CaseComparison[], paired: number): { notes: VerdictReason[]; lost: VerdictReason | undefined } {
  const count = { baseline: 0, candidate: 0 };
  const scoredByOther = { baseline: 0, candidate: 0 };
  for (const c of cases) {
    // A chaos case left out as not exercised is said once, by its own note.
    if (!c.baseline || !c.candidate || leftOutOfStatistics(c)) continue;
    const before = caseOutcome(c.baseline) !== undefined;
    const after = caseOutcome(c.candidate) !== undefined;
    if (!before) {
      count.baseline++;
      if (after) scoredByOther.baseline++;
    }
    if (!after) {
      count.candidate++;
      if (before) scoredByOther.candidate++;
    }
  }
  const noteOf = (side: 'candidate' | 'baseline'): VerdictReason[] =>
    count[side] ? [{ rule: 'unscored_cases', values: { side, count: count[side], scoredByOther: scoredByOther[side], paired } }] : [];
  const notes = [...noteOf('candidate'), ...noteOf('baseline')];
  return { notes, lost: scoredByOther.candidate ? notes[0] : undefined };
}

/**
 * The `baseline_unscored` reason when the baseline side has cases and scored none of them (no
 * repeat of any case scored), with its samples and their error kinds; undefined otherwise.
 */
function baselineScoredNothing(cases: CaseComparison[]): VerdictReason | undefined {
  let count = 0;
  let samples = 0;
  const notScored: Record<string, number> = {};
  for (const c of cases) {
    if (!c.baseline) continue;
    if (caseOutcome(c.baseline) !== undefined) return undefined;
    count++;
    samples += c.baseline.repeats;
    for (const kind of c.baseline.errors) notScored[kind] = (notScored[kind] ?? 0) + 1;
  }
  if (count === 0) return undefined;
  return { rule: 'baseline_unscored', values: { cases: count, samples, notScored: sortedKeys(notScored) } };
}

/**
 * Scorers one side scored a case with and the other did not, over the cases both sides scored:
 * `missing` (the baseline's, absent from the candidate) makes the candidate's pass rate one over
 * fewer checks; `added` (the candidate's alone) is said as a note.
 */
function scorerCoverage(cases: CaseComparison[]): { missing?: VerdictReason; added?: VerdictReason } {
  const missing: Record<string, number> = {};
  const added: Record<string, number> = {};
  let paired = 0;
  for (const c of cases) {
    if (!c.baseline || !c.candidate || leftOutOfStatistics(c) || caseOutcome(c.baseline) === undefined || caseOutcome(c.candidate) === undefined) continue;
    paired++;
    const before = c.baseline.scorerMeans;
    const after = c.candidate.scorerMeans;
    // A side whose repeats all failed before any scorer ran (a context overflow, a bad request) has
    // no scorer means: its scorers were not removed, they had nothing to score.
    if (isEmpty(before) || isEmpty(after)) continue;
    for (const name in before) if (!(name in after)) missing[name] = (missing[name] ?? 0) + 1;
    for (const name in after) if (!(name in before)) added[name] = (added[name] ?? 0) + 1;
  }
  const reason = (side: 'baseline' | 'candidate', scorers: Record<string, number>): VerdictReason | undefined => {
    const names = Object.keys(scorers).sort();
    return names.length ? { rule: 'scorers_differ', values: { only: side, scorers: Object.fromEntries(names.map((n) => [n, scorers[n]!])), paired } } : undefined;
  };
  const result: { missing?: VerdictReason; added?: VerdictReason } = {};
  const missingReason = reason('baseline', missing);
  const addedReason = reason('candidate', added);
  if (missingReason) result.missing = missingReason;
  if (addedReason) result.added = addedReason;
  return result;
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

/** Per error kind of a cell: the samples with it on each side, out of each side's samples. */
function errorKindCounts(cases: CaseComparison[]): Record<string, ErrorKindCounts> {
  let baselineSamples = 0;
  let candidateSamples = 0;
  const baseline = new Map<string, number>();
  const candidate = new Map<string, number>();
  for (const c of cases) {
    baselineSamples += c.baseline?.repeats ?? 0;
    candidateSamples += c.candidate?.repeats ?? 0;
    for (const kind of c.baseline?.errors ?? []) baseline.set(kind, (baseline.get(kind) ?? 0) + 1);
    for (const kind of c.candidate?.errors ?? []) candidate.set(kind, (candidate.get(kind) ?? 0) + 1);
  }
  const counts: Record<string, ErrorKindCounts> = {};
  for (const kind of [...new Set([...baseline.keys(), ...candidate.keys()])].sort()) {
    counts[kind] = { baseline: baseline.get(kind) ?? 0, baselineSamples, candidate: candidate.get(kind) ?? 0, candidateSamples };
  }
  return counts;
}

function sideInfo(side: LoadedSide, filter: CellFilter, cells: SideCell[]): SideInfo {
  const versions = new Set(cells.map((c) => c.cell.version));
  const models = [...new Set(cells.map((c) => c.cell.model))];
  const filterRecord = filterToRecord(filter);
  const filterText = Object.entries(filterRecord).map(([k, v]) => `${k}=${v}`).join(',');
  const name = side.isBaseline ? basename(side.file) : basename(dirname(side.file));
  return {
    label: filterText ? `${name} (${filterText})` : name,
    source: side.displayPath,
    suite: side.header.suite,
    filter: filterRecord,
    complete: side.complete,
    prompts: side.header.prompts.filter((p) => versions.has(p.version)).map((p) => ({ id: p.id, version: p.version, hash: p.hash })),
    models,
    datasetHash: side.header.dataset.hash,
  };
}

/** The case ids of both sides, sorted (records mostly list them in order already). */
function cellCaseIds(baseCell: SideCell, candCell: SideCell): string[] {
  const unique = new Set(baseCell.cases.keys());
  for (const id of candCell.cases.keys()) unique.add(id);
  return sorted([...unique]);
}

/**
 * `strings` sorted in place in UTF-16 code unit order (that of `sort()` and of `<` on strings);
 * the sort is skipped when they are in that order already.
 */
function sorted(strings: string[]): string[] {
  for (let i = 1; i < strings.length; i++) if (strings[i - 1]! > strings[i]!) return strings.sort();
  return strings;
}
