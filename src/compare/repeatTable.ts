import type { SampleRecord } from '../records/types.js';
import type { CaseSide } from './types.js';

/** A sample as the table reads it. */
type RepeatSample = Pick<SampleRecord, 'repeat' | 'pass' | 'score' | 'scores'> & { error?: { kind: string } | undefined };

type RepeatMeans = Pick<CaseSide, 'passes' | 'passFraction' | 'meanScore' | 'scorerMeans' | 'errors'> & { scored: number };

/**
 * The sums a case keeps besides its repeats (cost, tokens, prompt caching, stop reasons), by their
 * column in the table's per-case sums.
 */
export const CaseSum = {
  costUsd: 0,
  judgeCostUsd: 1,
  billedSamples: 2,
  inputTokens: 3,
  outputTokens: 4,
  cacheSamples: 5,
  cacheHits: 6,
  cacheReadTokens: 7,
  cacheSavedUsd: 8,
  scored: 9,
  refusals: 10,
  maxTokens: 11,
  contextWindow: 12,
} as const;
export type CaseSum = (typeof CaseSum)[keyof typeof CaseSum];
const CASE_SUMS = Object.keys(CaseSum).length;

/**
 * The numbers of every repeat of one side — repeat number, scored and pass flags, score, its
 * scorers' names and values, and its latency — in typed arrays that all the side's cases share,
 * one row per repeat (a column per number); a case's rows are linked from its first. A large
 * comparison holds hundreds of thousands of repeats until its end: held as objects (or as small
 * arrays per case), they were most of its garbage collector's work, while typed arrays are not
 * moved or scanned by it. For the same reason each case's sums (cost, tokens, prompt caching, stop
 * reasons) are a row of numbers here too, not fields and small objects of the case's accumulator.
 */
export class RepeatTable {
  /** One column per number of a row (typed arrays, so their memory is one block each). */
  private repeats: Float64Array;
  private flags: Uint8Array;
  private scores: Float64Array;
  private scorersFrom: Int32Array;
  private scorersTo: Int32Array;
  /** The row of the case's next repeat, −1 for its last. */
  private next: Int32Array;
  /** NaN when the repeat's latency does not count. */
  private latencyMs: Float64Array;
  private rowCount = 0;
  private scorerValues: Float64Array;
  private scorerNameIds: Int32Array;
  private scorerCount = 0;
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  /** Error kinds by row (errors are rare; such rows have the ERRORED flag). */
  private readonly errorKinds = new Map<number, string>();
  /** The cases' sums, CASE_SUMS numbers per case (by CaseSum), from zero. */
  private caseSums = new Float64Array(0);
  private caseCount = 0;
  /** Scratch sums by scorer name id for `means`, all zero between calls. */
  private sumTotals = new Float64Array(0);
  private sumCounts = new Int32Array(0);
  /** The previous case's scorer name ids in first-seen order, and the same ids in name order. */
  private lastSeenIds: number[] = [];
  private lastSortedIds: number[] = [];

  constructor(initialRows = 8) {
    this.repeats = new Float64Array(initialRows);
    this.flags = new Uint8Array(initialRows);
    this.scores = new Float64Array(initialRows);
    this.scorersFrom = new Int32Array(initialRows);
    this.scorersTo = new Int32Array(initialRows);
    this.next = new Int32Array(initialRows);
    this.latencyMs = new Float64Array(initialRows);
    this.scorerValues = new Float64Array(initialRows);
    this.scorerNameIds = new Int32Array(initialRows);
  }

  /**
   * Makes room for `rows` rows at once (a record's planned samples): growing by doubling would
   * touch about twice the memory, and fresh memory is what costs most on a busy machine.
   */
  reserve(rows: number): void {
    if (rows > this.repeats.length) this.resizeRows(rows);
  }

  /** Adds a repeat read after row `previous` of the same case (−1 for the case's first); returns its row. */
  add(sample: RepeatSample, scored: boolean, previous: number): number {
    const row = this.rowCount++;
    if (row === this.repeats.length) this.resizeRows(Math.max(16, row * 2));
    this.scorersFrom[row] = this.scorerCount;
    for (const score of sample.scores) this.addScore(score.name, score.score);
    this.scorersTo[row] = this.scorerCount;
    this.repeats[row] = sample.repeat;
    this.flags[row] = (scored ? SCORED : 0) | (sample.pass ? PASSED : 0) | (sample.error ? ERRORED : 0);
    this.scores[row] = sample.score;
    this.next[row] = -1;
    this.latencyMs[row] = NaN;
    if (previous >= 0) this.next[previous] = row;
    if (sample.error) this.errorKinds.set(row, sample.error.kind);
    return row;
  }

  private resizeRows(rows: number): void {
    this.repeats = resized(this.repeats, rows);
    this.flags = resized(this.flags, rows);
    this.scores = resized(this.scores, rows);
    this.scorersFrom = resized(this.scorersFrom, rows);
    this.scorersTo = resized(this.scorersTo, rows);
    this.next = resized(this.next, rows);
    this.latencyMs = resized(this.latencyMs, rows);
    // Scores per repeat are unknown until read; as many as rows is a start.
    if (this.scorerValues.length < rows) {
      this.scorerValues = resized(this.scorerValues, rows);
      this.scorerNameIds = resized(this.scorerNameIds, rows);
    }
  }

