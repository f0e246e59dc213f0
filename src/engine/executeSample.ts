/**
 * One sample, start to end: render → request → provider (with a hard timeout) → scorers → record.
 * Every path ends in a SampleRecord: a provider error becomes a classified `error`, a scorer that
 * throws or overruns its time bound becomes an errored score. Only an abort of the whole run
 * (while the provider or a scorer is still working) returns `undefined` (not done).
 */
import { errorMessage } from '../errors.js';
import { hasSystem } from '../providers/content.js';
import { streamingDecision } from '../providers/streaming.js';
import { ProviderError, type GenerateContext, type Generation, type GenerationRequest, type Provider, type SampleDeadline } from '../providers/types.js';
import { withLazySignal } from '../providers/lazySignal.js';
import type { ChaosOrigin } from '../datasets/types.js';
import { notExercisedReason, watchReads, type NotExercisedReason, type WatchedVars } from '../chaos/exercised.js';
import { sourceVarsOf } from '../chaos/sourceVars.js';
import type { CompiledPrompt, RenderedPrompt } from '../prompts/types.js';
import { BUDGET_SKIP, JUDGE_ERROR, SCORER_ERROR } from '../records/errorKinds.js';
import { promptStoreLine } from '../records/promptStore.js';
import { isGoldenRefusal } from '../records/stops.js';
import type { SampleError, SampleRecord, PromptStoreLine } from '../records/types.js';
import { isJudgeNotSent, isScorersOwnFailure, scoreOf, ScoringAborted, sourceNotFinishedOf, type ChaosInfo, type SourceNotFinished, type JudgeUsage, type Sample, type Score, type Scorer, type ScorerContext } from '../scoring/types.js';
import type { CheckedRenders } from './checkedRenders.js';
import { sampleDeadlines, type Deadline } from './deadlines.js';
import type { PlannedSample } from './plan.js';

export interface SourceResult {
  output: string;
  scores: Score[];
  pass: boolean;
}

export interface SampleEnvironment {
  provider: Provider;
  /** Shares the rendered request between the repeats of a case (a run passes one; default: none shared). */
  requests?: PreparedRequests;
  scorersFor(sample: PlannedSample): Scorer[];
  timeoutMs: number;
  /** Time bound of each scorer (see runScorer). */
  scorerTimeoutMs: number;
  /** Aborted when the run stops hard (fatal provider error, second Ctrl-C). */
  runSignal: AbortSignal;
  /** The provider calls in flight, abandoned when `runSignal` aborts (see `callsAbandonedOn`). */
  callsInFlight: Set<(reason: unknown) => void>;
  /** What scorers are handed: the run's signal (the same as `runSignal`) and the judge. Built once per run, not per sample. */
  scorerContext: ScorerContext;
  /** Result of a golden case, awaited by its chaos mutations. */
  sourceResult(sample: PlannedSample): Promise<SourceResult | { notFinished: SourceNotFinished } | undefined> | undefined;
}

export interface ExecutedSample {
  record: SampleRecord;
  prompt: PromptStoreLine;
  fatal?: ProviderError;
}

/**
 * The set a run's samples put their provider calls in, each by the function that abandons it: when
 * the run's signal aborts (a hard stop, a fatal error) every call still in it is abandoned with the
 * signal's reason, so a call whose provider ignores its signal (a hung function under test) does
 * not hold the stop until its per-sample timeout; `--resume` runs its sample again.
 */
export function callsAbandonedOn(runSignal: AbortSignal): Set<(reason: unknown) => void> {
  const calls = new Set<(reason: unknown) => void>();
  runSignal.addEventListener('abort', () => {
    for (const abandon of calls) abandon(runSignal.reason);
  }, { once: true });
  return calls;
}

/**
 * The request a rendered prompt makes: its system, turns, tools and tool choice as rendered, the
 * template's model parameters, and whether it streams — as the template or suite asked, else when
 * max_tokens is too large to wait for (see providers/streaming.ts).
 */
