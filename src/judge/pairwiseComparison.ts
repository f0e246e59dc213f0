/**
 * Pairwise judging of a comparison (`compare --judge <model>`): for every case with an output on
 * both sides of a cell, ask the judge which of the two outputs (each side's first repeat that did
 * not error) better meets the suite's rubric, in both orders (see pairwise.ts). The result is one
 * `PairwiseSummary` per cell; the caller attaches it to the comparison, which itself makes no model
 * calls. The task text comes from the compared runs' prompt stores, through records/.
 */
import type { CellComparison, ComparisonResult, PairwiseSummary } from '../compare/types.js';
import { repeatDetailsOf } from '../compare/repeatDetails.js';
import type { Provider } from '../providers/types.js';
import { readPromptStore } from '../records/promptStore.js';
import type { PromptStoreLine } from '../records/types.js';
import type { Rubric } from './criteria.js';
import { pairwiseJudge, type PairwiseInput, type PairwiseResult } from './pairwise.js';
import { judgeTaskText } from './taskText.js';

export interface ComparisonJudgeOptions {
  judge: Provider;
  /** Model id sent in the judge requests. */
  model: string;
  rubric: Rubric;
  /** Record files compared (baseline first): their run folders' prompt stores give the task text. */
  records: readonly string[];
  signal?: AbortSignal;
}

/** One summary per cell of `comparison`, in the order of `comparison.cells`. */
export async function judgeComparison(comparison: ComparisonResult, options: ComparisonJudgeOptions): Promise<PairwiseSummary[]> {
  const wanted = new Set(comparison.cells.flatMap((cell) => cell.cases.flatMap((c) => [c.baseline?.promptHash, c.candidate?.promptHash])).filter((h): h is string => h !== undefined));
  const prompts = new Map<string, PromptStoreLine>();
  for (const [hash, stored] of await readPromptStore(options.records, wanted)) prompts.set(hash, stored.value);
  const summaries: PairwiseSummary[] = [];
  for (const cell of comparison.cells) {
    const judged = await pairwiseJudge(pairsOfCell(cell, prompts), {
      judge: options.judge,
      rubric: options.rubric,
      model: options.model,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    summaries.push(pairwiseSummary(judged, options.model));
  }
  return summaries;
}

/**
 * The pairs a cell gives the judge: cases with an output on both sides, each with the task text
 * of its candidate prompt (or the baseline's, when the candidate's is not in a store; the case id
 * when neither is).
 */
export function pairsOfCell(cell: CellComparison, prompts: ReadonlyMap<string, PromptStoreLine>): PairwiseInput[] {
  const pairs: PairwiseInput[] = [];
  for (const comparison of cell.cases) {
    const baseline = comparison.baseline && repeatDetailsOf(comparison.baseline).outputs.find((o) => o !== null);
    const candidate = comparison.candidate && repeatDetailsOf(comparison.candidate).outputs.find((o) => o !== null);
    if (baseline === undefined || candidate === undefined) continue;
    const prompt = prompts.get(comparison.candidate!.promptHash) ?? prompts.get(comparison.baseline!.promptHash);
    pairs.push({ caseId: comparison.caseId, task: prompt ? promptTaskText(prompt) : `(case ${comparison.caseId})`, baseline, candidate });
  }
  return pairs;
}

/** A stored prompt as the judge reads it: the same text a rubric judge is shown for that prompt (its turns, for a conversation). */
export function promptTaskText(prompt: PromptStoreLine): string {
  const messages = prompt.messages ?? [{ role: 'user' as const, content: prompt.user ?? '' }];
  return judgeTaskText({ ...(prompt.system !== undefined ? { system: prompt.system } : {}), messages });
}

/** The comparison's view of a pairwise result: per case, the outcome and why (the two orders stay out). */
export function pairwiseSummary(judged: PairwiseResult, model: string): PairwiseSummary {
  return {
    model,
    wins: judged.wins,
    ties: judged.ties,
    losses: judged.losses,
    unscored: judged.unscored,
    winRate: judged.winRate,
    interval: judged.interval,
    judge: judged.judge,
    perCase: judged.perCase.map((c) => ({ caseId: c.caseId, outcome: c.outcome, reason: c.reason })),
  };
}
