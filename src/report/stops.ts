/**
 * How reports show refusals, answers cut at max_tokens and context-window stops: per cell of a run
 * (from `cell.stops`, shares of the scored golden samples) and per compared cell (from
 * `operational.stops`). A kind of stop appears only where some cell had one, so runs without any
 * read as before.
 */
import type { Deltas, StopDeltas } from '../compare/types.js';
import type { StopCounts } from '../records/stopCounts.js';
import { count, percent, signedPoints } from './format.js';

export type StopField = 'refusals' | 'maxTokens' | 'contextWindow';

/** Every kind of stop, in the order reports list them. */
export const STOP_FIELDS: readonly StopField[] = ['refusals', 'maxTokens', 'contextWindow'];

export const STOP_LABELS: Record<StopField, string> = {
  refusals: 'refusals',
  maxTokens: 'max_tokens',
  contextWindow: 'context window',
};

export const STOP_MEANINGS: Record<StopField, string> = {
  refusals: 'the model refused',
  maxTokens: 'answers cut at max_tokens',
  contextWindow: 'the context window ran out',
};

/** Why a golden case failed on a refusal, where only its stop reason is at hand (the compare reports). */
export const REFUSED_GOLDEN_CASE = 'refused (stop reason refusal): a refusal fails a golden case whatever its scores';

/** The kinds of stop some cell had, in a fixed order. */
export function stopFieldsOf(cells: ReadonlyArray<{ stops?: StopCounts }>): StopField[] {
  return STOP_FIELDS.filter((field) => cells.some((cell) => (cell.stops?.[field] ?? 0) > 0));
}

/** `1.9% (3)`: the share of the cell's scored golden samples, and the count; `—` without any scored. */
export function stopRate(stops: StopCounts | undefined, field: StopField, scored: number): string {
  const n = stops?.[field] ?? 0;
  return scored > 0 ? `${percent(n / scored)} (${count(n)})` : '—';
}

/** `cyber 2, unspecified 1`: refusals by the category the API gave. */
export function refusalCategoriesText(stops: StopCounts): string {
  return Object.entries(stops.refusalCategories)
    .map(([category, n]) => `${category} ${count(n)}`)
    .join(', ');
}

/** The compared rates worth a row: those either side had. */
export function stopRates(stops: StopDeltas): Array<{ label: string; rate: Deltas }> {
  const rows = [
    { label: 'refusal rate', rate: stops.refusalRate },
    { label: 'cut at max_tokens', rate: stops.maxTokensRate },
    { label: 'context-window stops', rate: stops.contextWindowRate },
  ];
  return rows.filter(({ rate }) => (rate.baseline ?? 0) > 0 || (rate.candidate ?? 0) > 0);
}

/** The change of a rate in points: `+2.0 pts`. */
export function pointsChange(rate: Deltas): string {
  return rate.baseline === null || rate.candidate === null ? '—' : signedPoints(rate.candidate - rate.baseline);
}
