/**
 * The model table: context windows, dated prices, capabilities (what a model accepts) and
 * retirement dates, shipped as data (`data/models.json`) that a user can override, and the cost
 * arithmetic built on it. The strict fake Messages API validates requests against the same table.
 * SDK-free.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../packageRoot.js';
import * as z from 'zod';
import { InputError } from '../errors.js';
import type { GenerationRequest, TokenUsage } from './types.js';
import { ESTIMATE_MARGIN, estimateInputTokens, totalInputTokens } from './tokens.js';
import { builtOnFirstUse } from '../builtOnFirstUse.js';
import { THINKING_ON_TYPES, THINKING_TYPES } from './requestParams.js';

export { totalInputTokens };

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The schemas of the model table, built on first use: a run reads the shipped table unchecked (a
 * test checks it), and building zod schemas takes start-up time (issue 17).
 */
function buildSchemas() {
  const PriceSheetSchema = z.strictObject({
    input: z.number().nonnegative(),
    cacheWrite5m: z.number().nonnegative(),
    cacheWrite1h: z.number().nonnegative(),
    cacheRead: z.number().nonnegative(),
    output: z.number().nonnegative(),
  });

  /** Multipliers on every token price when the response says it ran that way (usage.speed, usage.inference_geo). */
  const PriceMultipliersSchema = z.strictObject({
    speed: z.record(z.string(), z.number().positive()).optional(),
    inferenceGeo: z.record(z.string(), z.number().positive()).optional(),
  });

  const ModelEntrySchema = z.strictObject({
    /** Rate limits are pooled per family (`opus-4`, `haiku-5` …); derived from the id when absent. */
    family: z.string().min(1).optional(),
    contextWindow: z.number().int().positive(),
    maxOutputTokens: z.number().int().positive().optional(),
    prices: PriceSheetSchema,
    priceMultipliers: PriceMultipliersSchema.optional(),
    /** A higher price tier used when the prompt (all input tokens) exceeds `aboveInputTokens`. */
    longContext: z
      .strictObject({ aboveInputTokens: z.number().int().positive(), prices: PriceSheetSchema })
      .optional(),
    /** False for models that reject temperature / top_p / top_k (everything newer than Opus 4.6). */
    acceptsSamplingParams: z.boolean().optional(),
    /** False for models that reject `tool_choice` of type `any` or `tool` (the newest models). */
    acceptsForcedToolChoice: z.boolean().optional(),
    /** False for models that reject a final assistant turn (prefill): Opus and Sonnet 4.6 and newer. */
    acceptsPrefill: z.boolean().optional(),
    /** The shortest prefix (tokens) the model caches; a shorter prefix marked for caching is not cached. */
    minCacheableTokens: z.number().int().positive().optional(),
    /** Thinking types the model accepts, and what it does when the request sets none. */
    thinking: z
      .strictObject({ default: z.enum(THINKING_TYPES), types: z.array(z.enum(THINKING_TYPES)).min(1) })
      .optional(),
    retiresAt: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected an ISO date such as 2026-11-30').optional(),
  });

  const ModelTableSchema = z.strictObject({
    pricesAsOf: z.string().regex(ISO_DAY, 'expected an ISO date such as 2026-11-01'),
    /** When the capability fields (thinking, tool choice, sampling, max output) were last checked. */
    capabilitiesAsOf: z.string().regex(ISO_DAY, 'expected an ISO date such as 2026-11-01').optional(),
    source: z.string(),
    currency: z.literal('USD'),
    priceUnit: z.literal('per million tokens'),
    models: z.record(z.string(), ModelEntrySchema),
  });

  return { priceSheet: PriceSheetSchema, entry: ModelEntrySchema, table: ModelTableSchema };
}

type Schemas = ReturnType<typeof buildSchemas>;
const schemas = builtOnFirstUse(buildSchemas);

