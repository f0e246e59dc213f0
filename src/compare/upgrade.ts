/**
 * What moving a prompt from one model to another does to tokens and price, and whether the old
 * model is about to retire. Pure: the CLI supplies the measured figures and the model table.
 *
 * Tokenizer caveat: newer model generations count about 30% more input tokens for the same text.
 * A replayed or function run cannot know the new model's real count, so the candidate's input
 * tokens are then an estimate (the old model's measured count × TOKENIZER_GROWTH when the new model
 * is of a later generation). Runs through the anthropic provider record the API's own usage (and
 * with `anthropic.countTokens` the provider asks `messages.countTokens` before sending), so there
 * the figure is measured.
 */
import { costOfUsage, daysUntilRetirement, type ModelTable } from '../providers/pricing.js';
import type { RecordSummary } from '../records/types.js';
import { cellKey, tooManyUnscored } from '../records/summary.js';
import type { CandidateRunProblem, OperationalDeltas, Verdict, VerdictReason, VerdictResult } from './types.js';

export type { CandidateRunProblem } from './types.js';

export const TOKENIZER_GROWTH = 1.3;
export const RETIREMENT_WARNING_DAYS = 90;

export interface ModelCostFigures {
  model: string;
  inputTokensPerSample: number | null;
  outputTokensPerSample: number | null;
  costPerSampleUsd: number | null;
  /** USD per million input / output tokens, from the model table. */
  prices: { input: number; output: number } | null;
}

export interface UpgradePricing {
  from: ModelCostFigures;
  to: ModelCostFigures;
  /** How the new model's input tokens were obtained. */
  basis: 'measured' | 'estimate';
  /** Factor applied to the old model's input tokens when basis is 'estimate'. */
  tokenizerFactor: number;
  /** to.costPerSampleUsd / from.costPerSampleUsd − 1. */
  relativeCost: number | null;
  pricesAsOf: string;
}

/** The answer of an upgrade check: go (pass), no-go (fail) or inconclusive. */
export type UpgradeDecision = 'go' | 'no-go' | 'inconclusive';

/**
 * What the candidate model's own run says, whatever the comparison found: a cell of it below the
 * suite's threshold (or with no golden sample scored), or more of its samples unscored than
 * maxErrorRate allows. The comparison is over the cases and repeats both models scored, so a model
 * that failed on two thirds of its samples could still compare well on the rest.
 */

export function candidateRunProblems(summary: RecordSummary, model: string): CandidateRunProblem[] {
  const cells = summary.cells.filter((cell) => cell.model === model);
  const problems: CandidateRunProblem[] = [];
  for (const cell of cells) {
    const key = cellKey(cell.version, cell.model);
    if (summary.threshold !== null && summary.failingCells.includes(key)) {
      problems.push({ kind: 'threshold', cell: key, passRate: cell.passRate, scored: cell.scored, threshold: summary.threshold });
    }
  }
  const samples = cells.reduce((total, cell) => total + cell.samples, 0);
  const notScored = cells.reduce((total, cell) => total + cell.notScored, 0);
  if (tooManyUnscored({ samples, notScored }, summary.maxErrorRate)) problems.push({ kind: 'unscored', notScored, samples, maxErrorRate: summary.maxErrorRate });
  return problems;
}

export function upgradeDecision(verdict: Verdict): UpgradeDecision {
  return verdict === 'pass' ? 'go' : verdict === 'fail' ? 'no-go' : 'inconclusive';
}

/**
 * The decision from the comparison's verdict and both runs' own problems: NO-GO when the new
 * model's run fails on its own or the comparison fails (a regression or a hard rule, found on the
 * cases both models scored: the old model's unscored samples do not undo it); otherwise, when the
 * old model left too many samples unscored, at best INCONCLUSIVE (too little to stand on for a GO).
 */
export function upgradeDecisionOf(verdict: Verdict, problems: { candidate: readonly CandidateRunProblem[]; baseline: readonly CandidateRunProblem[] }): UpgradeDecision {
  if (problems.candidate.length || verdict === 'fail') return 'no-go';
  return problems.baseline.length ? 'inconclusive' : upgradeDecision(verdict);
}

const DECISION_VERDICT: Record<UpgradeDecision, Verdict> = { go: 'pass', 'no-go': 'fail', inconclusive: 'inconclusive' };

