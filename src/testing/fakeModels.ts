/**
 * What the fake Messages API knows about each model: context window, maximum `max_tokens`, which
 * parameters it accepts, its default thinking, and the rate limits of its family. Built from the
 * shipped model table (`data/models.json`, dated) so the fake and the provider read one source;
 * rate limits are the fake's own (the table prices models, it does not know an account's tier).
 */
import { familyOf, loadModelTable, type ModelTable, type ThinkingType } from '../providers/pricing.js';

export interface FakeModel {
  maxInputTokens: number;
  /** The largest `max_tokens` the model accepts. Default 64 000. */
  maxTokens?: number;
  /** False: a non-default temperature / top_p / top_k is answered with 400, as newer models do. */
  acceptsSamplingParams?: boolean;
  /** True: temperature and top_p may come together (models before Claude 4.5). Default false: 400, as every current model answers. */
  acceptsTemperatureWithTopP?: boolean;
  /** False: `tool_choice` of type `any` or `tool` is answered with 400. Default true. */
  acceptsForcedToolChoice?: boolean;
  /** False: a conversation ending with an assistant turn (prefill) is answered with 400. Default true. */
  acceptsPrefill?: boolean;
  /** The shortest prefix that is cached; a shorter marked prefix is neither written nor read. Default 1 024. */
  minCacheableTokens?: number;
  /** Thinking types accepted and the default when the request sets none. Default: enabled/disabled, off. */
  thinking?: { default: ThinkingType; types: ThinkingType[] };
  /** Rate-limit pool. Default: derived from the id (`claude-haiku-4-5` → `haiku-4`). */
  family?: string;
  retiresAt?: string;
  lifecycle?: 'active' | 'deprecated' | 'retired';
}

/** Per-minute limits of one model family, as the `anthropic-ratelimit-*` headers state them. */
export interface FamilyLimits {
  requestsPerMinute: number;
  /** Cache reads do not count against it (cache-aware ITPM); cache writes do. */
  inputTokensPerMinute: number;
  outputTokensPerMinute: number;
}

/** When the fake's default limits were last compared with a published usage tier. */
export const FAKE_RATE_LIMITS_AS_OF = '2026-11-01';

/**
 * Default limits per family, in the range of a high self-serve usage tier: Opus and Sonnet share
 * a per-family pool, Haiku has more token room. Override with `rateLimits` per family.
 */
const DEFAULT_FAMILY_LIMITS: Record<string, FamilyLimits> = {
  opus: { requestsPerMinute: 4_000, inputTokensPerMinute: 2_000_000, outputTokensPerMinute: 400_000 },
  sonnet: { requestsPerMinute: 4_000, inputTokensPerMinute: 2_000_000, outputTokensPerMinute: 400_000 },
  haiku: { requestsPerMinute: 4_000, inputTokensPerMinute: 4_000_000, outputTokensPerMinute: 800_000 },
  fable: { requestsPerMinute: 2_000, inputTokensPerMinute: 1_000_000, outputTokensPerMinute: 200_000 },
};
const FALLBACK_LIMITS: FamilyLimits = { requestsPerMinute: 1_000, inputTokensPerMinute: 500_000, outputTokensPerMinute: 100_000 };

export function defaultFamilyLimits(family: string): FamilyLimits {
  return DEFAULT_FAMILY_LIMITS[family.split('-')[0] ?? ''] ?? FALLBACK_LIMITS;
}

export const DEFAULT_MAX_TOKENS = 64_000;
export const DEFAULT_MIN_CACHEABLE_TOKENS = 1_024;

/** Every model of the (possibly overridden) table, as the fake serves it. */
export function fakeModelsFromTable(table: ModelTable = loadModelTable()): Record<string, FakeModel> {
  const models: Record<string, FakeModel> = {};
  for (const id of table.ids()) {
    const info = table.get(id)!;
    models[id] = {
      maxInputTokens: info.contextWindow,
      family: familyOf(id, info),
      acceptsSamplingParams: info.acceptsSamplingParams ?? true,
      acceptsForcedToolChoice: info.acceptsForcedToolChoice ?? true,
      acceptsPrefill: info.acceptsPrefill ?? true,
      ...(info.minCacheableTokens !== undefined && { minCacheableTokens: info.minCacheableTokens }),
      ...(info.maxOutputTokens !== undefined && { maxTokens: info.maxOutputTokens }),
      ...(info.thinking !== undefined && { thinking: info.thinking }),
      ...(info.retiresAt !== undefined && { retiresAt: info.retiresAt }),
    };
  }
  return models;
}

/** Dated snapshot ids (`claude-haiku-4-5-20251001`) are served as their alias. */
export function lookupFakeModel(models: Record<string, FakeModel>, id: unknown): FakeModel | undefined {
  if (typeof id !== 'string') return undefined;
  return models[id] ?? models[id.replace(/-\d{8}$/, '')];
}

export function fakeFamily(id: string, model: FakeModel): string {
  return model.family ?? familyOf(id);
}

export function thinkingOf(model: FakeModel): { default: ThinkingType; types: ThinkingType[] } {
  return model.thinking ?? { default: 'disabled', types: ['enabled', 'disabled'] };
}
