import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  checkModelIds,
  costOfUsage,
  daysUntilRetirement,
  familyOf,
  forecastCost,
  loadModelTable,
  parseModelTable,
  priceOf,
  priceSheetFor,
  unpricedModifiers,
  worstCaseCostUsd,
} from '../../src/providers/pricing.js';
import { ESTIMATE_MARGIN, estimateInputTokens } from '../../src/providers/tokens.js';

describe('model table', () => {
  const table = loadModelTable();

  it('ships a table the schema accepts, as it is read (a run takes it without checking it again)', () => {
    const shipped = JSON.parse(readFileSync(new URL('../../data/models.json', import.meta.url), 'utf8')) as unknown;
    expect(parseModelTable(shipped, 'data/models.json')).toEqual(shipped);
  });

  it('ships dated prices for every documented model', () => {
    expect(table.pricesAsOf).toBe('2026-11-01');
    expect(table.ids()).toEqual([
      'claude-fable-5-1',
      'claude-haiku-4-5',
      'claude-haiku-5-5',
      'claude-opus-4-5',
      'claude-opus-4-6',
      'claude-opus-4-7',
      'claude-opus-4-8',
      'claude-opus-5-5',
      'claude-sonnet-4-5',
      'claude-sonnet-4-6',
      'claude-sonnet-5-5',
    ]);
    expect(table.get('claude-opus-5-5')?.prices).toEqual({ input: 4, cacheWrite5m: 5, cacheWrite1h: 8, cacheRead: 0.2, output: 20 });
    expect(table.get('claude-opus-4-5')?.contextWindow).toBe(200_000);
    expect(table.get('claude-sonnet-4-5')?.retiresAt).toBe('2026-11-30');
  });

  it('finds dated snapshot ids under their alias and nothing for unknown ids', () => {
    expect(table.get('claude-haiku-4-5-20251001')?.id).toBe('claude-haiku-4-5');
    expect(table.get('claude-nonexistent-9')).toBeUndefined();
  });

  it('merges user overrides field by field and adds new models', () => {
    const custom = loadModelTable({
      pricesAsOf: '2027-01-01',
      models: {
        'claude-opus-5-5': { ...table.get('claude-opus-5-5')!, prices: { input: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1, output: 1 } },
        'my-proxy-model': { contextWindow: 8_000, prices: { input: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1, output: 2 } },
      },
    });
    expect(custom.pricesAsOf).toBe('2027-01-01');
    expect(custom.get('claude-opus-5-5')?.prices.output).toBe(1);
    expect(custom.get('claude-opus-5-5')?.contextWindow).toBe(1_000_000);
    expect(custom.get('my-proxy-model')?.contextWindow).toBe(8_000);
    expect(table.get('claude-opus-5-5')?.prices.output).toBe(20);
  });

  it('rejects a bad override with an InputError naming the field', () => {
    const bad = () =>
      loadModelTable({ models: { x: { contextWindow: -1, prices: { input: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1, output: 1 } } } });
    expect(bad).toThrow(InputError);
    expect(bad).toThrow(/models\.x\.contextWindow/);
  });

  it('dates its capabilities and states them per model (thinking, tool choice, sampling, max output)', () => {
    expect(table.capabilitiesAsOf).toBe('2026-11-01');
    expect(table.get('claude-opus-5-5')).toMatchObject({
      family: 'opus-5',
      maxOutputTokens: 128_000,
      acceptsSamplingParams: false,
      acceptsForcedToolChoice: false,
      thinking: { default: 'adaptive', types: ['adaptive', 'disabled'] },
    });
    expect(table.get('claude-haiku-4-5')).toMatchObject({ acceptsForcedToolChoice: true, thinking: { default: 'disabled' } });
    const custom = loadModelTable({ models: { 'claude-haiku-4-5': { maxOutputTokens: 8_000, thinking: { default: 'adaptive', types: ['adaptive'] } } } });
    expect(custom.get('claude-haiku-4-5')).toMatchObject({ maxOutputTokens: 8_000, thinking: { types: ['adaptive'] }, prices: { input: 1 } });
  });

  it('names the rate-limit family of a model, from the table or the id', () => {
    expect(familyOf('claude-opus-4-7', table.get('claude-opus-4-7'))).toBe('opus-4');
    expect(familyOf('claude-haiku-4-5-20251001')).toBe('haiku-4');
    expect(familyOf('claude-mythos-5-2')).toBe('mythos-5');
    expect(familyOf('my-proxy-model')).toBe('my-proxy-model');
  });

  it('sorts model ids (judges too) into priced and unknown', () => {
    expect(checkModelIds(['claude-opus-5-5', 'claude-judge-x', 'claude-opus-5-5', 'claude-haiku-4-5-20251001'], table)).toEqual({
      known: ['claude-haiku-4-5-20251001', 'claude-opus-5-5'],
      unknown: ['claude-judge-x'],
    });
    expect(priceOf(table, 'claude-judge-x')).toBeUndefined();
    expect(priceOf(table, 'claude-opus-5-5')?.prices.output).toBe(20);
  });

  it('counts days until retirement', () => {
    expect(daysUntilRetirement(table.get('claude-sonnet-4-5')!, new Date('2026-11-01T12:00:00Z'))).toBe(29);
    expect(daysUntilRetirement(table.get('claude-opus-5-5')!)).toBeUndefined();
  });
});

