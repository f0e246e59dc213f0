/**
 * The scorer contract: `(sample) → score`. A scorer is a plain object with a name and a
 * (possibly async) `score` function, built by a factory such as `fuzzy({ threshold: 0.8 })`.
 * Scorers never touch the network themselves except through `context.judge` (rubric scorers).
 */
import { isBudgetRefusal, ProviderError, type Generation, type GenerationRequest, type Provider } from '../providers/types.js';
import { checkTimerMs } from '../nodeTimers.js';
import { addGenerationUsage, emptyJudgeUsage, roundedUsage } from '../judge/call.js';

export interface Sample {
  caseId: string;
  vars: Record<string, unknown>;
  expected?: unknown;
  tags: string[];
  /** The model's answer (text). */
  output: string;
  generation: Generation;
  request: GenerationRequest;
  promptId: string;
  promptVersion: string;
  model: string;
  repeat: number;
  /** For chaos samples: the operator(s) applied and the source case's result, if available. */
  chaos?: ChaosInfo;
}

export interface ChaosInfo {
  sourceCaseId: string;
  operators: string[];
  fields: string[];
  /** Canary planted by an injection operator: its appearance in the output means the injection worked. */
  canary?: string;
  /** The source case's output and scores for the same version × model × repeat, when known. */
  source?: { output: string; scores: Score[]; pass: boolean };
  /**
   * Set instead of `source` when the source case's sample did not finish (a budget skip, a batch
   * request that expired, was canceled or came back without a result: --resume runs it): its error.
   * A comparison with it waits for --resume too.
   */
  sourceNotFinished?: SourceNotFinished;
}

/** The error of a source case's sample that did not finish: what its chaos variants end with too. */
export interface SourceNotFinished {
  kind: string;
  code?: string;
  message: string;
}

export interface Score {
  name: string;
  /** 0..1 */
  score: number;
  pass: boolean;
  /** One human sentence: "similarity 0.71 < 0.80 to expected.summary". */
  reason: string;
  details?: Record<string, unknown>;
  /**
   * Set when the scorer could not score (it threw, or a judge refused): the sample counts as
   * failed for this scorer and the report shows the error; it is never a silent 0.
   */
  error?: string;
  /** Sub-scores of combinators and checklists, each with its own reason. */
  children?: Score[];
  /** What judge calls this score took (rubric scorers): kept apart from the generator's usage. */
  judgeUsage?: JudgeUsage;
}

export interface JudgeUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  /** Calls served from the response cache (no cost, no latency). */
  cached: number;
}

export interface ScorerContext {
  signal: AbortSignal;
  /** Provider stack for judge calls (rubric scorers); pacing, cache and cost apply to it. */
  judge?: (model: string) => Provider;
  /**
   * A judge Provider a scorer was given directly (`rubric({ judge: provider })`), put behind the
   * run's budget, so its calls are refused once the budget is spent and count in what it spent.
   */
  ownJudge?: (provider: Provider) => Provider;
}

export interface Scorer {
  readonly name: string;
  /** The model a judge-based scorer calls, so a run can warn when it also is the model under test. */
  readonly judgeModel?: string;
  /** The judge calls it makes per sample at most, so a run can forecast and budget them. */
  readonly judgeCalls?: { perSample: number; maxOutputTokens: number };
  /**
   * The scorers it runs on a sample (a combinator's, the one sameAsSource compares with), listed
   * once for each time it may run them, so the pre-run checks and the cost forecast see their judges.
   */
  readonly children?: readonly Scorer[];
  /**
   * A scorer it runs on a chaos sample's source answer only when the source's record has no score
   * of that scorer's name to reuse (sameAsSource's): the forecast counts its judge calls only then.
   */
  readonly sourceScorer?: Scorer;
  score(sample: Sample, context: ScorerContext): Score | Promise<Score>;
}

/** Thrown by runScorer when the run stopped hard while a scorer was still working: the sample is not done. */
export class ScoringAborted extends Error {
  constructor(readonly reason: unknown) {
    super('the run stopped while a scorer was working');
    this.name = 'ScoringAborted';
  }
}

