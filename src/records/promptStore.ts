/**
 * Reading a run folder's prompt store (`prompts.jsonl`): one line per unique rendered prompt,
 * keyed by the hash that sample records carry as `promptHash`. Streamed line by line, and
 * optionally narrowed to the hashes a caller needs, so a large store is never held whole.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROMPTS_FILE } from './runDir.js';
import type { PromptStoreLine } from './types.js';

/** The store beside a record file (`<run>/run.jsonl`), or inside a run folder. */
export async function promptStorePath(location: string): Promise<string> {
  const info = await stat(location).catch(() => undefined);
  return join(info?.isDirectory() ? location : dirname(location), PROMPTS_FILE);
}

/**
 * Hash → prompt of the store at `location` (a run folder or its record file). A missing store (a
 * committed baseline file has none beside it) gives an empty map; a line cut short by a killed run
 * is skipped, so that prompt is simply unknown. With `wanted`, only those hashes are kept.
 */
export async function readPromptStore(location: string, wanted?: ReadonlySet<string>): Promise<Map<string, PromptStoreLine>> {
  const prompts = new Map<string, PromptStoreLine>();
  const file = await promptStorePath(location);
  if (!(await stat(file).catch(() => undefined))?.isFile()) return prompts;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const text of lines) {
    if (text.trim() === '') continue;
    let line: PromptStoreLine;
    try {
      line = JSON.parse(text) as PromptStoreLine;
    } catch {
      continue;
    }
    if (wanted && !wanted.has(line.hash)) continue;
    prompts.set(line.hash, line);
  }
  return prompts;
}
