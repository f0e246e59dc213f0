/**
 * Markdown for a pull-request comment: the verdict with its reasons, one summary row per cell,
 * and the top regressions of each cell with a short word-level diff of the outputs.
 */
import type { CellComparison, ComparisonResult, Verdict } from '../compare/types.js';
import { formatWordDiff, wordDiff } from './wordDiff.js';
import { costReported } from './cost.js';
import { failingOutput, failureReason, firstOutput, passesOf, regressionCount, scorerChanges, topRegressions } from './caseDetails.js';
import { policyText } from './compareConsole.js';
import { confidenceLevel, count, milliseconds, percent, points, pointsInterval, pValue, scoreDiffInterval, signedNumber, signedPercent, usdPair } from './format.js';
import { neededText, reasonText, warningText } from './reasons.js';
import { pointsChange, stopRates } from './stops.js';
import { clipText } from '../text.js';

export interface MarkdownOptions {
  /** Regressions shown per cell (default 10). */
  topRegressions?: number;
  /** Longest diff shown per case, in characters (default 400). */
  maxDiffChars?: number;
  /** Heading text (default "promptgold compare: <suite>"). */
  title?: string;
}

const ICON: Record<Verdict, string> = { pass: '✅', fail: '❌', inconclusive: '⚠️' };

export function renderMarkdown(result: ComparisonResult, options: MarkdownOptions = {}): string {
  const lines: string[] = [];
  const verdict = result.verdict;
  lines.push(`## ${escapeText(options.title ?? `promptgold compare: ${result.baseline.suite}`)}`, '');
  lines.push(`**Verdict: ${ICON[verdict.verdict]} ${verdict.verdict}**`, '');
  for (const reason of verdict.reasons) lines.push(`- ${escapeText(reasonText(reason))}`);
  const needed = neededText(verdict.needed);
  if (needed) lines.push(`- To decide: ${needed} (an 80% chance of a pass if the candidate is truly no worse).`);
  lines.push('', `Baseline \`${escapeCode(result.baseline.source)}\`${filterText(result.baseline.filter)} → candidate \`${escapeCode(result.candidate.source)}\`${filterText(result.candidate.filter)}`, '');
  lines.push(`Policy: ${escapeText(policyText(result))}`, '');
  for (const warning of result.warnings) lines.push(`> ⚠️ ${escapeText(warningText(warning))}`);
  if (result.warnings.length) lines.push('');

  const level = confidenceLevel(result.policy.alpha);
  lines.push(`| cell | verdict | cases | regressed / improved | pass rate | Δ pass rate (${level} CI) | p | Δ score (${level} CI) | drop failing 80% | cost/sample | p95 latency |`);
  lines.push('| --- | --- | ---: | ---: | --- | --- | ---: | --- | ---: | --- | --- |');
  for (const cell of result.cells) lines.push(summaryRow(cell));
  lines.push('');
  lines.push(...reasonsByCell(result));
  lines.push(...stopsTable(result.cells));

  const top = options.topRegressions ?? 10;
  for (const cell of result.cells) {
    const regressions = topRegressions(cell, top);
    if (!regressions.length) continue;
    const total = regressionCount(cell);
    lines.push(`### Top regressions: ${escapeText(cell.label)}${total > regressions.length ? ` (${regressions.length} of ${total})` : ''}`, '');
    for (const c of regressions) {
      const changes = scorerChanges(c);
      const why = failureReason(c);
      lines.push(
        `- **\`${escapeCode(c.caseId)}\`** ${c.status}: pass ${passesOf(c.baseline)} → ${passesOf(c.candidate)}, score ${signedNumber(c.scoreDelta)}${changes ? `; ${escapeText(changes)}` : ''}${why ? `<br>why: ${escapeText(clipText(why, 200))}` : ''}`,
      );
      const before = firstOutput(c.baseline);
      const after = failingOutput(c.candidate);
      if (before !== null && after !== null) {
        const diff = clipText(formatWordDiff(wordDiff(before, after)), options.maxDiffChars ?? 400);
        lines.push('', '  ```text', ...diff.split('\n').map((l) => `  ${fence(l)}`), '  ```');
      }
    }
    lines.push('');
  }
  lines.push(`<sub>Cases paired by id; statistics over per-case values (the case is the unit). Word diff: \`[-removed-]{+added+}\`.</sub>`);
  return `${lines.join('\n')}\n`;
}

