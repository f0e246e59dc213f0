/**
 * A spend ceiling for a run. Before a request is sent, its worst case (when the stack knows how to
 * price one: see `worstCaseUsd`) is held against the ceiling together with what is spent and what
 * the requests in flight hold, so concurrent requests cannot overshoot it together; when it
 * answers, the hold is replaced by what it cost. Without a price for the worst case, only the spend
 * is checked, and requests in flight can overshoot the ceiling by their own cost.
 */
import { ProviderError, type GenerateContext, type Generation, type GenerationRequest, type Provider } from './types.js';

export class CostBudget {
  private spentUsd = 0;
  private heldUsd = 0;

  constructor(readonly maxUsd: number) {
    if (!(maxUsd >= 0)) throw new RangeError(`budget must be a non-negative number of USD, got ${maxUsd}`);
  }

  get spent(): number {
    return this.spentUsd;
  }

  /** What the requests in flight could still cost at most. */
  get held(): number {
    return this.heldUsd;
  }

  /** True once the spend has reached the ceiling: starting another request would exceed it. */
  wouldExceed(): boolean {
    return this.spentUsd >= this.maxUsd;
  }

  /** Holds `usd` for a request about to be sent when it fits beside the spend and the other holds; false when it does not. */
  hold(usd: number): boolean {
    if (this.spentUsd + this.heldUsd + usd > this.maxUsd) return false;
    this.heldUsd += usd;
    return true;
  }

  release(usd: number): void {
    this.heldUsd = Math.max(0, this.heldUsd - usd);
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
export function withBudget(provider: Provider, budget: CostBudget, worstCaseUsd?: (request: GenerationRequest) => number): Provider {
  // The repeats of a case send the same request object one after another: priced once.
  let last: { request: GenerationRequest; usd: number } | undefined;
  const worstOf = (request: GenerationRequest): number => {
    if (!worstCaseUsd) return 0;
    if (last?.request !== request) last = { request, usd: worstCaseUsd(request) };
    return last.usd;
  };
  const wrapped: Provider = {
    id: provider.id,
    async generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
      const worst = worstOf(request);
      if (budget.wouldExceed() || !budget.hold(worst)) {
        const held = budget.held > 0 ? `, ${formatUsd(budget.held)} held by requests in flight` : '';
        const could = worst > 0 ? `; this one could cost up to ${formatUsd(worst)}` : '';
        throw new ProviderError('budget', `budget of ${formatUsd(budget.maxUsd)} reached (${formatUsd(budget.spent)} spent${held}${could}); request not sent`);
      }
      let generation: Generation;
      try {
        generation = await provider.generate(request, context);
      } catch (error) {
        // An answer that was given and billed, then refused (bad_output), is spent all the same.
        const billed = error instanceof ProviderError ? error.generation : undefined;
        if (billed && !billed.cached && billed.costUsd !== undefined) budget.add(billed.costUsd);
        throw error;
      } finally {
        budget.release(worst);
      }
      if (!generation.cached && generation.costUsd !== undefined) budget.add(generation.costUsd);
      return generation;
    },
  };
  if (provider.close) wrapped.close = () => provider.close!();
  return wrapped;
}
