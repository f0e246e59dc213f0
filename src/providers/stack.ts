/**
 * Builds a provider stack: the base provider (replay, anthropic or the user's function) wrapped by
 * the cross-cutting layers, innermost first: budget → cache → record. Knows nothing of suites or
 * configuration files: the run's composition root (`engine/assemble.ts`) decides what goes in.
 */
import type { AnthropicProviderOptions } from './anthropic/client.js';
import { CostBudget, withBudget } from './budget.js';
import { withCache } from './cache.js';
import { createFunctionProvider, type FunctionTarget } from './function.js';
import { cacheSavedUsd, costOfUsage, type ModelTable } from './pricing.js';
import { withRecording } from './record.js';
import { createReplayProvider } from './replay.js';
import type { GenerationRequest, Provider } from './types.js';

export type ProviderKind = 'replay' | 'anthropic' | 'function';

export const PROVIDER_KINDS: readonly ProviderKind[] = ['replay', 'anthropic', 'function'];

export function isProviderKind(value: string): value is ProviderKind {
  return (PROVIDER_KINDS as readonly string[]).includes(value);
}

export type BaseProviderSpec =
  | { kind: 'replay'; recordingsFile: string; models: ModelTable; recordHint?: string }
  | { kind: 'function'; target: FunctionTarget | Provider }
  | { kind: 'anthropic'; options: AnthropicProviderOptions };

export interface ProviderLayers {
  /** Response cache folder; no cache when absent. */
  cacheDir?: string;
  /** Hears of each cache entry that could not be written (see withCache). */
  onCacheWriteFailure?: (error: unknown, file: string) => void;
  /** Hears of each cache entry that is there but cannot be used (see withCache). */
  onCacheDamaged?: (problem: string, file: string) => void;
  budget?: CostBudget;
  /** A request's cost at most: held against the budget while it is in flight (see withBudget). */
  worstCaseUsd?: (request: GenerationRequest) => number;
  /** Recordings file every response is written to (`--record`). */
  recordTo?: string;
}

export async function createBaseProvider(spec: BaseProviderSpec): Promise<Provider> {
  if (spec.kind === 'replay') {
    return createReplayProvider(spec.recordingsFile, {
      priceOf: (request, generation) => {
        const model = spec.models.get(request.model);
        return model && generation.usage ? costOfUsage(generation.usage, model) : undefined;
      },
      cacheSavedOf: (request, generation) => {
        const model = spec.models.get(request.model);
        return model && generation.usage ? cacheSavedUsd(generation.usage, model) : undefined;
      },
      ...(spec.recordHint ? { recordHint: spec.recordHint } : {}),
    });
  }
  if (spec.kind === 'function') return typeof spec.target === 'function' ? createFunctionProvider(spec.target) : spec.target;
  const { createAnthropicProvider } = await import('./anthropic/index.js');
  return createAnthropicProvider(spec.options);
}

export function withLayers(base: Provider, layers: ProviderLayers): Provider {
  let provider = base;
  // The budget inside the cache: an answer the cache gives costs nothing, so the budget neither
  // holds a worst case for it nor refuses it once spent.
  if (layers.budget) provider = withBudget(provider, layers.budget, layers.worstCaseUsd);
  if (layers.cacheDir) provider = withCache(provider, layers.cacheDir, layers.onCacheWriteFailure, layers.onCacheDamaged);
  if (layers.recordTo) provider = withRecording(provider, layers.recordTo);
  return provider;
}

export async function createProviderStack(spec: BaseProviderSpec, layers: ProviderLayers = {}): Promise<Provider> {
  return withLayers(await createBaseProvider(spec), layers);
}