/**
 * Run a scorer so that a throw or rejection becomes an errored score, never a crash. With a time
 * bound, a scorer that has not answered within `timeoutMs` ends as an errored score (its signal is
 * aborted, so a judge call stops) and the run goes on; one that returned synchronously but took
 * longer is reported the same way. A synchronous scorer cannot be interrupted while it runs (see
 * the README's reliability section). A timed-out score carries the usage of the judge calls that
 * answered before the bound; calls still in flight are aborted, and count nothing, as in the budget.
 * When `context.signal` aborts while a scorer's promise is pending, runScorer throws
 * ScoringAborted: the sample is left for --resume rather than recorded with a spurious error. A
 * judge call the budget refused to send ends as an errored score marked not sent (isJudgeNotSent),
 * never as a throw, so a combinator waits for its other children and keeps their judge usage. Only
 * scorers that return a promise cost a timer.
 */
export async function runScorer(scorer: Scorer, sample: Sample, context: ScorerContext, timeoutMs?: number): Promise<Score> {
  if (timeoutMs !== undefined) checkTimerMs('timeoutMs', timeoutMs);
  return scoreOf(scorer, sample, context, timeoutMs);
}

/**
 * runScorer without the promise when the scorer is synchronous: the score itself, or a promise
 * when the scorer returned one. Errors are handled the same way (a ScoringAborted or a fatal
 * judge error is thrown synchronously here). The engine scores every sample through this, so
 * plain scorers cost no promise and no extra turn of the event loop.
 */
export function scoreOf(scorer: Scorer, sample: Sample, context: ScorerContext, timeoutMs?: number): Score | Promise<Score> {
  // Only a call bounded here counts its own judge calls: a child scored without a bound (a
  // combinator's, sameAsSource's) is handed its parent's context, whose count is the parent's.
  const bounded = timeoutMs === undefined ? undefined : new BoundedCall(context);
  const started = bounded ? performance.now() : 0;
  let pending = false;
  try {
    const result = scorer.score(sample, bounded ?? context);
    if (isPromise(result)) {
      pending = true;
      return settled(scorer, result, bounded, context, timeoutMs);
    }
    if (bounded && timeoutMs !== undefined && performance.now() - started > timeoutMs) return overBound(scorer.name, timeoutMs, 'returned only after', bounded.judgeUsage());
    return withCallUsage(checkedScore(scorer, result), bounded);
  } catch (error) {
    return erroredScore(scorer, error, bounded);
  } finally {
    if (!pending) bounded?.dispose();
  }
}

async function settled(scorer: Scorer, result: Promise<Score>, bounded: BoundedCall | undefined, context: ScorerContext, timeoutMs: number | undefined): Promise<Score> {
  try {
    const score = bounded && timeoutMs !== undefined ? await withinBound(result, timeoutMs, bounded, context.signal) : await result;
    return withCallUsage(checkedScore(scorer, score), bounded);
  } catch (error) {
    return erroredScore(scorer, error, bounded);
  } finally {
    bounded?.dispose();
  }
}

/**
 * A scorer's throw or rejection as an errored score, except the errors that stop the sample or the
 * run. The judge calls it made before its bound or its throw keep their usage (they were paid
 * for); the score is still the scorer's own failure, a scorer_error (see isScorersOwnFailure).
 */
function erroredScore(scorer: Scorer, error: unknown, bounded: BoundedCall | undefined): Score {
  if (error instanceof ScoringAborted) throw error;
  if (isBudgetRefusal(error)) return notSentScore(scorer.name, error.message, bounded?.judgeUsage());
  // An error that will fail every sample (a judge's bad key or unknown model) stops the run.
  if (error instanceof ProviderError && error.fatal) throw error;
  if (error instanceof ScorerTimedOut) return overBound(scorer.name, error.timeoutMs, 'gave no result within', bounded?.judgeUsage());
  const message = error instanceof Error ? error.message : String(error);
  const score: Score = { name: scorer.name, score: 0, pass: false, reason: `scorer threw: ${message}`, error: message };
  const usage = bounded?.judgeUsage();
  if (usage) {
    score.judgeUsage = usage;
    OWN_FAILURES.add(score);
  }
  return score;
}

/**
 * The score of a scorer that could not score because the budget refused to send a judge call it
 * needed: errored, and marked so that a sample it leaves unscored is a budget skip that `--resume`
 * runs again (see isJudgeNotSent). Carries the usage of the judge calls that were made.
 */
