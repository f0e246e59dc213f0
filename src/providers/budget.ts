/**
 * A spend ceiling for a run. Before a request is sent, its worst case (when the stack knows how to
 * price one: see `worstCaseUsd`) is held against the ceiling together with what is spent and what
 * the requests in flight hold, so concurrent requests cannot overshoot it together; when it
 * answers, the hold is replaced by what it cost. A request whose worst case does not fit beside the
 * spend alone is refused; one that does not fit only because of the others' holds waits (first
 * come, first served) until they answer, and is then sent or refused on what they really cost.
 * Without a price for the worst case, only the spend is checked, and requests in flight can
 * overshoot the ceiling by their own cost.
 */
import { ProviderError, type GenerateContext, type Generation, type GenerationRequest, type Provider } from './types.js';

interface Waiter {
  usd: number;
  settle: (held: boolean) => void;
}

export class CostBudget {
  private spentUsd = 0;
  private heldUsd = 0;
  private holds = 0;
  private readonly waiters: Waiter[] = [];

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

  /** Requests waiting for the holds of others to be released. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Whether a request of worst case `usd` can be sent at all: it fits beside the spend alone (others' holds aside). */
  couldFit(usd: number): boolean {
    return !this.wouldExceed() && this.spentUsd + usd <= this.maxUsd;
  }

  /** Holds `usd` for a request about to be sent when it fits beside the spend and the other holds, and no one waits before it; false when it does not. */
  hold(usd: number): boolean {
    if (!this.couldFit(usd)) return false;
    if (usd > 0 && (this.waiters.length > 0 || !this.fitsNow(usd))) return false;
    this.take(usd);
    return true;
  }

  /**
   * Holds `usd` for a request about to be sent: true once it holds, false when it cannot fit
   * beside the spend even alone (the budget is spent for it). When it fits only once other
   * requests' holds are released, waits for them, after the requests that waited before it; an
   * abort of `signal` while waiting rejects with its reason. A worst case of 0 never waits.
   */
  acquire(usd: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (!this.couldFit(usd)) return Promise.resolve(false);
    if (this.hold(usd)) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(abortReason(signal!));
        // It may have been the one the others waited behind.
        this.serveWaiters();
      };
      const waiter: Waiter = {
        usd,
        settle: (held) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(held);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Releases a hold; `costUsd`, what the request really cost, is counted as spent first. */
  release(usd: number, costUsd?: number): void {
    if (costUsd !== undefined) this.countSpend(costUsd);
    this.holds = Math.max(0, this.holds - 1);
    // With no request in flight, nothing is held (not a rounding error's worth that no one will release).
    this.heldUsd = this.holds === 0 ? 0 : Math.max(0, this.heldUsd - usd);
    this.serveWaiters();
  }

  add(usd: number): void {
    this.countSpend(usd);
    // Waiters that no longer fit beside the spend are refused now rather than later.
    this.serveWaiters();
  }

  private take(usd: number): void {
    this.holds += 1;
    this.heldUsd += usd;
  }

  private countSpend(usd: number): void {
    if (Number.isFinite(usd) && usd > 0) this.spentUsd += usd;
  }

  private fitsNow(usd: number): boolean {
    return this.spentUsd + this.heldUsd + usd <= this.maxUsd;
  }

  /** In the order they came: refuses those that cannot fit even alone, holds for those that fit, stops at the first that must still wait. */
  private serveWaiters(): void {
    while (this.waiters.length > 0) {
      const first = this.waiters[0]!;
      if (!this.couldFit(first.usd)) {
        this.waiters.shift();
        first.settle(false);
      } else if (this.fitsNow(first.usd) || this.holds === 0) {
        this.waiters.shift();
        this.take(first.usd);
        first.settle(true);
      } else {
        return;
      }
    }
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
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
      let held = budget.hold(worst);
      if (!held && budget.couldFit(worst)) {
        // It fits, once requests in flight answer: wait for them, with the sample's deadline paused.
        context.deadline?.pause();
        held = await budget.acquire(worst, context.signal);
        if (held) context.deadline?.start();
      }
      if (!held) {
        const could = worst > 0 ? `; this one could cost up to ${formatUsd(worst)}` : '';
        throw new ProviderError('budget', `budget of ${formatUsd(budget.maxUsd)} reached (${formatUsd(budget.spent)} spent${could}); request not sent`);
      }
      let generation: Generation;
      try {
        generation = await provider.generate(request, context);
      } catch (error) {
        budget.release(worst, error instanceof ProviderError ? billedUsd(error) : undefined);
        throw error;
      }
      budget.release(worst, billedUsd(generation));
      return generation;
    },
  };
  if (provider.close) wrapped.close = () => provider.close!();
  return wrapped;
}

/**
 * What an answer cost this run: a live answer's cost, including one given and billed, then refused
 * (bad_output: the error carries it); nothing for a cached answer or an error without one.
 */
export function billedUsd(answer: Generation | ProviderError | undefined): number | undefined {
  const generation = answer instanceof ProviderError ? answer.generation : answer;
  return generation && !generation.cached ? generation.costUsd : undefined;
}