describe('costOfUsage', () => {
  const table = loadModelTable();
  const opus = table.get('claude-opus-5-5')!;
  const haiku = table.get('claude-haiku-5-5')!;

  it('prices input and output per million tokens', () => {
    expect(costOfUsage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, opus)).toBeCloseTo(24, 10);
    expect(costOfUsage({ inputTokens: 1000, outputTokens: 500 }, opus)).toBeCloseTo(0.004 + 0.01, 10);
  });

  it('prices cache writes by TTL and cache reads at the read price', () => {
    const usage = {
      inputTokens: 100,
      outputTokens: 0,
      cacheCreationInputTokens: 3000,
      cacheCreation1hInputTokens: 1000,
      cacheReadInputTokens: 10_000,
    };
    const expected = (100 * 4 + 2000 * 5 + 1000 * 8 + 10_000 * 0.2) / 1e6;
    expect(costOfUsage(usage, opus)).toBeCloseTo(expected, 12);
    // Without a TTL split, every write is priced as a 5-minute write.
    expect(costOfUsage({ inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 1e6 }, opus)).toBeCloseTo(5, 10);
  });

  it('switches haiku-5-5 to the long-context tier above 100K total input tokens', () => {
    expect(priceSheetFor(haiku, 100_000).input).toBe(0.1);
    expect(priceSheetFor(haiku, 100_001).input).toBe(0.5);
    // Cache reads count toward the prompt size that picks the tier.
    const usage = { inputTokens: 1000, outputTokens: 1000, cacheReadInputTokens: 100_000 };
    expect(costOfUsage(usage, haiku)).toBeCloseTo((1000 * 0.5 + 100_000 * 0.05 + 1000 * 2.5) / 1e6, 12);
  });

  it('multiplies prices by the modifiers the response reports, when the table knows them', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 0 };
    expect(costOfUsage({ ...usage, inferenceGeo: 'us' }, opus)).toBeCloseTo(4 * 1.1, 10);
    expect(unpricedModifiers({ ...usage, inferenceGeo: 'us' }, opus)).toEqual([]);
    // Fast mode has no multiplier in the shipped table: standard price, reported as unpriced.
    expect(costOfUsage({ ...usage, speed: 'fast' }, opus)).toBeCloseTo(4, 10);
    expect(unpricedModifiers({ ...usage, speed: 'fast' }, opus)).toEqual(['speed: fast']);
    const priced = loadModelTable({ models: { 'claude-opus-5-5': { priceMultipliers: { speed: { fast: 2 }, inferenceGeo: { us: 1.1 } } } } }).get('claude-opus-5-5')!;
    expect(costOfUsage({ ...usage, speed: 'fast', inferenceGeo: 'us' }, priced, { batch: true })).toBeCloseTo((4 * 2 * 1.1) / 2, 10);
  });

  it('halves prices for batch processing', () => {
    const usage = { inputTokens: 2_000_000, outputTokens: 1_000_000 };
    expect(costOfUsage(usage, opus, { batch: true })).toBeCloseTo(costOfUsage(usage, opus) / 2, 12);
  });
});

