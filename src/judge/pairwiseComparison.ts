/**
 * `compare --judge <model>`: for every case present on both sides of a cell, ask a judge which of
 * the two outputs (repeat 0) better meets the suite's rubric, in both orders (see pairwise.ts), and
 * attach win / tie / loss with an interval to the cell.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Provider } from '../providers/types.js';
import type { PromptStoreLine } from '../records/types.js';
import type { Rubric } from '../scoring/judge/criteria.js';
import { pairwiseJudge, type PairwiseInput } from './pairwise.js';
import type { ComparisonResult } from './types.js';

export interface PairwiseCompareOptions {
  judge: Provider;
  model: string;
  rubric: Rubric;
  /** Record files compared (baseline first): their run folders' prompt stores give the task text. */
  records: string[];
  signal?: AbortSignal;
}

export async function addPairwiseJudgements(result: ComparisonResult, options: PairwiseCompareOptions): Promise<void> {
  const prompts = await readPromptStores(options.records);
  for (const cell of result.cells) {
    const pairs: PairwiseInput[] = [];
    for (const comparison of cell.cases) {
      const baseline = comparison.baseline?.outputs.find((o) => o !== null);
      const candidate = comparison.candidate?.outputs.find((o) => o !== null);
      if (baseline === undefined || candidate === undefined) continue;
      const prompt = prompts.get(comparison.candidate!.promptHash) ?? prompts.get(comparison.baseline!.promptHash);
      const task = prompt ? [prompt.system ? `[system]\n${prompt.system}` : '', prompt.user].filter(Boolean).join('\n\n') : `(case ${comparison.caseId})`;
      pairs.push({ caseId: comparison.caseId, task, baseline, candidate });
    }
    const judged = await pairwiseJudge(pairs, {
      judge: options.judge,
      rubric: options.rubric,
      model: options.model,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    cell.pairwise = {
      model: options.model,
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
}

export function formatPairwise(result: ComparisonResult): string {
  const lines: string[] = [];
  for (const cell of result.cells) {
    const p = cell.pairwise;
    if (!p) continue;
    const rate = p.winRate === null ? 'no decisive case' : `candidate win rate ${(p.winRate * 100).toFixed(1)}% (95% CI ${(p.interval.low * 100).toFixed(1)}%–${(p.interval.high * 100).toFixed(1)}%)`;
    lines.push(
      `${cell.label}  pairwise (${p.model}, both orders): ${p.wins} wins, ${p.ties} ties, ${p.losses} losses, ${p.unscored} unscored; ${rate}; judge $${p.judge.costUsd.toFixed(4)}`,
    );
  }
  return lines.join('\n');
}

async function readPromptStores(records: string[]): Promise<Map<string, PromptStoreLine>> {
  const prompts = new Map<string, PromptStoreLine>();
  for (const record of new Set(records)) {
    const text = await readFile(join(dirname(record), 'prompts.jsonl'), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const prompt = JSON.parse(line) as PromptStoreLine;
        prompts.set(prompt.hash, prompt);
      } catch {
        // a partial line of a killed run: that prompt's task falls back to the case id
      }
    }
  }
  return prompts;
}
