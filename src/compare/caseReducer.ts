/**
 * Streaming reduction of one side's samples into one CaseSide per (cell, case). Numbers are folded
 * in as samples arrive; per repeat only what a report shows is kept (pass, score, scores, output,
 * error kind), so memory grows with cases × repeats of small values, never with whole records.
 * Without repeat details (`keepRepeatDetails` false) a repeat keeps only the numbers the means are
 * made of: no output, reason or stop reason, which on large runs is most of what a comparison holds.
 */
import { totalInputTokens } from '../providers/tokens.js';
import { stopKindOf } from '../records/stops.js';
import { isScored } from '../records/summary.js';
import type { SampleRecord } from '../records/types.js';
import type { CaseSide, RepeatScore } from './types.js';
import { clipText } from '../text.js';

/** The fields of a sample record that a comparison reads (a baseline line provides the same). */
export type ComparableSample = Pick<
  SampleRecord,
  'caseId' | 'version' | 'model' | 'repeat' | 'tags' | 'promptHash' | 'output' | 'stopReason' | 'scores' | 'score' | 'pass' | 'costUsd' | 'latencyMs'
> &
  Partial<Pick<SampleRecord, 'usage' | 'cached' | 'error' | 'chaos' | 'judge' | 'cacheSavedUsd'>>;

interface RepeatEntry {
  repeat: number;
  scored: boolean;
  pass: boolean;
  score: number;
  scores: RepeatScore[];
  output: string | null;
  error: string | null;
  stopReason: string | null;
}

export class CaseAccumulator {
  readonly caseId: string;
  tags: string[];
  chaos: { operators: string[]; sourceCaseId: string } | undefined;
  promptHash: string;
  private readonly entries: RepeatEntry[] = [];
  /** Whether each repeat's output, scores with reasons and stop reason are kept for the case side. */
  readonly keepRepeatDetails: boolean;
  costUsd = 0;
  judgeCostUsd = 0;
  /** Samples that were not served from the response cache: the denominator of cost and token means. */
  billedSamples = 0;
  inputTokens = 0;
  outputTokens = 0;
  /** Latencies of this case's uncached, successful samples (for cell percentiles). */
  readonly latencies: number[] = [];
  /** Prompt caching of billed samples: those that read or wrote the cache, those that read, tokens read, USD saved. */
  readonly promptCache = { samples: 0, hits: 0, readTokens: 0, savedUsd: 0 };
  /** Scored golden samples, and those that were refusals, cut at max_tokens or stopped by the context window (as the run summary counts them). */
  readonly stops = { scored: 0, refusals: 0, maxTokens: 0, contextWindow: 0 };
  /** The case's first error with its message (the reports quote it). */
  private firstError: { kind: string; message: string } | undefined;

  constructor(first: ComparableSample, keepRepeatDetails = true) {
    this.keepRepeatDetails = keepRepeatDetails;
    this.caseId = first.caseId;
    this.tags = first.tags ?? [];
    this.promptHash = first.promptHash;
    this.chaos = first.chaos ? { operators: [...first.chaos.operators], sourceCaseId: first.chaos.sourceCaseId } : undefined;
  }

