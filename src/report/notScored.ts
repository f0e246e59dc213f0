/**
 * How reports word samples that were not scored (the provider, a scorer or a judge failed): the
 * kinds with their counts, and why a run with too many of them fails (exit 3). The console, the
 * HTML report (its browser script too: no Node imports here) and JUnit say it the same way.
 */
import { isNotScoredKind } from '../records/errorKinds.js';
import { count, percent } from './format.js';

/**
 * Why a cell fails the threshold: its pass rate (`rate`, as the caller words it) below it, or no
 * golden sample scored at all (see failsThreshold in records/summary.ts).
 */
export function thresholdMissText(cell: { scored: number }, rate: string, threshold: number): string {
  return cell.scored === 0
    ? `no golden sample was scored (every one an error), so nothing shows it reaches the threshold ${percent(threshold)}`
    : `${rate} is below the threshold ${percent(threshold)}`;
}

/** `provider_error 2, scorer_error 1`: the not-scored kinds of some cells, by name. */
export function notScoredKindsText(cells: ReadonlyArray<{ errors: Record<string, number> }>): string {
  const kinds = new Map<string, number>();
  for (const cell of cells) for (const [kind, n] of Object.entries(cell.errors)) if (isNotScoredKind(kind)) kinds.set(kind, (kinds.get(kind) ?? 0) + n);
  return kindCountsText(kinds);
}

/** `provider_error 2, scorer_error 1`: error kinds with their counts, by name. */
export function kindCountsText(kinds: ReadonlyMap<string, number> | Readonly<Record<string, number>>): string {
  const entries = kinds instanceof Map ? [...kinds.entries()] : Object.entries(kinds);
  return entries
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([kind, n]) => `${kind} ${count(n)}`)
    .join(', ');
}

/** `2%`, `0.5%`: the share `maxErrorRate` allows, as few digits as it needs. */
export function allowedShare(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}

/** Why a run with too many unscored samples fails: the count, the kinds, the share allowed. */
export function tooManyErrorsText(summary: {
  cells: ReadonlyArray<{ errors: Record<string, number> }>;
  totals: { notScored: number; samples: number };
  maxErrorRate: number;
}): string {
  return `${count(summary.totals.notScored)} of ${count(summary.totals.samples)} samples were not scored (${notScoredKindsText(summary.cells)}); maxErrorRate allows ${allowedShare(summary.maxErrorRate)}`;
}
