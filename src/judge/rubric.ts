/**
 * `rubric({...})`: an LLM judge grades the output against criteria, inline or from a Markdown
 * rubric file, on a pass-fail or anchored 1-5 scale. The judge is a model id (called through the
 * run's provider stack via `context.judge`, so cache, pacing, budget, recording and replay apply)
 * or any Provider (called through `context.ownJudge`: the run's budget applies). It answers through
 * structured output; `samples: n` asks n times.
 *
 * Failure is never a silent 0: a judge that refuses, is cut off at max_tokens or answers
 * unreadably leaves the score `error`-marked (unscored) with the reason; a failed judge call does
 * the same with the provider's message. Every call's usage is reported in `judgeUsage`.
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import type { GenerateContext, Provider, ProviderError } from '../providers/types.js';
import { fixed2 } from '../scoring/text.js';
import { notSentScore, runScorer, type JudgeUsage, type Sample, type Score, type Scorer, type ScorerContext } from '../scoring/types.js';
import { aggregateJudgements, type Aggregate } from './aggregate.js';
import { callJudge, emptyJudgeUsage, roundedUsage, type AnswerReading } from './call.js';
import { criteriaFromInput, type CriterionInput, type Rubric, type RubricScale } from './criteria.js';
import { parseJudgement, type Judgement } from './parse.js';
import { gradingRequest, type GradingInput } from './prompt.js';
import { readRubricFile } from './rubricFile.js';
import { judgeTaskText } from './taskText.js';
import { optionNames, refuseUnknownOptions } from '../scoring/options.js';

export interface RubricOptions {
  name?: string;
  /** Inline criteria; or give `file`. */
  criteria?: readonly CriterionInput[];
  /** A Markdown rubric file (see rubricFile.ts); relative paths resolve from the working directory. */
  file?: string | URL;
  /** Framing text for the judge (inline rubrics; a file's intro paragraph plays this role). */
  intro?: string;
  /** Default `pass-fail`. */
  scale?: RubricScale;
  /** A model id (run through the run's provider stack) or any Provider. */
  judge: string | Provider;
  /** The model id sent in judge requests when `judge` is a Provider (default `judge`). */
  model?: string;
  /** Judge calls per output (default 1); the score is their mean, the spread is in details. */
  samples?: number;
  /** Pass when the 0..1 score is at least this; default: see aggregate.ts. */
  threshold?: number;
  /** Run this first (usually a checklist); when it fails, the judge is skipped and the score fails. */
  skipJudgeWhen?: Scorer;
  /** Show the case's `expected` to the judge as a reference answer (default false). */
  includeExpected?: boolean;
  /** max_tokens of a judge answer (default 1024). */
  maxTokens?: number;
}

/** One judge call's result for one output. */
export type JudgementAttempt =
  | { index: number; ok: true; judgement: Judgement }
  | { index: number; ok: false; kind: 'errored' | 'unscored'; reason: string; notSent?: ProviderError };

export interface JudgementSet {
  attempts: JudgementAttempt[];
  usage: JudgeUsage;
}

export interface RubricScorer extends Scorer {
  readonly kind: 'rubric';
  readonly rubric: Rubric;
  readonly samples: number;
  readonly threshold: number | undefined;
  /** The judge: a model id, or a Provider given directly. */
  readonly judgeTarget: string | Provider;
  /** `count` independent judgements of one output (calibration uses this for its noise figure). */
  judgeSample(sample: Sample, context: ScorerContext, count: number): Promise<JudgementSet>;
  /** The score for a set of judgements, as `score()` gives it. */
  scoreFrom(set: JudgementSet): Score;
}

/**
 * Judge repeat indices: sample repeat r, judgement k → r × stride + k, so every (repeat, k) has
 * its own cache/replay key and repeats of a sample stay independent even when outputs coincide.
 */
export const JUDGE_REPEAT_STRIDE = 1000;
const DEFAULT_MAX_TOKENS = 1024;

export function isRubricScorer(scorer: Scorer): scorer is RubricScorer {
  return (scorer as Partial<RubricScorer>).kind === 'rubric' && typeof (scorer as Partial<RubricScorer>).judgeSample === 'function';
}

export function loadRubric(options: Pick<RubricOptions, 'criteria' | 'file' | 'scale' | 'intro'>): Rubric {
  const scale = options.scale ?? 'pass-fail';
  if (scale !== 'pass-fail' && scale !== '1-5') throw new InputError(`unknown scale "${String(scale)}"`, { field: 'scale' }, 'use "pass-fail" or "1-5"');
  if (options.criteria && options.file) throw new InputError('give either criteria or file, not both', { field: 'criteria' });
  if (options.file) {
    const path = options.file instanceof URL ? fileURLToPath(options.file) : resolve(options.file);
    const shown = relative(process.cwd(), path) || path;
    const rubric = readRubricFile(shown.startsWith('..') ? path : shown, scale);
    if (options.intro) rubric.intro = options.intro;
    return rubric;
  }
  if (!options.criteria) throw new InputError('a rubric needs criteria or a file', { field: 'criteria' }, 'list criteria inline or point `file` at a Markdown rubric');
  const rubric: Rubric = { scale, criteria: criteriaFromInput(options.criteria, scale) };
  if (options.intro) rubric.intro = options.intro;
  return rubric;
}