describe('worstCaseCostUsd', () => {
  const table = loadModelTable();
  const opus = table.get('claude-opus-5-5')!;

  it('raises the estimated input by the tokenizer margin (newer tokenizers count up to ~40% more than chars/4), and takes max_tokens of output', () => {
    // 400 000 characters: estimated at 100 000 tokens, which a newer tokenizer may count as ~140 000.
    const request = { model: 'claude-opus-5-5', messages: [{ role: 'user' as const, content: 'x'.repeat(400_000) }], maxTokens: 1_000 };
    const estimate = estimateInputTokens(request);
    expect(ESTIMATE_MARGIN).toBeGreaterThanOrEqual(1.35);
    const worst = worstCaseCostUsd(request, table);
    expect(worst).toBeCloseTo(costOfUsage({ inputTokens: Math.ceil(estimate * ESTIMATE_MARGIN), outputTokens: 1_000 }, opus), 12);
    expect(worst).toBeGreaterThan(costOfUsage({ inputTokens: estimate, outputTokens: 1_000 }, opus));
    // At least what the input actually counted with ~35% more tokens would cost.
    expect(worst).toBeGreaterThanOrEqual(costOfUsage({ inputTokens: Math.ceil(estimate * 1.35), outputTokens: 1_000 }, opus));
    expect(worstCaseCostUsd({ ...request, model: 'not-in-the-table' }, table)).toBe(0);
  });
});

describe('forecastCost', () => {
  it('sums upper bounds by model, uses expected output when given, and lists unpriced models', () => {
    const table = loadModelTable();
    const forecast = forecastCost(
      [
        { model: 'claude-sonnet-5-5', inputTokens: 1_000_000, maxOutputTokens: 1_000_000 },
        { model: 'claude-sonnet-5-5', inputTokens: 0, maxOutputTokens: 1_000_000, expectedOutputTokens: 100_000 },
        { model: 'claude-haiku-4-5', inputTokens: 1_000_000, maxOutputTokens: 0 },
        { model: 'mystery-model', inputTokens: 5, maxOutputTokens: 5 },
      ],
      table,
    );
    expect(forecast.byModel['claude-sonnet-5-5']).toBeCloseTo(2 + 10 + 1, 10);
    expect(forecast.byModel['claude-haiku-4-5']).toBeCloseTo(1, 10);
    expect(forecast.totalUsd).toBeCloseTo(14, 10);
    expect(forecast.unpricedModels).toEqual(['mystery-model']);
  });

  it('forecasts batch runs at half price, and judge calls as estimates of their own', () => {
    const table = loadModelTable();
    const generator = { model: 'claude-haiku-4-5', inputTokens: 1_000_000, maxOutputTokens: 0 };
    expect(forecastCost([generator], table, { batch: true }).totalUsd).toBeCloseTo(0.5, 10);
    // Two judge calls per sample, run live while the generators go through the batch.
    const judge = { model: 'claude-opus-5-5', inputTokens: 1_000_000, maxOutputTokens: 0, calls: 2, batch: false };
    const forecast = forecastCost([generator, judge], table, { batch: true });
    expect(forecast.byModel).toEqual({ 'claude-haiku-4-5': 0.5, 'claude-opus-5-5': 8 });
  });
});

describe('estimateInputTokens', () => {
  it('counts about four characters per token over system, messages and schema, rounded up', () => {
    expect(estimateInputTokens({ model: 'm', messages: [{ role: 'user', content: 'abcde' }], maxTokens: 1 })).toBe(2);
    const schema = { type: 'object' };
    const withAll = estimateInputTokens({
      model: 'm',
      system: '12345678',
      messages: [
        { role: 'user', content: 'abcd' },
        { role: 'assistant', content: 'efgh' },
      ],
      maxTokens: 1,
      outputSchema: schema,
    });
    expect(withAll).toBe(Math.ceil((8 + 4 + 4 + JSON.stringify(schema).length) / 4));
  });
});
