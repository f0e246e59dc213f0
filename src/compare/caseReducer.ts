/**
 * Streaming reduction of one side's samples into one CaseSide per (cell, case). Numbers are folded
 * in as samples arrive; per repeat only what a report shows is kept (pass, score, scorer scores,
 * error kind and latency, in the side's RepeatTable; with repeat details also the output, the
 * scores with their failing reasons and the stop reason), so memory grows with cases × repeats of small values,
 * never with whole records. Without repeat details (`keepRepeatDetails` false) a repeat keeps only
 * the numbers the means are made of, which on large runs is most of what a comparison holds.
 */
import type { NotExercisedReason } from '../chaos/exercised.js';
import { totalInputTokens } from '../providers/tokens.js';
import { stopKindOf } from '../records/stops.js';
import { isScored } from '../records/summary.js';
import type { SampleRecord } from '../records/types.js';
import type { CaseSide, RepeatScore } from './types.js';
import { clipText } from '../text.js';
import { CaseSum, RepeatTable } from './repeatTable.js';

/** The fields of a sample record that a comparison reads (a baseline line provides the same). */
export type ComparableSample = Pick<
  SampleRecord,
  'caseId' | 'version' | 'model' | 'repeat' | 'tags' | 'promptHash' | 'output' | 'stopReason' | 'scores' | 'score' | 'pass' | 'costUsd' | 'latencyMs'
> &
  Partial<Pick<SampleRecord, 'usage' | 'cached' | 'error' | 'chaos' | 'judge' | 'cacheSavedUsd' | 'droppedParams'>>;

/** What the HTML and per-repeat outputs show of a repeat, kept only with repeat details. */
interface RepeatDetail {
  scores: RepeatScore[];
  output: string | null;
  stopReason: string | null;
}

export class CaseAccumulator {
  readonly caseId: string;
  tags: string[];
  chaos: { operators: string[]; sourceCaseId: string } | undefined;
  promptHash: string;
  /** A chaos case: the first `chaos.notExercised` reason among its samples, and whether one was marked `readMutatedVars`. */
  notExercised: NotExercisedReason | undefined;
  readMutatedVars = false;
  /** The side's table of repeat numbers, and this case's rows in it (first and last read) and its sums. */
  private readonly table: RepeatTable;
  private readonly index: number;
  private firstRow = -1;
  private lastRow = -1;
  private count = 0;
  /** Each repeat's details, in reading order (only with `keepRepeatDetails`). */
  private readonly details: RepeatDetail[] | undefined;
  /** Whether each repeat's output, scores with reasons and stop reason are kept for the case side. */
  readonly keepRepeatDetails: boolean;
  /** The case's first error with its message (the reports quote it). */
  private firstError: { kind: string; message: string } | undefined;

  /** `table`: where the repeats' numbers go, shared by the cases of a side (see RepeatTable). */
  constructor(first: ComparableSample, keepRepeatDetails = true, table = new RepeatTable()) {
    this.keepRepeatDetails = keepRepeatDetails;
    this.table = table;
    this.index = table.addCase();
    if (keepRepeatDetails) this.details = [];
    this.caseId = first.caseId;
    this.tags = first.tags ?? [];
    this.promptHash = first.promptHash;
    this.chaos = first.chaos ? { operators: [...first.chaos.operators], sourceCaseId: first.chaos.sourceCaseId } : undefined;
  }

  add(sample: ComparableSample): void {
    const scored = isScored(sample);
    if (scored && !sample.chaos) this.countStop(sample);
    if (sample.chaos) this.noteExercise(sample.chaos);
    if (sample.error && !this.firstError) this.firstError = { kind: sample.error.kind, message: clipText(sample.error.message, ERROR_MESSAGE_CHARS) };
    this.lastRow = this.table.add(sample, scored, this.lastRow);
    if (this.firstRow < 0) this.firstRow = this.lastRow;
    this.count++;
    this.details?.push({ scores: sample.scores.map(compactScore), output: sample.error ? null : sample.output, stopReason: sample.stopReason ?? null });
    if (sample.judge) this.addToSum(CaseSum.judgeCostUsd, sample.judge.costUsd);
    if (sample.cached) return; // cached answers cost nothing now and their latency is not this run's
    this.addToSum(CaseSum.billedSamples, 1);
    this.addToSum(CaseSum.costUsd, sample.costUsd);
    if (sample.usage) {
      this.addToSum(CaseSum.inputTokens, totalInputTokens(sample.usage));
      this.addToSum(CaseSum.outputTokens, sample.usage.outputTokens);
      const reads = sample.usage.cacheReadInputTokens ?? 0;
      if (reads > 0 || (sample.usage.cacheCreationInputTokens ?? 0) > 0) {
        this.addToSum(CaseSum.cacheSamples, 1);
        if (reads > 0) this.addToSum(CaseSum.cacheHits, 1);
        this.addToSum(CaseSum.cacheReadTokens, reads);
        this.addToSum(CaseSum.cacheSavedUsd, sample.cacheSavedUsd ?? 0);
      }
    }
    if (sample.latencyMs !== null && !sample.error) this.table.setLatency(this.lastRow, sample.latencyMs);
  }

  private noteExercise(chaos: NonNullable<ComparableSample['chaos']>): void {
    if (chaos.notExercised) this.notExercised ??= chaos.notExercised;
    else if (chaos.readMutatedVars) this.readMutatedVars = true;
  }