/** USD per million tokens. */
export type PriceSheet = z.infer<Schemas['priceSheet']>;
export type ModelEntry = z.infer<Schemas['entry']>;
export type ModelTableJson = z.infer<Schemas['table']>;
export type ThinkingType = (typeof THINKING_TYPES)[number];

/** Whether a model thinks with these template params: their `thinking.type`, else the model's default (the table's). */
export function thinkingOn(params: Record<string, unknown> | undefined, info: ModelInfo | undefined): boolean {
  const asked = (params?.['thinking'] as { type?: unknown } | undefined)?.type;
  return THINKING_ON_TYPES.has(String(asked ?? info?.thinking?.default ?? 'disabled'));
}

export interface ModelInfo extends ModelEntry {
  id: string;
}

const MODELS_FILE = packagePath('data', 'models.json');
/** Dated snapshot ids (`claude-haiku-4-5-20251001`) share the alias's entry. */
const DATED_SUFFIX = /-\d{8}$/;

export class ModelTable {
  readonly pricesAsOf: string;
  readonly capabilitiesAsOf: string | undefined;
  readonly source: string;
  private readonly models: ReadonlyMap<string, ModelInfo>;

  constructor(json: ModelTableJson) {
    this.pricesAsOf = json.pricesAsOf;
    this.capabilitiesAsOf = json.capabilitiesAsOf;
    this.source = json.source;
    this.models = new Map(Object.entries(json.models).map(([id, entry]) => [id, { id, ...entry }]));
  }

  get(id: string): ModelInfo | undefined {
    return this.models.get(id) ?? this.models.get(id.replace(DATED_SUFFIX, ''));
  }

  ids(): string[] {
    return [...this.models.keys()].sort();
  }
}

let shippedTable: ModelTableJson | undefined;

/** The table the package ships; a test checks it against the schema, so a run only reads it (issue 17: start-up). */
function readShippedTable(): ModelTableJson {
  shippedTable ??= JSON.parse(readFileSync(MODELS_FILE, 'utf8')) as ModelTableJson;
  return shippedTable;
}

/** Validates a model table and reports the first problem as `file: field: what is wrong`. */
export function parseModelTable(value: unknown, file: string): ModelTableJson {
  const parsed = schemas().table.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  throw new InputError(
    issue?.message ?? 'invalid model table',
    { file, field },
    'each model needs contextWindow and prices { input, cacheWrite5m, cacheWrite1h, cacheRead, output } in USD per million tokens',
  );
}

/** Like the table file, but every model entry may be partial (merged into the shipped one). */
export type ModelTableOverrides = Partial<Omit<ModelTableJson, 'models'>> & {
  models?: Record<string, Partial<ModelEntry> & { id?: string }>;
};

/**
 * The shipped table, with `overrides` merged on top: top-level fields replace, and each model in
 * `overrides.models` is merged field by field into the shipped entry (or added when new).
 */
export function loadModelTable(overrides: ModelTableOverrides = {}): ModelTable {
  const base = readShippedTable();
  if (Object.keys(overrides).length === 0) return new ModelTable(base);
  const models: Record<string, unknown> = { ...base.models };
  for (const [id, entry] of Object.entries(overrides.models ?? {})) {
    // A ModelInfo spread back in carries its id, which the table keys already express.
    const { id: _ignored, ...fields } = entry;
    models[id] = { ...base.models[id], ...fields };
  }
  const merged = parseModelTable({ ...base, ...overrides, models }, 'model table overrides');
  return new ModelTable(merged);
}

const MODEL_ID = /^claude-([a-z]+)-(\d+)(?:-\d+)?(?:-\d{8})?$/;

/**
 * The rate-limit pool of a model: the table's `family`, else `<line>-<major>` from the id
 * (`claude-haiku-4-5` → `haiku-4`), else the id itself.
 */
export function familyOf(modelId: string, info?: Pick<ModelInfo, 'family'>): string {
  if (info?.family) return info.family;
  const match = MODEL_ID.exec(modelId);
  return match ? `${match[1]}-${match[2]}` : modelId;
}