function summaryRow(cell: CellComparison): string {
  const s = cell.stats;
  const op = cell.operational;
  return `| ${[
    escapeText(cell.label),
    `${ICON[cell.verdict.verdict]} ${cell.verdict.verdict}`,
    String(s.n),
    `${cell.counts.regressed} / ${cell.counts.improved}`,
    `${percent(s.baselinePassRate.estimate)} → ${percent(s.candidatePassRate.estimate)}`,
    pointsInterval(s.passRateDiff),
    pValue(s.passRateDiff.pValue),
    scoreDiffInterval(s.scoreDiff),
    points(s.power.minimumDetectableDrop),
    costReported(op.costUsd) ? `${usdPair(op.costUsd.baseline, op.costUsd.candidate).join(' → ')} (${signedPercent(op.costUsd.relative)})` : '—',
    `${milliseconds(op.latencyP95Ms.baseline)} → ${milliseconds(op.latencyP95Ms.candidate)}`,
  ]
    .map((text) => text.replace(/\|/g, '\\|'))
    .join(' | ')} |`;
}

/**
 * Every reason of every cell, when the verdict's list (each carrying cell's first reason, then the
 * comparison's notes) leaves some out: a second hard rule, cases one side did not score, a scorer
 * only one side had.
 */
function reasonsByCell(result: ComparisonResult): string[] {
  const quoted = new Set(result.verdict.reasons.map((reason) => reasonText(reason)));
  const cells = result.cells.filter((cell) => cell.verdict.reasons.some((reason) => !quoted.has(reasonText({ ...reason, cell: cell.label }))));
  if (cells.length === 0) return [];
  const lines = ['### Reasons by cell', ''];
  for (const cell of cells) {
    lines.push(`- **${escapeText(cell.label)}**: ${ICON[cell.verdict.verdict]} ${cell.verdict.verdict}`);
    for (const reason of cell.verdict.reasons) lines.push(`  - ${escapeText(reasonText(reason))}`);
  }
  return [...lines, ''];
}

/** Refusal, max_tokens and context-window rates per cell, baseline → candidate, when some cell had any. */
function stopsTable(cells: CellComparison[]): string[] {
  const rows = cells.flatMap((cell) => {
    const stops = cell.operational.stops;
    if (!stops) return [];
    const shown = stopRates(stops).map(({ label, rate }) => `${label} ${percent(rate.baseline)} → ${percent(rate.candidate)} (${pointsChange(rate)})`);
    return [`| ${escapeText(cell.label)} | ${shown.join('; ')} | ${count(stops.scored.baseline)} → ${count(stops.scored.candidate)} |`];
  });
  if (!rows.length) return [];
  return ['| cell | refusals and truncations | scored golden samples |', '| --- | --- | ---: |', ...rows, ''];
}

function filterText(filter: Record<string, string>): string {
  const text = Object.entries(filter).map(([k, v]) => `${k}=${v}`).join(',');
  return text ? ` (${escapeText(text)})` : '';
}

/** Text that GitHub would otherwise read as Markdown or HTML. */
export function escapeText(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (ch) => `\\${ch}`).replace(/\r?\n/g, ' ');
}

function escapeCode(text: string): string {
  return text.replace(/`/g, "'");
}

/** Inside a fenced block only a line starting with ``` can end it early. */
function fence(line: string): string {
  return line.replace(/```/g, "'''");
}


