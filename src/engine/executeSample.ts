/**
 * One sample, start to end: render → request → provider (with a hard timeout) → scorers → record.
 * Every path ends in a SampleRecord: a provider error becomes a classified `error`, a scorer that
 * throws or overruns its time bound becomes an errored score. Only an abort of the whole run
 * (while the provider or a scorer is still working) returns `undefined` (not done).
 */
import { errorMessage } from '../errors.js';
import { streamingDecision } from '../providers/streaming.js';
import { ProviderError, type Generation, type GenerationRequest, type Provider, type SampleDeadline } from '../providers/types.js';
import type { RenderedPrompt } from '../prompts/types.js';
import { JUDGE_ERROR, SCORER_ERROR } from '../records/errorKinds.js';
import { promptStoreLine } from '../records/promptStore.js';
import type { SampleError, SampleRecord, PromptStoreLine } from '../records/types.js';
import { runScorer, ScoringAborted, type ChaosInfo, type JudgeUsage, type Sample, type Score, type Scorer, type ScorerContext } from '../scoring/types.js';
import type { PlannedSample } from './plan.js';

export interface SourceResult {
  output: string;
  scores: Score[];
  pass: boolean;
}

export interface SampleEnvironment {
  provider: Provider;
  scorersFor(sample: PlannedSample): Scorer[];
  timeoutMs: number;
  /** Time bound of each scorer (see runScorer). */
  scorerTimeoutMs: number;
  /** Aborted when the run stops hard (fatal provider error, second Ctrl-C). */
  runSignal: AbortSignal;
  scorerContext: Omit<ScorerContext, 'signal'>;
  /** Result of a golden case, awaited by its chaos mutations. */
  sourceResult(sample: PlannedSample): Promise<SourceResult | undefined> | undefined;
}

export interface ExecutedSample {
  record: SampleRecord;
  prompt: PromptStoreLine;
  fatal?: ProviderError;
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
  if (rendered.system !== undefined && rendered.system.length > 0) request.system = rendered.system;
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

export async function executeSample(planned: PlannedSample, env: SampleEnvironment): Promise<ExecutedSample | undefined> {
  const rendered = planned.prompt.render(planned.case.vars, planned.case.id);
  const request = buildRequest(planned, rendered);
  const prompt: PromptStoreLine = promptStoreLine(rendered);
  const promptHash = prompt.hash;

  const base = baseRecord(planned, promptHash);
  let generation: Generation;
  try {
    generation = await generateWithTimeout(env, request, planned);
  } catch (error) {
    if (env.runSignal.aborted) return undefined;
    const providerError = asProviderError(error);
    const record: SampleRecord = {
      ...base,
      output: null,
      stopReason: null,
      scores: [],
      score: 0,
      pass: false,
      costUsd: 0,
      latencyMs: null,
      error: sampleErrorOf(providerError),
    };
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
  const chaos = await chaosInfo(planned, env);
  if (chaos) sample.chaos = chaos;

  const scorerContext: ScorerContext = { ...env.scorerContext, signal: env.runSignal };
  const scores: Score[] = [];
  let fatal: ProviderError | undefined;
  for (const scorer of env.scorersFor(planned)) {
    try {
      scores.push(await runScorer(scorer, sample, scorerContext, env.scorerTimeoutMs));
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
  const record: SampleRecord = {
    ...base,
    output: generation.text,
    ...(generation.toolCalls?.length ? { toolCalls: generation.toolCalls } : {}),
    stopReason: generation.stopReason,
    scores,
    score: scores.length ? roundScore(scores.reduce((total, s) => total + s.score, 0) / scores.length) : 1,
    pass: scores.every((s) => s.pass && !s.error),
    costUsd: generation.cached ? 0 : (generation.costUsd ?? 0),
    latencyMs: Math.round(generation.latencyMs),
  };
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
  const judge = sumJudgeUsage(scores);
  if (judge) record.judge = judge;
  const unscored = firstUnscored(scores);
  if (unscored) record.error = { kind: unscored.judgeUsage ? JUDGE_ERROR : SCORER_ERROR, message: `${unscored.name}: ${unscored.error}` };
  return fatal ? { record, prompt, fatal } : { record, prompt };
}

function baseRecord(planned: PlannedSample, promptHash: string) {
  const base: Pick<SampleRecord, 'type' | 'index' | 'caseId' | 'promptId' | 'version' | 'model' | 'repeat' | 'tags' | 'promptHash'> &
    Partial<SampleRecord> = {
    type: 'sample',
    index: planned.index,
    caseId: planned.case.id,
    promptId: planned.prompt.template.id,
    version: planned.prompt.template.version,
    model: planned.model,
    repeat: planned.repeat,
    tags: planned.case.tags,
    promptHash,
  };
  if (planned.case.expected !== undefined) base.expected = planned.case.expected;
  const chaos = planned.case.chaos;
  if (chaos) {
    base.chaos = {
      sourceCaseId: chaos.sourceCaseId,
      operators: chaos.operators,
      fields: chaos.fields,
      ops: chaos.ops,
      property: chaos.property,
      ...(chaos.canary ? { canary: chaos.canary } : {}),
    };
  }
  return base;
}

async function chaosInfo(planned: PlannedSample, env: SampleEnvironment): Promise<ChaosInfo | undefined> {
  const origin = planned.case.chaos;
  if (!origin) return undefined;
  const info: ChaosInfo = { sourceCaseId: origin.sourceCaseId, operators: origin.operators, fields: origin.fields };
  if (origin.canary) info.canary = origin.canary;
  const source = await env.sourceResult(planned);
  if (source) info.source = source;
  return info;
}

/**
 * The provider gets an AbortSignal, but a provider that ignores it (a hung user function) must not
 * hang the run: the race ends the sample as a timeout either way. The deadline runs from the call,
 * except while a provider says it is waiting in its own queue (rate limiter, concurrency slot,
 * token counting); when it sends, the deadline starts afresh and lasts at least what the provider
 * says its own retries may take.
 */
async function generateWithTimeout(env: SampleEnvironment, request: GenerationRequest, planned: PlannedSample): Promise<Generation> {
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(env.runSignal.reason);
  env.runSignal.addEventListener('abort', onRunAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let rejectTimeout: (error: ProviderError) => void = () => undefined;
  const timeout = new Promise<never>((_, reject) => {
    rejectTimeout = reject;
  });
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const error = new ProviderError('timeout', `no answer within ${ms} ms (per-sample timeout)`);
      controller.abort(error);
      rejectTimeout(error);
    }, ms);
  };
  arm(env.timeoutMs);
  const deadline: SampleDeadline = {
    pause: () => clearTimeout(timer),
    start: (minimumMs) => arm(Math.max(env.timeoutMs, minimumMs ?? 0)),
  };
  try {
    return await Promise.race([
      env.provider.generate(request, {
        signal: controller.signal,
        deadline,
        repeat: planned.repeat,
        caseId: planned.case.id,
        vars: planned.case.vars,
        promptId: planned.prompt.template.id,
        promptVersion: planned.prompt.template.version,
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    env.runSignal.removeEventListener('abort', onRunAbort);
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
 * names the child. The sample then ends as a `scorer_error` or (a judge's score) `judge_error`.
 */
function firstUnscored(scores: readonly Score[]): (Score & { error: string }) | undefined {
  for (const score of scores) {
    if (score.error === undefined) continue;
    return firstUnscored(score.children ?? []) ?? (score as Score & { error: string });
  }
  return undefined;
}

/** Judge calls of all scores (combinator children included), or undefined when there were none. */
export function sumJudgeUsage(scores: Score[]): JudgeUsage | undefined {
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
