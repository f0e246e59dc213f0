/**
 * Pairwise judging: for each case the judge sees the baseline and candidate outputs in
 * both orders, (A = baseline, B = candidate) and (A = candidate, B = baseline). Only a preference
 * that survives the swap counts; one that flips with the order (position bias) or a "tie" in
 * either order is a tie. A judgement that fails (refusal, truncation, bad JSON, provider error)
 * leaves the case `unscored`, counted apart. The candidate's win rate over decisive cases gets a
 * Wilson 95% interval.
 */
import type { PairwiseSummary } from '../compare/types.js';
import type { Provider } from '../providers/types.js';
import type { JudgeUsage } from '../scoring/types.js';
import { wilsonInterval } from '../stats/index.js';
import { callJudge, emptyJudgeUsage, roundedUsage, type AnswerReading } from './call.js';
import type { Rubric } from './criteria.js';
import { parsePreference } from './parse.js';
import { pairwiseRequest } from './prompt.js';

export interface PairwiseInput {
  caseId: string;
  /** What the model was asked, as `judgeTaskText` (taskText.ts) writes it. */
  task: string;
  baseline: string;
  candidate: string;
}

export interface PairwiseOptions {
  judge: Provider;
  rubric: Rubric;
  /** Model id sent in the judge requests. */
  model: string;
  signal?: AbortSignal;
  /** Cases judged at the same time (default 4). */
  concurrency?: number;
  maxTokens?: number;
}

export type PairwiseOutcome = 'win' | 'tie' | 'loss' | 'unscored';
export type Side = 'baseline' | 'candidate' | 'tie';

export interface OrderJudgement {
  order: 'baseline-first' | 'candidate-first';
  /** Which output the judge preferred in this order, translated back from A/B. */
  preferred: Side | null;
  reasoning: string;
  error?: string;
}

export interface PairwiseCase {
  caseId: string;
  /** From the candidate's point of view. */
  outcome: PairwiseOutcome;
  reason: string;
  orders: [OrderJudgement, OrderJudgement];
}

/** Win / tie / loss over the cases with an interval (the comparison's PairwiseSummary, with each case's two orders). */
export interface PairwiseResult extends Omit<PairwiseSummary, 'model' | 'perCase'> {
  perCase: PairwiseCase[];
}

export async function pairwiseJudge(pairs: readonly PairwiseInput[], options: PairwiseOptions): Promise<PairwiseResult> {
  const usage = emptyJudgeUsage();
  const signal = options.signal ?? new AbortController().signal;
  const maxTokens = options.maxTokens ?? 1024;
  const perCase: PairwiseCase[] = new Array(pairs.length);
  let next = 0;
  const worker = async () => {
    while (next < pairs.length) {
      const index = next++;
      perCase[index] = await judgePair(pairs[index]!, options, maxTokens, signal, usage);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, pairs.length)) }, worker));
  return summarizePairwise(perCase, usage);
}

async function judgePair(pair: PairwiseInput, options: PairwiseOptions, maxTokens: number, signal: AbortSignal, usage: JudgeUsage): Promise<PairwiseCase> {
  const context = { signal, repeat: 0, caseId: pair.caseId, vars: {}, promptId: 'pairwise', promptVersion: 'compare' };
  const ask = async (order: OrderJudgement['order']): Promise<OrderJudgement> => {
    const [first, second] = order === 'baseline-first' ? [pair.baseline, pair.candidate] : [pair.candidate, pair.baseline];
    const request = pairwiseRequest(options.rubric, pair.task, first, second, options.model, maxTokens);
    const outcome = await callJudge(options.judge, request, context, usage, readPreference);
    if (!outcome.ok) return { order, preferred: null, reasoning: '', error: outcome.reason };
    return { order, preferred: sideOf(outcome.value.preference, order), reasoning: outcome.value.reasoning };
  };
  const orders = (await Promise.all([ask('baseline-first'), ask('candidate-first')])) as [OrderJudgement, OrderJudgement];
  return { caseId: pair.caseId, orders, ...decide(orders) };
}

function readPreference(text: string): AnswerReading<{ preference: 'A' | 'B' | 'tie'; reasoning: string }> {
  const parsed = parsePreference(text);
  return parsed.ok ? { ok: true, value: { preference: parsed.preference, reasoning: parsed.reasoning } } : parsed;
}

function sideOf(preference: 'A' | 'B' | 'tie', order: OrderJudgement['order']): Side {
  if (preference === 'tie') return 'tie';
  const firstIs: Side = order === 'baseline-first' ? 'baseline' : 'candidate';
  const secondIs: Side = order === 'baseline-first' ? 'candidate' : 'baseline';
  return preference === 'A' ? firstIs : secondIs;
}

/** The consistency rule: a preference counts only when both orders name the same output. */
export function decide(orders: readonly [OrderJudgement, OrderJudgement]): { outcome: PairwiseOutcome; reason: string } {
  const [a, b] = orders;
  const failed = orders.find((o) => o.error);
  if (failed) return { outcome: 'unscored', reason: `${failed.order}: ${failed.error}` };
  if (a.preferred === b.preferred) {
    if (a.preferred === 'candidate') return { outcome: 'win', reason: 'candidate preferred in both orders' };
    if (a.preferred === 'baseline') return { outcome: 'loss', reason: 'baseline preferred in both orders' };
    return { outcome: 'tie', reason: 'judged a tie in both orders' };
  }
  if (a.preferred === 'tie' || b.preferred === 'tie') return { outcome: 'tie', reason: 'a tie in one order' };
  return { outcome: 'tie', reason: 'preference flipped with the order (position bias): counted as a tie' };
}

export function summarizePairwise(perCase: PairwiseCase[], usage: JudgeUsage = emptyJudgeUsage()): PairwiseResult {
  const count = (outcome: PairwiseOutcome) => perCase.filter((c) => c.outcome === outcome).length;
  const wins = count('win');
  const losses = count('loss');
  const decisive = wins + losses;
  const interval = decisive > 0 ? wilsonInterval(wins, decisive) : { low: 0, high: 1 };
  return {
    wins,
    ties: count('tie'),
    losses,
    unscored: count('unscored'),
    winRate: decisive > 0 ? wins / decisive : null,
    interval: { low: interval.low, high: interval.high },
    perCase,
    judge: roundedUsage(usage),
  };
}