/**
 * The suite's rubric scorer to calibrate or to judge a comparison with: the one named `name`, or
 * the first. `file` is the suite file, for the error.
 */
export function findRubricScorer(scorers: readonly Scorer[], file: string, name?: string): RubricScorer {
  const rubrics = scorers.filter(isRubricScorer);
  const chosen = name ? rubrics.find((s) => s.name === name) : rubrics[0];
  if (!chosen) {
    throw new InputError(
      name ? `the suite has no rubric scorer named "${name}"` : 'the suite has no rubric scorer',
      { file, field: 'scorers' },
      'add rubric({ file, judge }) to the suite\'s scorers: calibrate and compare --judge use its rubric',
    );
  }
  return chosen;
}

const RUBRIC_OPTIONS = optionNames<RubricOptions>({ name: true, criteria: true, file: true, intro: true, scale: true, judge: true, model: true, samples: true, threshold: true, skipJudgeWhen: true, includeExpected: true, maxTokens: true });

export function rubric(options: RubricOptions): RubricScorer {
  refuseUnknownOptions('rubric', options, RUBRIC_OPTIONS);
  const definition = loadRubric(options);
  const samples = options.samples ?? 1;
  if (!(Number.isInteger(samples) && samples >= 1 && samples < JUDGE_REPEAT_STRIDE)) {
    throw new InputError(`samples must be a whole number from 1 to ${JUDGE_REPEAT_STRIDE - 1}, got ${samples}`, { field: 'samples' });
  }
  if (options.threshold !== undefined && !(options.threshold >= 0 && options.threshold <= 1)) {
    throw new InputError(`threshold must be between 0 and 1, got ${options.threshold}`, { field: 'threshold' }, 'it applies to the 0..1 score (a 1-5 level L is (L − 1) / 4)');
  }
  if (typeof options.judge !== 'string' && typeof options.judge?.generate !== 'function') {
    throw new InputError('judge must be a model id or a Provider', { field: 'judge' }, 'e.g. judge: "claude-haiku-4-5"');
  }
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const name = options.name ?? 'rubric';
  const judgeTarget = options.judge;
  const model = typeof judgeTarget === 'string' ? judgeTarget : (options.model ?? 'judge');
  const threshold = options.threshold;

  function providerFor(context: ScorerContext): Provider | string {
    if (typeof judgeTarget !== 'string') return context.ownJudge?.(judgeTarget) ?? judgeTarget;
    return context.judge?.(judgeTarget) ?? `no judge provider for ${judgeTarget}: run the suite through promptgold (or pass judge in runSuite options), or give rubric({ judge }) a Provider`;
  }

  function readJudgement(text: string): AnswerReading<Judgement> {
    const parsed = parseJudgement(text, definition);
    return parsed.ok ? { ok: true, value: parsed.judgement } : parsed;
  }

  /** Why the judge cannot be shown the reference it was promised: the case has no `expected`. */
  function missingReference(sample: Sample): string | undefined {
    if (!options.includeExpected || sample.expected !== undefined) return undefined;
    return 'expected is missing: the case has no expected value to show the judge (includeExpected); give the case an expected answer, or drop includeExpected';
  }

  async function judgeSample(sample: Sample, context: ScorerContext, count: number): Promise<JudgementSet> {
    const usage = emptyJudgeUsage();
    const provider = providerFor(context);
    if (typeof provider === 'string') {
      return { attempts: Array.from({ length: count }, (_, index) => ({ index, ok: false as const, kind: 'errored' as const, reason: provider })), usage };
    }
    const missing = missingReference(sample);
    if (missing) {
      return { attempts: Array.from({ length: count }, (_, index) => ({ index, ok: false as const, kind: 'unscored' as const, reason: missing })), usage };
    }
    const input: GradingInput = { task: judgeTaskText(sample.request), output: sample.output };
    if (options.includeExpected) input.reference = sample.expected;
    const request = gradingRequest(definition, input, model, maxTokens);
    const attempts = await Promise.all(
      Array.from({ length: count }, async (_, index): Promise<JudgementAttempt> => {
        const generateContext: GenerateContext = {
          signal: context.signal,
          repeat: sample.repeat * JUDGE_REPEAT_STRIDE + index,
          caseId: sample.caseId,
          vars: sample.vars,
          promptId: sample.promptId,
          promptVersion: sample.promptVersion,
        };
        const outcome = await callJudge(provider, request, generateContext, usage, readJudgement);
        if (outcome.ok) return { index, ok: true, judgement: outcome.value };
        return { index, ok: false, kind: outcome.kind, reason: outcome.reason, ...(outcome.notSent && { notSent: outcome.notSent }) };
      }),
    );
    return { attempts, usage: roundedUsage(usage) };
  }

  /**
   * The output judged, or, when the budget let none of its judgements be sent, an errored score
   * marked not sent: a sample it leaves unscored is then a budget skip (resumable), as a refused
   * generation is.
   */
  async function judged(sample: Sample, context: ScorerContext): Promise<Score> {
    const set = await judgeSample(sample, context, samples);
    const refusal = noneSent(set);
    if (!refusal) return scoreFrom(set);
    const score = notSentScore(name, refusal.message, set.usage);
    score.details = { scale: definition.scale, judgeModel: model, requested: set.attempts.length };
    return score;
  }

  function scoreFrom(set: JudgementSet): Score {
    const valid = set.attempts.filter((a): a is Extract<JudgementAttempt, { ok: true }> => a.ok);
    const failed = set.attempts.filter((a): a is Extract<JudgementAttempt, { ok: false }> => !a.ok);
    const failures = failed.map((f) => ({ judgement: f.index, kind: f.kind, reason: f.reason }));
    if (valid.length === 0) {
      const first = failed[0]!;
      const label = first.kind === 'unscored' ? 'unscored' : 'judge error';
      const details: Record<string, unknown> = { scale: definition.scale, judgeModel: model, requested: set.attempts.length, failures };
      return { name, score: 0, pass: false, reason: `${label}: ${first.reason}`, error: first.reason, details, judgeUsage: set.usage };
    }
    const aggregate = aggregateJudgements(valid.map((v) => v.judgement), definition, threshold);
    const details: Record<string, unknown> = {
      scale: definition.scale,
      judgeModel: model,
      requested: set.attempts.length,
      judgements: valid.length,
      mean: aggregate.score,
      stdev: aggregate.stdev,
      min: aggregate.min,
      max: aggregate.max,
      criteria: aggregate.criteria,
      overall: valid[0]!.judgement.overall,
    };
    if (aggregate.meanLevel !== undefined) details['meanLevel'] = aggregate.meanLevel;
    if (failures.length > 0) details['failures'] = failures;
    return { name, score: aggregate.score, pass: aggregate.pass, reason: reasonOf(aggregate, valid.length, failures.length, valid[0]!.judgement.overall), details, judgeUsage: set.usage };
  }

  function reasonOf(aggregate: Aggregate, judgements: number, failures: number, overall: string): string {
    const failing = aggregate.criteria.filter((c) => !c.pass);
    let head: string;
    if (definition.scale === 'pass-fail') {
      const passed = aggregate.criteria.length - failing.length;
      head = `${passed} of ${aggregate.criteria.length} criteria pass`;
    } else {
      head = `mean level ${aggregate.meanLevel?.toFixed(2)} of 5`;
    }
    if (threshold !== undefined) head += ` (score ${fixed2(aggregate.score)} ${aggregate.pass ? '>=' : '<'} ${fixed2(threshold)})`;
    if (judgements > 1) head += `, over ${judgements} judgements (stdev ${fixed2(aggregate.stdev)})`;
    if (failures > 0) head += `; ${failures} judgement${failures > 1 ? 's' : ''} unusable`;
    const worst = failing[0];
    if (worst && worst.reasoning) head += `; ${worst.id}: ${clip(worst.reasoning)}`;
    else if (!worst && overall) head += `: ${clip(overall)}`;
    return head;
  }

  return {
    name,
    kind: 'rubric',
    rubric: definition,
    samples,
    threshold,
    judgeTarget,
    ...(typeof judgeTarget === 'string' ? { judgeModel: judgeTarget } : {}),
    judgeCalls: { perSample: samples, maxOutputTokens: maxTokens },
    ...(options.skipJudgeWhen ? { children: [options.skipJudgeWhen] } : {}),
    judgeSample,
    scoreFrom,
    async score(sample, context) {
      // A dataset problem, not the judge's: an errored score without judge usage (a scorer_error).
      const missing = missingReference(sample);
      if (missing) return { name, score: 0, pass: false, reason: missing, error: missing, details: { scale: definition.scale, judgeModel: model } };
      if (!options.skipJudgeWhen) return judged(sample, context);
      const gate = await runScorer(options.skipJudgeWhen, sample, context);
      if (!gate.pass) {
        return {
          name,
          score: 0,
          pass: false,
          reason: `judge skipped: ${gate.name} failed: ${gate.reason}`,
          details: { judgeSkipped: true, scale: definition.scale, judgeModel: model },
          children: [gate],
          ...(gate.error ? { error: gate.error } : {}),
        };
      }
      // Set on the score itself, not on a copy, which would not carry its not-sent mark.
      const score = await judged(sample, context);
      score.children = [gate];
      return score;
    },
  };
}

/** The budget's refusal when no judgement of the set was sent for it, else undefined. */
function noneSent(set: JudgementSet): ProviderError | undefined {
  const refusals = set.attempts.map((attempt) => (attempt.ok ? undefined : attempt.notSent));
  return refusals.every((refusal) => refusal !== undefined) ? refusals[0] : undefined;
}

function clip(text: string, limit = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
}
