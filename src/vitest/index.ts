/**
 * `promptgold/vitest`: evals as ordinary vitest tests. Importing it registers the `expect`
 * matchers; `describeEval` registers a suite's tests. vitest is an optional peer dependency, and
 * only this folder imports it.
 */
import { installMatchers } from './matchers.js';

installMatchers();

export { describeEval } from './describeEval.js';
export type { DescribeEvalInput, DescribeEvalSettings } from './describeEval.js';
export type { DescribeEvalOptions } from './prepareEval.js';
export { installMatchers, promptgoldMatchers } from './matchers.js';
export type { PromptgoldMatchers } from './matchers.js';
export { checkContainAll, checkFuzzyMatch, checkMatchSchema, checkSatisfyRubric } from './matcherChecks.js';
export type { CheckResult, FuzzyMatchOptions, RubricMatchOptions, SchemaLike } from './matcherChecks.js';
export { parseShard, SHARD_ENV } from './shard.js';
export type { ShardSpec } from './taskMeta.js';
