/** The promptgold library: everything a suite file, a test or a script needs. */
export { defineSuite, isSuite } from './suite.js';
export type { Suite, SuiteDefinition, FunctionTarget, FunctionTargetContext, FunctionTargetResult, FunctionAnswer, ChaosConfig, VerdictPolicy } from './suite.js';
export { defineConfig, loadConfig } from './config.js';
export type { PromptgoldConfig } from './config.js';
export { PromptgoldError, InputError, InfrastructureError, ExitCode } from './errors.js';

export * from './scoring/index.js';
export * from './judge/index.js';

export { loadDataset, selectCases } from './datasets/index.js';
export type { GoldenCase, Dataset, CaseSelection, CheckSpec } from './datasets/types.js';
export { loadPromptVersions, compilePrompt, loadPartials } from './prompts/index.js';
export type { PromptTemplate, RenderedPrompt, PromptShape } from './prompts/types.js';

export { importSuites, loadSuite } from './engine/loadSuite.js';
export type { LoadedSuite, SuiteOverrides } from './engine/loadSuite.js';
export { runSuite } from './engine/run.js';
export type { RunOptions, RunResult } from './engine/run.js';

export { createReplayProvider } from './providers/replay.js';
export { createFunctionProvider, functionAnswer } from './providers/function.js';
export { withCache } from './providers/cache.js';
export { withRecording } from './providers/record.js';
export { withBudget, CostBudget } from './providers/budget.js';
export { RateLimiter } from './providers/pacing.js';
export { loadModelTable, costOfUsage, cacheSavedUsd } from './providers/pricing.js';
export { generationKey } from './providers/requestKey.js';
export { ProviderError, isInfrastructureKind } from './providers/types.js';
export type {
  Provider,
  Generation,
  GenerationRequest,
  GenerateContext,
  TokenUsage,
  StopReason,
  ProviderErrorKind,
  ChatMessage,
  ContentBlock,
  TextBlock,
  DocumentBlock,
  ImageBlock,
  ToolUseBlock,
  ToolResultBlock,
  CacheControl,
  ToolCall,
  ToolDefinition,
  ToolChoice,
} from './providers/types.js';

export { readRecord, readRecordLines } from './records/reader.js';
export { RECORD_VERSION } from './records/types.js';
export type { RecordHeader, SampleRecord, RecordSummary, CellSummary, RecordLine } from './records/types.js';

export { CHAOS_OPERATORS, getOperator, listOperators, generateChaosCases, iterateChaosCases } from './chaos/index.js';
export { sameAsSource, stillValid, ignoresInjection, noSystemPromptLeak, handledGracefully } from './chaos/index.js';
export type { ChaosOperator, OperatorContext, OperatorResult, ChaosFamily } from './chaos/index.js';

export { writeHtmlReport, renderHtmlReport, buildReportData } from './report/html/index.js';
