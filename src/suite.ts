/**
 * A suite binds prompt versions × models × dataset (+ chaos) × scorers × repeats × thresholds.
 * Declared in TypeScript with `defineSuite` in `*.eval.ts` files under `suites/`; relative paths are resolved
 * against the suite file's folder.
 */
import type { ChaosConfig } from './chaos/config.js';
import type { CaseSelection } from './datasets/types.js';
import type { FunctionTarget } from './providers/function.js';
import type { Provider } from './providers/types.js';
import type { Scorer } from './scoring/types.js';

export type { ChaosConfig } from './chaos/config.js';
export type { FunctionAnswer, FunctionTarget, FunctionTargetContext, FunctionTargetResult } from './providers/function.js';

export interface VerdictPolicy {
  maxPassRateDrop?: number;
  alpha?: number;
  maxCostIncrease?: number;
  maxP95LatencyIncrease?: number;
  /** Largest tolerated rise of the refusal rate, absolute: 0.02 fails a rise of more than 2 percentage points. */
  maxRefusalRateIncrease?: number;
  /** Largest tolerated rise of the share of answers cut at max_tokens, absolute. */
  maxTruncationRateIncrease?: number;
  failOnNewErrors?: boolean;
}

export interface SuiteDefinition {
  name: string;
  description?: string;
  /** A folder of `*.hbs` prompt versions, or one file. */
  prompt: string;
  /** Which versions to run (default: all found). */
  versions?: string[];
  /** Folder of partials (default: `<prompt folder>/partials` when it exists). */
  partials?: string;
  /** Model ids to run; may be left out when every run names them with `--model`. */
  models?: string[];
  /** Golden dataset: JSONL, JSON, YAML or CSV. */
  dataset: string;
  select?: CaseSelection;
  scorers: Scorer[];
  /** Repeats per case × version × model (default 1). */
  repeats?: number;
  /** Minimum pass rate per cell (0..1); below it the run exits 1. */
  threshold?: number;
  /**
   * Share of samples (0..1) allowed to go unscored — the provider, a scorer or a judge failed —
   * before the run fails with exit 3. Default 0; `--max-error-rate` and the config's
   * `maxErrorRate` set it too.
   */
  maxErrorRate?: number;
  concurrency?: number;
  /** Per-sample timeout in ms (default 120 000). */
  timeoutMs?: number;
  /**
   * Time bound of each scorer on each sample, in ms (default 600 000, or three per-sample timeouts
   * if that is longer). A scorer that overruns it ends as an errored score and the run goes on.
   */
  scorerTimeoutMs?: number;
  /**
   * Stream every answer and record its time to first token (a template's own `stream:` wins).
   * Default: stream only answers whose max_tokens is too large to wait for (above 21 333).
   */
  stream?: boolean;
  /**
   * Which provider answers: `replay` (recorded responses), `anthropic`, a function target (the
   * user's own code), or any Provider object. The CLI's `--provider` overrides it.
   */
  provider?: 'replay' | 'anthropic' | FunctionTarget | Provider;
  /** Replay/recording file (default `<suite dir>/recordings/<suite name>.jsonl`). */
  recordings?: string;
  chaos?: ChaosConfig;
  policy?: VerdictPolicy;
  /** Seed for sampling and chaos (default 1). */
  seed?: number;
}

export interface Suite extends SuiteDefinition {
  readonly kind: 'promptgold.suite';
}

/** Identity with a brand, so the CLI can find suites among a module's exports. */
export function defineSuite(definition: SuiteDefinition): Suite {
  return { ...definition, kind: 'promptgold.suite' };
}

export function isSuite(value: unknown): value is Suite {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'promptgold.suite';
}
