/** The console summary: one row per cell (prompt version × model), printed at the end of a run. */
import { notExercisedCount, notExercisedLines } from '../chaos/exercised.js';
import { failsThreshold } from '../records/summary.js';
import type { RecordSummary } from '../records/types.js';
import { costKnown } from './cost.js';
import { droppedParamsText } from './droppedParams.js';
import { fixed, percent, rateWithInterval, signedPoints, usd, usdAt, usdDecimals } from './format.js';
import { STOP_LABELS, STOP_MEANINGS, refusalCategoriesText, stopFieldsOf, stopRate } from './stops.js';

export function formatSummaryTable(suite: string, summary: RecordSummary): string {
  // Time to first token, prompt caching and stops (refusals, max_tokens, context window) get
  // columns only when some cell has them; cost only when some cell's provider reported one.
  const streamed = summary.cells.some((cell) => cell.ttftMs);
  const cached = summary.cells.some((cell) => cell.cache);
  const priced = summary.cells.some(costKnown);
  const stops = stopFieldsOf(summary.cells);
  const costDecimals = usdDecimals(summary.cells.map((cell) => cell.costUsd));
  const savedDecimals = usdDecimals(summary.cells.map((cell) => cell.cache?.savedUsd));
  const header = [
    'version',
    'model',
    'samples',
    'passed',
    'pass rate (95% CI)',
    'mean score',
    'errors',
    ...(priced ? ['cost'] : []),
    'p50 ms',
    'p95 ms',
    ...(streamed ? ['ttft p50', 'ttft p95'] : []),
    ...(cached ? ['cache hits', 'cache read tok', 'cache saved'] : []),
    ...stops.map((field) => STOP_LABELS[field]),
  ];
  const rows = summary.cells.map((cell) => {
    const errors = Object.entries(cell.errors)
      .map(([kind, count]) => `${kind}:${count}`)
      .join(' ');
    const failing = summary.threshold !== null && failsThreshold(cell, summary.threshold);
    return [
      cell.version,
      cell.model,
      cell.chaos ? `${cell.samples - cell.chaos.samples} +${cell.chaos.samples} chaos` : String(cell.samples),
      // The pass rate's own denominator: the cell's scored golden samples.
      `${cell.passed}/${cell.scored}`,
      `${rateWithInterval({ estimate: cell.passRate, ...cell.passRateInterval })}${failing ? ' ✗' : ''}`,
      `${cell.meanScore.toFixed(3)} ±${cell.meanScoreSe.toFixed(3)}`,
      errors || '0',
      ...(priced ? [costKnown(cell) ? usdAt(cell.costUsd, costDecimals) : '—'] : []),
      cell.latencyMs.p50 === null ? '—' : String(cell.latencyMs.p50),
      cell.latencyMs.p95 === null ? '—' : String(cell.latencyMs.p95),
      ...(streamed ? [fixed(cell.ttftMs?.p50, 0), fixed(cell.ttftMs?.p95, 0)] : []),
      ...(cached ? (cell.cache ? [percent(cell.cache.hitRate), String(cell.cache.readTokens), usdAt(cell.cache.savedUsd, savedDecimals)] : ['—', '—', '—']) : []),
      ...stops.map((field) => stopRate(cell.stops, field, cell.scored)),
    ];
  });
  const threshold = summary.threshold === null ? '' : `, threshold ${percent(summary.threshold)}`;
  const chaos = summary.cells.reduce((n, c) => n + (c.chaos?.samples ?? 0), 0);
  const golden = summary.totals.samples - chaos;
  const scored = summary.cells.reduce((n, c) => n + c.scored, 0);
  const counted = chaos ? `${golden} samples (+${chaos} chaos)` : `${golden} samples`;
  const notScored = summary.totals.notScored ? ` (${summary.totals.notScored} not scored)` : '';
  const cost = priced ? `, ${usd(summary.totals.costUsd)}` : '';
  const judge = summary.totals.judgeCostUsd ? ` + ${usd(summary.totals.judgeCostUsd)} judge` : '';
  const table = [
    `${suite}: ${counted}, ${summary.totals.passed} of ${scored} passed, ${summary.totals.errors} errors${notScored}${cost}${judge}${threshold}`,
    ...tableLines(header, rows),
  ];
  const refusing = summary.cells.filter((cell) => cell.stops?.refusals);
  if (refusing.length) table.push(`refusals by category: ${refusing.map((cell) => `${cell.version} × ${cell.model}: ${refusalCategoriesText(cell.stops)}`).join('; ')}`);
  if (stops.length) table.push(`(${stops.map((field) => `${STOP_LABELS[field]}: ${STOP_MEANINGS[field]}`).join('; ')} — shares of the scored golden samples)`);
  const dropped = droppedParamsText(summary.cells);
  if (dropped) table.push(dropped);
  return table.join('\n');
}

