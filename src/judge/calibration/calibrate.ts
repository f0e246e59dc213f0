/**
 * `calibrate`: run a suite's rubric judge on the outputs humans labelled and measure agreement
 * and noise. The labelled output is `human.output` when the case gives one, otherwise the suite's
 * own output for its first prompt version × first model, repeat 0, fetched through the provider
 * (so offline it comes from the same recordings a run replays).
 *
 * Each output is judged max(rubric samples, judgeSamples) times with the rubric's own repeat
 * indices: the first `samples` judgements give the label (exactly the judgement a run makes, so
 * cache and replay reuse it), the usable ones of the first `judgeSamples` give the noise figure.
 */
import { buildRequest } from '../../engine/executeSample.js';
import type { LoadedSuite } from '../../engine/loadSuite.js';
import { errorMessage, InputError } from '../../errors.js';
import type { Provider } from '../../providers/types.js';
import { judgementScore } from '../aggregate.js';
import { emptyJudgeUsage, mergeJudgeUsage, roundedUsage } from '../call.js';
import { findRubricScorer, isRubricScorer } from '../rubric.js';
import type { Sample, Score } from '../../scoring/types.js';
import { labeledCases, type LabeledCase } from './labels.js';
import { agreementOf, noiseOf, type RepeatedJudgements } from './metrics.js';
import type { CalibrationCase, CalibrationFailure, CalibrationReport, Label } from './types.js';

export interface CalibrateOptions {
  /** Answers the suite's own prompts (the labelled outputs without `human.output`). */
  generator: Provider;
  /** Judge provider per model id, as in a run. */
  judge: (model: string) => Provider;
  /** The run's judge layers around a judge Provider the rubric was given directly, as in a run. */
  ownJudge?: (provider: Provider) => Provider;
  /** Judgements per output for the noise figure (default 3). */
  judgeSamples?: number;
  /** Which rubric scorer, by name (default: the suite's first). */
  scorer?: string;
  signal?: AbortSignal;
  concurrency?: number;
}

export interface CalibrationOutcome {
  report: CalibrationReport;
  /** Provider failures (no output, judge call failed), also in `report.failures`: the CLI exits 3 when there are any. */
  failures: number;
}

