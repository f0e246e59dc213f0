/** The console report of a comparison: per cell, a compact table, the verdict and the top regressions. */
import {
  formatP,
  milliseconds,
  passesOf,
  pointsInterval,
  rateWithInterval,
  scoreDiffInterval,
  scoreWithInterval,
  scorerChanges,
  signedNumber,
  signedPercent,
  tokens,
  topRegressions,
  usd,
} from '../compare/format.js';
import type { CellComparison, ComparisonResult, Deltas } from '../compare/types.js';

export interface ConsoleOptions {
  /** Regressed cases listed per cell (default 5). */
  topRegressions?: number;
}

export function formatComparison(result: ComparisonResult, options: ConsoleOptions = {}): string {
  const lines: string[] = [];
  lines.push(`compare ${result.baseline.suite}: ${sideText(result.baseline)} → ${sideText(result.candidate)}`);
  lines.push(`policy: ${policyText(result)}`);
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  for (const cell of result.cells) lines.push('', ...formatCell(cell, options.topRegressions ?? 5));
  lines.push('', `verdict: ${result.verdict.verdict.toUpperCase()}`);
  for (const reason of result.verdict.reasons) lines.push(`  - ${reason}`);
  return lines.join('\n');
}

function sideText(side: ComparisonResult['baseline']): string {
  const filter = Object.entries(side.filter).map(([k, v]) => `${k}=${v}`).join(',');
  return filter ? `${side.source} [${filter}]` : side.source;
}

export function policyText(result: ComparisonResult): string {
  const p = result.policy;
  return [
    `maxPassRateDrop ${(p.maxPassRateDrop * 100).toFixed(1)} pts`,
    `alpha ${p.alpha}`,
    `maxCostIncrease ${p.maxCostIncrease === null ? 'off' : signedPercent(p.maxCostIncrease)}`,
    `maxP95LatencyIncrease ${p.maxP95LatencyIncrease === null ? 'off' : signedPercent(p.maxP95LatencyIncrease)}`,
    `failOnNewErrors ${p.failOnNewErrors ? 'yes' : 'no'}`,
  ].join(', ');
}

function formatCell(cell: CellComparison, top: number): string[] {
  const { stats, counts, operational: op } = cell;
  const countText = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const rows: string[][] = [
    ['', 'baseline', 'candidate', 'change (95% CI)', 'test'],
    ['pass rate', rateWithInterval(stats.baselinePassRate), rateWithInterval(stats.candidatePassRate), pointsInterval(stats.passRateDiff), `McNemar p ${formatP(stats.mcnemar.pExact)} (mid-p ${formatP(stats.mcnemar.pMid)})`],
    [
      'mean score',
      scoreWithInterval(stats.baselineMeanScore),
      scoreWithInterval(stats.candidateMeanScore),
      scoreDiffInterval(stats.scoreDiff),
      `t p ${formatP(stats.scoreDiff.pValue)}; bootstrap ${scoreDiffInterval({ estimate: stats.scoreDiff.estimate, low: stats.bootstrap.low, high: stats.bootstrap.high }).replace(/^\S+ /, '')}`,
    ],
  ];
  if (stats.clusteredPassRateDiff) {
    rows.splice(2, 0, ['  clustered', '', '', pointsInterval(stats.clusteredPassRateDiff), `${stats.clusteredPassRateDiff.clusters} clusters (the verdict reads this)`]);
  }
  if (stats.clusteredScoreDiff) {
    rows.push(['  clustered', '', '', scoreDiffInterval(stats.clusteredScoreDiff), `${stats.clusteredScoreDiff.clusters} clusters`]);
  }
  const curve = attemptCurveRow(stats);
  if (curve) rows.push(...curve);
  rows.push(
    ['cost/sample', usd(op.costUsd.baseline), usd(op.costUsd.candidate), relative(op.costUsd), ''],
    ...(op.judgeCostUsd ? [['judge $/sample', usd(op.judgeCostUsd.baseline), usd(op.judgeCostUsd.candidate), relative(op.judgeCostUsd), 'rubric judge, apart from the model']] : []),
    ['tokens in', tokens(op.inputTokens.baseline), tokens(op.inputTokens.candidate), relative(op.inputTokens), ''],
    ['tokens out', tokens(op.outputTokens.baseline), tokens(op.outputTokens.candidate), relative(op.outputTokens), ''],
    ...(op.cache
      ? [
          ['cache hit rate', hitRate(op.cache.hitRate.baseline), hitRate(op.cache.hitRate.candidate), relative(op.cache.hitRate), 'answers that read the prompt cache'],
          ['cache saved/sample', usd(op.cache.savedUsd.baseline), usd(op.cache.savedUsd.candidate), relative(op.cache.savedUsd), `${tokens(op.cache.readTokens.baseline)} → ${tokens(op.cache.readTokens.candidate)} tokens read from cache`],
        ]
      : []),
    ['latency p50', milliseconds(op.latencyP50Ms.baseline), milliseconds(op.latencyP50Ms.candidate), relative(op.latencyP50Ms), ''],
    ['latency p95', milliseconds(op.latencyP95Ms.baseline), milliseconds(op.latencyP95Ms.candidate), relative(op.latencyP95Ms), ''],
  );
  const out = [`${cell.label}  ${cell.verdict.verdict.toUpperCase()}`, `  ${stats.n} paired cases: ${countText || 'none'}`, ...table(rows).map((l) => `  ${l}`)];
  out.push(`  minimum detectable effect ${Number.isFinite(stats.minimumDetectableEffect) ? `${(stats.minimumDetectableEffect * 100).toFixed(1)} pts` : '—'} of pass rate at n = ${stats.n}${stats.casesNeededForPolicyEffect !== null ? `; ${stats.casesNeededForPolicyEffect.toLocaleString('en-US')} cases would detect the policy's drop` : ''}`);
  const significant = cell.slices.filter((s) => s.significant);
  out.push(
    `  slices (Holm-adjusted): ${significant.length ? significant.map((s) => `${s.slice} score ${signedNumber(s.scoreDiff.estimate)} (n ${s.n}, p_adj ${formatP(s.pAdjusted)})`).join('; ') : `none of ${cell.slices.length} significant`}`,
  );
  for (const reason of cell.verdict.reasons) out.push(`  · ${reason}`);
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
  const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
  const change = (a: number, b: number) => `${b - a >= 0 ? '+' : '−'}${(Math.abs(b - a) * 100).toFixed(1)} pts`;
  return [
    [`pass@${at.k}`, percent(at.baseline), percent(at.candidate), change(at.baseline, at.candidate), 'any of k attempts passes'],
    [`pass^${hat.k}`, percent(hat.baseline), percent(hat.candidate), change(hat.baseline, hat.candidate), 'all k attempts pass'],
  ];
}

function hitRate(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}
