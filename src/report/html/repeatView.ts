/** A recorded sample as the case details show it: compact keys, outputs cut, scorers and reasons interned. */
import type { SampleRecord } from '../../records/types.js';
import { isScored } from '../../records/summary.js';
import { refusedSampleText } from '../digest.js';
import type { Interner } from './interner.js';
import { showText } from './text.js';
import { addScore, type DetailRepeat, type RepeatView, type ScoreInput, type ScoreTuple } from './types.js';

/** Scorer reasons are one sentence; anything longer is cut. */
export const REASON_CHARS = 2000;

export interface RepeatContext {
  scorers: Interner;
  strings: Interner;
  outputChars: number;
  /** Incremented for every output cut to `outputChars`. */
  truncated: { outputs: number };
}

export function toRepeatView(sample: SampleRecord, context: RepeatContext): RepeatView {
  const view: RepeatView = {
    r: sample.repeat,
    o: null,
    score: shownScore(sample),
    pass: sample.pass ? 1 : 0,
    s: [],
    p: sample.promptHash,
    usd: sample.costUsd,
    ms: sample.latencyMs,
    stop: sample.stopReason,
  };
  for (const score of sample.scores) addRecordScore(view, score, context);
  return addShownFields(view, sample, context);
}

/**
 * A recorded sample as the page's details get it: `toRepeatView` made into a `DetailRepeat` (see
 * pageData.ts) in one step, with the same keys in the same order. `reasonIndex` numbers a
 * (shown) reason in the chunk's string table; the caller adds `p` when the repeat needs one.
 */
export function toDetailRepeat(sample: SampleRecord, context: Pick<RepeatContext, 'scorers' | 'outputChars' | 'truncated'>, reasonIndex: (reason: string) => number): DetailRepeat {
  const scores: ScoreTuple[] = [];
  const scorers = context.scorers;
  const recorded = sample.scores;
  for (let at = 0; at < recorded.length; at++) {
    const score = recorded[at]!;
    // Samples list their scorers in the same order: the name is nearly always the one at its position.
    const scorer = scorers.values[at] === score.name ? at : scorers.index(score.name);
    const tuple: [number, number, 0 | 1, number] = [scorer, round3(score.score), score.pass ? 1 : 0, reasonIndex(showText(score.reason, REASON_CHARS).text)];
    scores.push(score.error === undefined ? tuple : [...tuple, score.error]);
  }
  const view = addShownFields(
    { r: sample.repeat, o: null, score: shownScore(sample), pass: sample.pass ? 1 : 0, usd: sample.costUsd, ms: sample.latencyMs, stop: sample.stopReason },
    sample,
    context,
  );
  return Object.assign(view, { s: scores });
}

/** A sample's rounded score; null when it was not scored, which is no score of 0. */
function shownScore(sample: SampleRecord): number | null {
  return isScored(sample) ? round3(sample.score) : null;
}

type ShownFields = Omit<RepeatView, 's' | 'se' | 'p'>;

/** The output, usage, error, tool calls and timing of a sample, added to its repeat's view in the page's key order. */
function addShownFields<View extends ShownFields>(view: View, sample: SampleRecord, context: Pick<RepeatContext, 'outputChars' | 'truncated'>): View {
  if (sample.output !== null) {
    const shown = showText(sample.output, context.outputChars);
    view.o = shown.text;
    if (shown.cut !== undefined) {
      view.cut = shown.cut;
      context.truncated.outputs++;
    }
  }
  if (sample.usage) {
    view.in = sample.usage.inputTokens + (sample.usage.cacheCreationInputTokens ?? 0) + (sample.usage.cacheReadInputTokens ?? 0);
    view.out = sample.usage.outputTokens;
  }
  if (sample.error) view.err = { kind: sample.error.kind, message: showText(sample.error.message, context.outputChars).text };
  if (sample.cached) view.cached = 1;
  if (sample.toolCalls?.length) view.tc = sample.toolCalls.map((call) => showText(`${call.name} ${JSON.stringify(call.input)}`, context.outputChars).text);
  if (sample.ttftMs !== undefined) view.ttft = sample.ttftMs;
  const refused = refusedSampleText(sample);
  if (refused !== undefined) view.refused = refused;
  return view;
}

/** Adds a recorded score to a repeat, its scorer and reason interned. */
export function addRecordScore(
  view: RepeatView,
  score: { name: string; score: number; pass: boolean; reason: string; error?: string },
  context: RepeatContext,
): void {
  const input: ScoreInput = { scorer: context.scorers.index(score.name), score: round3(score.score), pass: score.pass, reason: context.strings.index(showText(score.reason, REASON_CHARS).text) };
  if (score.error !== undefined) input.error = score.error;
  addScore(view, input);
}

/** The expected value of a case as the details show it (JSON for structured values), cut like outputs. */
export function expectedView(expected: unknown, outputChars: number): string {
  return showText(typeof expected === 'string' ? expected : JSON.stringify(expected, null, 2), outputChars).text;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
