/** How the page writes numbers: a missing value is `—`, never `NaN` or `0`. */

type Maybe = number | null | undefined;

export function pct(x: Maybe): string {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;
}

export function num(x: Maybe, digits = 3): string {
  return x === null || x === undefined ? '—' : x.toFixed(digits);
}

export function signed(x: Maybe, digits = 3): string {
  if (x === null || x === undefined) return '—';
  const text = x.toFixed(digits);
  return x > 0 ? `+${text}` : text;
}

/** A difference of two rates, in percentage points. */
export function signedPct(x: Maybe): string {
  if (x === null || x === undefined) return '—';
  const text = `${(x * 100).toFixed(1)} pp`;
  return x > 0 ? `+${text}` : text;
}

// Money is written as every report writes it (src/report/format.ts): one format, and in a table
// one number of decimals per column.
export { usd, usdAt, usdDecimals } from '../../format.js';

export function int(x: Maybe): string {
  return x === null || x === undefined ? '—' : Math.round(x).toLocaleString('en-US');
}

export function ms(x: Maybe): string {
  return x === null || x === undefined ? '—' : `${int(x)} ms`;
}

/** A relative change (`+12.0%`), or nothing when there is none to tell. */
export function rel(x: Maybe): string {
  if (x === null || x === undefined) return '';
  const text = `${(x * 100).toFixed(1)}%`;
  return x > 0 ? `+${text}` : text;
}

export function pval(p: Maybe): string {
  return p === null || p === undefined ? '—' : p < 0.001 ? '<0.001' : p.toFixed(3);
}

export { clipText as truncateLabel } from '../../../text.js';

/** Distinct values in first-seen order. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
