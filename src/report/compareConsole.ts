/** The console report of a comparison: per cell, a compact table, the verdict and the top regressions. */
import type { CellComparison, ComparisonResult, Deltas, StopDeltas } from '../compare/types.js';
import { passesOf, scorerChanges, topRegressions } from './caseDetails.js';
import { costReported } from './cost.js';
import {
  confidenceLevel,
  count,
  fixed,
  milliseconds,
  percent,
  pointsInterval,
  rateWithInterval,
  scoreDiffInterval,
  scoreWithInterval,
  signedNumber,
  signedPercent,
  signedPoints,
  usdPair,
} from './format.js';
import { intervalTestText, pointsLimit, powerText, relativeLimit, slicesText, verdictSentences, warningText } from './reasons.js';
import { pointsChange, stopRates } from './stops.js';

export interface ConsoleOptions {
  /** Regressed cases listed per cell (default 5). */
  topRegressions?: number;
}

export function formatComparison(result: ComparisonResult, options: ConsoleOptions = {}): string {
  const lines: string[] = [];
  lines.push(`compare ${result.baseline.suite}: ${sideText(result.baseline)} → ${sideText(result.candidate)}`);
  lines.push(`policy: ${policyText(result)}`);
  for (const warning of result.warnings) lines.push(`warning: ${warningText(warning)}`);
  for (const cell of result.cells) lines.push('', ...formatCell(cell, options.topRegressions ?? 5));
  lines.push('', formatVerdict(result));
  return lines.join('\n');
}

/** `verdict: FAIL` and its reasons, one per line. */
export function formatVerdict(result: Pick<ComparisonResult, 'verdict'>): string {
  return [`verdict: ${result.verdict.verdict.toUpperCase()}`, ...verdictSentences(result.verdict).map((sentence) => `  - ${sentence}`)].join('\n');
}

function sideText(side: ComparisonResult['baseline']): string {
  const filter = Object.entries(side.filter).map(([k, v]) => `${k}=${v}`).join(',');
  return filter ? `${side.source} [${filter}]` : side.source;
}

export function policyText(result: ComparisonResult): string {
  const p = result.policy;
  return [
    // Each limit as it is set, as the reasons quote it: 0.125 is +12.5%, not +13%.
    `maxPassRateDrop ${pointsLimit(p.maxPassRateDrop)}`,
    `alpha ${p.alpha}`,
    `maxCostIncrease ${p.maxCostIncrease === null ? 'off' : relativeLimit(p.maxCostIncrease)}`,
    `maxP95LatencyIncrease ${p.maxP95LatencyIncrease === null ? 'off' : relativeLimit(p.maxP95LatencyIncrease)}`,
    // The refusal and truncation rules are named only when set: most comparisons never see either.
    ...(p.maxRefusalRateIncrease === null ? [] : [`maxRefusalRateIncrease ${pointsLimit(p.maxRefusalRateIncrease)}`]),
    ...(p.maxTruncationRateIncrease === null ? [] : [`maxTruncationRateIncrease ${pointsLimit(p.maxTruncationRateIncrease)}`]),
    `failOnNewErrors ${p.failOnNewErrors ? 'yes' : 'no'}`,
  ].join(', ');
}

