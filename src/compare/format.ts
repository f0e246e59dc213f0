/** Number formatting and selections shared by the console, Markdown and JUnit compare reports. */
import type { CaseComparison, CaseSide, CellComparison, Interval } from './types.js';

export function percent(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`;
}

/** A pass-rate difference in percentage points: `−1.9 pts`. */
export function signedPoints(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${sign(x)}${Math.abs(x * 100).toFixed(1)} pts`;
}

export function signedNumber(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${sign(x)}${Math.abs(x).toFixed(digits)}`;
}

export function signedPercent(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${sign(x)}${Math.abs(x * 100).toFixed(0)}%`;
}

function sign(x: number): string {
  return x > 0 ? '+' : x < 0 ? '−' : '±';
}

export function rateWithInterval(i: Interval): string {
  return Number.isNaN(i.estimate) ? '—' : `${percent(i.estimate)} (${percent(i.low)}–${percent(i.high)})`;
}

export function scoreWithInterval(i: Interval): string {
  return Number.isNaN(i.estimate) ? '—' : `${i.estimate.toFixed(3)} (${fixed(i.low)}–${fixed(i.high)})`;
}

function fixed(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : '—';
}

export function pointsInterval(i: Interval): string {
  return `${signedPoints(i.estimate)} (${signedPoints(i.low)} to ${signedPoints(i.high)})`;
}

export function scoreDiffInterval(i: Interval): string {
  return `${signedNumber(i.estimate)} (${signedNumber(i.low)} to ${signedNumber(i.high)})`;
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  return p < 0.0001 ? '<0.0001' : p.toFixed(p < 0.01 ? 4 : 3);
}

export function usd(x: number | null): string {
  return x === null ? '—' : `$${x < 0.01 ? x.toFixed(6) : x.toFixed(4)}`;
}

export function milliseconds(x: number | null): string {
  return x === null ? '—' : `${Math.round(x)} ms`;
}

export function tokens(x: number | null): string {
  return x === null ? '—' : x.toFixed(0);
}

/** `2/3` passes of scored repeats. */
export function passesOf(side: CaseSide | undefined): string {
  return side ? `${side.passes}/${side.scored ?? side.repeats}` : '—';
}

/** Regressed and error-changed cases (and removed ones last), worst score change first. */
export function topRegressions(cell: CellComparison, limit: number): CaseComparison[] {
  const rank = (c: CaseComparison) => (c.status === 'regressed' ? 0 : c.status === 'error-changed' ? 1 : 2);
  return cell.cases
    .filter((c) => c.status === 'regressed' || (c.status === 'error-changed' && (c.scoreDelta ?? -1) <= 0))
    .sort((a, b) => rank(a) - rank(b) || (a.scoreDelta ?? -1) - (b.scoreDelta ?? -1) || (a.caseId < b.caseId ? -1 : 1))
    .slice(0, limit);
}

/** The scorers that moved most for a case, worst first: `priority 1.00→0.00`. */
export function scorerChanges(c: CaseComparison, limit = 3): string {
  const entries = Object.entries(c.scorerDeltas)
    .filter(([, d]) => Math.abs(d) >= 0.005)
    .sort((a, b) => a[1] - b[1])
    .slice(0, limit);
  return entries
    .map(([name, d]) => `${name} ${fixed(c.baseline?.scorerMeans[name] ?? NaN)}→${fixed(c.candidate?.scorerMeans[name] ?? NaN)} (${signedNumber(d, 2)})`)
    .join(', ');
}

/** The first failing reason of the candidate's first failing repeat, for "why". */
export function failureReason(side: CaseSide | undefined): string | undefined {
  if (!side) return undefined;
  for (let i = 0; i < side.scores.length; i++) {
    if (side.errors.length && side.outputs[i] === null) return `error: ${side.errors[0]}`;
    const failed = side.scores[i]?.find((s) => !s.pass);
    if (failed) return `${failed.name}: ${failed.reason || 'failed'}`;
  }
  return undefined;
}

/** First non-null output of a side (the one a diff shows). */
export function firstOutput(side: CaseSide | undefined): string | null {
  return side?.outputs.find((o): o is string => o !== null) ?? null;
}

/** For the candidate: the output of its first failing repeat, which is what explains a regression. */
export function failingOutput(side: CaseSide | undefined): string | null {
  if (!side) return null;
  for (let i = 0; i < side.outputs.length; i++) {
    const failed = side.scores[i]?.some((s) => !s.pass);
    if (failed && side.outputs[i] !== null) return side.outputs[i]!;
  }
  return firstOutput(side);
}
