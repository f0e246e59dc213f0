/**
 * What a describeEval test hands to the reporter through vitest's task meta (serialized from the
 * worker to the main process). Shared by both sides; imports nothing from vitest.
 */
import type { PromptStoreLine, RecordHeader, SampleRecord } from '../records/types.js';

/** The key under which promptgold data sits in `task.meta`. */
export const META_KEY = 'promptgold';

/** Identifies one describeEval run in a test run: the same suite plan may only be recorded once. */
export interface EvalRunRef {
  /** `<suite>:<planHash>`. */
  key: string;
  suite: string;
}

/** On the describeEval suite (the `describe` block): the record header and where inputs live. */
export interface EvalSuiteMeta {
  kind: 'suite';
  run: EvalRunRef;
  header: RecordHeader;
  shard: ShardSpec | null;
  /** Which provider answered (replay, anthropic, function), for meta.json. */
  provider: string;
  /** Absolute paths of the templates and the dataset: a change re-runs the file in watch mode. */
  inputs: string[];
}

/** On each sample test: its record line and the rendered prompt it used. */
export interface EvalSampleMeta {
  kind: 'sample';
  run: EvalRunRef;
  sample: SampleRecord;
  prompt: PromptStoreLine;
}

/**
 * On the pass-rate test when it alone was selected (`-t "pass rate"`): every sample ran for it, and
 * their own tests, skipped, attach nothing.
 */
export interface EvalSamplesMeta {
  kind: 'samples';
  run: EvalRunRef;
  samples: Array<{ sample: SampleRecord; prompt: PromptStoreLine }>;
}

export type EvalMeta = EvalSuiteMeta | EvalSampleMeta | EvalSamplesMeta;

export interface ShardSpec {
  /** 1-based, as in `--shard=1/3`. */
  index: number;
  count: number;
}

export function readEvalMeta(meta: unknown): EvalMeta | undefined {
  if (typeof meta !== 'object' || meta === null) return undefined;
  const value = (meta as Record<string, unknown>)[META_KEY];
  if (typeof value !== 'object' || value === null) return undefined;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'suite' || kind === 'sample' || kind === 'samples' ? (value as EvalMeta) : undefined;
}
