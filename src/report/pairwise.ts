/** Console lines for `compare --judge`: per cell, the pairwise judge's wins, ties and losses with the win rate's interval. */
import type { ComparisonResult } from '../compare/types.js';

export function formatPairwise(result: ComparisonResult): string {
  const lines: string[] = [];
  for (const cell of result.cells) {
    const p = cell.pairwise;
    if (!p) continue;
    const rate = p.winRate === null ? 'no decisive case' : `candidate win rate ${percent(p.winRate)} (95% CI ${percent(p.interval.low)}–${percent(p.interval.high)})`;
    lines.push(
      `${cell.label}  pairwise (${p.model}, both orders): ${p.wins} wins, ${p.ties} ties, ${p.losses} losses, ${p.unscored} unscored; ${rate}; judge $${p.judge.costUsd.toFixed(4)}`,
    );
    const unscored = p.perCase.find((c) => c.outcome === 'unscored');
    if (unscored) lines.push(`  unscored: the judge gave no usable answer for ${p.unscored} ${p.unscored === 1 ? 'case' : 'cases'}; first, ${unscored.caseId}: ${unscored.reason}`);
  }
  return lines.join('\n');
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
