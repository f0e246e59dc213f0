/** Reads a run's prompt store (`prompts.jsonl`), keeping only the prompts the report refers to. */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { PromptStoreLine } from '../../records/types.js';
import { showText } from './text.js';
import type { PromptView } from './types.js';

export async function collectPrompts(
  file: string,
  wanted: Set<string>,
  into: Record<string, PromptView>,
  limit: number,
  truncated: { prompts: number },
): Promise<void> {
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
    into[line.hash] = toPromptView(line, limit, truncated);
  }
}

function toPromptView(line: PromptStoreLine, limit: number, truncated: { prompts: number }): PromptView {
  const user = showText(line.user, limit);
  const view: PromptView = { user: user.text };
  if (user.cut !== undefined) view.userCut = user.cut;
  if (line.system !== undefined) {
    const system = showText(line.system, limit);
    view.system = system.text;
    if (system.cut !== undefined) view.systemCut = system.cut;
  }
  if (view.userCut !== undefined || view.systemCut !== undefined) truncated.prompts++;
  return view;
}