/** The price sheet that applies to a prompt of this size (long-context tier above the threshold). */
export function priceSheetFor(model: ModelInfo, promptTokens: number): PriceSheet {
  const tier = model.longContext;
  return tier && promptTokens > tier.aboveInputTokens ? tier.prices : model.prices;
}

/** The price modifiers a response reports (fast mode, a regional inference geo), as `name:value`. */
function reportedModifiers(usage: TokenUsage): { kind: 'speed' | 'inferenceGeo'; value: string }[] {
  const found: { kind: 'speed' | 'inferenceGeo'; value: string }[] = [];
  if (usage.speed && usage.speed !== 'standard') found.push({ kind: 'speed', value: usage.speed });
  if (usage.inferenceGeo && usage.inferenceGeo !== 'global') found.push({ kind: 'inferenceGeo', value: usage.inferenceGeo });
  return found;
}

/**
 * Modifiers the response reports that the table has no multiplier for (e.g. `speed: fast` on a
 * model whose fast-mode price is not in the table): the cost of such a response is a lower bound.
 */
export function unpricedModifiers(usage: TokenUsage, model: ModelInfo): string[] {
  return reportedModifiers(usage)
    .filter(({ kind, value }) => model.priceMultipliers?.[kind]?.[value] === undefined)
    .map(({ kind, value }) => `${kind === 'speed' ? 'speed' : 'inference_geo'}: ${value}`);
}

/**
 * Cost in USD of one response. Cache writes use the TTL split when the API gave it, otherwise the
 * 5-minute price. Modifiers the response reports (fast mode, US-only inference) multiply every
 * price when the table knows them; batch processing halves every token price.
 */
export function costOfUsage(usage: TokenUsage, model: ModelInfo, opts: { batch?: boolean } = {}): number {
  const prices = priceSheetFor(model, totalInputTokens(usage));
  const { writes5m, writes1h } = cacheWrites(usage);
  const micro =
    usage.inputTokens * prices.input +
    writes5m * prices.cacheWrite5m +
    writes1h * prices.cacheWrite1h +
    (usage.cacheReadInputTokens ?? 0) * prices.cacheRead +
    usage.outputTokens * prices.output;
  const usd = (micro * modifierMultiplier(usage, model)) / 1_000_000;
  return opts.batch ? usd / 2 : usd;
}

/** Cache writes split by TTL: the 1-hour share when the API gave it, the rest at the 5-minute price. */
function cacheWrites(usage: TokenUsage): { writes5m: number; writes1h: number } {
  const writes = usage.cacheCreationInputTokens ?? 0;
  const writes1h = Math.min(usage.cacheCreation1hInputTokens ?? 0, writes);
  return { writes5m: writes - writes1h, writes1h };
}

function modifierMultiplier(usage: TokenUsage, model: ModelInfo): number {
  let multiplier = 1;
  for (const { kind, value } of reportedModifiers(usage)) multiplier *= model.priceMultipliers?.[kind]?.[value] ?? 1;
  return multiplier;
}

/**
 * What prompt caching saved on one response, in USD, against the same tokens sent uncached: cache
 * reads at the input price minus their read price, less the premium of cache writes over the input
 * price (so a write that is never read back shows as a loss). Undefined when the response neither
 * read nor wrote the cache.
 */
export function cacheSavedUsd(usage: TokenUsage, model: ModelInfo, opts: { batch?: boolean } = {}): number | undefined {
  const reads = usage.cacheReadInputTokens ?? 0;
  const { writes5m, writes1h } = cacheWrites(usage);
  if (reads === 0 && writes5m === 0 && writes1h === 0) return undefined;
  const prices = priceSheetFor(model, totalInputTokens(usage));
  const micro = reads * (prices.input - prices.cacheRead) - writes5m * (prices.cacheWrite5m - prices.input) - writes1h * (prices.cacheWrite1h - prices.input);
  const usd = (micro * modifierMultiplier(usage, model)) / 1_000_000;
  return opts.batch ? usd / 2 : usd;
}