export async function calibrateSuite(loaded: LoadedSuite, options: CalibrateOptions): Promise<CalibrationOutcome> {
  const scorer = findRubricScorer(loaded.suite.scorers, loaded.relativeFile, options.scorer);
  const scale = scorer.rubric.scale;
  const judgeSamples = options.judgeSamples ?? 3;
  const suiteScales = loaded.suite.scorers.filter(isRubricScorer).map((each) => each.rubric.scale);
  const labeled = labeledCases(loaded.cases, scale, suiteScales);
  if (labeled.length === 0) {
    const field = scale === 'pass-fail' ? 'human.pass' : 'human.score';
    throw new InputError(`no case of the dataset has a ${field} label`, { file: loaded.dataset.path, field }, `add human: { ${scale === 'pass-fail' ? 'pass: true' : 'score: 4'} } to the cases a person has checked`);
  }
  const prompt = loaded.prompts[0];
  const model = loaded.models[0];
  if (!prompt || !model) throw new InputError('the suite has no prompt version or no model', { file: loaded.relativeFile });
  const signal = options.signal ?? new AbortController().signal;
  const usage = emptyJudgeUsage();
  const count = Math.max(scorer.samples, judgeSamples);

  const judgeOne = async (entry: LabeledCase): Promise<{ result: CalibrationCase; repeated: RepeatedJudgements; failures: CalibrationFailure[] }> => {
    const base = { caseId: entry.goldenCase.id, outputFrom: entry.output !== undefined ? 'human.output' : 'run', human: entry.label } as const;
    const withNote = <T extends object>(value: T): T => (entry.note ? { ...value, note: entry.note } : value);
    const planned = { index: 0, case: entry.goldenCase, prompt, model, repeat: 0 };
    const request = buildRequest(planned, prompt.render(entry.goldenCase.vars, entry.goldenCase.id));
    let output = entry.output;
    if (output === undefined) {
      try {
        const generation = await options.generator.generate(request, {
          signal,
          repeat: 0,
          caseId: entry.goldenCase.id,
          vars: entry.goldenCase.vars,
          promptId: prompt.template.id,
          promptVersion: prompt.template.version,
        });
        output = generation.text;
      } catch (error) {
        const reason = `no output to judge: ${errorMessage(error)}`;
        return {
          result: withNote({ ...base, judge: null, agree: null, score: null, reason, unscored: reason }),
          repeated: { scores: [], labels: [] },
          failures: [{ caseId: entry.goldenCase.id, reason }],
        };
      }
    }
    const sample: Sample = {
      caseId: entry.goldenCase.id,
      vars: entry.goldenCase.vars,
      expected: entry.goldenCase.expected,
      tags: entry.goldenCase.tags,
      output,
      generation: { text: output, stopReason: 'end_turn', latencyMs: 0 },
      request,
      promptId: prompt.template.id,
      promptVersion: prompt.template.version,
      model,
      repeat: 0,
    };
    const set = await scorer.judgeSample(sample, { signal, judge: options.judge, ...(options.ownJudge && { ownJudge: options.ownJudge }) }, count);
    mergeJudgeUsage(usage, set.usage);
    const failures = set.attempts.flatMap((a) => (!a.ok && a.kind === 'errored' ? [{ caseId: entry.goldenCase.id, judgement: a.index, reason: a.reason }] : []));
    const score = scorer.scoreFrom({ attempts: set.attempts.slice(0, scorer.samples), usage: set.usage });
    const judge = score.error ? null : labelOf(score, scale);
    const result: CalibrationCase = withNote({
      ...base,
      judge,
      agree: judge === null ? null : judge === entry.label,
      score: score.error ? null : score.score,
      reason: score.reason,
      ...(score.error ? { unscored: score.error } : {}),
    });
    const noisy = set.attempts.slice(0, judgeSamples).flatMap((a) => (a.ok ? [a.judgement] : []));
    const scores = noisy.map((j) => judgementScore(j, scorer.rubric));
    const labels = noisy.map((j, i) => (scale === 'pass-fail' ? j.criteria.every((c) => c.value === 1) : levelOf(scores[i]!)));
    return { result, repeated: { scores, labels }, failures };
  };

  const outcomes = await pool(labeled, options.concurrency ?? 4, judgeOne);
  const cases = outcomes.map((o) => o.result);
  const failures = outcomes.flatMap((o) => o.failures);
  const agreement = agreementOf(cases, scale);
  const report: CalibrationReport = {
    type: 'calibration',
    suite: loaded.suite.name,
    suiteFile: loaded.relativeFile,
    scorer: scorer.name,
    judgeModel: scorer.judgeModel ?? (typeof scorer.judgeTarget === 'string' ? scorer.judgeTarget : scorer.judgeTarget.id),
    scale,
    labeledOutput: { promptId: prompt.template.id, version: prompt.template.version, model, repeat: 0 },
    labeled: cases.length,
    unscored: cases.filter((c) => c.judge === null).length,
    agreement,
    disagreements: cases.flatMap((c) => (c.judge !== null && c.agree === false ? [{ caseId: c.caseId, human: c.human, judge: c.judge, reason: c.reason }] : [])),
    noise: noiseOf(outcomes.map((o) => o.repeated), judgeSamples),
    failures,
    cases,
    judge: roundedUsage(usage),
  };
  return { report, failures: failures.length };
}

/** The judge's label on the rubric's scale: pass/fail, or the mean level rounded to 1..5. */
function labelOf(score: Score, scale: CalibrationReport['scale']): Label {
  if (scale === 'pass-fail') return score.pass;
  const level = (score.details?.['meanLevel'] as number | undefined) ?? 1 + 4 * score.score;
  return Math.min(5, Math.max(1, Math.round(level)));
}

function levelOf(score01: number): number {
  return Math.min(5, Math.max(1, Math.round(1 + 4 * score01)));
}

async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
