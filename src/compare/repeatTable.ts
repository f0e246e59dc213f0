import type { SampleRecord } from '../records/types.js';
import type { CaseSide } from './types.js';

/** A sample as the table reads it. */
type RepeatSample = Pick<SampleRecord, 'repeat' | 'pass' | 'score' | 'scores'> & { error?: { kind: string } | undefined };

export type RepeatMeans = Pick<CaseSide, 'passes' | 'passFraction' | 'meanScore' | 'scorerMeans' | 'errors'> & { scored: number };

/**
 * The numbers of every repeat of one side — repeat number, scored and pass flags, score, its
 * scorers' names and values, and its latency — in typed arrays that all the side's cases share, one row per
 * repeat; a case's rows are linked from its first. A large comparison holds hundreds of
 * thousands of repeats until its end: held as objects (or as small arrays per case), they were
 * most of its garbage collector's work, while typed arrays are not moved or scanned by it.
 */
export class RepeatTable {
  private rows: Float64Array;
  private rowCount = 0;
  private scorerValues: Float64Array;
  private scorerNameIds: Int32Array;
  private scorerCount = 0;
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  /** Error kinds by row (errors are rare). */
  private readonly errorKinds = new Map<number, string>();

  constructor(initialRows = 8) {
    this.rows = new Float64Array(initialRows * FIELDS);
    this.scorerValues = new Float64Array(initialRows * 4);
    this.scorerNameIds = new Int32Array(initialRows * 4);
  }

  /** Adds a repeat read after row `previous` of the same case (−1 for the case's first); returns its row. */
  add(sample: RepeatSample, scored: boolean, previous: number): number {
    const row = this.rowCount++;
    if (this.rows.length < this.rowCount * FIELDS) this.rows = grown(this.rows);
    const from = this.scorerCount;
    for (const score of sample.scores) this.addScore(score.name, score.score);
    const at = row * FIELDS;
    this.rows[at + REPEAT] = sample.repeat;
    this.rows[at + FLAGS] = (scored ? SCORED : 0) | (sample.pass ? PASSED : 0);
    this.rows[at + SCORE] = sample.score;
    this.rows[at + SCORERS_FROM] = from;
    this.rows[at + SCORERS_TO] = this.scorerCount;
    this.rows[at + NEXT] = -1;
    this.rows[at + LATENCY] = NaN;
    if (previous >= 0) this.rows[previous * FIELDS + NEXT] = row;
    if (sample.error) this.errorKinds.set(row, sample.error.kind);
    return row;
  }

  private addScore(name: string, value: number): void {
    if (this.scorerValues.length === this.scorerCount) {
      this.scorerValues = grown(this.scorerValues);
      this.scorerNameIds = grown(this.scorerNameIds);
    }
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    this.scorerValues[this.scorerCount] = value;
    this.scorerNameIds[this.scorerCount] = id;
    this.scorerCount++;
  }

  /** Records the latency of a row's repeat (one that counts for latency: uncached and successful). */
  setLatency(row: number, latencyMs: number): void {
    this.rows[row * FIELDS + LATENCY] = latencyMs;
  }

  /** The latencies recorded for `rows`, in that order. */
  latencies(rows: number[]): number[] {
    const out: number[] = [];
    for (const row of rows) {
      const latency = this.rows[row * FIELDS + LATENCY]!;
      if (!Number.isNaN(latency)) out.push(latency);
    }
    return out;
  }

  /** A case's `count` rows in reading order, from its first. */
  rowsFrom(first: number, count: number): number[] {
    const rows = new Array<number>(count);
    for (let i = 0, row = first; i < count; i++, row = this.rows[row * FIELDS + NEXT]!) rows[i] = row;
    return rows;
  }

  /** Positions in `rows` by repeat number; a repeated repeat number keeps its reading order. */
  repeatOrder(rows: number[]): number[] {
    const order = new Array<number>(rows.length);
    for (let i = 0; i < rows.length; i++) order[i] = i;
    const repeatOf = (i: number) => this.rows[rows[i]! * FIELDS + REPEAT]!;
    for (let i = 1; i < rows.length; i++) {
      if (repeatOf(i) < repeatOf(i - 1)) return order.sort((a, b) => repeatOf(a) - repeatOf(b) || a - b);
    }
    return order;
  }

  /** One pass over `rows` in the order given, scored repeats only: the means are the same to the last bit on every reading. */
  means(rows: number[]): RepeatMeans {
    const table = this.rows;
    let scored = 0;
    let passes = 0;
    let scoreTotal = 0;
    const scorerSums = new Map<string, { total: number; count: number }>();
    const errors: string[] = [];
    for (const row of rows) {
      const error = this.errorKinds.get(row);
      if (error !== undefined) errors.push(error);
      const at = row * FIELDS;
      const flags = table[at + FLAGS]!;
      if (!(flags & SCORED)) continue;
      scored++;
      if (flags & PASSED) passes++;
      scoreTotal += table[at + SCORE]!;
      for (let s = table[at + SCORERS_FROM]!; s < table[at + SCORERS_TO]!; s++) {
        const name = this.names[this.scorerNameIds[s]!]!;
        let sum = scorerSums.get(name);
        if (!sum) {
          sum = { total: 0, count: 0 };
          scorerSums.set(name, sum);
        }
        sum.total += this.scorerValues[s]!;
        sum.count++;
      }
    }
    const scorerMeans: Record<string, number> = {};
    for (const name of [...scorerSums.keys()].sort()) {
      const { total, count } = scorerSums.get(name)!;
      scorerMeans[name] = total / count;
    }
    return { scored, passes, passFraction: scored ? passes / scored : NaN, meanScore: scored ? scoreTotal / scored : NaN, scorerMeans, errors };
  }
}

/** The columns of a row, and the bits of its flags. */
const REPEAT = 0;
const FLAGS = 1;
const SCORE = 2;
const SCORERS_FROM = 3;
const SCORERS_TO = 4;
const NEXT = 5;
/** NaN when the repeat's latency does not count. */
const LATENCY = 6;
const FIELDS = 7;
const SCORED = 1;
const PASSED = 2;

function grown<T extends Float64Array | Int32Array>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(Math.max(16, array.length * 2));
  bigger.set(array);
  return bigger;
}
