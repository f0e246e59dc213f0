/**
 * A spend ceiling for a run. The check happens before each request is sent, so in-flight
 * requests can overshoot the ceiling by at most their own cost; nothing new starts after it.
 */
import { ProviderError, type GenerateContext, type Generation, type GenerationRequest, type Provider } from './types.js';

export class CostBudget {
  private spentUsd = 0;

  constructor(readonly maxUsd: number) {
    if (!(maxUsd >= 0)) throw new RangeError(`budget must be a non-negative number of USD, got ${maxUsd}`);
  }

  get spent(): number {
    return this.spentUsd;
  }

  /** True once the spend has reached the ceiling: starting another request would exceed it. */
  wouldExceed(): boolean {
    return this.spentUsd >= this.maxUsd;
  }

  add(usd: number): void {
    if (Number.isFinite(usd) && usd > 0) this.spentUsd += usd;
  }
}

export function formatUsd(usd: number): string {
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

/**
 * Wraps a provider so it refuses to send once the budget is spent, and counts what it spends.
 * The refusal is not fatal: the engine records every remaining sample as `skipped: budget` at once
 * (nothing is sent), and `--resume` runs exactly those when there is budget again.
 */
export function withBudget(provider: Provider, budget: CostBudget): Provider {
  const wrapped: Provider = {
    id: provider.id,
    async generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
      if (budget.wouldExceed()) {
        throw new ProviderError(
          'budget',
          `budget of ${formatUsd(budget.maxUsd)} reached (${formatUsd(budget.spent)} spent); request not sent`,
        );
      }
      let generation: Generation;
      try {
        generation = await provider.generate(request, context);
      } catch (error) {
        // An answer that was given and billed, then refused (bad_output), is spent all the same.
        const billed = error instanceof ProviderError ? error.generation : undefined;
        if (billed && !billed.cached && billed.costUsd !== undefined) budget.add(billed.costUsd);
        throw error;
      }
      if (!generation.cached && generation.costUsd !== undefined) budget.add(generation.costUsd);
      return generation;
    },
  };
  if (provider.close) wrapped.close = () => provider.close!();
  return wrapped;
}
