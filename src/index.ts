/**
 * The promptgold library: what a suite file, a test or a script writes. Each name is documented in
 * the README's "Library API" section. Comparing runs is `promptgold/compare`, reports are
 * `promptgold/report`, the fake Claude API is `promptgold/testing` and vitest integration is
 * `promptgold/vitest`; nothing here loads the HTML renderer, the SDK or vitest.
 */

// Suites and configuration
export { defineSuite } from './suite.js';
export type { Suite, SuiteDefinition, ChaosConfig, VerdictPolicy } from './suite.js';
export { defineConfig } from './config.js';
export type { PromptgoldConfig } from './config.js';
export { PromptgoldError, InputError, InfrastructureError, ExitCode } from './errors.js';

// Scorers
export { exact, contains, notContains, regex, fuzzy, jsonSchema, zodSchema, numeric, extraction, toolCalled, toolInput, toolOrder, custom, all, any, weighted } from './scoring/index.js';
export { extractJson, extractSampleJson } from './scoring/index.js';
export type { Sample, Score, Scorer, ScorerContext, ExactOptions, ContainsOptions, RegexOptions, FuzzyOptions, JsonSchemaOptions, NumericOptions, ExtractionOptions } from './scoring/index.js';
export type { ToolCalledOptions, ToolInputOptions, ToolOrderOptions, CustomFunction, CustomResult, WeightedEntry } from './scoring/index.js';
export { rubric, checklist } from './judge/index.js';
export type { RubricOptions, ChecklistOptions, CriterionInput } from './judge/index.js';
export { sameAsSource, stillValid, ignoresInjection, noSystemPromptLeak, handledGracefully, listOperators } from './chaos/index.js';

// Your own code under test, and your own providers
export { functionAnswer } from './providers/function.js';
export type { FunctionTarget, FunctionTargetContext, FunctionAnswer } from './providers/function.js';
export { ProviderError } from './providers/types.js';
export type { Provider, Generation, GenerationRequest, GenerateContext, ChatMessage, ContentBlock, ToolCall, TokenUsage, StopReason } from './providers/types.js';

// Runs from code, and their records
export { RunSession } from './engine/assemble.js';
export type { SessionOptions, AssembleOptions, AssembledRun } from './engine/assemble.js';
export { importSuites } from './engine/loadSuite.js';
export type { LoadedSuite } from './engine/loadSuite.js';
export { runSuite } from './engine/run.js';
export type { RunOptions, RunResult } from './engine/run.js';
export { readRecord, readRecordLines } from './records/reader.js';
export type { RecordHeader, SampleRecord, RecordSummary, CellSummary } from './records/types.js';