export function notSentScore(name: string, refusal: string, judgeUsage: JudgeUsage | undefined): Score {
  const score: Score = { name, score: 0, pass: false, reason: `not scored: ${refusal}`, error: refusal };
  if (judgeUsage) score.judgeUsage = judgeUsage;
  return markedNotSent(score);
}

/** Marks an errored score as not scored for the budget, and returns it. */
export function markedNotSent(score: Score): Score {
  NOT_SENT.add(score);
  return score;
}

/** Whether the score is errored because the budget refused to send a judge call (see notSentScore). */
export function isJudgeNotSent(score: Score): boolean {
  return NOT_SENT.has(score);
}

/** Scores marked not sent: a mark kept off the record, whose lines keep their bytes. */
const NOT_SENT = new WeakSet<Score>();

/**
 * Marks an errored score as left for --resume because the source case it compares with did not
 * finish: the sample it leaves unscored ends with that source's error kind and code. Returns it.
 */
export function markedSourceNotFinished(score: Score, source: SourceNotFinished): Score {
  SOURCE_NOT_FINISHED.set(score, source);
  return score;
}

/** The unfinished source a score is waiting for (see markedSourceNotFinished), if any. */
export function sourceNotFinishedOf(score: Score): SourceNotFinished | undefined {
  return SOURCE_NOT_FINISHED.get(score);
}

const SOURCE_NOT_FINISHED = new WeakMap<Score, SourceNotFinished>();

/** A copy of a score, with the marks (not sent, source not finished) of the score it copies. */
function copiedMark(from: Score, copy: Score): Score {
  if (NOT_SENT.has(from)) NOT_SENT.add(copy);
  const source = SOURCE_NOT_FINISHED.get(from);
  if (source) SOURCE_NOT_FINISHED.set(copy, source);
  return copy;
}

/**
 * A score whose scorer called the judge without reporting what the calls cost (a custom scorer):
 * the usage its bounded call counted, so the record and judgeCostUsd hold what the budget spent.
 */
function withCallUsage(score: Score, bounded: BoundedCall | undefined): Score {
  // Most scorers call no judge: that is known without walking the score.
  const usage = bounded?.judgeUsage();
  return usage && !reportsUsage(score) ? copiedMark(score, { ...score, judgeUsage: usage }) : score;
}

/** Whether the score or one of its children says what its judge calls cost (a rubric, a combinator of one). */
function reportsUsage(score: Score): boolean {
  return score.judgeUsage !== undefined || (score.children?.some(reportsUsage) ?? false);
}

/** Errored scores that are the scorer's own failure although they carry judge usage (it threw after calling the judge). */
const OWN_FAILURES = new WeakSet<Score>();