export interface RunProblem {
  model: string;
  side: 'baseline' | 'candidate';
  problem: CandidateRunProblem;
}

/**
 * The comparison's reasons less its `too_many_unscored` for a side whose own-run problem says the
 * same unscored samples: said once, as the model's own run.
 */
function reasonsNotSaidByRuns(reasons: readonly VerdictReason[], problems: readonly RunProblem[]): VerdictReason[] {
  const said = new Set(problems.filter(({ problem }) => problem.kind === 'unscored').map(({ side }) => side));
  return reasons.filter((reason) => !(reason.rule === 'too_many_unscored' && said.has(reason.values.side)));
}

/**
 * The verdict the upgrade-check's page and Markdown show: the decision's, with each model's
 * own-run problem first as a reason, then the comparison's reasons (less its `too_many_unscored`
 * for a side whose own-run problem already says its unscored samples). Without run problems it is
 * the comparison's verdict itself.
 */
export function upgradeVerdict(comparison: VerdictResult, decision: UpgradeDecision, problems: readonly RunProblem[]): VerdictResult {
  if (problems.length === 0) return comparison;
  const verdict = DECISION_VERDICT[decision];
  const reasons = [...problems.map(({ model, problem }) => ({ rule: 'own_run_fails' as const, values: { model, problem } })), ...reasonsNotSaidByRuns(comparison.reasons, problems)];
  return verdict === 'inconclusive' && comparison.needed ? { verdict, reasons, needed: comparison.needed } : { verdict, reasons };
}

/** `claude-sonnet-4-5` → [4, 5]; undefined for ids without a version. */
export function modelGeneration(id: string): [number, number] | undefined {
  const match = /-(\d+)-(\d+)(?:-\d{8})?$/.exec(id);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** The tokenizer growth applies when the new model is of a later major generation. */
export function tokenizerFactor(from: string, to: string): number {
  const a = modelGeneration(from);
  const b = modelGeneration(to);
  return a && b && b[0] > a[0] ? TOKENIZER_GROWTH : 1;
}

export function estimateUpgradePricing(input: {
  from: string;
  to: string;
  operational: OperationalDeltas;
  table: ModelTable;
  /** True when the candidate ran through the real API, whose usage is the model's own count. */
  measured: boolean;
}): UpgradePricing {
  const { from, to, operational, table, measured } = input;
  const factor = measured ? 1 : tokenizerFactor(from, to);
  const fromIn = operational.inputTokens.baseline;
  const fromOut = operational.outputTokens.baseline;
  const toIn = measured ? operational.inputTokens.candidate : fromIn === null ? null : fromIn * factor;
  const toOut = operational.outputTokens.candidate;
  const fromFigures = figures(from, fromIn, fromOut, table);
  const toFigures = figures(to, toIn, toOut, table);
  const relativeCost =
    fromFigures.costPerSampleUsd && toFigures.costPerSampleUsd !== null ? toFigures.costPerSampleUsd / fromFigures.costPerSampleUsd - 1 : null;
  return {
    from: fromFigures,
    to: toFigures,
    basis: measured ? 'measured' : 'estimate',
    tokenizerFactor: factor,
    relativeCost,
    pricesAsOf: table.pricesAsOf,
  };
}

function figures(model: string, inputTokens: number | null, outputTokens: number | null, table: ModelTable): ModelCostFigures {
  const info = table.get(model);
  const cost = info && inputTokens !== null && outputTokens !== null ? costOfUsage({ inputTokens, outputTokens }, info) : null;
  return {
    model,
    inputTokensPerSample: inputTokens,
    outputTokensPerSample: outputTokens,
    costPerSampleUsd: cost,
    prices: info ? { input: info.prices.input, output: info.prices.output } : null,
  };
}

export interface Retirement {
  model: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** Days from today; negative when it has retired. */
  days: number;
}

/** When `model` retires within RETIREMENT_WARNING_DAYS (or has retired); undefined otherwise. */
export function upcomingRetirement(model: string, table: ModelTable, today: Date = new Date()): Retirement | undefined {
  const info = table.get(model);
  if (!info) return undefined;
  const days = daysUntilRetirement(info, today);
  if (days === undefined || days > RETIREMENT_WARNING_DAYS) return undefined;
  return { model, date: info.retiresAt!.slice(0, 10), days };
}