export interface CostEstimate {
  model: string;
  inputTokens: number;
  maxOutputTokens: number;
  /** What the answer will probably use; without it the forecast assumes every answer hits maxOutputTokens. */
  expectedOutputTokens?: number;
  /** How many calls of this shape (judge calls per sample, repeats …). Default 1. */
  calls?: number;
  /** Priced at batch rates (half), overriding the forecast's option: judges of a batch run may run live. */
  batch?: boolean;
}

export interface CostForecast {
  totalUsd: number;
  byModel: Record<string, number>;
  /** Models with no price in the table: left out of the totals. */
  unpricedModels: string[];
}

/**
 * Upper-bound (or expected, when given) cost of a planned run, before anything is sent. Pass
 * `batch: true` for a run sent through the Message Batches API (half price); judge calls are
 * estimates of their own (their model, their `calls`).
 */
export function forecastCost(estimates: CostEstimate[], table: ModelTable, opts: { batch?: boolean } = {}): CostForecast {
  const byModel: Record<string, number> = {};
  const unpriced = new Set<string>();
  let totalUsd = 0;
  for (const estimate of estimates) {
    const model = table.get(estimate.model);
    if (!model) {
      unpriced.add(estimate.model);
      continue;
    }
    const usage = {
      inputTokens: estimate.inputTokens,
      outputTokens: estimate.expectedOutputTokens ?? estimate.maxOutputTokens,
    };
    const usd = costOfUsage(usage, model, { batch: estimate.batch ?? opts.batch ?? false }) * (estimate.calls ?? 1);
    byModel[estimate.model] = (byModel[estimate.model] ?? 0) + usd;
    totalUsd += usd;
  }
  return { totalUsd, byModel, unpricedModels: [...unpriced].sort() };
}

/**
 * What one request can cost at most: its estimated input tokens raised by the tokenizer margin
 * (newer tokenizers count up to ~35-40% more than the estimate) and max_tokens of output (thinking
 * included); 0 for a model the table does not price.
 */
export function worstCaseCostUsd(request: GenerationRequest, table: ModelTable, opts: { batch?: boolean } = {}): number {
  const model = table.get(request.model);
  return model ? costOfUsage({ inputTokens: Math.ceil(estimateInputTokens(request) * ESTIMATE_MARGIN), outputTokens: request.maxTokens }, model, opts) : 0;
}

/** The price entry of a model, or undefined when the table does not list it (it cannot be costed or budgeted). */
export function priceOf(table: ModelTable, modelId: string): ModelInfo | undefined {
  return table.get(modelId);
}

export interface ModelIdCheck {
  /** Listed in the table: priced, context window known. */
  known: string[];
  /** Not in the table: unpriced (left out of cost forecasts and budgets) until the API confirms it. */
  unknown: string[];
}

/** Sorts model ids (generators and judges alike) into those the table prices and those it does not. */
export function checkModelIds(ids: Iterable<string>, table: ModelTable): ModelIdCheck {
  const known = new Set<string>();
  const unknown = new Set<string>();
  for (const id of ids) (table.get(id) ? known : unknown).add(id);
  return { known: [...known].sort(), unknown: [...unknown].sort() };
}

/** Days until a model retires (negative once retired), or undefined when no date is known. */
export function daysUntilRetirement(model: ModelInfo, today: Date = new Date()): number | undefined {
  if (!model.retiresAt) return undefined;
  const retires = Date.parse(model.retiresAt.slice(0, 10) + 'T00:00:00Z');
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.round((retires - start) / 86_400_000);
}

/** The smallest input window among these models (padding chaos operators fill a share of it). */
export function smallestContextWindow(modelIds: readonly string[], table: ModelTable): number | undefined {
  const windows = modelIds.map((id) => table.get(id)?.contextWindow).filter((w): w is number => w !== undefined);
  return windows.length ? Math.min(...windows) : undefined;
}
