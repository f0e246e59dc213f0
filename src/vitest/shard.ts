/**
 * Shards of an eval: vitest shards by file, so a single eval file would land on one machine. Each
 * describeEval instead registers only its share of the plan (every `count`-th sample, starting at
 * `index - 1`), and the shard's record holds exactly those samples; `promptgold merge` joins them.
 */
import { InputError, type ErrorLocation } from '../errors.js';
import type { ShardSpec } from './taskMeta.js';

/** The environment variable that selects a shard without vitest's `--shard` (e.g. `2/4`). */
export const SHARD_ENV = 'PROMPTGOLD_SHARD';
/** The key the reporter provides vitest's `--shard` under (see `inject`). */
export const SHARD_PROVIDE_KEY = 'promptgold:shard';

/** Test files that hold evals, kept on every shard by EvalShardSequencer (`*.eval.test.*`). */
export const EVAL_FILE_PATTERN = /\.eval\.test\.[cm]?[jt]sx?$/;

/** `at`: where the text was written (describeEval's call in a test file), when it was. */
export function parseShard(text: string, field = SHARD_ENV, at: Omit<ErrorLocation, 'field'> = {}): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new InputError(`"${text}" is not a shard`, { ...at, field }, 'write <index>/<count> with 1 <= index <= count, e.g. 2/4');
  }
  return { index, count };
}

/** Round-robin over plan indices keeps shards balanced across versions, models and cases. */
export function inShard(index: number, shard: ShardSpec | null): boolean {
  return shard === null || index % shard.count === shard.index - 1;
}

declare module 'vitest' {
  interface ProvidedContext {
    'promptgold:shard': ShardSpec | null;
  }
}
