/**
 * The check every reader of a run record makes of its sample lines: the fields a verdict, a report
 * or a baseline is computed from have the types the record's schema gives them, and each sample
 * comes once. A hand-edited or damaged line is an input error naming file, line and
 * field, never a crash inside the statistics or a value read the wrong way (`"pass": "false"` is
 * truthy; a sample copied three times would count three times, and a copy with another output
 * would be shown in its place).
 */
import { InputError } from '../errors.js';
import { REPAIR_HINT } from './reader.js';
import type { SampleRecord } from './types.js';

export class SampleLineCheck {
  /** One bit per sample index seen. Readers take any order (the report reads reordered records too). */
  private seen = new Uint8Array(1024);

  constructor(private readonly file: string) {}

  /** The line's value as a sample, once it is checked; throws for the first field that is wrong. */
  check(sample: object, line: number): SampleRecord {
    const value = checkSampleFields(sample, { file: this.file, line }) as unknown as Record<string, unknown>;
    const index = value.index as number;
    if (this.saw(index)) {
      throw new InputError(
        `sample ${index} (case ${String(value.caseId)}) is recorded twice: this line repeats an earlier one`,
        { file: this.file, line, field: 'index' },
        'keep one of the two lines and delete the other (or run the suite again)',
      );
    }
    return value as unknown as SampleRecord;
  }

  /** Whether `index` was seen before; marks it seen. */
  private saw(index: number): boolean {
    const byte = index >>> 3;
    if (byte >= this.seen.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.seen.length * 2));
      grown.set(this.seen);
      this.seen = grown;
    }
    const bit = 1 << (index & 7);
    if (this.seen[byte]! & bit) return true;
    this.seen[byte]! |= bit;
    return false;
  }
}

/**
 * The fields of one sample line, without the check that it comes once (a file that may hold a
 * sample twice on purpose, such as the held-back file, checks only these). `prefix` names where the
 * sample sits in its line (`sample.` in the held-back file).
 */
export function checkSampleFields(sample: object, at: { file: string; line: number; prefix?: string; hint?: string }): SampleRecord {
  const problem = sampleProblem(sample as Record<string, unknown>);
  if (problem) throw new InputError(problem.message, { file: at.file, line: at.line, field: `${at.prefix ?? ''}${problem.field}` }, at.hint ?? REPAIR_HINT);
  return sample as SampleRecord;
}

/** Sample indices are below the plan's size; a larger one is damage, not a plan (and no bitset is made for it). */
const MAX_INDEX = 2 ** 31 - 1;

function sampleProblem(sample: Record<string, unknown>): { field: string; message: string } | undefined {
  if (!isCount(sample.index, MAX_INDEX)) return wrong('index', sample.index, 'a whole number from 0');
  for (const field of ['caseId', 'version', 'model'] as const) {
    if (typeof sample[field] !== 'string') return wrong(field, sample[field], 'a string');
  }
  if (!isCount(sample.repeat)) return wrong('repeat', sample.repeat, 'a whole number from 0');
  if (typeof sample.pass !== 'boolean') return wrong('pass', sample.pass, 'true or false');
  if (!isUnit(sample.score)) return wrong('score', sample.score, 'a number from 0 to 1');
  if (!Array.isArray(sample.tags) || !sample.tags.every((tag) => typeof tag === 'string')) return wrong('tags', sample.tags, 'a list of strings');
  if (!Array.isArray(sample.scores)) return wrong('scores', sample.scores, 'a list of scores');
  for (let i = 0; i < sample.scores.length; i++) {
    const score = sample.scores[i] as Record<string, unknown> | null;
    if (score === null || typeof score !== 'object') return wrong(`scores[${i}]`, score, 'a score { name, score, pass, reason }');
    if (typeof score.name !== 'string') return wrong(`scores[${i}].name`, score.name, 'a string');
    if (!isUnit(score.score)) return wrong(`scores[${i}].score`, score.score, 'a number from 0 to 1');
    if (typeof score.pass !== 'boolean') return wrong(`scores[${i}].pass`, score.pass, 'true or false');
  }
  const error = sample.error as Record<string, unknown> | null | undefined;
  if (error !== undefined && (error === null || typeof error !== 'object' || typeof error.kind !== 'string' || typeof error.message !== 'string')) {
    return wrong('error', error, 'an error { kind, message }');
  }
  return historyProblem(sample.history);
}

/** The earlier tries of a redone sample: the summary adds what each cost to the run's totals. */
function historyProblem(history: unknown): { field: string; message: string } | undefined {
  if (history === undefined) return undefined;
  if (!Array.isArray(history)) return wrong('history', history, 'a list of earlier tries');
  for (let i = 0; i < history.length; i++) {
    const attempt = history[i] as Record<string, unknown> | null;
    if (attempt === null || typeof attempt !== 'object') return wrong(`history[${i}]`, attempt, 'an earlier try { error, costUsd?, judgeCostUsd? }');
    for (const field of ['costUsd', 'judgeCostUsd'] as const) {
      const usd = attempt[field];
      if (usd !== undefined && !(typeof usd === 'number' && Number.isFinite(usd) && usd >= 0)) return wrong(`history[${i}].${field}`, usd, 'a cost in USD, 0 or more');
    }
  }
  return undefined;
}

function wrong(field: string, value: unknown, expected: string): { field: string; message: string } {
  const text = value === undefined ? 'nothing' : typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? typeof value);
  return { field, message: `expected ${expected}, got ${text.length > 60 ? `${text.slice(0, 60)}…` : text}` };
}

function isCount(value: unknown, max = Number.MAX_SAFE_INTEGER): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= max;
}

function isUnit(value: unknown): boolean {
  return typeof value === 'number' && value >= 0 && value <= 1;
}
