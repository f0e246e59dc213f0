/**
 * Chaos case generation: every golden case × selected operator × variant, with each variant's
 * randomness seeded from (seed, case id, operator, variant index, field) alone, so adding or
 * removing other cases never changes a case's mutations.
 */
import type { ChaosOrigin, GoldenCase } from '../datasets/types.js';
import { InputError } from '../errors.js';
import type { ChaosConfig } from '../suite.js';
import { makeCanary } from './canary.js';
import { estimateTokensByLength, type ChaosOperator, type OperatorContext } from './operator.js';
import { CHAOS_OPERATORS, getOperator } from './operators/index.js';
import { deriveSeed, Rng } from './random.js';

export interface ChaosGenerationContext {
  /** Context window of the model under test, for the padding operators (default 200 000). */
  contextWindowTokens?: number;
  /** Token estimator (default: about 4 characters per token). */
  estimateTokens?: (text: string) => number;
  /** The suite's seed, used when `config.seed` is not set (default 1). */
  seed?: number;
}

interface Plan {
  operators: readonly ChaosOperator[];
  perCase: number;
  fields: readonly string[] | undefined;
  seed: number;
  operatorContext: OperatorContext;
}

/** All chaos cases for `cases`, in case × operator × variant order. */
export function generateChaosCases(
  cases: readonly GoldenCase[],
  config: ChaosConfig = {},
  ctx: ChaosGenerationContext = {},
): GoldenCase[] {
  return [...iterateChaosCases(cases, config, ctx)];
}

/**
 * The same cases one at a time, so a large dataset × padding operators need not be held in memory.
 * The configuration is validated immediately (not on the first `next()`).
 */
export function iterateChaosCases(
  cases: readonly GoldenCase[],
  config: ChaosConfig = {},
  ctx: ChaosGenerationContext = {},
): Generator<GoldenCase> {
  const plan = planFrom(cases, config, ctx);
  return generate(cases, plan);
}

function* generate(cases: readonly GoldenCase[], plan: Plan): Generator<GoldenCase> {
  for (const source of cases) {
    // Chaos of chaos would double-count one source case in the statistics.
    if (source.chaos) continue;
    const fields = stringFields(source, plan.fields);
    for (const operator of plan.operators) {
      const seen = new Set<string>();
      for (let variant = 0; variant < plan.perCase; variant++) {
        const generated = mutateCase(source, fields, operator, variant, plan);
        if (!generated) continue;
        // Operators that ignore the rng give the same text every variant: keep one.
        const key = generated.chaos?.fields.map((field) => generated.vars[field]).join('\u0000') ?? '';
        if (seen.has(key)) continue;
        seen.add(key);
        yield generated;
      }
    }
  }
}

function mutateCase(
  source: GoldenCase,
  fields: readonly string[],
  operator: ChaosOperator,
  variant: number,
  plan: Plan,
): GoldenCase | undefined {
  const canary = makeCanary(new Rng(deriveSeed(plan.seed, source.id, operator.name, variant, 'canary')));
  const vars: Record<string, unknown> = { ...source.vars };
  const changedFields: string[] = [];
  const ops: string[] = [];
  let planted: string | undefined;
  for (const field of fields) {
    const rng = new Rng(deriveSeed(plan.seed, source.id, operator.name, variant, field));
    const result = operator.apply(source.vars[field] as string, rng, { ...plan.operatorContext, canary, field });
    if (!result.changed) continue;
    vars[field] = result.text;
    changedFields.push(field);
    for (const op of result.ops) ops.push(`${field}: ${op}`);
    planted ??= result.canary;
  }
  if (changedFields.length === 0) return undefined;

  const chaos: ChaosOrigin = {
    sourceCaseId: source.id,
    operators: [operator.name],
    fields: changedFields,
    ops,
    property: operator.property,
  };
  if (planted !== undefined) chaos.canary = planted;
  const generated: GoldenCase = {
    id: plan.perCase > 1 ? `${source.id}~${operator.name}~${variant}` : `${source.id}~${operator.name}`,
    vars,
    tags: uniq([...source.tags, 'chaos', `chaos:${operator.family}`]),
    origin: { ...source.origin },
    chaos,
  };
  if (source.expected !== undefined) generated.expected = source.expected;
  // Per-case checks describe the expected answer, which the chaos case shares with its source.
  if (source.checks !== undefined) generated.checks = source.checks;
  return generated;
}

function stringFields(source: GoldenCase, wanted: readonly string[] | undefined): string[] {
  const names = wanted ?? Object.keys(source.vars);
  return names.filter((name) => typeof source.vars[name] === 'string');
}

function planFrom(cases: readonly GoldenCase[], config: ChaosConfig, ctx: ChaosGenerationContext): Plan {
  const perCase = config.perCase ?? 1;
  if (!Number.isInteger(perCase) || perCase < 1) {
    throw new InputError(`perCase must be a whole number ≥ 1, got ${String(perCase)}`, { field: 'chaos.perCase' }, 'use e.g. `perCase: 3`');
  }
  const seed = config.seed ?? ctx.seed ?? 1;
  if (!Number.isFinite(seed)) {
    throw new InputError(`seed must be a finite number, got ${String(seed)}`, { field: 'chaos.seed' });
  }
  const names = config.operators ?? CHAOS_OPERATORS.map((operator) => operator.name);
  const operators = uniq(names.map((name, index) => getOperator(name, `chaos.operators[${index}]`)));
  const fields = config.fields;
  if (fields !== undefined && cases.length > 0) {
    fields.forEach((field, index) => {
      if (!cases.some((golden) => Object.hasOwn(golden.vars, field))) {
        throw new InputError(
          `no case has a variable named "${field}"`,
          { field: `chaos.fields[${index}]` },
          `variables in the dataset: ${uniq(cases.flatMap((golden) => Object.keys(golden.vars))).join(', ')}`,
        );
      }
    });
  }
  const operatorContext: OperatorContext = { estimateTokens: ctx.estimateTokens ?? estimateTokensByLength };
  if (ctx.contextWindowTokens !== undefined) operatorContext.contextWindowTokens = ctx.contextWindowTokens;
  return { operators, perCase, fields, seed, operatorContext };
}

function uniq<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
