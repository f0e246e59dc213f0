/**
 * Recordings: replayable generations on disk, one JSONL line per (request, repeat), sorted by key
 * so the same recordings give a byte-identical file. A line holds only what replay needs and a few
 * labels for people reading the file; never headers, never credentials.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stableStringify } from '../canonical.js';
import { InputError, fileWriteError } from '../errors.js';
import { replaceFileWith } from '../replaceFile.js';
import { redactKnownSecrets } from '../secrets.js';
import type { Generation, StopReason, TokenUsage, ToolCall } from './types.js';

export interface RecordedGeneration {
  key: string;
  /** Labels for humans; not used for lookup. */
  caseId: string;
  promptId: string;
  version: string;
  model: string;
  repeat: number;
  response: {
    text: string;
    stopReason: StopReason;
    stopDetails?: Record<string, unknown>;
    usage?: TokenUsage;
    latencyMs: number;
    model?: string;
    /** Tool calls of the answer, in order (absent when none). */
    toolCalls?: ToolCall[];
    thinking?: string;
    stopSequence?: string;
    /** The answer was streamed; `ttftMs` is its time to first token. */
    streamed?: boolean;
    ttftMs?: number;
  };
}

export async function readRecordings(file: string): Promise<Map<string, RecordedGeneration>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    // A folder at the path, or no permission: Node's error names no file (`EISDIR … read`).
    throw fileWriteError(error, file);
  }
  const entries = new Map<string, RecordedGeneration>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let entry: RecordedGeneration;
    try {
      entry = JSON.parse(line) as RecordedGeneration;
    } catch (error) {
      throw new InputError(`not valid JSON (${(error as Error).message})`, { file, line: i + 1 }, 'delete the line or re-record');
    }
    if (typeof entry.key !== 'string' || typeof entry.response?.text !== 'string') {
      throw new InputError('a recording needs "key" and "response.text"', { file, line: i + 1 }, 'delete the line or re-record');
    }
    entries.set(entry.key, entry);
  }
  return entries;
}

export function toRecordedResponse(generation: Generation): RecordedGeneration['response'] {
  const response: RecordedGeneration['response'] = {
    text: generation.text,
    stopReason: generation.stopReason,
    latencyMs: Math.round(generation.latencyMs),
  };
  if (generation.stopDetails) response.stopDetails = generation.stopDetails;
  if (generation.usage) response.usage = generation.usage;
  if (generation.model) response.model = generation.model;
  if (generation.toolCalls?.length) response.toolCalls = generation.toolCalls;
  if (generation.thinking) response.thinking = generation.thinking;
  if (generation.stopSequence) response.stopSequence = generation.stopSequence;
  if (generation.streamed) response.streamed = true;
  if (generation.ttftMs !== undefined) response.ttftMs = Math.round(generation.ttftMs);
  return response;
}

/** Merge new entries over the existing file and write it sorted by key, atomically. */
export async function writeRecordings(file: string, entries: Iterable<RecordedGeneration>): Promise<number> {
  const merged = await readRecordings(file);
  for (const entry of entries) merged.set(entry.key, entry);
  const keys = [...merged.keys()].sort();
  const body = keys.map((key) => stableStringify(merged.get(key))).join('\n') + (keys.length ? '\n' : '');
  await mkdir(dirname(file), { recursive: true });
  await replaceFileWith(file, redactKnownSecrets(body)).catch((error: unknown) => {
    throw fileWriteError(error, file);
  });
  return keys.length;
}
