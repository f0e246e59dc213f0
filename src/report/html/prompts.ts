/** A run's stored prompts as the report shows them, keeping only the prompts the report refers to. */
import { readPromptStoreLines } from '../../records/promptStore.js';
import type { PromptStoreLine } from '../../records/types.js';
import type { Interner } from './interner.js';
import { showText } from './text.js';
import type { PromptView } from './types.js';

export interface PromptOptions {
  /** Longest prompt part kept (characters). */
  limit: number;
  /** Where prompt lines are interned. */
  lines: Interner;
  truncated: { prompts: number };
}

export async function collectPrompts(file: string, wanted: Set<string>, into: Record<string, PromptView>, options: PromptOptions): Promise<void> {
  for await (const { value } of readPromptStoreLines(file)) {
    if (!wanted.has(value.hash) || into[value.hash]) continue;
    into[value.hash] = toPromptView(value, options);
  }
}

function toPromptView(line: PromptStoreLine, options: PromptOptions): PromptView {
  const user = showText(line.user, options.limit);
  const view: PromptView = { user: lineIndexes(user.text, options.lines) };
  if (user.cut !== undefined) view.userCut = user.cut;
  if (line.system !== undefined) {
    const system = showText(line.system, options.limit);
    view.system = lineIndexes(system.text, options.lines);
    if (system.cut !== undefined) view.systemCut = system.cut;
  }
  if (view.userCut !== undefined || view.systemCut !== undefined) options.truncated.prompts++;
  return view;
}

function lineIndexes(text: string, lines: Interner): number[] {
  return text.split('\n').map((line) => lines.index(line));
}
