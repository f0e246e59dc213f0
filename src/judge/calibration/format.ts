/** Console rendering of a calibration report. */
import { percent } from '../../report/format.js';
import { plural } from '../../text.js';
import type { CalibrationReport, Label, NoiseFigures } from './types.js';

const pct = (value: number | null): string => (value === null ? 'n/a' : percent(value));
const num = (value: number | null, digits = 2): string => (value === null ? 'n/a' : value.toFixed(digits));
const show = (label: Label): string => (typeof label === 'boolean' ? (label ? 'pass' : 'fail') : String(label));

export function formatCalibration(report: CalibrationReport): string {
  const a = report.agreement;
  const fromRun = report.cases.filter((c) => c.outputFrom === 'run').length;
  const fromHuman = report.cases.length - fromRun;
  const lines = [
    `calibration: ${report.suite} · rubric "${report.scorer}" (${report.scale}) · judge ${report.judgeModel}`,
    `labelled cases: ${report.labeled} (${fromRun} judged on ${report.labeledOutput.version} × ${report.labeledOutput.model} repeat 0, ${fromHuman} on human.output); unscored: ${report.unscored}`,
    `agreement ${pct(a.percentAgreement)} over ${a.n} · ${a.kappaKind === 'cohen' ? "Cohen's kappa" : 'quadratic-weighted kappa'} ${num(a.kappa)}` +
      (a.kappaKind === 'cohen' ? '' : ` (unweighted ${num(a.cohensKappa)})`) +
      ` · TPR ${num(a.truePositiveRate)} · TNR ${num(a.trueNegativeRate)}`,
    'confusion (rows: human, columns: judge):',
    ...confusionTable(a.categories, a.confusion),
  ];
  if (report.disagreements.length > 0) {
    lines.push('disagreements:');
    for (const d of report.disagreements) lines.push(`  ${d.caseId}: human ${show(d.human)}, judge ${show(d.judge)} — ${clip(d.reason)}`);
  }
  const unscored = report.cases.filter((c) => c.unscored);
  if (unscored.length > 0) {
    lines.push('unscored:');
    for (const c of unscored) lines.push(`  ${c.caseId}: ${clip(c.unscored ?? '')}`);
  }
  const n = report.noise;
  lines.push(
    `judge noise (${noiseBasis(n)}): unanimous ${pct(n.unanimous)} · pairwise agreement ${pct(n.pairwiseAgreement)} · score stdev mean ${num(n.meanStdev, 3)}, max ${num(n.maxStdev, 3)}`,
    `judge usage: ${report.judge.calls} calls (${report.judge.cached} cached), ${report.judge.inputTokens} input + ${report.judge.outputTokens} output tokens, $${report.judge.costUsd.toFixed(4)}`,
  );
  return lines.join('\n');
}

/** What the noise figures are over: the usable judgements that exist, and the number asked for when they fall short. */
function noiseBasis(noise: NoiseFigures): string {
  const { fewest, most } = noise.judgementsPerOutput;
  const asked = noise.outputs === 0 || fewest < noise.judgementsRequested ? `; ${noise.judgementsRequested} asked for` : '';
  if (noise.outputs === 0) return `no output has two usable judgements${asked}`;
  const perOutput = fewest === most ? `${most}` : `${fewest}–${most}`;
  return `${perOutput} usable judgements per output, ${noise.outputs} outputs${asked}`;
}

/**
 * `FAILED (exit 3): summarize: 26 judge calls failed; first: s01 (judgement 3): judge call failed (replay_miss: …)`,
 * or undefined when every call got an answer.
 */
export function calibrationFailureLine(report: CalibrationReport): string | undefined {
  if (report.failures.length === 0) return undefined;
  const judgeCalls = report.failures.filter((f) => f.judgement !== undefined).length;
  const outputs = report.failures.length - judgeCalls;
  const counts = [
    ...(judgeCalls > 0 ? [`${plural(judgeCalls, 'judge call')} failed`] : []),
    ...(outputs > 0 ? [`${plural(outputs, 'labelled output')} could not be had`] : []),
  ].join(' and ');
  const first = report.failures[0]!;
  const where = `${first.caseId}${first.judgement === undefined ? '' : ` (judgement ${first.judgement})`}`;
  const more = report.failures.length > 1 ? ` (each one is in the report's "failures")` : '';
  return `FAILED (exit 3): ${report.suite}: ${counts}; first: ${where}: ${clip(first.reason, 400)}${more}`;
}

function confusionTable(categories: ReadonlyArray<string | number>, matrix: number[][]): string[] {
  const header = ['', ...categories.map((c) => `judge ${c}`)];
  const rows = categories.map((c, i) => [`human ${c}`, ...(matrix[i] ?? []).map(String)]);
  const widths = header.map((_, col) => Math.max(...[header, ...rows].map((row) => (row[col] ?? '').length)));
  return [header, ...rows].map((row) => `  ${row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ')}`);
}

function clip(text: string, limit = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
}