export function buildRequest(planned: PlannedSample, rendered: RenderedPrompt): GenerationRequest {
  const template = planned.prompt.template;
  const request: GenerationRequest = {
    model: planned.model,
    messages: rendered.messages,
    maxTokens: template.maxTokens,
  };
  if (hasSystem(rendered.system)) request.system = rendered.system;
  if (template.stopSequences?.length) request.stopSequences = template.stopSequences;
  if (template.params && Object.keys(template.params).length) request.params = template.params;
  if (template.output) request.outputSchema = template.output;
  if (rendered.tools?.length) request.tools = rendered.tools;
  if (rendered.toolChoice) request.toolChoice = rendered.toolChoice;
  const streaming = streamingDecision(rendered.stream, template.maxTokens);
  if (streaming.stream) request.stream = true;
  else if (rendered.stream === false) request.stream = false;
  return request;
}

/** What a sample sends and stores: its request and its prompt-store line. */
export interface PreparedRequest {
  request: GenerationRequest;
  prompt: PromptStoreLine;
  /** A chaos sample's: the hash its source case's prompt has with the same version (see sourcePromptHash). */
  sourceHash?: string;
}

/**
 * The last rendered request, reused by the next sample when it is for the same case, version and
 * model — the repeats of a case, which follow each other in the plan — instead of rendering and
 * hashing the same prompt again. Rendering is deterministic, so the reuse changes nothing but
 * the work; nothing downstream changes a request. A render the suite's check kept for the case
 * (`checked`) is used instead of rendering it again.
 */
export class PreparedRequests {
  private last: { planned: PlannedSample; prepared: PreparedRequest } | undefined;

  constructor(private readonly checked?: CheckedRenders) {}

  get(planned: PlannedSample): PreparedRequest {
    const last = this.last;
    if (last && last.planned.case === planned.case && last.planned.prompt === planned.prompt && last.planned.model === planned.model) return last.prepared;
    const prepared = prepareRequest(planned, this.checked?.take(planned.prompt, planned.case));
    this.last = { planned, prepared };
    return prepared;
  }
}

function prepareRequest(planned: PlannedSample, checked?: RenderedPrompt): PreparedRequest {
  const rendered = checked ?? planned.prompt.render(planned.case.vars, planned.case.id);
  const prepared: PreparedRequest = { request: buildRequest(planned, rendered), prompt: promptStoreLine(rendered) };
  const sourceHash = sourcePromptHash(planned);
  if (sourceHash !== undefined) prepared.sourceHash = sourceHash;
  return prepared;
}

/**
 * A chaos sample's source case rendered with the same prompt version: the hash its own sample's
 * prompt has (rendering is deterministic, and the model and parameters are the version's), found
 * here rather than from the source's sample, which may have failed, be running, or lie in an earlier
 * run's record. Undefined for golden cases and for chaos cases made outside chaos generation.
 */
function sourcePromptHash(planned: PlannedSample): string | undefined {
  const origin = planned.case.chaos;
  const vars = origin && sourceVarsOf(planned.case);
  if (!vars) return undefined;
  // The variants of one source (one per operator, and per model) share its render: keyed by the
  // source's own vars object, so an entry lives as long as the source case.
  let byVars = SOURCE_HASHES.get(planned.prompt);
  if (!byVars) SOURCE_HASHES.set(planned.prompt, (byVars = new WeakMap()));
  let hash = byVars.get(vars);
  if (hash === undefined) {
    hash = promptStoreLine(planned.prompt.render(vars, origin.sourceCaseId)).hash;
    byVars.set(vars, hash);
  }
  return hash;
}

/** Prompt version → source vars → the hash of the source's prompt (see sourcePromptHash). */
const SOURCE_HASHES = new WeakMap<CompiledPrompt, WeakMap<object, string>>();