  add(sample: ComparableSample): void {
    const scored = isScored(sample);
    if (scored && !sample.chaos) this.countStop(sample);
    if (sample.error && !this.firstError) this.firstError = { kind: sample.error.kind, message: clipText(sample.error.message, ERROR_MESSAGE_CHARS) };
    const details = this.keepRepeatDetails;
    this.entries.push({
      repeat: sample.repeat,
      scored,
      pass: sample.pass,
      score: sample.score,
      scores: sample.scores.map(details ? compactScore : scoreValue),
      output: details && !sample.error ? sample.output : null,
      error: sample.error?.kind ?? null,
      stopReason: details ? (sample.stopReason ?? null) : null,
    });
    if (sample.judge) this.judgeCostUsd += sample.judge.costUsd;
    if (sample.cached) return; // cached answers cost nothing now and their latency is not this run's
    this.billedSamples++;
    this.costUsd += sample.costUsd;
    if (sample.usage) {
      this.inputTokens += totalInputTokens(sample.usage);
      this.outputTokens += sample.usage.outputTokens;
      const reads = sample.usage.cacheReadInputTokens ?? 0;
      if (reads > 0 || (sample.usage.cacheCreationInputTokens ?? 0) > 0) {
        this.promptCache.samples++;
        if (reads > 0) this.promptCache.hits++;
        this.promptCache.readTokens += reads;
        this.promptCache.savedUsd += sample.cacheSavedUsd ?? 0;
      }
    }
    if (sample.latencyMs !== null && !sample.error) this.latencies.push(sample.latencyMs);
  }

  private countStop(sample: ComparableSample): void {
    this.stops.scored++;
    const kind = stopKindOf(sample);
    if (kind === 'refusal') this.stops.refusals++;
    else if (kind) this.stops[kind]++;
  }

  get samples(): number {
    return this.entries.length;
  }

  /**
   * The case's side of a comparison, in one pass over its repeats in repeat order. Sums run in that
   * order, scored repeats only, so the means are the same to the last bit on every reading.
   */
  toCaseSide(): CaseSide {
    const entries = inRepeatOrder(this.entries);
    let scored = 0;
    let passes = 0;
    let scoreTotal = 0;
    const scorerSums = new Map<string, { total: number; count: number }>();
    const errors: string[] = [];
    const outputs: Array<string | null> = [];
    const scores: RepeatScore[][] = [];
    const stopReasons: Array<string | null> = [];
    for (const entry of entries) {
      if (entry.error !== null) errors.push(entry.error);
      if (this.keepRepeatDetails) {
        outputs.push(entry.output);
        scores.push(entry.scores);
        stopReasons.push(entry.stopReason);
      }
      if (!entry.scored) continue;
      scored++;
      if (entry.pass) passes++;
      scoreTotal += entry.score;
      for (const score of entry.scores) {
        let sum = scorerSums.get(score.name);
        if (!sum) {
          sum = { total: 0, count: 0 };
          scorerSums.set(score.name, sum);
        }
        sum.total += score.score;
        sum.count++;
      }
    }
    const scorerMeans: Record<string, number> = {};
    for (const name of [...scorerSums.keys()].sort()) {
      const { total, count } = scorerSums.get(name)!;
      scorerMeans[name] = total / count;
    }
    const details = this.keepRepeatDetails;
    return {
      repeats: entries.length,
      scored,
      passes,
      passFraction: scored ? passes / scored : NaN,
      meanScore: scored ? scoreTotal / scored : NaN,
      scorerMeans,
      errors,
      ...(details ? { outputs, scores } : {}),
      promptHash: this.promptHash,
      costUsd: this.costUsd,
      meanLatencyMs: this.latencies.length ? this.latencies.reduce((a, b) => a + b, 0) / this.latencies.length : null,
      tokens: { input: this.inputTokens, output: this.outputTokens },
      ...(details ? { stopReasons } : {}),
      ...(this.firstError ? { firstError: this.firstError } : {}),
    };
  }
}

/** The entries by repeat (a stable sort, so a repeated repeat number keeps its reading order); as they are when already in order. */
function inRepeatOrder(entries: RepeatEntry[]): RepeatEntry[] {
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.repeat < entries[i - 1]!.repeat) return [...entries].sort((a, b) => a.repeat - b.repeat);
  }
  return entries;
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

/** A score as the means need it, without its reason (a repeat kept without details). */
function scoreValue(score: SampleRecord['scores'][number]): RepeatScore {
  if (score.pass && score.score === 1 && !score.error) return fullMarks(score.name);
  return { name: intern(score.name), score: score.score, pass: score.pass, reason: '' };
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
