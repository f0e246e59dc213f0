/** Chaos inputs: seeded mutation operators, case generation, and metamorphic invariants. */
export type { ChaosFamily, ChaosOperator, OperatorContext, OperatorResult } from './operator.js';
export { DEFAULT_CONTEXT_WINDOW_TOKENS, outcome } from './operator.js';
export { Rng, deriveSeed, hashString } from './random.js';
export { CHAOS_OPERATORS, getOperator } from './operators/index.js';
export { encodeTagCharacters } from './operators/injection.js';
export { CANARY_PATTERN, canariesIn, decodeTagCharacters, findCanary, makeCanary } from './canary.js';
export type { CanaryEvidence } from './canary.js';
export { chaosCaseList, generateChaosCases, iterateChaosCases } from './generate.js';
export type { ChaosGenerationContext } from './generate.js';
export { handledGracefully, ignoresInjection, noSystemPromptLeak, sameAsSource, stillValid } from './invariants.js';
export type {
  HandledGracefullyOptions,
  NoSystemPromptLeakOptions,
  SameAsSourceOptions,
  StillValidOptions,
} from './invariants.js';
export { listOperators, operatorsMarkdownTable } from './catalog.js';
export type { OperatorListing } from './catalog.js';