  private countStop(sample: ComparableSample): void {
    this.addToSum(CaseSum.scored, 1);
    const kind = stopKindOf(sample);
    if (kind === 'refusal') this.addToSum(CaseSum.refusals, 1);
    else if (kind) this.addToSum(CaseSum[kind], 1);
  }

  private addToSum(sum: CaseSum, value: number): void {
    this.table.addToCase(this.index, sum, value);
  }

  /** One of the case's sums (cost, tokens, prompt caching, stops). */
  sum(column: CaseSum): number {
    return this.table.caseSum(this.index, column);
  }

  get costUsd(): number {
    return this.sum(CaseSum.costUsd);
  }

  get judgeCostUsd(): number {
    return this.sum(CaseSum.judgeCostUsd);
  }

  /** Samples that were not served from the response cache: the denominator of cost and token means. */
  get billedSamples(): number {
    return this.sum(CaseSum.billedSamples);
  }

  get inputTokens(): number {
    return this.sum(CaseSum.inputTokens);
  }

  get outputTokens(): number {
    return this.sum(CaseSum.outputTokens);
  }

  /** Prompt caching of billed samples: those that read or wrote the cache, those that read, tokens read, USD saved. */
  get promptCache(): { samples: number; hits: number; readTokens: number; savedUsd: number } {
    return { samples: this.sum(CaseSum.cacheSamples), hits: this.sum(CaseSum.cacheHits), readTokens: this.sum(CaseSum.cacheReadTokens), savedUsd: this.sum(CaseSum.cacheSavedUsd) };
  }

  /** Scored golden samples, and those that were refusals, cut at max_tokens or stopped by the context window (as the run summary counts them). */
  get stops(): { scored: number; refusals: number; maxTokens: number; contextWindow: number } {
    return { scored: this.sum(CaseSum.scored), refusals: this.sum(CaseSum.refusals), maxTokens: this.sum(CaseSum.maxTokens), contextWindow: this.sum(CaseSum.contextWindow) };
  }

  /** Latencies of this case's uncached, successful samples, in reading order (for cell percentiles). */
  get latencies(): number[] {
    const out = new Float64Array(this.count);
    return Array.from(out.subarray(0, this.copyLatencies(out, 0)));
  }

  /** Writes `latencies` into `out` from `at` (room for `samples` of them); returns where the next case's go. */
  copyLatencies(out: Float64Array, at: number): number {
    return this.table.copyLatencies(this.firstRow, this.count, out, at);
  }

  get samples(): number {
    return this.count;
  }

  /**
   * The case's side of a comparison, in one pass over its repeats in repeat order. Sums run in that
   * order, scored repeats only, so the means are the same to the last bit on every reading.
   */
  toCaseSide(): CaseSide {
    const rows = this.table.rowsFrom(this.firstRow, this.count);
    const order = this.table.repeatOrder(rows);
    const means = this.table.means(order ? order.map((i) => rows[i]!) : rows);
    const details = this.details && order ? order.map((i) => this.details![i]!) : this.details;
    const { scored, passes, passFraction, meanScore, scorerMeans, errors } = means;
    const promptHash = this.promptHash;
    const costUsd = this.sum(CaseSum.costUsd);
    const meanLatencyMs = this.table.meanLatency(this.firstRow, this.count);
    const tokens = { input: this.sum(CaseSum.inputTokens), output: this.sum(CaseSum.outputTokens) };
    // Two plain literals with the keys in the same order (an object literal with spreads in it is built slowly, key by key).
    const side: CaseSide = details
      ? {
          repeats: rows.length,
          scored,
          passes,
          passFraction,
          meanScore,
          scorerMeans,
          errors,
          outputs: details.map((detail) => detail.output),
          scores: details.map((detail) => detail.scores),
          promptHash,
          costUsd,
          meanLatencyMs,
          tokens,
          stopReasons: details.map((detail) => detail.stopReason),
        }
      : { repeats: rows.length, scored, passes, passFraction, meanScore, scorerMeans, errors, promptHash, costUsd, meanLatencyMs, tokens };
    if (this.firstError) side.firstError = this.firstError;
    return side;
  }
}

/**
 * Reports show why a score failed, never why one passed, so passing reasons are dropped: on large
 * runs they are most of the memory a comparison holds. Scorer names are interned (one copy each).
 */
function compactScore(score: SampleRecord['scores'][number]): RepeatScore {
  if (score.pass && score.score === 1 && !score.error) return fullMarks(score.name);
  const compact: RepeatScore = { name: intern(score.name), score: score.score, pass: score.pass, reason: score.pass ? '' : score.reason };
  if (score.error) compact.error = score.error;
  return compact;
}

/**
 * A passing score of 1 compacts to the same value for every sample: one shared, frozen object
 * per scorer instead of one per sample (most scores of a large run, and most of the objects a
 * comparison would otherwise keep).
 */
const fullMarksByName = new Map<string, RepeatScore>();

function fullMarks(name: string): RepeatScore {
  let score = fullMarksByName.get(name);
  if (!score) {
    score = Object.freeze({ name, score: 1, pass: true, reason: '' }) as RepeatScore;
    if (fullMarksByName.size < 10_000) fullMarksByName.set(name, score);
  }
  return score;
}

const ERROR_MESSAGE_CHARS = 500;


const interned = new Map<string, string>();

function intern(text: string): string {
  const known = interned.get(text);
  if (known !== undefined) return known;
  if (interned.size < 10_000) interned.set(text, text);
  return text;
}
