/** The one-line verdict `promptgold report <run>` prints: how the run ended, with the exit code `promptgold run` gave it. */
import { runEndExitCode, type RunEnd, type RunPart } from '../records/runOutcome.js';
import { cellKey } from '../records/summary.js';
import type { RecordSummary } from '../records/types.js';
import { count, percent, plural } from './format.js';
import { thresholdMissText, tooManyErrorsText } from './notScored.js';

/** `verdict: FAIL (exit 3): 20 of 20 samples were not scored (provider_error 20); maxErrorRate allows 0%`. */
export function runEndLine(end: RunEnd, runDir: string): string {
  const code = runEndExitCode(end);
  const [word, why] = end.kind === 'finished' ? finishedVerdict(end.summary) : ['INCOMPLETE', unfinishedText(end, runDir)];
  return `verdict: ${word} (exit ${code}): ${why}`;
}

function unfinishedText(end: Exclude<RunEnd, { kind: 'finished' }>, runDir: string): string {
  const resume = `\`promptgold run --resume ${runDir}\``;
  const of = `${count(end.samples)} of ${plural(end.planned, 'planned sample')}`;
  switch (end.kind) {
    case 'interrupted':
      return `the run was interrupted (${of}); finish it with ${resume}`;
    case 'stopped':
      return `the run stopped on an error${end.reason ? ` (${end.reason})` : ''} after ${of}; fix the cause and finish it with ${resume}`;
    case 'incomplete':
      if (end.part) return partText(end, end.part, of);
      if (end.cause === 'no_summary') return `the run did not finish (${of}, no summary line); finish it with ${resume}`;
      if (end.cause === 'missing_samples') return `the record holds ${of} (a shard not merged?): its pass rates are over part of the plan`;
      return `the run did not complete (${end.reason ?? 'some samples did not finish'}), so its pass rates are over part of the plan; finish it with ${resume}`;
  }
}

/** How to make a whole run of a shard or a merge: `--resume` finishes neither. */
function partText(end: Extract<RunEnd, { kind: 'incomplete' }>, part: RunPart, of: string): string {
  if (part.kind === 'shard') {
    const share = `the record is shard ${part.index}/${part.count} of a vitest run (${of}), so its pass rates are over its share; join the ${part.count} shards with \`promptgold merge <their run folders> --out <folder>\``;
    return part.notRun > 0 ? `${share}; ${plural(part.notRun, 'sample')} of it did not finish: run the shard again (\`vitest run --shard=${part.index}/${part.count}\`) first` : share;
  }
  if (end.samples < end.planned) {
    return `the merged record holds ${of} (merged from ${plural(part.parts, 'part')}): merge again with every shard's record (a shard that did not run, or was not passed to merge)`;
  }
  return `the merged run did not complete (${end.reason ?? 'some samples did not finish'}), so its pass rates are over part of the plan; run again the shards that skipped them (or finish with \`promptgold run --resume\` the runs they came from), then merge again`;
}

/** As the run's console and its page judge it: unscored samples beyond maxErrorRate, then cells below the threshold. */
function finishedVerdict(summary: RecordSummary): [string, string] {
  const reasons: string[] = [];
  if (summary.tooManyErrors) reasons.push(tooManyErrorsText(summary));
  for (const key of summary.failingCells) {
    const cell = summary.cells.find((c) => cellKey(c.version, c.model) === key);
    if (cell && summary.threshold !== null) reasons.push(`${key}: ${thresholdMissText(cell, `pass rate ${percent(cell.passRate)} of ${count(cell.scored)} scored golden samples`, summary.threshold)}`);
    else reasons.push(`${key} is below the threshold`);
  }
  if (reasons.length) return ['FAIL', reasons.join('; ')];
  const scored = summary.cells.reduce((total, cell) => total + cell.scored, 0);
  if (summary.cells.length > 0 && scored === 0) return ['INCONCLUSIVE', 'no sample was scored'];
  const passed = summary.threshold === null ? `${plural(summary.cells.length, 'cell')} scored; the suite sets no threshold` : `every cell reaches the threshold ${percent(summary.threshold)}`;
  const notScored = summary.totals.notScored;
  return ['PASS', notScored > 0 ? `${passed}; ${plural(notScored, 'sample')} not scored, within maxErrorRate` : passed];
}
