/**
 * The prompt store (`prompts.jsonl` in a run folder): each unique rendered prompt once, keyed by
 * the hash that sample lines carry. Samples stay small and a report can still show the prompt.
 * The store is a convenience: a missing store or a missing line means the prompt text is unknown,
 * never that a sample is lost.
 */
import { access } from 'node:fs/promises';
import { readJsonlObjects, type ReadLine } from './reader.js';
import { promptStoreOf, runFilesOf } from './runDir.js';
import type { PromptStoreLine } from './types.js';

/** Every line of a prompt store file; nothing when the file does not exist. */
export async function* readPromptStoreLines(file: string): AsyncGenerator<ReadLine<PromptStoreLine>> {
  if (!(await access(file).then(() => true, () => false))) return;
  for await (const read of readJsonlObjects(file)) {
    if (typeof read.value.hash !== 'string') continue; // not a prompt line: nothing refers to it
    yield read as unknown as ReadLine<PromptStoreLine>;
  }
}

/**
 * hash → stored line of the prompt stores of the given run folders or record files (the first
 * store that has a hash wins). `wanted` limits what is kept, for reports of large runs.
 */
export async function readPromptStore(sources: string | readonly string[], wanted?: ReadonlySet<string>): Promise<Map<string, ReadLine<PromptStoreLine>>> {
  const prompts = new Map<string, ReadLine<PromptStoreLine>>();
  for (const source of new Set(typeof sources === 'string' ? [sources] : sources)) {
    const { prompts: file } = await runFilesOf(source).catch(() => ({ prompts: promptStoreOf(source) }));
    for await (const read of readPromptStoreLines(file)) {
      const hash = read.value.hash;
      if (prompts.has(hash) || (wanted && !wanted.has(hash))) continue;
      prompts.set(hash, read);
    }
  }
  return prompts;
}
