/**
 * Every number a report prints goes through these: percent, percentage points, signed values,
 * p-values, money, milliseconds and counts. One set, so the console, Markdown, JUnit and HTML
 * reports (and the CLI lines around them) say the same thing the same way. A missing or
 * non-finite value prints as `—`.
 *
 * Signs: `+`, `−` (U+2212) and `±` for a value that rounds to zero at the precision shown — so a
 * tiny negative difference never prints as `−0.0 pts`.
 */

type Maybe = number | null | undefined;

function missing(x: Maybe): x is null | undefined {
  return x === null || x === undefined || !Number.isFinite(x);
}

/** The sign of `x` as it reads at `digits` decimals of `scale · x`. */
function sign(x: number, digits: number, scale = 1): string {
  const shown = Number((Math.abs(x) * scale).toFixed(digits));
  return shown === 0 ? '±' : x > 0 ? '+' : '−';
}

/** `73.5%` of a fraction. */
export function percent(x: Maybe, digits = 1): string {
  return missing(x) ? '—' : `${(x * 100).toFixed(digits)}%`;
}

/** `+21%`, `−4%`, `±0%` of a relative change (a fraction). */
export function signedPercent(x: Maybe, digits = 0): string {
  return missing(x) ? '—' : `${sign(x, digits, 100)}${(Math.abs(x) * 100).toFixed(digits)}%`;
}

/** A size in percentage points, no sign: `2.0 pts` (a tolerance, a drop already named as one). */
export function points(x: Maybe, digits = 1): string {
  return missing(x) ? '—' : `${(Math.abs(x) * 100).toFixed(digits)} pts`;
}

/** A difference in percentage points: `−1.9 pts`, `+4.5 pts`, `±0.0 pts`. */
export function signedPoints(x: Maybe, digits = 1): string {
  return missing(x) ? '—' : `${sign(x, digits, 100)}${points(x, digits)}`;
}

/** A signed plain number (score differences): `−0.021`. */
export function signedNumber(x: Maybe, digits = 3): string {
  return missing(x) ? '—' : `${sign(x, digits)}${Math.abs(x).toFixed(digits)}`;
}

/** A plain number (scores): `0.873`. */
export function fixed(x: Maybe, digits = 3): string {
  return missing(x) ? '—' : x.toFixed(digits);
}

/** `0.047`, `0.0031`, `<0.0001`; `n/a` when undefined. */
export function pValue(p: Maybe): string {
  if (missing(p)) return 'n/a';
  return p < 0.0001 ? '<0.0001' : p.toFixed(p < 0.01 ? 4 : 3);
}

/** A p-value to follow "p" in a sentence: `= 0.047` or `< 0.0001`. */
export function pValueClause(p: Maybe): string {
  const text = pValue(p);
  return text.startsWith('<') ? `< ${text.slice(1)}` : `= ${text}`;
}

/** A confidence level from alpha: `95%`, `99%`, `90%`. */
export function confidenceLevel(alpha: number): string {
  return `${Math.round((1 - alpha) * 1000) / 10}%`;
}

/** US dollars: six decimals below a cent (per-sample costs), four above. In a table, `usdAt` with the column's `usdDecimals`. */
export function usd(x: Maybe): string {
  return missing(x) ? '—' : `$${x < 0.01 ? x.toFixed(6) : x.toFixed(4)}`;
}

/** A baseline → candidate pair of amounts at the same decimals. */
export function usdPair(a: Maybe, b: Maybe): [string, string] {
  const decimals = usdDecimals([a, b]);
  return [usdAt(a, decimals), usdAt(b, decimals)];
}

/**
 * The decimals a column (or a pair) of amounts is shown with, so every amount in it reads alike:
 * the decimals `usd` gives its smallest non-zero amount — six below a cent, else four.
 */
export function usdDecimals(values: Iterable<Maybe>): number {
  let smallest = Infinity;
  for (const x of values) if (!missing(x) && x !== 0) smallest = Math.min(smallest, Math.abs(x));
  return smallest < 0.01 ? 6 : 4;
}

/** US dollars at a column's decimals (see `usdDecimals`): `$0.0123`, `−$0.0040`. */
export function usdAt(x: Maybe, decimals: number): string {
  if (missing(x)) return '—';
  return `${x < 0 && Number(x.toFixed(decimals)) !== 0 ? '−' : ''}$${Math.abs(x).toFixed(decimals)}`;
}

/** `949 ms`. */
export function milliseconds(x: Maybe): string {
  return missing(x) ? '—' : `${Math.round(x)} ms`;
}

/** A whole number with thousands separators: `3,372`. */
export function count(x: Maybe): string {
  if (missing(x)) return '—';
  const whole = Math.round(x);
  // toLocaleString's first call loads ICU's number data (20–75 ms of a command's start); the two
  // agree on every safe integer, and the rare rest (-0, beyond 2^53) still goes through ICU.
  return Number.isSafeInteger(whole) && !Object.is(whole, -0) ? withThousands(whole) : whole.toLocaleString('en-US');
}

function withThousands(whole: number): string {
  const digits = String(Math.abs(whole));
  let grouped = digits.slice(0, digits.length % 3 || 3);
  for (let at = grouped.length; at < digits.length; at += 3) grouped += `,${digits.slice(at, at + 3)}`;
  return whole < 0 ? `-${grouped}` : grouped;
}

/** `1 case`, `3 cases`. */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count(n)} ${n === 1 ? noun : pluralNoun}`;
}

export interface IntervalLike {
  estimate: number;
  low: number;
  high: number;
}

/** `75.6% (64.3%–87.0%)`. */
export function rateWithInterval(i: IntervalLike): string {
  return missing(i.estimate) ? '—' : `${percent(i.estimate)} (${percent(i.low)}–${percent(i.high)})`;
}

/** `0.873 (0.819–0.927)`. */
export function scoreWithInterval(i: IntervalLike): string {
  return missing(i.estimate) ? '—' : `${fixed(i.estimate)} (${fixed(i.low)}–${fixed(i.high)})`;
}

/** `−1.9 pts (−13.5 pts to +9.6 pts)`. */
export function pointsInterval(i: IntervalLike): string {
  return `${signedPoints(i.estimate)} (${signedPoints(i.low)} to ${signedPoints(i.high)})`;
}

/** `−0.021 (−0.073 to +0.030)`. */
export function scoreDiffInterval(i: IntervalLike): string {
  return `${signedNumber(i.estimate)} (${signedNumber(i.low)} to ${signedNumber(i.high)})`;
}
