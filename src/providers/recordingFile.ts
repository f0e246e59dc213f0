/**
 * Recordings: replayable generations on disk, one JSONL line per (request, repeat), sorted by key
 * so the same recordings give a byte-identical file. A line holds only what replay needs and a few
 * labels for people reading the file; never headers, never credentials.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import { builtOnFirstUse } from '../builtOnFirstUse.js';
import { stableStringify } from '../canonical.js';
import { ProblemList, problemsFromZod, typeName, type Problem } from '../datasets/problems.js';
import { displayPath } from '../displayPath.js';
import { errorMessage, fileWriteError } from '../errors.js';
import { repeatedKeyProblems } from '../repeatedKeys.js';
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

/** The format of one recordings line. Strict: a misspelt key would drop what it holds without a word. */
function buildRecordingSchemas() {
  // What --record writes must read back: a function provider may report any count and stop reason,
  // and the API may add stop reasons; a number and a non-empty text are what the run needs of them.
  const tokens = z.number().nonnegative();
  const milliseconds = z.number().nonnegative();
  const usage = z.strictObject({
    inputTokens: tokens,
    outputTokens: tokens,
    cacheCreationInputTokens: tokens.optional(),
    cacheReadInputTokens: tokens.optional(),
    cacheCreation5mInputTokens: tokens.optional(),
    cacheCreation1hInputTokens: tokens.optional(),
    serviceTier: z.string().optional(),
    thinkingTokens: tokens.optional(),
    speed: z.string().optional(),
    inferenceGeo: z.string().optional(),
  });
  const toolCall = z.strictObject({ id: z.string().optional(), name: z.string().min(1), input: z.unknown() });
  const response = z.strictObject({
    text: z.string(),
    stopReason: z.string().min(1),
    stopDetails: z.record(z.string(), z.unknown()).optional(),
    usage: usage.optional(),
    latencyMs: milliseconds,
    model: z.string().optional(),
    toolCalls: z.array(toolCall).optional(),
    thinking: z.string().optional(),
    stopSequence: z.string().optional(),
    streamed: z.boolean().optional(),
    ttftMs: milliseconds.optional(),
  });
  const entry = z.strictObject({
    key: z.string().min(1),
    caseId: z.string(),
    promptId: z.string(),
    version: z.string(),
    model: z.string(),
    repeat: z.number().int().nonnegative(),
    response,
  });
  return { entry, response, keys: { entry: Object.keys(entry.shape), response: Object.keys(response.shape), usage: Object.keys(usage.shape), toolCall: Object.keys(toolCall.shape) } };
}

const recordingSchemas = builtOnFirstUse(buildRecordingSchemas);

function allowedKeysAt(path: readonly PropertyKey[]): readonly string[] {
  const { keys } = recordingSchemas();
  const at = path.map(String).join('.');
  if (at === '') return keys.entry;
  if (at === 'response') return keys.response;
  if (at === 'response.usage') return keys.usage;
  if (/^response\.toolCalls\.\d+$/.test(at)) return keys.toolCall;
  return [];
}

type RecordingCheck = { ok: true; entry: RecordedGeneration } | { ok: false; problems: Problem[] };

/** One parsed line checked against the format, its problems phrased as `field: expected X, got Y`. */
export function checkRecording(value: unknown): RecordingCheck {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problems: [{ message: `expected a recording object, got ${typeName(value)}` }] };
  }
  const parsed = recordingSchemas().entry.safeParse(value);
  if (parsed.success) return { ok: true, entry: parsed.data as RecordedGeneration };
  return { ok: false, problems: problemsFromZod(parsed.error.issues, value, allowedKeysAt) };
}

/**
 * A stored answer (the `response` of a recording line, or a response cache entry without the
 * fields only the cache keeps, `alsoAllowed`) checked against the recordings' format, as checkRecording checks it.
 */
export function checkRecordedResponse(value: unknown, alsoAllowed: readonly string[] = []): { ok: true; response: RecordedGeneration['response'] } | { ok: false; problems: Problem[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problems: [{ message: `expected an answer object, got ${typeName(value)}` }] };
  }
  const parsed = recordingSchemas().response.safeParse(value);
  if (parsed.success) return { ok: true, response: parsed.data as RecordedGeneration['response'] };
  return { ok: false, problems: problemsFromZod(parsed.error.issues, value, (path) => (path.length === 0 ? [...allowedKeysAt(['response']), ...alsoAllowed] : allowedKeysAt(['response', ...path]))) };
}

/** Every entry of a recordings file by key; an empty map when there is no file (recording starts one). */
export async function readRecordings(file: string): Promise<Map<string, RecordedGeneration>> {
  return (await readRecordingsIfAny(file)) ?? new Map();
}

/**
 * Every entry of a recordings file by key, or undefined when there is no file. Each line is checked
 * against the format: a hand edit that breaks a field (`"inputTokens": "abc"`) or writes a key twice
 * would otherwise be replayed as if the model had answered it.
 */
export async function readRecordingsIfAny(file: string): Promise<Map<string, RecordedGeneration> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A folder at the path, or no permission: Node's error names no file (`EISDIR … read`).
    throw fileWriteError(error, file);
  }
  return parseRecordings(text, displayPath(file));
}

const RECORDING_FIX = 'mend that field, or delete the line and record it again (--provider anthropic --record)';

/** The entries of a recordings file's text by key; one InputError listing every bad line (`file:line: field: …`). */
export function parseRecordings(text: string, file: string): Map<string, RecordedGeneration> {
  const entries = new Map<string, RecordedGeneration>();
  const lineOfKey = new Map<string, number>();
  const problems = new ProblemList();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && !problems.full; i++) {
    const line = i + 1;
    const written = lines[i]!.trim();
    if (written === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(written);
    } catch (error) {
      problems.add({ line, message: `not valid JSON (${errorMessage(error)})` });
      continue;
    }
    const repeated = repeatedKeyProblems(written, value);
    if (repeated.length > 0) {
      for (const { field, message } of repeated) problems.add({ line, field, message });
      continue;
    }
    const checked = checkRecording(value);
    if (!checked.ok) {
      for (const problem of checked.problems) problems.add({ ...problem, line });
      continue;
    }
    const earlier = lineOfKey.get(checked.entry.key);
    if (earlier !== undefined) {
      problems.add({
        line,
        field: 'key',
        message: `the key ${checked.entry.key.slice(0, 12)}… is recorded twice (first on line ${earlier}): replay would answer with one of them without a word; keep one line and delete the other`,
      });
      continue;
    }
    lineOfKey.set(checked.entry.key, line);
    entries.set(checked.entry.key, checked.entry);
  }
  problems.throwIfAny(file, RECORDING_FIX);
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
