/** Reads a run's prompt store (`prompts.jsonl`), keeping only the prompts the report refers to. */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
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
  if (!(await access(file).then(() => true, () => false))) return;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const text of lines) {
    if (text.trim() === '') continue;
    let line: PromptStoreLine;
    try {
      line = JSON.parse(text) as PromptStoreLine;
    } catch {
      continue; // a store cut short by a killed run: its last line is partial, and that prompt just shows as missing
    }
    if (!wanted.has(line.hash) || into[line.hash]) continue;
    into[line.hash] = toPromptView(line, options);
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
