/**
 * Streams one run record into what the report needs: the header, per-cell summaries, and each
 * case's repeats in compact form (outputs cut to a limit). Nothing else of a sample is kept.
 */
import { checkHeader, readRecordLines } from '../../records/reader.js';
import { recordDisplayName, runFilesOf } from '../../records/runDir.js';
import { DigestBuilder, type FailureDigest } from '../../records/digest.js';
import { SummaryBuilder, summaryPolicyOf } from '../../records/summary.js';
import type { CellSummary, RecordHeader, RecordSummary, SampleRecord } from '../../records/types.js';
import { InputError } from '../../errors.js';
import { baselineComplete, isBaselineCaseLine, samplesOfBaselineCase } from './baselineLines.js';
import type { Interner } from './interner.js';
import { showText } from './text.js';
import { addScore, type RepeatView, type RunView, type ScoreInput } from './types.js';

/** Scorer reasons are one sentence; anything longer is cut. */
export const REASON_CHARS = 2000;

export interface CaseSamples {
  caseId: string;
  version: string;
  model: string;
  tags: string[];
  chaos?: { operators: string[]; source: string };
  expected?: string;
  /** The prompt hash of the case's first sample; a repeat carries its own `p` only when it differs. */
  p: string;
  repeats: RepeatView[];
}

export interface CollectedRun {
  view: RunView;
  cells: CellSummary[];
  /** The run's summary, rebuilt from its samples (totals, `tooManyErrors`, robustness). */
  summary: RecordSummary;
  /** Why its samples failed or were not scored. */
  digest: FailureDigest;
  /** Repeats per case the run planned. */
  repeats: number;
  threshold: number | null;
  /** Keyed by `caseKey(version, model, caseId)`, in record order. */
  cases: Map<string, CaseSamples>;
  recordFile: string;
  promptsFile: string;
}

export interface CollectContext {
  scorers: Interner;
  strings: Interner;
  outputChars: number;
  /** Incremented for every output cut to `outputChars`. */
  truncated: { outputs: number };
}

export function caseKey(version: string, model: string, caseId: string): string {
  return `${version}\u0000${model}\u0000${caseId}`;
}

export async function collectRun(dir: string, label: string, context: CollectContext): Promise<CollectedRun> {
  const files = await runFilesOf(dir);
  let header: RecordHeader | undefined;
  let summaryThreshold: number | null | undefined;
  let builder: SummaryBuilder | undefined;
  const cases = new Map<string, CaseSamples>();
  const digest = new DigestBuilder();
  let samples = 0;
  for await (const { value, line } of readRecordLines(files.record)) {
    if (value.type === 'header') {
      header = checkHeader(value, files.record, line);
      builder = new SummaryBuilder(summaryPolicyOf(header));
      for (const prompt of header.prompts) for (const model of header.models) builder.declareCell(prompt.version, model);
    } else if (value.type === 'sample') {
      if (!builder) throw new InputError('a sample comes before the record header', { file: files.record, line });
      builder.add(value);
      digest.add(value);
      addSample(cases, value, context);
      samples++;
    } else if (value.type === 'summary') {
      summaryThreshold = value.threshold;
    } else if (isBaselineCaseLine(value)) {
      if (!builder) throw new InputError('a case comes before the baseline header', { file: files.record, line });
      for (const sample of samplesOfBaselineCase(value)) {
        builder.add(sample);
        digest.add(sample);
        addSample(cases, sample, context);
        samples++;
      }
    }
  }
  if (!header || !builder) throw new InputError('the record has no header line', { file: files.record, line: 1 }, 'is this a promptgold run.jsonl?');
  const threshold = summaryThreshold !== undefined ? summaryThreshold : thresholdOf(header);
  const summary = builder.build();
  return {
    view: {
      label,
      source: recordDisplayName(files.record),
      suite: header.suite,
      complete: baselineComplete(header) ?? summaryThreshold !== undefined,
      samples,
      commit: header.git.commit,
      prompts: header.prompts.map(({ id, version, hash }) => ({ id, version, hash })),
      models: header.models,
      notScored: summary.totals.notScored,
      maxErrorRate: summary.maxErrorRate,
      tooManyErrors: summary.tooManyErrors,
    },
    cells: summary.cells.filter((cell) => cell.samples > 0),
    summary,
    digest: digest.build(),
    repeats: Number(header.options['repeats'] ?? 1),
    threshold,
    cases,
    recordFile: files.record,
    promptsFile: files.prompts,
  };
}

function thresholdOf(header: RecordHeader): number | null {
  const threshold = header.options.threshold;
  return typeof threshold === 'number' ? threshold : null;
}

function addSample(cases: Map<string, CaseSamples>, sample: SampleRecord, context: CollectContext): void {
  const key = caseKey(sample.version, sample.model, sample.caseId);
  let group = cases.get(key);
  if (!group) {
    group = { caseId: sample.caseId, version: sample.version, model: sample.model, tags: sample.tags, p: sample.promptHash, repeats: [] };
    if (sample.chaos) group.chaos = { operators: sample.chaos.operators, source: sample.chaos.sourceCaseId };
    if (sample.expected !== undefined) group.expected = showText(expectedText(sample.expected), context.outputChars).text;
    cases.set(key, group);
  }
  const view = toRepeatView(sample, context);
  // 64 characters per repeat add up on large runs: the hash is kept once per case.
  if (view.p === group.p) view.p = undefined;
  group.repeats.push(view);
}

function expectedText(expected: unknown): string {
  return typeof expected === 'string' ? expected : JSON.stringify(expected, null, 2);
}

export function toRepeatView(sample: SampleRecord, context: CollectContext): RepeatView {
  const view: RepeatView = {
    r: sample.repeat,
    o: null,
    score: round3(sample.score),
    pass: sample.pass ? 1 : 0,
    s: [],
    p: sample.promptHash,
    usd: sample.costUsd,
    ms: sample.latencyMs,
    stop: sample.stopReason,
  };
  for (const score of sample.scores) addRecordScore(view, score, context);
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
  return view;
}

/** Adds a recorded score to a repeat, its scorer and reason interned. */
export function addRecordScore(
  view: RepeatView,
  score: { name: string; score: number; pass: boolean; reason: string; error?: string },
  context: CollectContext,
): void {
  const input: ScoreInput = { scorer: context.scorers.index(score.name), score: round3(score.score), pass: score.pass, reason: context.strings.index(showText(score.reason, REASON_CHARS).text) };
  if (score.error !== undefined) input.error = score.error;
  addScore(view, input);
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