export async function executeSample(planned: PlannedSample, env: SampleEnvironment): Promise<ExecutedSample | undefined> {
  const { request, prompt, sourceHash } = env.requests ? env.requests.get(planned) : prepareRequest(planned);
  // A chaos sample whose request is its source's reaches the provider only through the vars it is
  // handed (a function under test): whether it reads a mutated one decides if the sample tested anything.
  const watched = sourceHash === prompt.hash && planned.case.chaos ? watchReads(planned.case.vars, planned.case.chaos.fields) : undefined;
  const exercise = (): Exercise | undefined => exerciseOf(prompt.hash, sourceHash, watched);
  let generation: Generation;
  try {
    generation = await generateWithTimeout(env, request, planned, watched?.vars);
  } catch (error) {
    if (env.runSignal.aborted) return undefined;
    const providerError = asProviderError(error);
    // An answer refused after it was given (bad_output) keeps its text, usage and cost.
    const answered = providerError.generation;
    const record = answered
      ? withGeneration(newRecord(planned, prompt.hash, answerOutcome(answered, [], 0, false), exercise()), answered)
      : newRecord(planned, prompt.hash, { output: null, stopReason: null, scores: [], score: 0, pass: false, costUsd: 0, latencyMs: null }, exercise());
    record.error = sampleErrorOf(providerError);
    if (providerError.attempts !== undefined) record.attempts = providerError.attempts;
    return { record, prompt, fatal: providerError.fatal ? providerError : undefined };
  }

  const sample: Sample = {
    caseId: planned.case.id,
    vars: planned.case.vars,
    expected: planned.case.expected,
    tags: planned.case.tags,
    output: generation.text,
    generation,
    request,
    promptId: planned.prompt.template.id,
    promptVersion: planned.prompt.template.version,
    model: planned.model,
    repeat: planned.repeat,
  };
  if (planned.case.chaos) sample.chaos = await chaosInfo(planned.case.chaos, planned, env);

  const scorerContext = env.scorerContext;
  const scores: Score[] = [];
  let fatal: ProviderError | undefined;
  for (const scorer of env.scorersFor(planned)) {
    try {
      const pending = scoreOf(scorer, sample, scorerContext, env.scorerTimeoutMs);
      const score = pending instanceof Promise ? await pending : pending;
      scores.push(score);
      // Now left for --resume, which scores it again: the other scorers' judges would be paid twice.
      if (score.error !== undefined && isLeftForResume(firstUnscored(scores)!)) break;
    } catch (error) {
      // A hard stop while a scorer was still working: the sample is not done, --resume runs it.
      if (error instanceof ScoringAborted) return undefined;
      // Otherwise only an error that will fail every sample gets here (a judge's bad key, unknown
      // model, spend limit): the sample records it and the run stops.
      if (env.runSignal.aborted && !(error instanceof ProviderError)) return undefined;
      fatal = asProviderError(error);
      scores.push({ name: scorer.name, score: 0, pass: false, reason: `judge error: ${fatal.message}`, error: fatal.message, judgeUsage: emptyJudgeUsage() });
      break;
    }
  }
  let scoreSum = 0;
  let pass = true;
  for (const score of scores) {
    scoreSum += score.score;
    if (!score.pass || score.error) pass = false;
  }
  if (isGoldenRefusal({ stopReason: generation.stopReason, chaos: planned.case.chaos })) pass = false;
  const record = withGeneration(newRecord(planned, prompt.hash, answerOutcome(generation, scores, scores.length ? roundScore(scoreSum / scores.length) : 1, pass), exercise()), generation);
  const judge = sumJudgeUsage(scores);
  if (judge) record.judge = judge;
  const unscored = firstUnscored(scores);
  if (unscored) record.error = unscoredError(unscored);
  return fatal ? { record, prompt, fatal } : { record, prompt };
}

/**
 * A sample line's outcome: the answer's text, stop reason, cost (none when cached) and latency, and
 * the scores. One object literal, not a spread: this runs once per sample.
 */
function answerOutcome(generation: Generation, scores: Score[], score: number, pass: boolean): Outcome {
  return {
    output: generation.text,
    stopReason: generation.stopReason,
    scores,
    score,
    pass,
    costUsd: generation.cached ? 0 : (generation.costUsd ?? 0),
    latencyMs: Math.round(generation.latencyMs),
  };
}

