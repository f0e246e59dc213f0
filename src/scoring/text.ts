/** Small formatting helpers shared by scorer reasons, so every reason reads the same way. */
import { stableStringify } from '../canonical.js';

const QUOTE_LIMIT = 60;

/** A value as text for string comparison: strings as-is, anything else as stable JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return stableStringify(value);
}

/** A JSON-quoted, length-capped rendering of a value for a reason sentence. */
export function quote(value: unknown, limit = QUOTE_LIMIT): string {
  const text = asText(value);
  const shown = text.length > limit ? `${text.slice(0, limit)}…` : text;
  return JSON.stringify(shown);
}

/** Scores and thresholds always with two decimals, so reasons line up in reports. */
export function fixed2(value: number): string {
  return value.toFixed(2);
}

export function quoteList(values: readonly string[], max = 5): string {
  const shown = values.slice(0, max).map((value) => quote(value, 40));
  const more = values.length > max ? ` (+${values.length - max} more)` : '';
  return `${shown.join(', ')}${more}`;
}

/** A score as text next to its threshold: more digits when two would hide which side it is on. */
export function fixedAgainst(value: number, threshold: number): string {
  const short = fixed2(value);
  return short === fixed2(threshold) && value !== threshold ? value.toFixed(4) : short;
}
