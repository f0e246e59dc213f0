/**
 * The failure digest on the console after a run: the most common reasons samples failed, grouped
 * by scorer and reason, and the errors of samples that were not scored, grouped by kind and
 * message — each with its count and a few case ids — so "why did it fail" is answered without
 * opening a file.
 */
import type { DigestCase, DigestGroup, FailureDigest } from '../records/digest.js';
import { goldenRefusalReason, isGoldenRefusal } from '../records/stops.js';
import type { SampleRecord } from '../records/types.js';
import type { Score } from '../scoring/types.js';
import { clipText, oneLine } from '../text.js';

/** Groups shown per list; the rest are counted in one line. */
const SHOWN_GROUPS = 5;
const EXAMPLE_CHARS = 160;

export function formatFailureDigest(digest: FailureDigest, options: { repeats: number }): string | undefined {
  const lines: string[] = [];
  if (digest.failures.length) {
    lines.push(`why ${digest.failedSamples} sample${digest.failedSamples === 1 ? '' : 's'} failed (${splitText(digest.failedSamples, digest.failedChaosSamples, '; ')}failing scorers, most common first):`);
    lines.push(...groupLines(digest.failures, options));
  }
  if (digest.errors.length) {
    if (lines.length) lines.push('');
    lines.push(`${digest.erroredSamples} sample${digest.erroredSamples === 1 ? '' : 's'} ended in an error (${splitText(digest.erroredSamples, digest.erroredChaosSamples, '; ')}by kind):`);
    lines.push(...groupLines(digest.errors, options));
  }
  return lines.length ? lines.join('\n') : undefined;
}

/** `124 golden + 1234 chaos` and the separator, when some of the samples were chaos ones; else nothing. */
function splitText(total: number, chaos: number | undefined, separator = ''): string {
  return chaos ? `${total - chaos} golden + ${chaos} chaos${separator}` : '';
}

function groupLines(groups: readonly DigestGroup[], options: { repeats: number }): string[] {
  const shown = groups.slice(0, SHOWN_GROUPS);
  const width = Math.max(...shown.map((g) => g.source.length));
  const countWidth = Math.max(...shown.map((g) => String(g.count).length));
  const lines = shown.map(
    (group) =>
      `  ${group.source.padEnd(width)}  ${String(group.count).padStart(countWidth)}×  ${clip(group.example)} — ${group.cases.map((c) => caseLabel(c, options.repeats)).join(', ')}${group.count > group.cases.length ? ', …' : ''}`,
  );
  const rest = groups.slice(SHOWN_GROUPS);
  if (rest.length) lines.push(`  … and ${rest.reduce((n, g) => n + g.count, 0)} more in ${rest.length} other group${rest.length === 1 ? '' : 's'} (see the HTML report, or run with --verbose)`);
  return lines;
}

/** `t-017 (v2 × claude-haiku-4-5 #2)`; the repeat only when the suite repeats. */
export function caseLabel(c: DigestCase, repeats: number): string {
  return `${c.caseId} (${c.version} × ${c.model}${repeats > 1 ? ` #${c.repeat + 1}` : ''})`;
}

function clip(text: string): string {
  return clipText(oneLine(text), EXAMPLE_CHARS);
}

const OUTPUT_CHARS = 400;

/**
 * Why a golden sample failed on a refusal, with the category the API gave: `refused: stop reason
 * refusal (category cyber): …`, as `run --verbose` and the HTML report's case detail say it.
 */
export function refusedSampleText(sample: Pick<SampleRecord, 'pass' | 'stopReason' | 'stopDetails' | 'chaos'>): string | undefined {
  return !sample.pass && isGoldenRefusal(sample) ? `refused: ${goldenRefusalReason(sample)}` : undefined;
}

/** One failing sample for `run --verbose`: where it is, every scorer's verdict and reason, the output trimmed. */
export function formatFailingSample(sample: SampleRecord, repeats: number): string {
  const lines = [`✗ ${caseLabel(sample, repeats)}${sample.chaos ? ` [chaos: ${sample.chaos.operators.join('+')}]` : ''}`];
  if (sample.error) lines.push(`    ${sample.error.kind}: ${clip(sample.error.message)}`);
  const refused = refusedSampleText(sample);
  if (refused) lines.push(`    ${refused}`);
  lines.push(...scoreLines(sample.scores, '    '));
  if (sample.output !== null) {
    const output = sample.output.replace(/\s+/g, ' ').trim();
    lines.push(`    output: ${output.length > OUTPUT_CHARS ? `${output.slice(0, OUTPUT_CHARS - 1)}… (${sample.output.length} characters)` : output}`);
  }
  return lines.join('\n');
}

function scoreLines(scores: readonly Score[], indent: string): string[] {
  return scores.flatMap((score) => [
    `${indent}${score.pass && !score.error ? '✓' : '✗'} ${score.name} ${score.score.toFixed(2)}: ${clip(score.reason)}`,
    ...scoreLines(score.children ?? [], `${indent}  `),
  ]);
}
