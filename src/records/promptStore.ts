/**
 * The prompt store (`prompts.jsonl` in a run folder): each unique rendered prompt once, keyed by
 * the hash that sample lines carry. Samples stay small and a report can still show the prompt.
 * The store is a convenience: a missing store or a missing line means the prompt text is unknown,
 * never that a sample is lost.
 */
import { access } from 'node:fs/promises';
import { sha256Hex, stableStringify } from '../canonical.js';
import { canonicalMessage, canonicalSystem, canonicalTool, hasSystem } from '../providers/content.js';
import type { GenerationRequest } from '../providers/types.js';
import { readJsonlObjectBatches, type ReadLine } from './reader.js';
import { promptStoreOf, runFilesOf } from './runDir.js';
import type { PromptStoreLine } from './types.js';

/** A rendered prompt as the store keeps it: its request content, and `user` when it is one plain message. */
export type StorablePrompt = Pick<GenerationRequest, 'system' | 'messages' | 'tools' | 'toolChoice'> & { user?: string };

/**
 * The store line of a rendered prompt, and so its hash (the `promptHash` of its samples). A
 * one-message prompt keeps the line and hash it always had: sha256 of system, NUL, user.
 */
export function promptStoreLine(prompt: StorablePrompt): PromptStoreLine {
  if (prompt.user !== undefined && (prompt.system === undefined || typeof prompt.system === 'string') && !prompt.tools?.length && !prompt.toolChoice) {
    const hash = sha256Hex(`${prompt.system ?? ''}\u0000${prompt.user}`);
    // Keys in the order the line is written in (hash, system, user): stableStringify then writes
    // the object as it is instead of copying it into that order.
    return prompt.system ? { hash, system: prompt.system, user: prompt.user } : { hash, user: prompt.user };
  }
  const stored: Omit<PromptStoreLine, 'hash'> = { messages: prompt.messages.map(canonicalMessage) };
  if (hasSystem(prompt.system)) stored.system = canonicalSystem(prompt.system);
  if (prompt.tools?.length) stored.tools = prompt.tools.map(canonicalTool);
  if (prompt.toolChoice) stored.toolChoice = prompt.toolChoice;
  return { hash: sha256Hex(`conversation\u0000${stableStringify(stored)}`), ...stored };
}

/** Every line of a prompt store file; nothing when the file does not exist. */
export async function* readPromptStoreLines(file: string): AsyncGenerator<ReadLine<PromptStoreLine>> {
  for await (const batch of readPromptStoreBatches(file)) yield* batch;
}

/** The lines of a prompt store file in batches (one per chunk read, as readJsonlObjectBatches gives them). */
export async function* readPromptStoreBatches(file: string): AsyncGenerator<Array<ReadLine<PromptStoreLine>>> {
  if (!(await access(file).then(() => true, () => false))) return;
  for await (const batch of readJsonlObjectBatches(file)) {
    // A line without a hash is not a prompt line: nothing refers to it.
    const prompts = batch.filter((read) => typeof read.value.hash === 'string');
    if (prompts.length) yield prompts as unknown as Array<ReadLine<PromptStoreLine>>;
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