/** Pass rate per chaos operator against the golden cases it mutated, worst drop first. */
export function formatRobustnessTable(summary: RecordSummary): string | undefined {
  if (!summary.robustness?.length) return undefined;
  // Samples that tested nothing get a column (and a sentence) only when there are any: a run
  // without them prints the table it always did.
  const unexercised = summary.robustness.some((row) => notExercisedCount(row.notExercised) > 0);
  const rows = [...summary.robustness]
    .sort((a, b) => (a.drop ?? 0) - (b.drop ?? 0) || a.operator.localeCompare(b.operator))
    .map((row) => [
      row.operator,
      String(row.samples),
      row.passRate === null ? '—' : percent(row.passRate),
      row.sourcePassRate === null ? '—' : percent(row.sourcePassRate),
      signedPoints(row.drop),
      ...(unexercised ? [String(notExercisedCount(row.notExercised))] : []),
    ]);
  const header = ['chaos operator', 'samples', 'pass rate', 'source pass rate', 'change', ...(unexercised ? ['not exercised'] : [])];
  return ['robustness (chaos samples against their source cases):', ...tableLines(header, rows), ...notExercisedLines(summary.robustness)].join('\n');
}

/**
 * How often each field was right, per cell (from scores that report per-field results, e.g.
 * `extraction`): one row per field, one column per cell that has any.
 */
export function formatFieldAccuracyTable(summary: RecordSummary): string | undefined {
  const cells = summary.cells.filter((cell) => cell.fieldAccuracy && Object.keys(cell.fieldAccuracy).length);
  if (!cells.length) return undefined;
  const fields = [...new Set(cells.flatMap((cell) => Object.keys(cell.fieldAccuracy!)))].sort();
  const header = ['field', ...cells.map((cell) => `${cell.version} × ${cell.model}`)];
  const rows = fields.map((field) => [
    field,
    ...cells.map((cell) => {
      const counts = cell.fieldAccuracy![field];
      return counts && counts.total ? `${percent(counts.right / counts.total)} (${counts.right}/${counts.total})` : '—';
    }),
  ]);
  return ['field accuracy (how often each field was right):', ...tableLines(header, rows)].join('\n');
}

/** A header, a rule under it and the rows, each column padded to its widest cell. */
function tableLines(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)];
}

/** Which tools each cell's answers called (shown only when some answer called a tool). */
export function formatToolCallLines(summary: RecordSummary): string | undefined {
  const cells = summary.cells.filter((cell) => cell.toolCalls);
  if (cells.length === 0) return undefined;
  const lines = cells.map((cell) => {
    const calls = Object.entries(cell.toolCalls!.byTool)
      .map(([name, count]) => `${name} ×${count}`)
      .join(', ');
    return `  ${cell.version} × ${cell.model}: ${cell.toolCalls!.answers} of ${cell.samples} answers called tools (${calls})`;
  });
  return ['tool calls:', ...lines].join('\n');
}
