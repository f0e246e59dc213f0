/**
 * The error a failed eval test throws: every scorer's score and reason in the message, and the
 * output and expected value as `actual`/`expected`, so vitest prints its usual diff under it.
 */
import { extractJson } from '../scoring/extract-json.js';
import type { Score } from '../scoring/types.js';
import { goldenRefusalReason, isGoldenRefusal } from '../records/stops.js';
import type { SampleRecord } from '../records/types.js';

export interface SampleFailure {
  message: string;
  /** Present when the sample has an expected value to diff against. */
  diff?: { actual: unknown; expected: unknown };
}

export function describeSampleFailure(sample: SampleRecord): SampleFailure {
  const lines: string[] = [];
  if (sample.error) {
    lines.push(`${sample.error.kind}: ${sample.error.message}`);
  } else {
    if (isGoldenRefusal(sample)) lines.push(`refused: ${goldenRefusalReason(sample)}`);
    lines.push(`score ${sample.score.toFixed(2)}, ${failedCount(sample.scores)} of ${sample.scores.length} scorers failed`);
  }
  lines.push(...scoreLines(sample.scores, '  '));
  for (const call of sample.toolCalls ?? []) lines.push(`  tool call: ${call.name} ${JSON.stringify(call.input)}`);
  const failure: SampleFailure = { message: lines.join('\n') };
  if (sample.expected !== undefined && sample.output !== null) {
    failure.diff = { actual: comparableOutput(sample.output, sample.expected), expected: sample.expected };
  }
  return failure;
}

function failedCount(scores: Score[]): number {
  return scores.filter((s) => !s.pass || s.error).length;
}

function scoreLines(scores: Score[], indent: string): string[] {
  const width = Math.max(0, ...scores.map((s) => s.name.length));
  return scores.flatMap((score) => {
    const mark = score.pass && !score.error ? '✓' : '✗';
    const line = `${indent}${mark} ${score.name.padEnd(width)}  ${score.score.toFixed(2)}  ${score.reason}`;
    return [line, ...scoreLines(score.children ?? [], `${indent}    `)];
  });
}

/**
 * Diff like with like: a structured expected value is compared with the JSON found in the output
 * (so the diff shows the differing fields), a text one with the output text.
 */
export function comparableOutput(output: string, expected: unknown): unknown {
  if (typeof expected !== 'object' || expected === null) return output;
  const parsed = extractJson(output);
  return parsed.ok ? parsed.value : output;
}

/** An Error vitest recognises as an assertion failure with a diff. */
export function toAssertionError(title: string, failure: SampleFailure): Error {
  const error = new Error(`${title}\n${failure.message}`) as Error & { actual?: unknown; expected?: unknown; showDiff?: boolean };
  error.name = 'AssertionError';
  if (failure.diff) {
    error.actual = failure.diff.actual;
    error.expected = failure.diff.expected;
    error.showDiff = true;
  }
  return error;
}