/** The answer's optional facts on its sample line (tool calls, usage, streaming, caching …). */
function withGeneration(record: SampleRecord, generation: Generation): SampleRecord {
  if (generation.toolCalls?.length) record.toolCalls = generation.toolCalls;
  if (generation.stopDetails) record.stopDetails = generation.stopDetails;
  if (generation.usage) record.usage = generation.usage;
  if (generation.streamed) record.streamed = true;
  if (generation.ttftMs !== undefined) record.ttftMs = Math.round(generation.ttftMs);
  if (generation.cacheSavedUsd !== undefined && !generation.cached) record.cacheSavedUsd = generation.cacheSavedUsd;
  if (generation.attempts !== undefined) record.attempts = generation.attempts;
  if (generation.cached) record.cached = true;
  if (generation.droppedParams?.length) record.droppedParams = generation.droppedParams;
  if (generation.thinking) record.thinking = generation.thinking;
  if (generation.stopSequence) record.stopSequence = generation.stopSequence;
  if (generation.requestId) record.requestId = generation.requestId;
  if (generation.pricesAsOf && !generation.cached) record.pricesAsOf = generation.pricesAsOf;
  return record;
}

type Outcome = Pick<SampleRecord, 'output' | 'stopReason' | 'scores' | 'score' | 'pass' | 'costUsd' | 'latencyMs'>;

/** What a chaos sample whose request was its source's says of it: not exercised, or exercised by the provider reading a mutated var. */
type Exercise = { notExercised: NotExercisedReason } | { readMutatedVars: true };

function exerciseOf(promptHash: string, sourceHash: string | undefined, watched: WatchedVars | undefined): Exercise | undefined {
  const read = watched?.read() ?? false;
  const reason = notExercisedReason(promptHash, sourceHash, read);
  if (reason) return { notExercised: reason };
  return watched && read ? { readMutatedVars: true } : undefined;
}

/** A sample line: where it sits in the plan, its case, and its outcome; optional fields are added by the caller. */
function newRecord(planned: PlannedSample, promptHash: string, outcome: Outcome, exercise?: Exercise): SampleRecord {
  const record: SampleRecord = {
    type: 'sample',
    index: planned.index,
    caseId: planned.case.id,
    promptId: planned.prompt.template.id,
    version: planned.prompt.template.version,
    model: planned.model,
    repeat: planned.repeat,
    tags: planned.case.tags,
    promptHash,
    output: outcome.output,
    stopReason: outcome.stopReason,
    scores: outcome.scores,
    score: outcome.score,
    pass: outcome.pass,
    costUsd: outcome.costUsd,
    latencyMs: outcome.latencyMs,
  };
  if (planned.case.expected !== undefined) record.expected = planned.case.expected;
  const chaos = planned.case.chaos;
  if (chaos) {
    record.chaos = {
      sourceCaseId: chaos.sourceCaseId,
      operators: chaos.operators,
      fields: chaos.fields,
      ops: chaos.ops,
      property: chaos.property,
      ...(chaos.canary ? { canary: chaos.canary } : {}),
      ...exercise,
    };
  }
  return record;
}

async function chaosInfo(origin: ChaosOrigin, planned: PlannedSample, env: SampleEnvironment): Promise<ChaosInfo> {
  const info: ChaosInfo = { sourceCaseId: origin.sourceCaseId, operators: origin.operators, fields: origin.fields };
  if (origin.canary) info.canary = origin.canary;
  const source = await env.sourceResult(planned);
  if (source && 'notFinished' in source) info.sourceNotFinished = source.notFinished;
  else if (source) info.source = source;
  return info;
}

/**
 * The provider gets an AbortSignal, but a provider that ignores it (a hung user function) must not
 * hang the run: the sample ends as a timeout either way. The deadline runs from the call, except
 * while a provider says it is waiting in its own queue (rate limiter, concurrency slot, token
 * counting); when it sends, the deadline starts afresh and lasts at least what the provider says
 * its own retries may take. The signal (and its link to the run's) is made when the provider first
 * reads it: a function under test that never does costs no AbortController.
 */