  private addScore(name: string, value: number): void {
    if (this.scorerValues.length === this.scorerCount) {
      // Enough for all reserved rows at the scores per repeat seen so far, so that it grows once.
      const completeRows = this.rowCount - 1;
      const estimate = completeRows > 0 ? Math.ceil((this.repeats.length * this.scorerCount) / completeRows) : 0;
      const size = Math.max(16, estimate > this.scorerCount ? estimate : this.scorerCount * 2);
      this.scorerValues = resized(this.scorerValues, size);
      this.scorerNameIds = resized(this.scorerNameIds, size);
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

  /** A new case's sums, all zero; returns the case's number. */
  addCase(): number {
    const index = this.caseCount++;
    if ((index + 1) * CASE_SUMS > this.caseSums.length) this.caseSums = resized(this.caseSums, Math.max(64, index * 2) * CASE_SUMS);
    return index;
  }

  /** Adds `value` to one of a case's sums. */
  addToCase(index: number, sum: CaseSum, value: number): void {
    const at = index * CASE_SUMS + sum;
    this.caseSums[at] = this.caseSums[at]! + value;
  }

  caseSum(index: number, sum: CaseSum): number {
    return this.caseSums[index * CASE_SUMS + sum]!;
  }

  /** Records the latency of a row's repeat (one that counts for latency: uncached and successful). */
  setLatency(row: number, latencyMs: number): void {
    this.latencyMs[row] = latencyMs;
  }

  /** Writes the latencies recorded for a case's `count` rows from `first` into `out` from `at`, in reading order; returns where the next goes. */
  copyLatencies(first: number, count: number, out: Float64Array, at: number): number {
    let next = at;
    for (let i = 0, row = first; i < count; i++, row = this.next[row]!) {
      const latency = this.latencyMs[row]!;
      if (!Number.isNaN(latency)) out[next++] = latency;
    }
    return next;
  }

  /** The mean of the latencies recorded for a case's rows (added in reading order); null when none was. */
  meanLatency(first: number, count: number): number | null {
    let total = 0;
    let latencies = 0;
    for (let i = 0, row = first; i < count; i++, row = this.next[row]!) {
      const latency = this.latencyMs[row]!;
      if (Number.isNaN(latency)) continue;
      total += latency;
      latencies++;
    }
    return latencies ? total / latencies : null;
  }

  /** A case's `count` rows in reading order, from its first. */
  rowsFrom(first: number, count: number): number[] {
    const rows = new Array<number>(count);
    for (let i = 0, row = first; i < count; i++, row = this.next[row]!) rows[i] = row;
    return rows;
  }

  /**
   * Positions in `rows` by repeat number; a repeated repeat number keeps its reading order.
   * Undefined when that is the reading order already (as it mostly is).
   */
  repeatOrder(rows: number[]): number[] | undefined {
    const repeatOf = (i: number) => this.repeats[rows[i]!]!;
    for (let i = 1; i < rows.length; i++) {
      if (repeatOf(i) < repeatOf(i - 1)) {
        const order = new Array<number>(rows.length);
        for (let j = 0; j < rows.length; j++) order[j] = j;
        return order.sort((a, b) => repeatOf(a) - repeatOf(b) || a - b);
      }
    }
    return undefined;
  }

  /** One pass over `rows` in the order given, scored repeats only: the means are the same to the last bit on every reading. */
  means(rows: number[]): RepeatMeans {
    if (this.sumTotals.length < this.names.length) {
      this.sumTotals = new Float64Array(this.names.length);
      this.sumCounts = new Int32Array(this.names.length);
    }
    const totals = this.sumTotals;
    const counts = this.sumCounts;
    let scored = 0;
    let passes = 0;
    let scoreTotal = 0;
    /** The case's scorer name ids in the order first seen. */
    const seenIds: number[] = [];
    const errors: string[] = [];
    for (const row of rows) {
      const flags = this.flags[row]!;
      if (flags & ERRORED) errors.push(this.errorKinds.get(row)!);
      if (!(flags & SCORED)) continue;
      scored++;
      if (flags & PASSED) passes++;
      scoreTotal += this.scores[row]!;
      for (let s = this.scorersFrom[row]!; s < this.scorersTo[row]!; s++) {
        const id = this.scorerNameIds[s]!;
        if (counts[id] === 0) seenIds.push(id);
        totals[id] = totals[id]! + this.scorerValues[s]!;
        counts[id] = counts[id]! + 1;
      }
    }
    const scorerMeans: Record<string, number> = {};
    for (const id of this.byName(seenIds)) {
      scorerMeans[this.names[id]!] = totals[id]! / counts[id]!;
      totals[id] = 0;
      counts[id] = 0;
    }
    return { scored, passes, passFraction: scored ? passes / scored : NaN, meanScore: scored ? scoreTotal / scored : NaN, scorerMeans, errors };
  }

  /** `ids` in the order of their names (code units, as `sort()`); cases mostly have the previous case's scorers. */
  private byName(ids: number[]): number[] {
    const last = this.lastSeenIds;
    if (ids.length === last.length && ids.every((id, i) => id === last[i])) return this.lastSortedIds;
    const names = this.names;
    this.lastSeenIds = ids;
    this.lastSortedIds = [...ids].sort((a, b) => (names[a]! < names[b]! ? -1 : 1));
    return this.lastSortedIds;
  }
}

/** The bits of a row's flags. */
const SCORED = 1;
const PASSED = 2;
const ERRORED = 4;

/** A copy of `array` with room for `length` entries. */
function resized<T extends Float64Array | Int32Array | Uint8Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array.subarray(0, Math.min(array.length, length)));
  return bigger;
}
