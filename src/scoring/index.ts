/**
 * Scorers: `(sample) → score` factories, JSON extraction, similarity measures and data-declared
 * checks. The rubric judge and its deterministic checklist live with the judge, in src/judge/.
 */
export { runScorer } from './types.js';
export type { ChaosInfo, Sample, Score, Scorer, ScorerContext } from './types.js';

export { extractJson, extractSampleJson } from './extract-json.js';
export type { JsonExtraction } from './extract-json.js';
export { getAtPath, parsePath } from './paths.js';
export type { ExpectedOptions, FieldOption } from './value-source.js';

export { exact } from './exact.js';
export type { ExactOptions } from './exact.js';
export { contains, notContains } from './contains.js';
export type { ContainsOptions, NotContainsOptions, ValuesOption } from './contains.js';
export { compileRegex, regex } from './regex.js';
export type { RegexOptions } from './regex.js';

export { diceSimilarity, levenshteinSimilarity, similarityFunctions, textNormalizer, tokenSetSimilarity } from './similarity.js';
export type { NormalizeOptions, SimilarityMethod } from './similarity.js';
export { fuzzy } from './fuzzy.js';
export type { FuzzyOptions } from './fuzzy.js';

export { compileJsonSchema, describeAjvError, describeAjvErrors, jsonSchema } from './json-schema.js';
export type { JsonSchema, JsonSchemaOptions } from './json-schema.js';
export { describeZodIssues, zodSchema } from './zod-schema.js';
export type { ZodSchemaOptions } from './zod-schema.js';

export { numeric } from './numeric.js';
export type { NumericOptions } from './numeric.js';
export { formatNumber, parseNumber, withinTolerance } from './numbers.js';
export type { ParsedNumber, Tolerance, ToleranceCheck } from './numbers.js';
export { extraction } from './extraction.js';
export type { ExtractionOptions } from './extraction.js';
export { compareFields, compileFieldMatcher, compileFieldSpecs } from './field-match.js';
export type { FieldComparison, FieldMatcher, FieldResult, FieldSpec } from './field-match.js';
export { FIELD_DETAILS_KEY, fieldDetails, fieldOutcomes } from './field-results.js';
export type { FieldOutcome } from './field-results.js';

export { ANY_TOOL, describeCalls, inOrderCount, readToolCalls, toolCalled, toolInput, toolOrder } from './tool-calls.js';
export type { ToolCalledOptions, ToolInputExpectedOptions, ToolInputOptions, ToolInputSchemaOptions, ToolOrderFromCaseOptions, ToolOrderOptions } from './tool-calls.js';

export { custom, customResultToScore } from './custom.js';
export type { CustomFunction, CustomOptions, CustomResult, ScoreLike } from './custom.js';
export { all, any, weighted } from './combinators.js';
export type { CombinatorOptions, WeightedEntry, WeightedOptions } from './combinators.js';

export { checkFromSpec, checksFromSpecs } from './checks.js';
export type { CheckLocation, CheckSpec } from './checks.js';

export type { JudgeUsage } from './types.js';