async function generateWithTimeout(env: SampleEnvironment, request: GenerationRequest, planned: PlannedSample, vars = planned.case.vars): Promise<Generation> {
  let controller: AbortController | undefined;
  const onRunAbort = () => controller!.abort(env.runSignal.reason);
  const signal = (): AbortSignal => {
    if (!controller) {
      controller = new AbortController();
      if (env.runSignal.aborted) controller.abort(env.runSignal.reason);
      else env.runSignal.addEventListener('abort', onRunAbort, { once: true });
    }
    return controller.signal;
  };
  let running: Deadline | undefined;
  let rejectTimeout: (error: unknown) => void = () => undefined;
  const arm = (ms: number) => {
    running?.cancel();
    running = sampleDeadlines.set(ms, () => {
      const error = new ProviderError('timeout', `no answer within ${ms} ms (per-sample timeout)`);
      controller?.abort(error);
      rejectTimeout(error);
    });
  };
  const deadline: SampleDeadline = {
    pause: () => running?.cancel(),
    start: (minimumMs) => arm(Math.max(env.timeoutMs, minimumMs ?? 0)),
  };
  const context: GenerateContext = withLazySignal(
    {
      deadline,
      repeat: planned.repeat,
      caseId: planned.case.id,
      vars,
      promptId: planned.prompt.template.id,
      promptVersion: planned.prompt.template.version,
    },
    signal,
  );
  try {
    return await new Promise<Generation>((resolve, reject) => {
      rejectTimeout = reject;
      env.callsInFlight.add(reject);
      arm(env.timeoutMs);
      Promise.resolve(env.provider.generate(request, context)).then(resolve, reject);
    });
  } finally {
    env.callsInFlight.delete(rejectTimeout);
    running?.cancel();
    if (controller) env.runSignal.removeEventListener('abort', onRunAbort);
  }
}

/** The record's error: kind and message, plus the API's error code, request id and asked wait when known. */
function sampleErrorOf(error: ProviderError): SampleError {
  const recorded: SampleError = { kind: error.kind, message: error.message };
  if (error.code) recorded.code = error.code;
  if (error.requestId) recorded.requestId = error.requestId;
  if (error.retryAfterMs !== undefined) recorded.retryAfterMs = error.retryAfterMs;
  return recorded;
}

function asProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof Error && error.name === 'AbortError') return new ProviderError('timeout', 'aborted');
  return new ProviderError('provider_error', errorMessage(error), { cause: error });
}

function emptyJudgeUsage(): JudgeUsage {
  return { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: 0, cached: 0 };
}

/**
 * The score that could not be given, deepest first: a combinator that errored because a child did
 * names the child. It decides how the sample ends (see unscoredError).
 */
function firstUnscored(scores: readonly Score[]): (Score & { error: string }) | undefined {
  for (const score of scores) {
    if (score.error === undefined) continue;
    return firstUnscored(score.children ?? []) ?? (score as Score & { error: string });
  }
  return undefined;
}

/** A score that --resume gives again: its judge was not sent, or the source case it compares with did not finish. */
function isLeftForResume(score: Score): boolean {
  return isJudgeNotSent(score) || sourceNotFinishedOf(score) !== undefined;
}

/**
 * A sample left unscored by `score`: its source case's error when that source did not finish (a
 * chaos comparison left for --resume), a `budget` skip (--resume scores it again) when the budget did
 * not send its judge call, a `judge_error` when its judge gave no usable answer, else a `scorer_error`.
 */
function unscoredError(score: Score & { error: string }): SampleError {
  const source = sourceNotFinishedOf(score);
  if (source) return { kind: source.kind, ...(source.code !== undefined && { code: source.code }), message: `${score.name}: ${score.error}` };
  if (isJudgeNotSent(score)) return { kind: BUDGET_SKIP, message: `${score.name}'s judge: ${score.error}` };
  return { kind: score.judgeUsage && !isScorersOwnFailure(score) ? JUDGE_ERROR : SCORER_ERROR, message: `${score.name}: ${score.error}` };
}

/** Judge calls of all scores (combinator children included), or undefined when there were none. */
export function sumJudgeUsage(scores: Score[]): JudgeUsage | undefined {
  if (!scores.some((score) => score.judgeUsage || score.children)) return undefined;
  let total: JudgeUsage | undefined;
  const visit = (score: Score) => {
    if (score.judgeUsage) {
      total ??= { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: 0, cached: 0 };
      total.calls += score.judgeUsage.calls;
      total.inputTokens += score.judgeUsage.inputTokens;
      total.outputTokens += score.judgeUsage.outputTokens;
      total.costUsd += score.judgeUsage.costUsd;
      total.latencyMs += score.judgeUsage.latencyMs;
      total.cached += score.judgeUsage.cached;
    }
    score.children?.forEach(visit);
  };
  scores.forEach(visit);
  return total;
}

function roundScore(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