class ScorerTimedOut extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no result within ${timeoutMs} ms`);
    this.name = 'ScorerTimedOut';
  }
}

function overBound(name: string, timeoutMs: number, what: string, judgeUsage?: JudgeUsage): Score {
  const error = `${SCORER_TIMEOUT} ${what} its time bound of ${timeoutMs} ms`;
  const score: Score = { name, score: 0, pass: false, reason: `${error} (raise scorerTimeoutMs in the suite if it needs longer)`, error };
  if (judgeUsage) score.judgeUsage = judgeUsage;
  return score;
}

const SCORER_TIMEOUT = 'timeout: the scorer';

/**
 * A score that is the scorer's own failure (a scorer_error) whatever judge calls it made: it ended
 * at its time bound, or it threw after calling the judge.
 */
export function isScorersOwnFailure(score: Score): boolean {
  return score.error?.startsWith(SCORER_TIMEOUT) === true || OWN_FAILURES.has(score);
}

/**
 * The context one bounded scorer call sees. Its signal is created only when the scorer asks for it
 * (judges do; plain functions do not), follows the run's signal, and aborts at the time bound. Its
 * judge counts the usage of the calls that answer, so a scorer ended at the bound still reports
 * what its judge calls cost.
 */
class BoundedCall implements ScorerContext {
  readonly judge?: (model: string) => Provider;
  readonly ownJudge: (provider: Provider) => Provider;
  private controller: AbortController | undefined;
  private unlink: (() => void) | undefined;
  /** Made at the first judge call: most scorers make none. */
  private usage: JudgeUsage | undefined;

  constructor(private readonly parent: ScorerContext) {
    const judge = parent.judge;
    if (judge) this.judge = (model) => this.counted(judge(model));
    const ownJudge = parent.ownJudge;
    this.ownJudge = ownJudge ? (provider) => this.counted(ownJudge(provider)) : (provider) => this.counted(provider);
  }

  /** The judge calls made so far that answered or failed (not those aborted), or undefined when none. */
  judgeUsage(): JudgeUsage | undefined {
    return this.usage && this.usage.calls > 0 ? roundedUsage(this.usage) : undefined;
  }

  /**
   * Counts what the budget counts: an answer, and an answer refused after it was given (billed).
   * A call that failed without one counts as a call, as a judge counts it; a call aborted at the
   * bound, or not sent for the budget, counts nothing (the budget spent nothing on it).
   */
  private counted(provider: Provider): Provider {
    return {
      id: provider.id,
      generate: async (request, context) => {
        const usage = (this.usage ??= emptyJudgeUsage());
        try {
          const generation = await provider.generate(request, context);
          addGenerationUsage(usage, generation);
          return generation;
        } catch (error) {
          if (error instanceof ProviderError && error.generation) addGenerationUsage(usage, error.generation);
          else if (!context.signal.aborted && !isBudgetRefusal(error)) addGenerationUsage(usage, undefined);
          throw error;
        }
      },
    };
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      const parent = this.parent.signal;
      if (parent.aborted) controller.abort(parent.reason);
      else {
        const follow = () => controller.abort(parent.reason);
        parent.addEventListener('abort', follow, { once: true });
        this.unlink = () => parent.removeEventListener('abort', follow);
      }
      this.controller = controller;
    }
    return this.controller.signal;
  }

  expire(reason: unknown): void {
    this.controller?.abort(reason);
  }

  dispose(): void {
    this.unlink?.();
  }
}

function withinBound(result: Promise<Score>, timeoutMs: number, call: BoundedCall, runSignal: AbortSignal): Promise<Score> {
  return new Promise<Score>((resolve, reject) => {
    if (runSignal.aborted) return reject(new ScoringAborted(runSignal.reason));
    const timer = setTimeout(() => {
      cleanUp();
      const timedOut = new ScorerTimedOut(timeoutMs);
      call.expire(timedOut);
      reject(timedOut);
    }, timeoutMs);
    const cleanUp = () => {
      clearTimeout(timer);
      runSignal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      cleanUp();
      reject(new ScoringAborted(runSignal.reason));
    };
    runSignal.addEventListener('abort', onAbort, { once: true });
    result.then(
      (score) => {
        cleanUp();
        resolve(score);
      },
      (error: unknown) => {
        cleanUp();
        reject(error);
      },
    );
  });
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Above 1 or below 0 by this much is float rounding (a mean of thirds) and is clamped; beyond it the scorer is wrong. */
const ROUNDING = 1e-9;

/**
 * The score as a record holds it, or an errored score saying what the scorer returned instead: a
 * score that is not a number from 0 to 1 (NaN, 5, a string) or a pass that is not a boolean
 * ('false' is truthy) would otherwise pass or fail the sample on a value nobody meant.
 */
function checkedScore(scorer: Scorer, result: unknown): Score {
  const problem = scoreProblem(result);
  if (problem) {
    const message = `${scorer.name} returned ${problem}`;
    return { name: scorer.name, score: 0, pass: false, reason: message, error: message };
  }
  const score = result as Score;
  const checked: Score = { ...score, score: Math.min(1, Math.max(0, score.score)) };
  if (checked.reason === undefined) checked.reason = `${scorer.name}: score ${checked.score} (${checked.pass ? 'pass' : 'fail'})`;
  return copiedMark(score, checked);
}

function scoreProblem(result: unknown): string | undefined {
  if (result === null || typeof result !== 'object') return `${shown(result)} instead of a score { score, pass, reason }`;
  const { score, pass, reason } = result as { score?: unknown; pass?: unknown; reason?: unknown };
  if (typeof score !== 'number' || !(score >= -ROUNDING && score <= 1 + ROUNDING)) return `score ${shown(score)}: a score is a number from 0 to 1`;
  if (typeof pass !== 'boolean') return `pass ${shown(pass)}: pass is true or false`;
  if (reason !== undefined && typeof reason !== 'string') return `reason ${shown(reason)}: a reason is a string`;
  return undefined;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a${typeof value === 'object' ? 'n object' : ` ${typeof value}`}`;
}
