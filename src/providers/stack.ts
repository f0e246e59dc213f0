/**
 * Builds the provider stack a run uses: the base provider (replay, anthropic or the user's
 * function) wrapped by the cross-cutting layers, innermost first: cache → budget → record.
 */
import { join } from 'node:path';
import type { PromptgoldConfig } from '../config.js';
import { InputError } from '../errors.js';
import type { LoadedSuite } from '../engine/loadSuite.js';
import { CostBudget, withBudget } from './budget.js';
import { withCache } from './cache.js';
import { createFunctionProvider } from './function.js';
import { costOfUsage, type ModelTable } from './pricing.js';
import type { RateLimiter } from './pacing.js';
import { withRecording } from './record.js';
import { createReplayProvider } from './replay.js';
import { anthropicOptionsFromConfig } from './anthropic/configOptions.js';
import type { Provider } from './types.js';

export type ProviderKind = 'replay' | 'anthropic' | 'function';

export interface StackOptions {
  kind?: ProviderKind;
  record?: boolean;
  cache?: boolean;
  cacheDir: string;
  models: ModelTable;
  config: PromptgoldConfig;
  budget?: CostBudget;
  /** Shared by every provider of the run (all suites, judges). */
  limiter?: RateLimiter;
}

export function providerKindOf(loaded: LoadedSuite, requested?: string): ProviderKind {
  const kind = requested ?? (typeof loaded.suite.provider === 'string' ? loaded.suite.provider : loaded.suite.provider ? 'function' : 'replay');
  if (kind !== 'replay' && kind !== 'anthropic' && kind !== 'function') {
    throw new InputError(`unknown provider "${kind}"`, { field: '--provider' }, 'use replay, anthropic or function');
  }
  return kind;
}

export async function createProviderStack(loaded: LoadedSuite, options: StackOptions): Promise<Provider> {
  const kind = options.kind ?? providerKindOf(loaded);
  let provider = await baseProvider(loaded, kind, options);
  if (kind === 'anthropic' && options.cache !== false) provider = withCache(provider, options.cacheDir);
  if (options.budget) provider = withBudget(provider, options.budget);
  if (options.record) provider = withRecording(provider, loaded.recordingsFile);
  return provider;
}

async function baseProvider(loaded: LoadedSuite, kind: ProviderKind, options: StackOptions): Promise<Provider> {
  if (kind === 'replay') {
    return createReplayProvider(loaded.recordingsFile, {
      priceOf: (request, generation) => {
        const model = options.models.get(request.model);
        return model && generation.usage ? costOfUsage(generation.usage, model) : undefined;
      },
      recordHint: `record it with: promptgold run ${loaded.relativeFile} --provider anthropic --record`,
    });
  }
  if (kind === 'function') {
    const target = loaded.suite.provider;
    if (typeof target === 'function') return createFunctionProvider(target);
    if (target && typeof target === 'object') return target;
    throw new InputError('--provider function needs the suite to set `provider` to a function', { file: loaded.relativeFile, field: 'provider' });
  }
  const { createAnthropicProvider } = await import('./anthropic/index.js');
  return createAnthropicProvider(anthropicOptions(loaded, options));
}

/** Options of the Anthropic provider and batch client, from the project config. */
export function anthropicOptions(_loaded: LoadedSuite, options: Pick<StackOptions, 'config' | 'models' | 'limiter'>) {
  return anthropicOptionsFromConfig(options.config, options);
}

export function defaultCacheDir(root: string, config: PromptgoldConfig): string {
  return config.cacheDir ? join(root, config.cacheDir) : join(root, '.promptgold', 'cache');
}