function formatCell(cell: CellComparison, top: number): string[] {
  const { stats, counts, operational: op } = cell;
  const countText = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const level = confidenceLevel(cell.stats.passRateDiff.alpha);
  const rows: string[][] = [
    ['', 'baseline', 'candidate', `change (${level} CI)`, 'test'],
    ['pass rate', rateWithInterval(stats.baselinePassRate), rateWithInterval(stats.candidatePassRate), pointsInterval(stats.passRateDiff), `${intervalTestText(stats.passRateDiff)} (the verdict reads this)`],
    ['mean score', scoreWithInterval(stats.baselineMeanScore), scoreWithInterval(stats.candidateMeanScore), scoreDiffInterval(stats.scoreDiff), intervalTestText(stats.scoreDiff)],
  ];
  const curve = attemptCurveRow(stats);
  if (curve) rows.push(...curve);
  rows.push(
    ...(costReported(op.costUsd) ? [['cost/sample', ...usdPair(op.costUsd.baseline, op.costUsd.candidate), relative(op.costUsd), '']] : []),
    ...(op.judgeCostUsd ? [['judge $/sample', ...usdPair(op.judgeCostUsd.baseline, op.judgeCostUsd.candidate), relative(op.judgeCostUsd), 'rubric judge, apart from the model']] : []),
    ['tokens in', fixed(op.inputTokens.baseline, 0), fixed(op.inputTokens.candidate, 0), relative(op.inputTokens), ''],
    ['tokens out', fixed(op.outputTokens.baseline, 0), fixed(op.outputTokens.candidate, 0), relative(op.outputTokens), ''],
    ...(op.cache
      ? [
          ['cache hit rate', percent(op.cache.hitRate.baseline), percent(op.cache.hitRate.candidate), relative(op.cache.hitRate), 'answers that read the prompt cache'],
          ['cache saved/sample', ...usdPair(op.cache.savedUsd.baseline, op.cache.savedUsd.candidate), relative(op.cache.savedUsd), `${fixed(op.cache.readTokens.baseline, 0)} → ${fixed(op.cache.readTokens.candidate, 0)} tokens read from cache`],
        ]
      : []),
    ['latency p50', milliseconds(op.latencyP50Ms.baseline), milliseconds(op.latencyP50Ms.candidate), relative(op.latencyP50Ms), ''],
    ['latency p95', milliseconds(op.latencyP95Ms.baseline), milliseconds(op.latencyP95Ms.candidate), relative(op.latencyP95Ms), ''],
    ...stopRows(op.stops),
  );
  const out = [`${cell.label}  ${cell.verdict.verdict.toUpperCase()}`, `  ${stats.n} paired cases: ${countText || 'none'}`, ...table(rows).map((l) => `  ${l}`)];
  out.push(`  power: ${powerText(stats.power, { cases: stats.n, units: stats.units, clustered: stats.passRateDiff.clustered })}`);
  out.push(`  slices (${level}, Holm-adjusted): ${slicesText(cell.slices)}`);
  for (const sentence of verdictSentences(cell.verdict)) out.push(`  · ${sentence}`);
  const regressions = topRegressions(cell, top);
  if (regressions.length) {
    out.push('  top regressions:');
    for (const c of regressions) {
      const changes = scorerChanges(c);
      out.push(
        `    ${c.caseId}  ${c.status}  pass ${passesOf(c.baseline)} → ${passesOf(c.candidate)}  score ${c.scoreDelta === null ? '—' : signedNumber(c.scoreDelta)}${changes ? `  ${changes}` : ''}${c.candidate?.errors.length ? `  errors: ${[...new Set(c.candidate.errors)].join(', ')}` : ''}`,
      );
    }
  }
  return out;
}

/** Refusal, max_tokens and context-window rates of each side, when either side had any (the change in points). */
function stopRows(stops: StopDeltas | undefined): string[][] {
  if (!stops) return [];
  const denominator = `of ${count(stops.scored.baseline)} → ${count(stops.scored.candidate)} scored golden samples`;
  return stopRates(stops).map(({ label, rate }) => [label, percent(rate.baseline), percent(rate.candidate), pointsChange(rate), denominator]);
}

function relative(d: Deltas): string {
  return d.relative === null ? '—' : signedPercent(d.relative);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

/** pass@k and pass^k at the largest k both sides allow (k > 1 only: at k = 1 both are the pass rate). */
function attemptCurveRow(stats: CellComparison['stats']): string[][] | undefined {
  const at = stats.passAtK.at(-1);
  const hat = stats.passHatK.at(-1);
  if (!at || !hat || at.k < 2) return undefined;
  const change = (a: number, b: number) => signedPoints(b - a);
  return [
    [`pass@${at.k}`, percent(at.baseline), percent(at.candidate), change(at.baseline, at.candidate), 'any of k attempts passes'],
    [`pass^${hat.k}`, percent(hat.baseline), percent(hat.candidate), change(hat.baseline, hat.candidate), 'all k attempts pass'],
  ];
}

